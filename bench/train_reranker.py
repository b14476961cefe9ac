"""Train the linear reranker on PIAF dev: fit on one half of the articles, confirm on the other.

python bench/train_reranker.py [--half 0] [--l2 0.003] [--drop FEATURE ...]... [--write]
Prints hit@1/hit@5/MRR@10 on each half before and after reranking, for the model fitted on --half and for the
model fitted on the other half (the swap), for the --half model without the word vectors and without each --drop
list of features, and with --write saves the --half model to kbchat/reranker.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kbchat.config import PROJECT_ROOT, Settings  # noqa: E402
from kbchat.evaluation import build_squad_index, dev_half, rank_metrics, rank_of, squad_items  # noqa: E402
from kbchat.fusion import top_by_group  # noqa: E402
from kbchat.knowledge_base import open_knowledge_base  # noqa: E402
from kbchat.reranking import FEATURES, RANKER_PATH, LinearRanker  # noqa: E402
from kbchat.soft_matching import SOFT_FEATURES  # noqa: E402

PIAF = PROJECT_ROOT.parent / "shared/benchmarks/piaf/piaf-v1.0-dev.json"


class Question:
    """One question's reranking candidates: ids, sources, first-stage scores, features and labels."""

    def __init__(
        self, half: int, gold: str, ids: list[str], sources: list[str], first: list[float], rows: np.ndarray
    ) -> None:
        """Keep what training and scoring need."""
        self.half, self.gold, self.ids, self.sources = half, gold, ids, sources
        self.first = np.asarray(first)
        self.rows = rows
        self.labels = np.asarray([s == gold for s in sources], dtype=float)

    def rank(self, scores: np.ndarray) -> int | None:
        """The gold paragraph's rank when the candidates are ordered by scores."""
        order = np.argsort(-scores, kind="stable")
        ranked = top_by_group([(self.ids[i], 0.0) for i in order], dict(zip(self.ids, self.sources, strict=True)))
        return rank_of([s for s, _ in ranked], self.gold)


def fit_listwise(questions: Sequence[Question], l2: float, features: Sequence[str] = FEATURES) -> LinearRanker:
    """Fit weights that maximize the softmax probability of the gold candidates (conditional logit, L-BFGS)."""
    import torch

    kept = [q for q in questions if q.labels.any()]
    rows = np.concatenate([q.rows[:, columns(features)] for q in kept])
    mean, scale = rows.mean(axis=0), rows.std(axis=0) + 1e-9
    x = torch.tensor((rows - mean) / scale, dtype=torch.float64)
    labels = torch.tensor(np.concatenate([q.labels for q in kept]), dtype=torch.float64)
    group = torch.tensor(np.concatenate([[n] * len(q.ids) for n, q in enumerate(kept)]))
    weights = torch.zeros(len(features), dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.LBFGS([weights], max_iter=500, line_search_fn="strong_wolfe")

    def loss_fn() -> torch.Tensor:
        optimizer.zero_grad()
        scores = x @ weights
        top = torch.full((len(kept),), -1e30, dtype=torch.float64).scatter_reduce(0, group, scores, reduce="amax")
        exp = torch.exp(scores - top[group])
        total = torch.zeros(len(kept), dtype=torch.float64).index_add(0, group, exp)
        gold = torch.zeros(len(kept), dtype=torch.float64).index_add(0, group, exp * labels)
        loss = -(torch.log(gold) - torch.log(total)).mean() + l2 * (weights**2).sum()
        loss.backward()
        return loss

    optimizer.step(loss_fn)
    values = weights.detach().numpy()
    return LinearRanker(tuple(features), tuple(mean.round(6)), tuple(scale.round(6)), tuple(values.round(6)))


def columns(features: Sequence[str]) -> list[int]:
    """The positions of some features in a row of FEATURES."""
    return [FEATURES.index(f) for f in features]


def report(label: str, questions: Sequence[Question], score: Callable[[Question], np.ndarray]) -> None:
    """Print one line of metrics per half."""
    for half in (0, 1):
        ranks = [q.rank(score(q)) for q in questions if q.half == half]
        print(f"{label:<34} half {half}: {json.dumps(rank_metrics(ranks))}", flush=True)


def main() -> None:
    """Collect candidates once, fit on each half, print both halves, write the chosen model."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--half", type=int, default=0, choices=(0, 1))
    parser.add_argument("--l2", type=float, default=0.003)
    parser.add_argument("--drop", nargs="+", action="append", default=[], choices=FEATURES, metavar="FEATURE")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    settings = Settings.from_env()
    documents, items = squad_items(PIAF)
    half_of = dev_half(items)
    questions: list[Question] = []
    with tempfile.TemporaryDirectory() as tmp:
        # Opened without the reranker's model, which may be stale: only what its features need.
        kb = open_knowledge_base(build_squad_index(documents, settings, Path(tmp)), load_model=False)
        retriever = kb.retriever
        for item in items:
            found = retriever.candidates(item.question)
            head = retriever.pool(found)
            rows = retriever.feature_rows(item.question, found, head)
            sources = [retriever.by_id[key].source for key, _ in head]
            questions.append(
                Question(
                    half_of[(item.source or "")[:5]],
                    item.source or "",
                    [k for k, _ in head],
                    sources,
                    [s for _, s in head],
                    rows,
                )
            )
        kb.close()
    report("fusion, no reranking", questions, lambda q: q.first)
    ablations = {"word vectors": SOFT_FEATURES} | {", ".join(dropped): tuple(dropped) for dropped in args.drop}
    for label, dropped in ablations.items():
        kept = [f for f in FEATURES if f not in dropped]
        reduced, picked = fit_listwise([q for q in questions if q.half == args.half], args.l2, kept), columns(kept)
        report(f"without {label}, half {args.half}", questions, lambda q, m=reduced, c=picked: m.score(q.rows[:, c]))
    models = {half: fit_listwise([q for q in questions if q.half == half], args.l2) for half in (0, 1)}
    for half, model in models.items():
        report(f"reranker fitted on half {half}", questions, lambda q, m=model: m.score(q.rows))
    chosen = models[args.half]
    print(json.dumps(dict(zip(FEATURES, chosen.weights, strict=True))))
    if args.write:
        RANKER_PATH.write_text(json.dumps(chosen.to_json(), indent=1) + "\n", encoding="utf-8")
        print(f"wrote {RANKER_PATH}")


if __name__ == "__main__":
    main()
