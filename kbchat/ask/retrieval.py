"""The retriever: one query through the first stage, the fusion and the reranker, to ranked passages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from kbchat.ask.first_stage import FirstStageRankings, rank_first_stage
from kbchat.ask.fusion import rerank_pool
from kbchat.ask.indexes import Indexes
from kbchat.ask.overview import defining_first
from kbchat.ask.query import Query, analyze_question
from kbchat.ask.reranker import LinearRanker
from kbchat.ask.reranking import feature_rows, rerank
from kbchat.ask.soft_matching import weighted_words
from kbchat.config import RetrievalConfig
from kbchat.corpus.chunking import Chunk
from kbchat.corpus.topics import named_labels
from kbchat.index.lexicon import load_translator
from kbchat.text.acronyms import spell_out
from kbchat.text.analyzer import analyze_query
from kbchat.text.language import is_english
from kbchat.text.spelling import corrected
from kbchat.text.translation import translated


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with its final score, and its sentences' unit vectors when the index holds them."""

    chunk: Chunk
    score: float
    sentence_vectors: np.ndarray | None = field(default=None, compare=False, repr=False)


class Retriever:
    """Ranks a snapshot's chunks for a query, as its configuration says."""

    def __init__(self, indexes: Indexes, config: RetrievalConfig, ranker: LinearRanker | None = None) -> None:
        """Read indexes the way config says; without ranker nothing is reranked."""
        self.indexes = indexes
        self.config = config
        self.ranker = ranker
        self.acronyms = indexes.acronyms if config.expand_acronyms else {}
        self.phrases = indexes.acronym_phrases if config.expand_acronyms else {}

    def analyze(self, question: str, history: Sequence[str] = ()) -> Query:
        """The question, its words read as the base writes them, analyzed once with the vectors it needs.

        The encoder reads an English question as typed: its translated words serve the lexical side.
        """
        indexes = self.indexes
        read, corrections = self.read(question)
        query = analyze_question(read, [self.read(h)[0] for h in history], self.acronyms)
        vector = None
        if self.config.weights.dense > 0 and indexes.by_id:
            english = corrections and self.config.translate_english and is_english(question)
            text = analyze_question(question, history, self.acronyms).text if english else query.text
            # The encoder reads the base's acronyms spelled out, as most of its passages say them.
            vector = np.asarray(indexes.embeddings.embed_query(spell_out(text, self.phrases)))
        words = None
        if indexes.word_vectors is not None:
            words = weighted_words(query.words, indexes.word_vectors, indexes.lexical.idf, query.word_weights)
        named = tuple(named_labels(question, indexes.label_kinds))
        return replace(query, vector=vector, weighted_words=words, corrections=corrections, named=named)

    def read(self, question: str) -> tuple[str, tuple[tuple[str, str], ...]]:
        """The question as the base writes it, and each (typed, read) word: English translated, misspellings fixed."""
        if self.config.translate_english and is_english(question):
            return translated(question, load_translator().translations, self.known)
        vocabulary = self.indexes.vocabulary() if self.config.correct_spelling else None
        return corrected(question, vocabulary) if vocabulary is not None else (question, ())

    def known(self, word: str) -> bool:
        """True when the base holds the word (its analyzed terms)."""
        terms = analyze_query(word)
        return bool(terms) and all(t in self.indexes.lexical.doc_freq for t in terms)

    def rankings(self, query: Query) -> FirstStageRankings:
        """The query's first-stage rankings and their fusion."""
        return rank_first_stage(self.indexes, query, self.config)

    def pool(self, rankings: FirstStageRankings) -> list[tuple[str, float]]:
        """The candidates to rerank: the fused rerank_depth best, joined by each ranking's rerank_each best."""
        known = self.indexes.by_id
        fused = [(key, score) for key, score in rankings.fused if key in known]
        each = [{k: v for k, v in r.items() if k in known} for r in rankings.each]
        return rerank_pool(fused, each, self.config.rerank_depth, self.config.rerank_each)

    def features(self, query: Query, rankings: FirstStageRankings, head: list[tuple[str, float]]) -> np.ndarray:
        """The reranker's feature rows of the candidates in head."""
        return feature_rows(self.indexes, query, rankings, head, self.acronyms, self.config.sentence_vectors)

    def search(self, query: Query, k: int) -> list[Passage]:
        """The k best chunks for the query."""
        rankings = self.rankings(query)
        ranked = [(key, score) for key, score in rankings.fused if key in self.indexes.by_id]
        if self.ranker is not None and self.config.reranks and ranked:
            head = self.pool(rankings)
            pooled = {key for key, _ in head}
            reranked = rerank(self.ranker, self.features(query, rankings, head), head)
            ranked = reranked + [(key, 0.0) for key, _ in ranked if key not in pooled]
        depth = max(self.config.rerank_depth, k)
        ranked = defining_first(ranked[:depth], self.indexes.by_id, query.subject, self.acronyms) + ranked[depth:]
        ranked = to_front(ranked, self.indexes.named_chunks(query.named))
        vectors = self.indexes.sentence_vectors
        return [Passage(self.indexes.by_id[key], score, vectors.get(key)) for key, score in ranked[:k]]


def to_front(ranked: list[tuple[str, float]], keys: Sequence[str]) -> list[tuple[str, float]]:
    """The ranking with keys first, in their order, at the best score (added when the ranking lacks them)."""
    if not keys:
        return ranked
    top = max((score for _, score in ranked), default=0.0)
    front = dict.fromkeys(keys)
    return [(key, top) for key in front] + [(key, score) for key, score in ranked if key not in front]
