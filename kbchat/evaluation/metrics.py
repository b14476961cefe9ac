"""Metrics of an evaluation run: answer correctness, ranks, hit@k, MRR, refusals and latency. Pure functions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kbchat.evaluation.datasets import EvalItem
from kbchat.text.analyzer import fold_accents

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


def format_table(metrics: dict[str, float | int | None]) -> str:
    """The metrics as an aligned two-column table."""
    width = max(len(k) for k in METRIC_KEYS)
    rows = [f"{key:<{width}}  {'—' if metrics[key] is None else metrics[key]}" for key in METRIC_KEYS]
    return "\n".join(rows)
