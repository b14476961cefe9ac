"""The reranker's features of a candidate passage for a query: pure functions."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from kbchat.ask.query import Query
from kbchat.ask.soft_matching import SOFT_FEATURES
from kbchat.corpus.profiles import ChunkProfile
from kbchat.text.answer_types import has_answer_type
from kbchat.text.matching import coverage, share, term_matched

ABSENT_RANK = 200
# What the passage and the question share: first-stage scores, words, names, numbers, answer type.
PASSAGE_FEATURES = (
    "fused",
    "lexical",
    "dense",
    "dense_minmax",
    "lexical_rank",
    "dense_rank",
    "best_sentence",
    "best_sentence_pair",
    "term_pairs",
    "question_words",
    "capitalized_words",
    "numbers",
    "answer_type",
    "rarest_term",
    "term_share",
    "word_pairs",
)
SENTENCE_DENSE_FEATURES = ("best_sentence_dense",)
LIST_FEATURES = ("best_sentence_rank",)  # a candidate compared with the others of its list
FEATURES = PASSAGE_FEATURES + SOFT_FEATURES + SENTENCE_DENSE_FEATURES + LIST_FEATURES


@dataclass(frozen=True)
class FirstStage:
    """A candidate's first-stage scores: normalized fused, lexical and dense scores and its two ranks."""

    fused: float
    lexical: float
    dense: float
    dense_minmax: float
    lexical_rank: int
    dense_rank: int


def consecutive_pairs(runs: Sequence[Sequence[str]]) -> list[tuple[str, str]]:
    """The pairs of consecutive items within each run (none across two runs)."""
    return [pair for run in runs for pair in zip(run, run[1:], strict=False)]


def near_pairs(runs: Sequence[Sequence[str]], tokens: Sequence[str], distance: int = 2) -> float:
    """The share of consecutive question terms (within each run) that stand at most distance apart in the tokens."""
    pairs = consecutive_pairs(runs)
    if not pairs:
        return 0.0
    positions: dict[str, list[int]] = defaultdict(list)
    for i, token in enumerate(tokens):
        positions[token].append(i)
    hits = sum(
        any(abs(i - j) <= distance for i in positions.get(a, ()) for j in positions.get(b, ())) for a, b in pairs
    )
    return hits / len(pairs)


def passage_features(
    query: Query,
    chunk: ChunkProfile,
    first: FirstStage,
    idf: Callable[[str], float],
    acronyms: Mapping[str, list[str]],
) -> list[float]:
    """The first-stage and lexical features of one candidate passage, in the order of PASSAGE_FEATURES."""
    terms = query.unique_terms
    usable = chunk.answering(query.asks_list)
    sentence_cover = [
        coverage(terms, s, idf, acronyms) if ok else 0.0 for s, ok in zip(chunk.sentence_terms, usable, strict=True)
    ] or [0.0]
    pair_cover = [
        coverage(terms, a | b, idf, acronyms) if ok and next_ok else 0.0
        for a, b, ok, next_ok in zip(chunk.sentence_terms, chunk.sentence_terms[1:], usable, usable[1:], strict=False)
    ] or sentence_cover
    best = int(np.argmax(sentence_cover))
    best_sentence = chunk.sentences[best] if chunk.sentences else ""
    highest = max((idf(t) for t in terms), default=0.0) or 1.0
    pairs = consecutive_pairs(query.surface_runs)
    # A name counts where the passage holds it, or spells it out when it is an acronym.
    named = [w in chunk.surface or term_matched(w, chunk.term_set, acronyms) for w in query.capitalized]
    return [
        first.fused,
        first.lexical,
        first.dense,
        first.dense_minmax,
        1.0 / first.lexical_rank,
        1.0 / first.dense_rank,
        max(sentence_cover),
        max(pair_cover),
        near_pairs(query.term_runs, chunk.terms),
        share(query.surface, chunk.surface, 0.0),
        sum(named) / len(named) if named else 1.0,
        share(query.numbers, chunk.surface, 1.0),
        float(has_answer_type(best_sentence, query.kind)),
        max((idf(t) for t in terms if t in chunk.term_set), default=0.0) / highest,
        share(terms, chunk.term_set, 0.0),
        sum(f" {a} {b} " in chunk.surface_text for a, b in pairs) / len(pairs) if pairs else 0.0,
    ]


def inverse_rank(values: np.ndarray) -> np.ndarray:
    """1 / the rank of each value among the distinct values, highest first (equal values share a rank)."""
    distinct = -np.unique(values)[::-1]
    return 1.0 / (np.searchsorted(distinct, -values) + 1)


def list_features(passage_rows: np.ndarray) -> np.ndarray:
    """The LIST_FEATURES of candidates given their passage rows: 1 / each one's rank by best-sentence coverage."""
    return inverse_rank(passage_rows[:, PASSAGE_FEATURES.index("best_sentence")])[:, None]


def best_sentence_cosine(
    sentence_vectors: np.ndarray | None, question_vector: np.ndarray | None, usable: Sequence[bool] = ()
) -> float:
    """The highest cosine of the question's unit vector with a passage's usable unit sentence vectors (0 without)."""
    if sentence_vectors is not None and len(usable) == len(sentence_vectors):
        sentence_vectors = sentence_vectors[np.asarray(usable, dtype=bool)]
    if sentence_vectors is None or question_vector is None or not len(sentence_vectors):
        return 0.0
    return float(np.max(sentence_vectors @ question_vector))


def feature_matrix(passage_rows: np.ndarray, soft_rows: np.ndarray, sentence_dense: np.ndarray) -> np.ndarray:
    """The candidates' rows of FEATURES from their passage, soft-matching and sentence-level dense values."""
    return np.hstack([passage_rows, soft_rows, sentence_dense.reshape(-1, 1), list_features(passage_rows)])
