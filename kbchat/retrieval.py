"""Hybrid retrieval: French BM25 and dense vectors, fused by a measured weight, then reranked."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from kbchat.acronyms import expand_query_terms
from kbchat.analyzer import QUERY_STOPWORDS, analyze_query
from kbchat.answering import term_matched
from kbchat.chunking import Chunk
from kbchat.embedding import SentenceEmbeddings
from kbchat.fusion import convex_fusion, normalize_max, normalize_minmax
from kbchat.lexical_store import LexicalIndex
from kbchat.profiles import chunk_profile, content_words
from kbchat.reranking import (
    ABSENT_RANK,
    FirstStage,
    LinearRanker,
    candidate_features,
    feature_matrix,
    question_profile,
    softmax,
)
from kbchat.soft_matching import SOFT_FEATURES, WeightedWords, soft_features, weighted_words
from kbchat.vector_store import DenseStore
from kbchat.word_vectors import WordVectors


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with its final, lexical and dense scores."""

    chunk: Chunk
    score: float
    lexical: float
    dense: float


class Retriever:
    """Ranks chunks for a question with BM25, dense similarity, or their fusion reranked."""

    def __init__(
        self,
        chunks: Sequence[Chunk],
        lexical: LexicalIndex,
        dense: DenseStore,
        embeddings: SentenceEmbeddings,
        acronyms: Mapping[str, list[str]],
        dense_weight: float,
        fetch_k: int,
        ranker: LinearRanker | None = None,
        rerank_depth: int = 0,
        word_vectors: WordVectors | None = None,
    ) -> None:
        """Wire the two stores of one snapshot together."""
        self.by_id = {c.chunk_id: c for c in chunks}
        self.lexical = lexical
        self.dense = dense
        self.embeddings = embeddings
        self.acronyms = dict(acronyms)
        self.dense_weight = dense_weight
        self.fetch_k = fetch_k
        self.ranker = ranker
        self.rerank_depth = rerank_depth
        self.word_vectors = word_vectors
        self._passage_words: dict[str, WeightedWords] = {}
        self.topics = list(dict.fromkeys(name for c in chunks for name in (c.title, *c.headings[-1:])))

    def query_terms(self, question: str) -> list[str]:
        """The question's analyzed terms, with acronyms the documents define spelled out."""
        return expand_query_terms(question, analyze_query(question), self.acronyms)

    def lexical_scores(self, terms: Sequence[str]) -> dict[str, float]:
        """The fetch_k best BM25 scores above zero."""
        scores = self.lexical.scores(terms)
        if not len(scores):
            return {}
        top = np.argsort(-scores)[: self.fetch_k]
        return {self.lexical.ids[i]: float(scores[i]) for i in top if scores[i] > 0}

    def dense_scores(self, question: str) -> dict[str, float]:
        """The fetch_k best cosine similarities."""
        if not self.by_id:
            return {}
        vector = self.embeddings.embed_query(question)
        return dict(self.dense.search(vector, min(self.fetch_k, len(self.by_id))))

    def candidates(
        self, question: str
    ) -> tuple[list[tuple[str, float]], dict[str, float], dict[str, float], list[str]]:
        """The fused ranking, the lexical and dense scores behind it, and the question's terms."""
        terms = self.query_terms(question)
        lexical = self.lexical_scores(terms) if self.dense_weight < 1 else {}
        dense = self.dense_scores(question) if self.dense_weight > 0 else {}
        return convex_fusion(lexical, dense, self.dense_weight), lexical, dense, terms

    def feature_rows(
        self,
        question: str,
        terms: list[str],
        head: list[tuple[str, float]],
        lexical: dict[str, float],
        dense: dict[str, float],
    ) -> np.ndarray:
        """The reranking features of the head of the fused ranking, one row per candidate."""
        lexical_norm, dense_norm = normalize_max(lexical), normalize_minmax(dense)
        lexical_rank = {key: rank for rank, key in enumerate(sorted(lexical, key=lambda k: -lexical[k]), start=1)}
        dense_rank = {key: rank for rank, key in enumerate(sorted(dense, key=lambda k: -dense[k]), start=1)}
        top = head[0][1] if head and head[0][1] > 0 else 1.0
        asked = question_profile(question, terms)
        rows = [
            candidate_features(
                asked,
                chunk_profile(self.by_id[key]),
                FirstStage(
                    score / top,
                    lexical_norm.get(key, 0.0),
                    dense.get(key, 0.0),
                    dense_norm.get(key, 0.0),
                    lexical_rank.get(key, ABSENT_RANK),
                    dense_rank.get(key, ABSENT_RANK),
                ),
                self.lexical.idf,
                self.acronyms,
            )
            for key, score in head
        ]
        lexical_rows = np.asarray(rows, dtype=float).reshape(len(rows), -1)
        return feature_matrix(lexical_rows, self.soft_rows(question, [key for key, _ in head]))

    def soft_rows(self, question: str, keys: Sequence[str]) -> np.ndarray:
        """The soft-matching features of each candidate by French word vectors (zeros without them)."""
        rows = np.zeros((len(keys), len(SOFT_FEATURES)))
        word_vectors = self.word_vectors
        if word_vectors is None:
            return rows
        asked = weighted_words(content_words(question, QUERY_STOPWORDS), word_vectors, self.lexical.idf)
        for i, key in enumerate(keys):
            profile = chunk_profile(self.by_id[key])
            # A chunk's words and their IDF weights depend on this snapshot only: worked out once.
            if key not in self._passage_words:
                self._passage_words[key] = weighted_words(profile.content_words, word_vectors, self.lexical.idf)
            spelled_out = [s in self.acronyms and term_matched(s, profile.term_set, self.acronyms) for s in asked.stems]
            rows[i] = soft_features(asked, self._passage_words[key], profile.sentence_columns, spelled_out)
        return rows

    def search(self, question: str, k: int) -> list[Passage]:
        """The k best chunks for the question (dense_weight 0 is BM25 alone, 1 is dense alone, no reranking)."""
        ranked, lexical, dense, terms = self.candidates(question)
        ranked = [(key, score) for key, score in ranked if key in self.by_id]
        if self.ranker is not None and self.rerank_depth > 0 and 0 < self.dense_weight < 1 and ranked:
            head = ranked[: self.rerank_depth]
            probabilities = softmax(self.ranker.score(self.feature_rows(question, terms, head, lexical, dense)))
            reranked = sorted(zip((key for key, _ in head), probabilities.tolist(), strict=True), key=lambda i: -i[1])
            ranked = reranked + [(key, 0.0) for key, _ in ranked[self.rerank_depth :]]
        return [
            Passage(self.by_id[key], score, lexical.get(key, 0.0), dense.get(key, 0.0)) for key, score in ranked[:k]
        ]
