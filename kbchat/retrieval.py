"""Hybrid retrieval: French BM25 on stems and on 4-grams, soft matching and dense vectors, fused, then reranked."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from kbchat.acronyms import expand_query_terms
from kbchat.analyzer import QUERY_STOPWORDS, analyze_query, ngram_terms
from kbchat.answering import term_matched
from kbchat.chunking import Chunk
from kbchat.embedding import SentenceEmbeddings
from kbchat.fusion import candidate_pool, convex_fusion, normalize_max, normalize_minmax
from kbchat.lexical_store import LexicalIndex
from kbchat.profiles import chunk_profile, content_words
from kbchat.reranking import (
    ABSENT_RANK,
    FirstStage,
    LinearRanker,
    best_sentence_cosine,
    candidate_features,
    feature_matrix,
    question_profile,
    softmax,
)
from kbchat.soft_matching import SOFT_FEATURES, SoftIndex, WeightedWords, soft_features, weighted_words
from kbchat.vector_store import DenseStore
from kbchat.word_vectors import WordVectors


@dataclass(frozen=True)
class FusionWeights:
    """The first stage's weights of dense similarity, 4-gram BM25 and soft matching; BM25 on stems gets the rest."""

    dense: float
    ngrams: float = 0.0
    soft: float = 0.0

    @property
    def lexical(self) -> float:
        """The weight of BM25 on stems."""
        return 1.0 - self.dense - self.ngrams - self.soft

    def fuse(
        self,
        lexical: Mapping[str, float],
        ngrams: Mapping[str, float],
        soft: Mapping[str, float],
        dense: Mapping[str, float],
    ) -> list[tuple[str, float]]:
        """The four rankings' scores fused: the BM25s divided by their best, the others mapped onto [0, 1]."""
        return convex_fusion(
            [normalize_max(lexical), normalize_max(ngrams), normalize_minmax(soft), normalize_minmax(dense)],
            [self.lexical, self.ngrams, self.soft, self.dense],
        )


