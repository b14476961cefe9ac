"""A cheap reranking stage: a linear model over lexical, dense, word-vector and sentence-level features."""

from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from collections.abc import Callable, Collection, Container, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kbchat.analyzer import QUERY_STOPWORDS, char_ngrams, fold_accents
from kbchat.answering import coverage, has_answer_type, question_type, term_matched
from kbchat.errors import KbchatError
from kbchat.profiles import ChunkProfile, surface_words
from kbchat.soft_matching import SOFT_FEATURES

RANKER_PATH = Path(__file__).resolve().parent / "reranker.json"
ABSENT_RANK = 200
NGRAM_MIN_LENGTH = 4  # shorter question words are mostly function words
LEXICAL_FEATURES = (
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
    "character_ngrams",
)
SENTENCE_DENSE_FEATURES = ("best_sentence_dense",)
LIST_FEATURES = ("best_sentence_rank",)  # a candidate compared with the others of its list
FEATURES = LEXICAL_FEATURES + SOFT_FEATURES + SENTENCE_DENSE_FEATURES + LIST_FEATURES
_CAPITALIZED = re.compile(r"(?<!^)\b[A-ZÀ-ÖØ-Þ][\w-]+")
_NUMBER = re.compile(r"\d+")


@dataclass(frozen=True)
class QuestionProfile:
    """What the features need of a question."""

    terms: tuple[str, ...]
    unique_terms: tuple[str, ...]
    surface: tuple[str, ...]
    capitalized: tuple[str, ...]
    numbers: tuple[str, ...]
    kind: str | None
    char_ngrams: frozenset[str]


@dataclass(frozen=True)
class FirstStage:
    """A candidate's first-stage scores: normalized fused, lexical and dense scores and its two ranks."""

    fused: float
    lexical: float
    dense: float
    dense_minmax: float
    lexical_rank: int
    dense_rank: int


def question_profile(question: str, terms: Sequence[str]) -> QuestionProfile:
    """The question's terms, content words, capitalized words, numbers, answer type and character n-grams."""
    surface = surface_words(question)
    return QuestionProfile(
        tuple(terms),
        tuple(dict.fromkeys(terms)),
        tuple(w for w in surface if w not in QUERY_STOPWORDS),
        tuple(fold_accents(w.lower()) for w in _CAPITALIZED.findall(question)),
        tuple(_NUMBER.findall(question)),
        question_type(question),
        char_ngrams(w for w in surface if len(w) >= NGRAM_MIN_LENGTH),
    )


def share(wanted: Collection[str], present: Container[str], default: float) -> float:
    """The share of wanted items that are present, or default when nothing is wanted."""
    return sum(w in present for w in wanted) / len(wanted) if wanted else default


def near_pairs(terms: Sequence[str], tokens: Sequence[str], distance: int = 2) -> float:
    """The share of consecutive question terms that stand at most distance apart in the tokens."""
    if len(terms) < 2:
        return 0.0
    positions: dict[str, list[int]] = defaultdict(list)
    for i, token in enumerate(tokens):
        positions[token].append(i)
    hits = sum(
        any(abs(i - j) <= distance for i in positions.get(a, ()) for j in positions.get(b, ()))
        for a, b in zip(terms, terms[1:], strict=False)
    )
    return hits / (len(terms) - 1)


