"""The façade: open a published snapshot and ask it; the I/O side of asking."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from kbchat.ask.answer import Answer
from kbchat.ask.indexes import Indexes
from kbchat.ask.pipeline import answer_question
from kbchat.ask.reranker import LinearRanker, load_ranker, ranker_path
from kbchat.ask.retrieval import Retriever
from kbchat.config import Settings
from kbchat.errors import IndexMissingError, KbchatError
from kbchat.index.dense_store import DenseStore
from kbchat.index.embedding import SentenceEmbeddings, ensure_same_model, model_identity
from kbchat.index.locations import Location, Served, location_for
from kbchat.index.snapshot import FORMAT, Manifest
from kbchat.index.word_vectors import load_word_vectors


@dataclass
class KnowledgeBase:
    """A loaded snapshot: its manifest, its indexes, and a retriever configured by the settings.

    Serving never writes into the index folder: the snapshot's Chroma store is opened from a private copy (Chroma
    writes on every open), which also outlives the snapshot when a later ingest deletes it. With follows, every
    question first checks the published snapshot's name and swaps to a newly published one.
    """

    settings: Settings
    version: str
    manifest: Manifest
    retriever: Retriever
    private: Path | None = None
    follows: bool = False
    location: Location | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _retired: list[DenseStore | Path] = field(default_factory=list, repr=False)

    @property
    def indexes(self) -> Indexes:
        """The snapshot's chunks and indexes."""
        return self.retriever.indexes

    def ask(self, question: str, history: Sequence[str] = ()) -> Answer:
        """Answer a question from the documents, or refuse (from the newest published snapshot, when following)."""
        if self.follows:
            self.follow()
        return answer_question(self.retriever, question, history, self.settings.answer_policy)

    def follow(self) -> bool:
        """Swap to the snapshot published since this one was opened, if any; True when it swapped."""
        try:
            version = (self.location or location_for(self.settings)).served_version()
        except KbchatError:
            return False  # the server is away: keep serving the snapshot in memory
        if not version or version == self.version:
            return False
        with self._lock:
            if version == self.version:
                return False
            try:
                served, retriever = _open(self.settings, self.retriever.ranker, self)
            except (OSError, KbchatError):
                return False  # deleted or half-visible: keep serving the snapshot in memory, retry next question
            # The store a question may still be using is released one swap later.
            _release(self._retired)
            self._retired = self._held()
            self.version, self.manifest, self.retriever, self.private = (
                served.version,
                served.manifest,
                retriever,
                served.private,
            )
            return True

    def topics(self) -> list[str]:
        """Titles and sections the knowledge base covers, for refusals and the welcome screen."""
        return self.indexes.topics

    def configured(self, settings: Settings) -> KnowledgeBase:
        """The same snapshot asked with other retrieval or answer settings (its indexes are shared, not reloaded)."""
        return KnowledgeBase(
            settings, self.version, self.manifest, Retriever(self.indexes, settings.retrieval, self.retriever.ranker)
        )

    def close(self) -> None:
        """Release the dense store and its private copy."""
        with self._lock:
            _release([*self._retired, *self._held()])
            self._retired = []

    def _held(self) -> list[DenseStore | Path]:
        """The dense store and private copy this knowledge base serves from."""
        return [self.indexes.dense, *([self.private] if self.private else [])]


def _release(items: Sequence[DenseStore | Path]) -> None:
    """Close dense stores and delete private copies."""
    for item in items:
        if isinstance(item, Path):
            shutil.rmtree(item, ignore_errors=True)
        else:
            item.close()


def _open(
    settings: Settings,
    ranker: LinearRanker | None,
    reuse: KnowledgeBase | None = None,
    location: Location | None = None,
) -> tuple[Served, Retriever]:
    """The published snapshot and a retriever over it; the location, model and word vectors of reuse."""
    old = reuse.indexes if reuse is not None else None

    def encoder_for(manifest: Manifest) -> SentenceEmbeddings:
        """Refuse an index of another format or model before loading any model."""
        if manifest.format != FORMAT:
            raise IndexMissingError(
                "L'index a été construit par une version antérieure de kbchat : lancez `python ingest.py`."
            )
        ensure_same_model(manifest.embedding_model, model_identity(settings.embedding_model, settings.engine))
        return old.embeddings if old is not None else SentenceEmbeddings(settings.embedding_model, settings.engine)

    location = location or (reuse.location if reuse is not None else None) or location_for(settings)
    served = location.open(settings, encoder_for)
    try:
        config = settings.retrieval
        wanted = config.reranks or config.weights.soft > 0
        words = (old.word_vectors if old is not None else load_word_vectors()) if wanted else None
        indexes = Indexes.build(
            served.chunks,
            served.lexical,
            served.ngrams,
            served.dense,
            served.embeddings,
            served.manifest.acronyms,
            _sentence_vectors(served) if config.reranks else None,
            words,
            served.word_layout,
            served.manifest.acronym_phrases,
        )
    except BaseException:
        _release([served.dense, *([served.private] if served.private else [])])
        raise
    return served, Retriever(indexes, config, ranker)


def _sentence_vectors(served: Served) -> dict[str, np.ndarray]:
    """The snapshot's sentence vectors: memory-mapped from the snapshot when ingest wrote them there."""
    return served.sentence_vectors if served.sentence_vectors is not None else served.dense.sentence_vectors()


def open_knowledge_base(settings: Settings, load_model: bool = True, follow: bool = True) -> KnowledgeBase:
    """Load the current snapshot; raise IndexMissingError or ModelMismatchError when it can't serve.

    load_model=False leaves out the reranker's model but keeps what its features need (to train a new one);
    follow=False keeps serving this snapshot whatever ingest publishes later.
    """
    # numpy's BLAS threads keep spinning after each product and take the two cores from the query encoder: the
    # first stage's products are small, and one BLAS thread halves the p50 of asking (bench/first_stage_latency.py).
    # The variable holds the limit for a BLAS loaded later (scipy's, by a library that imports it).
    os.environ["OPENBLAS_NUM_THREADS"] = "1"
    threadpool_limits(1, user_api="blas")
    ranker: LinearRanker | None = None
    if settings.retrieval.reranks and load_model:
        ranker = load_ranker(ranker_path(settings.embedding_model))
    location = location_for(settings)
    served, retriever = _open(settings, ranker, location=location)
    return KnowledgeBase(settings, served.version, served.manifest, retriever, served.private, follow, location)
