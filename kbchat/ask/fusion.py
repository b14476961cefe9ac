"""Fusion of the first-stage rankings (BM25 on stems and on 4-grams, soft matching, dense): pure functions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from kbchat.config import FusionWeights


def normalize_max(scores: Mapping[str, float]) -> dict[str, float]:
    """Divide by the best score, so the best is 1 and a zero stays 0 (for BM25)."""
    top = max(scores.values(), default=0.0)
    if top <= 0:
        return {key: 0.0 for key in scores}
    return {key: max(value, 0.0) / top for key, value in scores.items()}


def normalize_minmax(scores: Mapping[str, float]) -> dict[str, float]:
    """Map the scores linearly onto [0, 1]; all-equal scores map to 1."""
    if not scores:
        return {}
    low, high = min(scores.values()), max(scores.values())
    if high - low <= 1e-12:
        return {key: 1.0 for key in scores}
    return {key: (value - low) / (high - low) for key, value in scores.items()}


def convex_fusion(normalized: Sequence[Mapping[str, float]], weights: Sequence[float]) -> list[tuple[str, float]]:
    """Rank ids by the weighted sum of their normalized scores; an id absent from a ranking scores 0 there."""
    fused: dict[str, float] = {}
    for scores, weight in zip(normalized, weights, strict=True):
        if weight:
            for key, value in scores.items():
                fused[key] = fused.get(key, 0.0) + weight * value
    return sorted(fused.items(), key=lambda item: (-item[1], item[0]))


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[str]], weights: Sequence[float], k: int = 60
) -> list[tuple[str, float]]:
    """Weighted reciprocal rank fusion: sum of w / (k + rank) over the rankings."""
    fused: dict[str, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, key in enumerate(ranking, start=1):
            fused[key] = fused.get(key, 0.0) + weight / (k + rank)
    return sorted(fused.items(), key=lambda item: (-item[1], item[0]))


def top_by_group(ranked: Sequence[tuple[str, float]], group_of: Mapping[str, str]) -> list[tuple[str, float]]:
    """Keep the first (best) item of each group, in rank order: chunk ranking to document ranking."""
    seen: set[str] = set()
    out: list[tuple[str, float]] = []
    for key, score in ranked:
        group = group_of[key]
        if group not in seen:
            seen.add(group)
            out.append((group, score))
    return out


def rerank_pool(
    fused: Sequence[tuple[str, float]], rankings: Sequence[Mapping[str, float]], depth: int, each: int
) -> list[tuple[str, float]]:
    """The fused ranking's first depth ids joined by each ranking's best each ids, in fused order."""
    kept = {key for key, _ in fused[:depth]}
    for scores in rankings:
        kept.update(sorted(scores, key=lambda key: (-scores[key], key))[:each])
    return [(key, score) for key, score in fused if key in kept]


def fuse(
    weights: FusionWeights,
    lexical: Mapping[str, float],
    ngrams: Mapping[str, float],
    soft: Mapping[str, float],
    dense: Mapping[str, float],
) -> list[tuple[str, float]]:
    """The four first-stage rankings fused: the BM25s divided by their best, the others mapped onto [0, 1]."""
    return convex_fusion(
        [normalize_max(lexical), normalize_max(ngrams), normalize_minmax(soft), normalize_minmax(dense)],
        [weights.lexical, weights.ngrams, weights.soft, weights.dense],
    )
