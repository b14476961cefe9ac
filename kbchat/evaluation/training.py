"""The reranker's training: each question's candidates and features, and a listwise fit of the linear model."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from kbchat.ask.features import FEATURES
from kbchat.ask.fusion import top_by_group
from kbchat.ask.reranker import LinearRanker
from kbchat.ask.soft_matching import SOFT_FEATURES
from kbchat.config import Settings
from kbchat.errors import KbchatError
from kbchat.evaluation.datasets import EvalItem, dev_half, half_of
from kbchat.evaluation.metrics import rank_metrics, rank_of
from kbchat.evaluation.runner import squad_knowledge_base
from kbchat.knowledge_base import KnowledgeBase

if TYPE_CHECKING:
    import torch


@dataclass(frozen=True)
class TrainingQuestion:
    """One question's reranking candidates: ids, sources, fused scores, feature rows and which are gold."""

    half: int
    gold: str
    ids: tuple[str, ...]
    sources: tuple[str, ...]
    fused: np.ndarray
    rows: np.ndarray

    @property
    def labels(self) -> np.ndarray:
        """1 for a candidate from the gold document, else 0."""
        return np.asarray([s == self.gold for s in self.sources], dtype=float)

    def rank(self, scores: np.ndarray) -> int | None:
        """The gold document's rank when the candidates are ordered by scores."""
        order = np.argsort(-scores, kind="stable")
        ranked = top_by_group([(self.ids[i], 0.0) for i in order], dict(zip(self.ids, self.sources, strict=True)))
        return rank_of([s for s, _ in ranked], self.gold)


def collect(kb: KnowledgeBase, items: Iterable[EvalItem], halves: dict[str, int]) -> list[TrainingQuestion]:
    """The reranker's pool and features of every question, as the knowledge base would rerank them."""
    retriever, by_id = kb.retriever, kb.indexes.by_id
    questions = []
    for item in items:
        query = retriever.analyze(item.question, item.history)
        rankings = retriever.rankings(query)
        head = retriever.pool(rankings)
        questions.append(
            TrainingQuestion(
                half_of(item, halves) or 0,
                item.source or "",
                tuple(k for k, _ in head),
                tuple(by_id[k].source for k, _ in head),
                np.asarray([s for _, s in head]),
                retriever.features(query, rankings, head),
            )
        )
    return questions


def columns(features: Sequence[str]) -> list[int]:
    """The positions of some features in a row of FEATURES."""
    return [FEATURES.index(f) for f in features]


def listwise_loss(scores: torch.Tensor, labels: torch.Tensor, group: torch.Tensor, count: int) -> torch.Tensor:
    """The mean negative log of the softmax probability of each group's gold rows (groups numbered 0 to count - 1)."""
    import torch

    top = torch.full((count,), -1e30, dtype=scores.dtype).scatter_reduce(0, group, scores, reduce="amax")
    exp = torch.exp(scores - top[group])
    total = torch.zeros(count, dtype=scores.dtype).index_add(0, group, exp)
    gold = torch.zeros(count, dtype=scores.dtype).index_add(0, group, exp * labels)
    return -(torch.log(gold) - torch.log(total)).mean()


@dataclass(frozen=True)
class StandardizedLists:
    """Lists of feature rows stacked and standardized for a listwise fit, with their gold labels and list numbers."""

    x: torch.Tensor
    gold: torch.Tensor
    group: torch.Tensor
    count: int
    mean: np.ndarray
    scale: np.ndarray

    @classmethod
    def of(cls, rows: Sequence[np.ndarray], labels: Sequence[np.ndarray]) -> StandardizedLists:
        """One matrix of rows and one 0/1 vector per list, each list with at least one gold row."""
        import torch

        stacked = np.concatenate(rows)
        mean, scale = stacked.mean(axis=0), stacked.std(axis=0) + 1e-9
        return cls(
            torch.tensor((stacked - mean) / scale, dtype=torch.float64),
            torch.tensor(np.concatenate(labels), dtype=torch.float64),
            torch.tensor(np.concatenate([[n] * len(r) for n, r in enumerate(rows)])),
            len(rows),
            mean,
            scale,
        )

    def standardized(self, rows: np.ndarray) -> torch.Tensor:
        """Other rows, standardized as these were."""
        import torch

        return torch.tensor((rows - self.mean) / self.scale, dtype=torch.float64)

    def loss(self, scores: torch.Tensor) -> torch.Tensor:
        """The listwise loss of one score per stacked row."""
        return listwise_loss(scores, self.gold, self.group, self.count)


