"""Metrics of an evaluation run: answer correctness, ranks, hit@k, MRR, refusals and latency. Pure functions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kbchat.evaluation.datasets import EvalItem
from kbchat.text.analyzer import analyze, fold_accents

METRIC_KEYS = (
    "questions",
    "hit@1",
    "hit@5",
    "mrr@10",
    "answer_accuracy",
    "answer_precision",
    "first_sentence_accuracy",
    "answer_token_recall",
    "refusal_accuracy",
    "false_refusal_rate",
    "handled_right",
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
    quotes: tuple[tuple[str, str], ...] = ()  # (source, quoted piece), in the answer's order

    @property
    def correct(self) -> bool:
        """Answered and containing the expected text (for an answerable item)."""
        return self.answered and answer_correct(self.answer, self.item.expect_any, self.item.expect_all)

    @property
    def handled_right(self) -> bool:
        """Answered right when answerable, refused when not."""
        return self.correct if self.item.answerable else not self.answered


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


def token_recall(answer: str, expected: Sequence[str]) -> float:
    """The best share, over the expected answers, of an expected answer's content words that the answer holds."""
    found = set(analyze(answer))
    shares = [sum(t in found for t in terms) / len(terms) for terms in (analyze(e) for e in expected) if terms]
    return max(shares, default=0.0)


def precision(quotes: Sequence[tuple[str, str]], expected: str) -> float:
    """The share of quoted pieces taken from the expected source."""
    return sum(source_matches(source, expected) for source, _ in quotes) / len(quotes) if quotes else 0.0


def summarize(results: Sequence[ItemResult]) -> dict[str, float | int | None]:
    """The metrics of a run; a metric over no items is None.

    answer_precision counts, over answered items with a source, the quoted pieces taken from it;
    first_sentence_accuracy asks the first quoted piece alone to hold the expected text; answer_token_recall is the
    share of the expected answer's content words found in the answer (0 for a refusal).
    """
    with_source = [r for r in results if r.item.source]
    ranks = [rank_of(r.ranked_sources, r.item.source or "") for r in with_source]
    answerable = [r for r in results if r.item.answerable]
    unanswerable = [r for r in results if not r.item.answerable]
    expected = [r for r in answerable if r.item.expect_any or r.item.expect_all]
    latencies = [r.latency_ms for r in results]
    return {
        "questions": len(results),
        **rank_metrics(ranks),
        "answer_accuracy": _mean([float(r.correct) for r in answerable]),
        "answer_precision": _mean(
            [precision(r.quotes, r.item.source or "") for r in answerable if r.answered and r.item.source]
        ),
        "first_sentence_accuracy": _mean(
            [
                float(
                    r.answered
                    and bool(r.quotes)
                    and answer_correct(r.quotes[0][1], r.item.expect_any, r.item.expect_all)
                )
                for r in expected
            ]
        ),
        "answer_token_recall": _mean(
            [token_recall(r.answer, (*r.item.expect_any, *r.item.expect_all)) if r.answered else 0.0 for r in expected]
        ),
        "refusal_accuracy": _mean([0.0 if r.answered else 1.0 for r in unanswerable]),
        "false_refusal_rate": _mean([0.0 if r.answered else 1.0 for r in answerable]),
        "handled_right": _mean([float(r.handled_right) for r in results]),
        "p50_ms": _percentile(latencies, 50),
        "p95_ms": _percentile(latencies, 95),
    }


def by_category(results: Sequence[ItemResult]) -> dict[str, dict[str, float | int | None]]:
    """The metrics of each class of items (items without a class are left out)."""
    categories = sorted({r.item.category for r in results if r.item.category})
    return {c: summarize([r for r in results if r.item.category == c]) for c in categories}


def format_table(metrics: dict[str, float | int | None]) -> str:
    """The metrics as an aligned two-column table."""
    width = max(len(k) for k in METRIC_KEYS)
    rows = [f"{key:<{width}}  {'—' if metrics[key] is None else metrics[key]}" for key in METRIC_KEYS]
    return "\n".join(rows)
