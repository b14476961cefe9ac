"""Evaluation: question sets and SQuAD files scored for retrieval, answers, refusals and latency."""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from kbchat.analyzer import fold_accents
from kbchat.answering import citations_grounded
from kbchat.config import Settings
from kbchat.errors import KbchatError
from kbchat.fusion import top_by_group
from kbchat.ingest import sync
from kbchat.knowledge_base import KnowledgeBase, open_knowledge_base

METRIC_KEYS = (
    "questions",
    "hit@1",
    "hit@5",
    "mrr@10",
    "answer_accuracy",
    "refusal_accuracy",
    "false_refusal_rate",
    "p50_ms",
    "p95_ms",
)


@dataclass(frozen=True)
class EvalItem:
    """One question with what a good answer looks like."""

    question: str
    answerable: bool = True
    source: str | None = None
    expect_any: tuple[str, ...] = ()
    expect_all: tuple[str, ...] = ()
    history: tuple[str, ...] = ()


@dataclass(frozen=True)
class ItemResult:
    """What the system did with one EvalItem."""

    item: EvalItem
    ranked_sources: tuple[str, ...]
    answer: str
    answered: bool
    cited_sources: tuple[str, ...]
    latency_ms: float
    grounded: bool = True


def normalize(text: str) -> str:
    """Case- and accent-insensitive form, with typographic apostrophes unified."""
    return " ".join(fold_accents(text.replace("’", "'")).casefold().split())


def answer_correct(answer: str, expect_any: Sequence[str], expect_all: Sequence[str]) -> bool:
    """The answer contains one of expect_any (when given) and all of expect_all."""
    text = normalize(answer)
    any_ok = not expect_any or any(normalize(e) in text for e in expect_any)
    return any_ok and all(normalize(e) in text for e in expect_all)


def source_matches(found: str, expected: str) -> bool:
    """A source path matches an expected file name or relative path."""
    return found == expected or found.rsplit("/", 1)[-1] == expected


def rank_of(ranked: Sequence[str], expected: str, limit: int = 10) -> int | None:
    """1-based rank of the expected source among the first limit, or None."""
    for rank, found in enumerate(ranked[:limit], start=1):
        if source_matches(found, expected):
            return rank
    return None


def dev_half(items: Sequence[EvalItem]) -> dict[str, int]:
    """Article prefix -> half (0 tunes, 1 confirms), alternating over the articles that have questions."""
    articles = sorted({i.source[:5] for i in items if i.source})
    return {a: n % 2 for n, a in enumerate(articles)}


def rank_metrics(ranks: Sequence[int | None]) -> dict[str, float | None]:
    """hit@1, hit@5 and MRR@10 of a list of ranks (None: not in the first 10)."""
    return {
        "hit@1": _mean([1.0 if r == 1 else 0.0 for r in ranks]),
        "hit@5": _mean([1.0 if r is not None and r <= 5 else 0.0 for r in ranks]),
        "mrr@10": _mean([1.0 / r if r else 0.0 for r in ranks]),
    }


def _mean(values: Sequence[float]) -> float | None:
    """Mean, or None for no values."""
    return round(sum(values) / len(values), 4) if values else None


