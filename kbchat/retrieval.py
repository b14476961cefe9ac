"""Hybrid retrieval: French BM25 and dense vectors, fused by a measured weight."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from kbchat.acronyms import expand_query_terms
from kbchat.analyzer import analyze_query
from kbchat.chunking import Chunk
from kbchat.embedding import SentenceEmbeddings
from kbchat.fusion import convex_fusion
from kbchat.lexical_store import LexicalIndex
from kbchat.vector_store import DenseStore


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with its fused, lexical and dense scores."""

    chunk: Chunk
    score: float
    lexical: float
    dense: float


class Retriever:
    """Ranks chunks for a question with BM25, dense similarity, or their fusion."""

    def __init__(
        self,
        chunks: Sequence[Chunk],
        lexical: LexicalIndex,
        dense: DenseStore,
        embeddings: SentenceEmbeddings,
        acronyms: Mapping[str, list[str]],
        dense_weight: float,
        fetch_k: int,
    ) -> None:
        """Wire the two stores of one snapshot together."""
        self.by_id = {c.chunk_id: c for c in chunks}
        self.lexical = lexical
        self.dense = dense
        self.embeddings = embeddings
        self.acronyms = dict(acronyms)
        self.dense_weight = dense_weight
        self.fetch_k = fetch_k
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

    def search(self, question: str, k: int) -> list[Passage]:
        """The k best chunks for the question (dense_weight 0 is BM25 alone, 1 is dense alone)."""
        lexical = self.lexical_scores(self.query_terms(question)) if self.dense_weight < 1 else {}
        dense = self.dense_scores(question) if self.dense_weight > 0 else {}
        ranked = convex_fusion(lexical, dense, self.dense_weight)
        return [
            Passage(self.by_id[key], score, lexical.get(key, 0.0), dense.get(key, 0.0))
            for key, score in ranked[:k]
            if key in self.by_id
        ]