def fit_softmax(
    rows: Sequence[np.ndarray], labels: Sequence[np.ndarray], l2: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean, scale and weights of standardized rows that maximize the softmax probability of each list's gold rows.

    rows and labels hold one matrix and one 0/1 vector per list, each list with at least one gold row (L-BFGS).
    """
    import torch

    lists = StandardizedLists.of(rows, labels)
    weights = torch.zeros(lists.x.shape[1], dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.LBFGS([weights], max_iter=500, line_search_fn="strong_wolfe")

    def loss_fn() -> torch.Tensor:
        optimizer.zero_grad()
        loss = lists.loss(lists.x @ weights) + l2 * (weights**2).sum()
        loss.backward()
        return loss

    optimizer.step(loss_fn)
    return lists.mean, lists.scale, weights.detach().numpy()


def fit_listwise(questions: Sequence[TrainingQuestion], l2: float, features: Sequence[str] = FEATURES) -> LinearRanker:
    """Fit weights that maximize the softmax probability of the gold candidates (conditional logit, L-BFGS)."""
    kept = [q for q in questions if q.labels.any()]
    mean, scale, weights = fit_softmax([q.rows[:, columns(features)] for q in kept], [q.labels for q in kept], l2)
    return LinearRanker(tuple(features), tuple(mean.round(6)), tuple(scale.round(6)), tuple(weights.round(6)))


def half_metrics(
    questions: Sequence[TrainingQuestion], score: Callable[[TrainingQuestion], np.ndarray], half: int
) -> dict[str, float | None]:
    """hit@1, hit@5 and MRR@10 of one half when each question's candidates are ordered by score."""
    return rank_metrics([q.rank(score(q)) for q in questions if q.half == half])


def write_ranker(ranker: LinearRanker, path: Path) -> None:
    """Save a ranker where load_ranker reads it."""
    path.write_text(json.dumps(ranker.to_json(), indent=1) + "\n", encoding="utf-8")


def train(
    path: Path, settings: Settings, half: int, l2: float, drops: Sequence[Sequence[str]], out: Path | None
) -> Iterator[str]:
    """Fit the reranker on one half of a SQuAD file's articles and yield both halves' figures; out saves the model.

    Also fitted: on the other half (the swap), without the word-vector features, and without each list of drops.
    """
    unknown = sorted({f for dropped in drops for f in dropped} - set(FEATURES))
    if unknown:
        raise KbchatError(f"Unknown reranker features: {', '.join(unknown)} (known: {', '.join(FEATURES)}).")
    # Opened without the reranker's model, which may be stale: only what its features need.
    with squad_knowledge_base(path, settings, load_model=False) as (kb, _, items):
        questions = collect(kb, items, dev_half(items))

    def lines(label: str, score: Callable[[TrainingQuestion], np.ndarray]) -> Iterator[str]:
        for h in (0, 1):
            yield f"{label:<34} half {h}: {json.dumps(half_metrics(questions, score, h))}"

    yield from lines("fusion, no reranking", lambda q: q.fused)
    fitted_half = [q for q in questions if q.half == half]
    for label, dropped in {"word vectors": SOFT_FEATURES, **{", ".join(d): tuple(d) for d in drops}}.items():
        kept = [f for f in FEATURES if f not in dropped]
        model, picked = fit_listwise(fitted_half, l2, kept), columns(kept)
        yield from lines(f"without {label}, half {half}", lambda q, m=model, c=picked: m.score(q.rows[:, c]))
    models = {h: fit_listwise([q for q in questions if q.half == h], l2) for h in (0, 1)}
    for h, model in models.items():
        yield from lines(f"reranker fitted on half {h}", lambda q, m=model: m.score(q.rows))
    yield json.dumps(dict(zip(FEATURES, models[half].weights, strict=True)))
    if out is not None:
        write_ranker(models[half], out)
        yield f"wrote {out}"