def _percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (nearest rank), or None."""
    if not values:
        return None
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return round(ordered[index], 1)


def summarize(results: Sequence[ItemResult]) -> dict[str, float | int | None]:
    """The metrics of a run; a metric over no items is None."""
    with_source = [r for r in results if r.item.source]
    ranks = [rank_of(r.ranked_sources, r.item.source or "") for r in with_source]
    answerable = [r for r in results if r.item.answerable]
    unanswerable = [r for r in results if not r.item.answerable]
    latencies = [r.latency_ms for r in results]
    return {
        "questions": len(results),
        **rank_metrics(ranks),
        "answer_accuracy": _mean(
            [
                1.0 if r.answered and answer_correct(r.answer, r.item.expect_any, r.item.expect_all) else 0.0
                for r in answerable
            ]
        ),
        "refusal_accuracy": _mean([0.0 if r.answered else 1.0 for r in unanswerable]),
        "false_refusal_rate": _mean([0.0 if r.answered else 1.0 for r in answerable]),
        "p50_ms": _percentile(latencies, 50),
        "p95_ms": _percentile(latencies, 95),
    }


def parse_item(raw: dict) -> EvalItem:
    """An EvalItem from one JSONL object."""
    if not isinstance(raw.get("question"), str):
        raise KbchatError('Every evaluation line needs a "question" string.')
    return EvalItem(
        question=raw["question"],
        answerable=bool(raw.get("answerable", True)),
        source=raw.get("source"),
        expect_any=tuple(raw.get("expect_any") or ()),
        expect_all=tuple(raw.get("expect_all") or ()),
        history=tuple(raw.get("history") or ()),
    )


def read_questions(path: Path) -> list[EvalItem]:
    """Read a JSONL question set."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise KbchatError(f"The question file {path} could not be read ({exc.strerror}).") from exc
    items = []
    for number, line in enumerate(lines, start=1):
        if line.strip():
            try:
                items.append(parse_item(json.loads(line)))
            except json.JSONDecodeError as exc:
                raise KbchatError(f"Line {number} of {path} is not valid JSON.") from exc
    return items


def run_items(kb: KnowledgeBase, items: Iterable[EvalItem]) -> list[ItemResult]:
    """Ask every question and record what came back."""
    results = []
    for item in items:
        start = time.perf_counter()
        answer = kb.ask(item.question, list(item.history))
        elapsed = (time.perf_counter() - start) * 1000
        group_of = {p.chunk.chunk_id: p.chunk.source for p in answer.ranked}
        ranked = tuple(s for s, _ in top_by_group([(p.chunk.chunk_id, p.score) for p in answer.ranked], group_of))
        results.append(
            ItemResult(
                item,
                ranked,
                answer.answer,
                answer.answered,
                tuple(s.source for s in answer.sources),
                elapsed,
                citations_grounded(answer),
            )
        )
    return results


def squad_items(path: Path) -> tuple[dict[str, str], list[EvalItem]]:
    """Documents (file name -> Markdown) and questions of a SQuAD-format file, one document per paragraph."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))["data"]
    except (OSError, ValueError, KeyError) as exc:
        raise KbchatError(f"{path} is not a readable SQuAD-format file.") from exc
    documents: dict[str, str] = {}
    items: list[EvalItem] = []
    for a, article in enumerate(data):
        for p, paragraph in enumerate(article["paragraphs"]):
            name = f"a{a:04d}-p{p:03d}.md"
            documents[name] = f"# {article.get('title', '').replace('_', ' ')}\n\n{paragraph['context']}\n"
            for qa in paragraph["qas"]:
                answers = tuple(dict.fromkeys(a["text"] for a in qa.get("answers", [])))
                items.append(EvalItem(qa["question"], True, name, answers))
    return documents, items


def build_squad_index(documents: dict[str, str], settings: Settings, workdir: Path) -> Settings:
    """Write the paragraphs as documents and index them with the regular ingest; return the settings to ask them."""
    kb_dir, index_dir = workdir / "kb", workdir / "index"
    kb_dir.mkdir(parents=True, exist_ok=True)
    for name, text in documents.items():
        (kb_dir / name).write_text(text, encoding="utf-8")
    squad_settings = settings.with_(kb_dir=kb_dir, index_dir=index_dir)
    sync(squad_settings, show_progress=True)
    return squad_settings


def evaluate_squad(path: Path, settings: Settings, limit: int | None = None) -> list[ItemResult]:
    """Index every paragraph of a SQuAD file in a temporary folder and ask its questions."""
    documents, items = squad_items(path)
    with tempfile.TemporaryDirectory(prefix="kbchat-squad-") as tmp:
        kb = open_knowledge_base(build_squad_index(documents, settings, Path(tmp)))
        try:
            return run_items(kb, items[:limit] if limit else items)
        finally:
            kb.close()


def format_table(metrics: dict[str, float | int | None]) -> str:
    """The metrics as an aligned two-column table."""
    width = max(len(k) for k in METRIC_KEYS)
    rows = [f"{key:<{width}}  {'—' if metrics[key] is None else metrics[key]}" for key in METRIC_KEYS]
    return "\n".join(rows)