def candidate_features(
    question: QuestionProfile,
    chunk: ChunkProfile,
    first: FirstStage,
    idf: Callable[[str], float],
    acronyms: Mapping[str, list[str]],
) -> list[float]:
    """The lexical and first-stage features of one candidate, in the order of LEXICAL_FEATURES."""
    terms = question.unique_terms
    sentence_cover = [coverage(terms, s, idf, acronyms) for s in chunk.sentence_terms] or [0.0]
    pair_cover = [
        coverage(terms, a | b, idf, acronyms)
        for a, b in zip(chunk.sentence_terms, chunk.sentence_terms[1:], strict=False)
    ] or sentence_cover
    best = int(np.argmax(sentence_cover))
    best_sentence = chunk.sentences[best] if chunk.sentences else ""
    highest = max((idf(t) for t in terms), default=0.0) or 1.0
    pairs = list(zip(question.surface, question.surface[1:], strict=False))
    # A name counts where the passage holds it, or spells it out when it is an acronym.
    named = [w in chunk.surface or term_matched(w, chunk.term_set, acronyms) for w in question.capitalized]
    return [
        first.fused,
        first.lexical,
        first.dense,
        first.dense_minmax,
        1.0 / first.lexical_rank,
        1.0 / first.dense_rank,
        max(sentence_cover),
        max(pair_cover),
        near_pairs(question.terms, chunk.terms),
        share(question.surface, chunk.surface, 0.0),
        sum(named) / len(named) if named else 1.0,
        share(question.numbers, chunk.surface, 1.0),
        float(has_answer_type(best_sentence, question.kind)),
        max((idf(t) for t in terms if t in chunk.term_set), default=0.0) / highest,
        share(terms, chunk.term_set, 0.0),
        sum(f" {a} {b} " in chunk.surface_text for a, b in pairs) / len(pairs) if pairs else 0.0,
        share(question.char_ngrams, chunk.char_ngrams, 0.0),
    ]


def inverse_rank(values: np.ndarray) -> np.ndarray:
    """1 / the rank of each value among the distinct values, highest first (equal values share a rank)."""
    distinct = -np.unique(values)[::-1]
    return 1.0 / (np.searchsorted(distinct, -values) + 1)


def list_features(lexical_rows: np.ndarray) -> np.ndarray:
    """The LIST_FEATURES of candidates given their lexical rows: 1 / each one's rank by best-sentence coverage."""
    return inverse_rank(lexical_rows[:, LEXICAL_FEATURES.index("best_sentence")])[:, None]


def best_sentence_cosine(sentence_vectors: np.ndarray | None, question_vector: np.ndarray | None) -> float:
    """The highest cosine of the question's unit vector with a passage's unit sentence vectors (0 without them)."""
    if sentence_vectors is None or question_vector is None or not len(sentence_vectors):
        return 0.0
    return float(np.max(sentence_vectors @ question_vector))


def feature_matrix(lexical_rows: np.ndarray, soft_rows: np.ndarray, sentence_dense: np.ndarray) -> np.ndarray:
    """The candidates' rows of FEATURES from their lexical, soft-matching and sentence-level dense values."""
    return np.hstack([lexical_rows, soft_rows, sentence_dense.reshape(-1, 1), list_features(lexical_rows)])


@dataclass(frozen=True)
class LinearRanker:
    """Standardized features times weights: the reranker's whole model."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]

    def score(self, rows: np.ndarray) -> np.ndarray:
        """One score per row of features."""
        if not len(rows):
            return np.zeros(0)
        return ((rows - np.asarray(self.mean)) / np.asarray(self.scale)) @ np.asarray(self.weights)

    def to_json(self) -> dict[str, object]:
        """The model as JSON-ready data."""
        return {"features": self.features, "mean": self.mean, "scale": self.scale, "weights": self.weights}


def softmax(scores: np.ndarray) -> np.ndarray:
    """Scores as probabilities that sum to one."""
    if not len(scores):
        return scores
    exp = np.exp(scores - scores.max())
    return exp / exp.sum()


def load_ranker(path: Path = RANKER_PATH) -> LinearRanker:
    """Read a ranker written by bench/train_reranker.py; raise KbchatError when it does not fit FEATURES."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        ranker = LinearRanker(*(tuple(raw[key]) for key in ("features", "mean", "scale", "weights")))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise KbchatError(f"Le modèle de reclassement {path} est illisible.") from exc
    lengths = {len(ranker.mean), len(ranker.scale), len(ranker.weights)}
    usable = all(math.isfinite(w) for w in ranker.weights) and all(s > 0 for s in ranker.scale)
    if ranker.features != FEATURES or lengths != {len(FEATURES)} or not usable:
        raise KbchatError(f"Le modèle de reclassement {path} ne correspond pas à cette version de kbchat.")
    return ranker
