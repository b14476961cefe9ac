"""The reranking stage: the pool of candidates, their feature rows, and the reranked order."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from kbchat.ask.features import (
    ABSENT_RANK,
    FirstStage,
    best_sentence_cosine,
    feature_matrix,
    passage_features,
)
from kbchat.ask.first_stage import FirstStageRankings
from kbchat.ask.fusion import normalize_max, normalize_minmax
from kbchat.ask.indexes import Indexes
from kbchat.ask.query import Query
from kbchat.ask.reranker import LinearRanker, softmax
from kbchat.ask.soft_matching import SOFT_FEATURES, soft_features
from kbchat.text.matching import term_matched


def _ranks(scores: Mapping[str, float]) -> dict[str, int]:
    """Each id's 1-based rank by score."""
    return {key: rank for rank, key in enumerate(sorted(scores, key=lambda k: -scores[k]), start=1)}


def feature_rows(
    indexes: Indexes,
    query: Query,
    rankings: FirstStageRankings,
    head: list[tuple[str, float]],
    acronyms: Mapping[str, list[str]],
    sentence_vectors: bool = True,
) -> np.ndarray:
    """The reranking features of the candidates in head (chunk id, fused score), one row per candidate."""
    lexical, dense = rankings.lexical, rankings.dense
    lexical_norm, dense_norm = normalize_max(lexical), normalize_minmax(dense)
    lexical_rank, dense_rank = _ranks(lexical), _ranks(dense)
    top = head[0][1] if head and head[0][1] > 0 else 1.0
    rows = [
        passage_features(
            query,
            indexes.profile(key),
            FirstStage(
                score / top,
                lexical_norm.get(key, 0.0),
                dense.get(key, 0.0),
                dense_norm.get(key, 0.0),
                lexical_rank.get(key, ABSENT_RANK),
                dense_rank.get(key, ABSENT_RANK),
            ),
            indexes.lexical.idf,
            acronyms,
        )
        for key, score in head
    ]
    passage_rows = np.asarray(rows, dtype=float).reshape(len(rows), -1)
    keys = [key for key, _ in head]
    vectors = indexes.sentence_vectors if sentence_vectors else {}
    sentence_dense = np.asarray(
        [
            best_sentence_cosine(vectors.get(k), query.vector, indexes.profile(k).answering(query.asks_list))
            for k in keys
        ]
    )
    return feature_matrix(passage_rows, soft_rows(indexes, query, keys, acronyms), sentence_dense)


def soft_rows(indexes: Indexes, query: Query, keys: Sequence[str], acronyms: Mapping[str, list[str]]) -> np.ndarray:
    """The soft-matching features of each candidate by French word vectors (zeros without them)."""
    rows = np.zeros((len(keys), len(SOFT_FEATURES)))
    asked = query.weighted_words
    if asked is None:
        return rows
    for i, key in enumerate(keys):
        passage = indexes.words_of(key)
        if passage is None:
            continue
        profile = indexes.profile(key)
        spelled_out = [s in acronyms and term_matched(s, profile.term_set, acronyms) for s in asked.stems]
        usable = profile.answering(query.asks_list)
        columns = [c for c, ok in zip(profile.sentence_columns, usable, strict=True) if ok]
        rows[i] = soft_features(asked, passage, columns, spelled_out)
    return rows


def rerank(ranker: LinearRanker, rows: np.ndarray, head: list[tuple[str, float]]) -> list[tuple[str, float]]:
    """The candidates in head by the reranker's probability, best first."""
    probabilities = softmax(ranker.score(rows))
    return sorted(zip((key for key, _ in head), probabilities.tolist(), strict=True), key=lambda i: -i[1])