@dataclass(frozen=True)
class Candidates:
    """A question's four first-stage rankings and their fusion, its analyzed terms and its unit vector."""

    fused: list[tuple[str, float]]
    lexical: dict[str, float]
    ngrams: dict[str, float]
    soft: dict[str, float]
    dense: dict[str, float]
    terms: list[str]
    vector: np.ndarray | None = None


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with its final, lexical and dense scores."""

    chunk: Chunk
    score: float
    lexical: float
    dense: float


class Retriever:
    """Ranks chunks for a question with BM25, dense similarity, or the fusion of four rankings reranked."""

    def __init__(
        self,
        chunks: Sequence[Chunk],
        lexical: LexicalIndex,
        ngrams: LexicalIndex,
        dense: DenseStore,
        embeddings: SentenceEmbeddings,
        acronyms: Mapping[str, list[str]],
        weights: FusionWeights,
        fetch_k: int,
        ranker: LinearRanker | None = None,
        rerank_depth: int = 0,
        word_vectors: WordVectors | None = None,
        rerank_each: int = 0,
        sentence_vectors: Mapping[str, np.ndarray] | None = None,
    ) -> None:
        """Wire the stores of one snapshot together."""
        self.by_id = {c.chunk_id: c for c in chunks}
        self.lexical = lexical
        self.ngrams = ngrams
        self.dense = dense
        self.embeddings = embeddings
        self.acronyms = dict(acronyms)
        self.weights = weights
        self.fetch_k = fetch_k
        self.ranker = ranker
        self.rerank_depth = rerank_depth
        self.rerank_each = rerank_each
        self.sentence_vectors = dict(sentence_vectors or {})
        self.word_vectors: WordVectors | None = None
        self.soft_index: SoftIndex | None = None
        self._passage_words: dict[str, WeightedWords] = {}
        if word_vectors is not None:
            self.use_word_vectors(word_vectors)
        self.topics = list(dict.fromkeys(name for c in chunks for name in (c.title, *c.headings[-1:])))

    def use_word_vectors(self, word_vectors: WordVectors) -> None:
        """Match words by their French vectors: in the first stage over every chunk, and in the reranker's features."""
        self.word_vectors = word_vectors
        # The same words as chunk_profile's content_words, without working out whole profiles at start-up.
        words = [content_words(self.by_id[i].context_text()) for i in self.lexical.ids]
        self.soft_index = SoftIndex.build(words, word_vectors)

    def query_terms(self, question: str) -> list[str]:
        """The question's analyzed terms, with acronyms the documents define spelled out."""
        return expand_query_terms(question, analyze_query(question), self.acronyms)

    def lexical_scores(self, terms: Sequence[str]) -> dict[str, float]:
        """The fetch_k best BM25 scores above zero."""
        return self._best(self.lexical.scores(terms))

    def ngram_scores(self, question: str) -> dict[str, float]:
        """The fetch_k best BM25 scores over character 4-grams above zero."""
        return self._best(self.ngrams.scores(ngram_terms(question, QUERY_STOPWORDS)))

    def soft_scores(self, question: str) -> dict[str, float]:
        """The fetch_k best soft coverages of the question over every chunk (none without word vectors)."""
        asked = self.asked_words(question)
        if asked is None or self.soft_index is None:
            return {}
        return self._best(self.soft_index.coverages(asked))

    def _best(self, scores: np.ndarray) -> dict[str, float]:
        """The fetch_k best scores above zero of an array in the order of the lexical index's ids."""
        top = np.argsort(-scores)[: self.fetch_k]
        return {self.lexical.ids[i]: float(scores[i]) for i in top if scores[i] > 0}

    def dense_scores(self, question: str) -> dict[str, float]:
        """The fetch_k best cosine similarities."""
        return self.dense_search(self.question_vector(question))

    def question_vector(self, question: str) -> np.ndarray:
        """The question's unit vector."""
        return np.asarray(self.embeddings.embed_query(question))

    def dense_search(self, vector: np.ndarray) -> dict[str, float]:
        """The fetch_k chunks nearest a question's vector, with their cosine similarities."""
        if not self.by_id:
            return {}
        return dict(self.dense.search(vector.tolist(), min(self.fetch_k, len(self.by_id))))

    def candidates(self, question: str) -> Candidates:
        """The question's first-stage rankings and their fusion (the question is embedded when dense counts)."""
        terms, weights = self.query_terms(question), self.weights
        vector = self.question_vector(question) if weights.dense > 0 and self.by_id else None
        lexical = self.lexical_scores(terms) if weights.lexical > 0 else {}
        dense = self.dense_search(vector) if vector is not None else {}
        ngrams = self.ngram_scores(question) if weights.ngrams > 0 else {}
        soft = self.soft_scores(question) if weights.soft > 0 else {}
        return Candidates(weights.fuse(lexical, ngrams, soft, dense), lexical, ngrams, soft, dense, terms, vector)

    def pool(self, found: Candidates) -> list[tuple[str, float]]:
        """The candidates to rerank: the fused rerank_depth best, joined by each ranking's rerank_each best."""
        fused = [(key, score) for key, score in found.fused if key in self.by_id]
        rankings = [found.lexical, found.ngrams, found.soft, found.dense]
        return candidate_pool(
            fused,
            [{k: v for k, v in r.items() if k in self.by_id} for r in rankings],
            self.rerank_depth,
            self.rerank_each,
        )

    def feature_rows(self, question: str, found: Candidates, head: list[tuple[str, float]]) -> np.ndarray:
        """The reranking features of the candidates in head (chunk id, fused score), one row per candidate."""
        lexical, dense = found.lexical, found.dense
        lexical_norm, dense_norm = normalize_max(lexical), normalize_minmax(dense)
        lexical_rank = {key: rank for rank, key in enumerate(sorted(lexical, key=lambda k: -lexical[k]), start=1)}
        dense_rank = {key: rank for rank, key in enumerate(sorted(dense, key=lambda k: -dense[k]), start=1)}
        top = head[0][1] if head and head[0][1] > 0 else 1.0
        asked = question_profile(question, found.terms)
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
        keys = [key for key, _ in head]
        sentence_dense = np.asarray([best_sentence_cosine(self.sentence_vectors.get(k), found.vector) for k in keys])
        return feature_matrix(lexical_rows, self.soft_rows(question, keys), sentence_dense)

    def soft_rows(self, question: str, keys: Sequence[str]) -> np.ndarray:
        """The soft-matching features of each candidate by French word vectors (zeros without them)."""
        rows = np.zeros((len(keys), len(SOFT_FEATURES)))
        word_vectors, asked = self.word_vectors, self.asked_words(question)
        if word_vectors is None or asked is None:
            return rows
        for i, key in enumerate(keys):
            profile = chunk_profile(self.by_id[key])
            # A chunk's words and their IDF weights depend on this snapshot only: worked out once.
            if key not in self._passage_words:
                self._passage_words[key] = weighted_words(profile.content_words, word_vectors, self.lexical.idf)
            spelled_out = [s in self.acronyms and term_matched(s, profile.term_set, self.acronyms) for s in asked.stems]
            rows[i] = soft_features(asked, self._passage_words[key], profile.sentence_columns, spelled_out)
        return rows

    def asked_words(self, question: str) -> WeightedWords | None:
        """The question's content words with their IDF weights and vectors (None without word vectors)."""
        if self.word_vectors is None:
            return None
        return weighted_words(content_words(question, QUERY_STOPWORDS), self.word_vectors, self.lexical.idf)

    def search(self, question: str, k: int) -> list[Passage]:
        """The k best chunks for the question (BM25 alone or dense alone, by their weights, are not reranked)."""
        found = self.candidates(question)
        ranked = [(key, score) for key, score in found.fused if key in self.by_id]
        if self.ranker is not None and self.rerank_depth > 0 and 0 < self.weights.lexical < 1 and ranked:
            head = self.pool(found)
            probabilities = softmax(self.ranker.score(self.feature_rows(question, found, head)))
            reranked = sorted(zip((key for key, _ in head), probabilities.tolist(), strict=True), key=lambda i: -i[1])
            pooled = {key for key, _ in head}
            ranked = reranked + [(key, 0.0) for key, _ in ranked if key not in pooled]
        lexical, dense = found.lexical, found.dense
        return [
            Passage(self.by_id[key], score, lexical.get(key, 0.0), dense.get(key, 0.0)) for key, score in ranked[:k]
        ]
