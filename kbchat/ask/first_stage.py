"""The first stage: BM25 on stems, BM25 on 4-grams, soft matching and dense similarity, each ranking, then fused."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from kbchat.ask.fusion import fuse
from kbchat.ask.indexes import Indexes
from kbchat.ask.query import Query
from kbchat.config import RetrievalConfig


@dataclass(frozen=True)
class FirstStageRankings:
    """A query's four first-stage rankings (chunk id -> score, the k best of each) and their fusion."""

    fused: list[tuple[str, float]]
    lexical: dict[str, float]
    ngrams: dict[str, float]
    soft: dict[str, float]
    dense: dict[str, float]

    @property
    def each(self) -> list[dict[str, float]]:
        """The four rankings, in the fusion's order."""
        return [self.lexical, self.ngrams, self.soft, self.dense]


def best_scores(scores: np.ndarray, ids: list[str], k: int) -> dict[str, float]:
    """The k best scores above zero of an array in the order of ids."""
    top = np.argsort(-scores)[:k]
    return {ids[i]: float(scores[i]) for i in top if scores[i] > 0}


def soft_ranking(indexes: Indexes, query: Query, k: int, found: Iterable[str] | None) -> dict[str, float]:
    """The k best soft coverages: of the chunks found by the other rankings, or of every chunk when found is None.

    Restricted to what the others found, soft matching rescores: its cost does not grow with the base.
    """
    if indexes.soft_index is None or query.weighted_words is None:
        return {}
    ids = indexes.lexical.ids
    if found is None:
        return best_scores(indexes.soft_index.coverages(query.weighted_words), ids, k)
    rows = np.asarray(sorted({indexes.rows[key] for key in found}), dtype=np.int64)
    return best_scores(indexes.soft_index.coverages(query.weighted_words, rows), [ids[i] for i in rows], k)


def rank_first_stage(indexes: Indexes, query: Query, config: RetrievalConfig) -> FirstStageRankings:
    """The query's first-stage rankings that have weight, and their fusion."""
    weights, k, ids = config.weights, config.first_stage_k, indexes.lexical.ids
    lexical = best_scores(indexes.lexical.scores(query.terms), ids, k) if weights.lexical > 0 else {}
    dense: dict[str, float] = {}
    if query.vector is not None and indexes.by_id:
        dense = dict(indexes.dense.search(query.vector.tolist(), min(k, len(indexes.by_id))))
    ngrams = best_scores(indexes.ngrams.scores(query.ngrams), ids, k) if weights.ngrams > 0 else {}
    soft: dict[str, float] = {}
    if weights.soft > 0:
        soft = soft_ranking(indexes, query, k, None if config.soft_every_chunk else (*lexical, *ngrams, *dense))
    return FirstStageRankings(fuse(weights, lexical, ngrams, soft, dense), lexical, ngrams, soft, dense)
