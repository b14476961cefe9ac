"""Soft term matching: how well a passage covers a question when similar words count, not only equal stems."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from kbchat.corpus.word_layout import WordLayout, word_layout
from kbchat.index.word_vectors import WordVectors
from kbchat.text.analyzer import stem

STRONG_SIMILARITY = 0.5
SOFT_FEATURES = ("soft_coverage", "mean_vector_cosine", "soft_best_sentence", "strong_coverage")


@dataclass(frozen=True)
class WeightedWords:
    """Distinct words as stems, IDF weights, unit vectors, and the weighted mean of those vectors."""

    stems: tuple[str, ...]
    weights: np.ndarray
    vectors: np.ndarray
    mean: np.ndarray


def weighted_words(
    words: Sequence[str], word_vectors: WordVectors, idf: Callable[[str], float], boost: Sequence[float] = ()
) -> WeightedWords:
    """Look up the words' vectors and weigh each by the IDF of its stem, times its boost when given."""
    stems = tuple(stem(w) for w in words)
    weights = np.array([idf(s) for s in stems], dtype=float)
    if len(boost):
        weights = weights * np.asarray(boost, dtype=float)
    vectors = word_vectors.vectors(words)
    return WeightedWords(stems, weights, vectors, mean_vector(vectors, weights))


def mean_vector(vectors: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """The weighted mean of the vectors, scaled to unit length (zero stays zero)."""
    mean = (weights[:, None] * vectors).sum(axis=0) if len(vectors) else np.zeros(vectors.shape[-1])
    norm = float(np.linalg.norm(mean))
    return mean / norm if norm > 0 else mean


def term_similarity(question: WeightedWords, passage: WeightedWords) -> np.ndarray:
    """Cosine of every question word with every passage word, clipped to [0, 1]; words with the same stem score 1."""
    shape = (len(question.stems), len(passage.stems))
    similarity = np.clip(question.vectors @ passage.vectors.T, 0.0, 1.0) if all(shape) else np.zeros(shape)
    same = np.asarray(question.stems, dtype=object)[:, None] == np.asarray(passage.stems, dtype=object)[None, :]
    return np.where(same.reshape(shape), 1.0, similarity)


def soft_coverage(best: np.ndarray, weights: np.ndarray, floor: float = 0.0) -> float:
    """The weighted mean of each question word's best similarity, counting only similarities at or above floor."""
    total = float(weights.sum())
    if total <= 0:
        return 0.0
    return float((weights * np.where(best >= floor, best, 0.0)).sum() / total)


def sentence_coverage(similarity: np.ndarray, weights: np.ndarray, sentences: Sequence[Sequence[int]]) -> list[float]:
    """The soft coverage of the question by each sentence, given by its columns (0 for a sentence without any)."""
    return [
        soft_coverage(similarity[:, list(columns)].max(axis=1), weights) if len(columns) and similarity.size else 0.0
        for columns in sentences
    ]


def soft_features(
    question: WeightedWords,
    passage: WeightedWords,
    sentences: Sequence[Sequence[int]],
    spelled_out: Sequence[bool] = (),
) -> list[float]:
    """The SOFT_FEATURES of a passage whose sentences are given by their columns (positions in passage's words).

    Soft coverage overall, by mean vectors, in the best sentence, and counting strong similarities only.
    spelled_out marks question words the passage holds in another form (an acronym's
    expansion): they count as present in every sentence.
    """
    similarity = term_similarity(question, passage)
    if len(spelled_out) and similarity.size:
        similarity[np.asarray(spelled_out, dtype=bool)] = 1.0
    if not similarity.size:
        return [0.0] * len(SOFT_FEATURES)
    best = similarity.max(axis=1)
    return [
        soft_coverage(best, question.weights),
        float(question.mean @ passage.mean),
        max(sentence_coverage(similarity, question.weights, sentences), default=0.0),
        soft_coverage(best, question.weights, STRONG_SIMILARITY),
    ]


@dataclass(frozen=True)
class SoftIndex:
    """Every chunk's distinct words as columns of one vocabulary, to score the soft coverage of all chunks at once.

    columns lists each chunk's vocabulary rows, chunk after chunk, from starts; a chunk without words points at
    the last row, a zero vector with no stem.
    """

    vectors: np.ndarray
    stem_ids: np.ndarray
    stem_index: dict[str, int]
    columns: np.ndarray
    starts: np.ndarray

    @classmethod
    def build(cls, chunk_words: Sequence[Sequence[str]], word_vectors: WordVectors) -> SoftIndex:
        """Index the content words of each chunk."""
        return cls.from_layout(word_layout(chunk_words), word_vectors)

    @classmethod
    def from_layout(cls, layout: WordLayout, word_vectors: WordVectors) -> SoftIndex:
        """Index chunks laid out by word_layout (at ingest, or now)."""
        stem_index: dict[str, int] = {}
        stem_ids = [stem_index.setdefault(stem(w), len(stem_index)) for w in layout.vocabulary]
        vectors = np.vstack([word_vectors.vectors(layout.vocabulary), np.zeros((1, word_vectors.table.shape[1]))])
        return cls(vectors.astype(np.float32), np.asarray([*stem_ids, -1]), stem_index, layout.columns, layout.starts)

    def coverages(self, question: WeightedWords, rows: np.ndarray | None = None) -> np.ndarray:
        """The soft coverage of the question (soft_coverage of the best similarities) of each chunk, or of rows only.

        Restricted to rows, the work grows with their words, not with the base.
        """
        count = len(self.starts) if rows is None else len(rows)
        total = float(question.weights.sum())
        if not count or not len(question.stems) or total <= 0:
            return np.zeros(count)
        columns, starts = self.columns, self.starts
        if rows is not None:
            ends = np.append(self.starts[1:], len(self.columns))[rows]
            lengths = ends - self.starts[rows]
            columns = np.concatenate([self.columns[a:b] for a, b in zip(self.starts[rows], ends, strict=True)])
            starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        used = np.unique(columns)
        similarity = np.clip(question.vectors @ self.vectors[used].T, 0.0, 1.0)
        asked = np.asarray([self.stem_index.get(s, -2) for s in question.stems])
        similarity[asked[:, None] == self.stem_ids[used][None, :]] = 1.0
        best = np.maximum.reduceat(similarity[:, np.searchsorted(used, columns)], starts, axis=1)
        return question.weights @ best / total
