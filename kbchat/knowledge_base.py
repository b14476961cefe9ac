"""The façade: open a published snapshot and ask it; the I/O side of asking."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from threadpoolctl import threadpool_limits

from kbchat.ask.answer import Answer
from kbchat.ask.indexes import Indexes
from kbchat.ask.pipeline import answer_question
from kbchat.ask.reranker import LinearRanker, load_ranker, ranker_path
from kbchat.ask.retrieval import Retriever
from kbchat.config import Settings
from kbchat.corpus.chunking import Chunk
from kbchat.errors import IndexMissingError
from kbchat.index.dense_store import DenseStore
from kbchat.index.embedding import SentenceEmbeddings, ensure_same_model
from kbchat.index.lexical_store import LexicalIndex
from kbchat.index.snapshot import FORMAT, Manifest, read_chunks, read_manifest, require_snapshot
from kbchat.index.word_vectors import load_word_vectors
from kbchat.text.analyzer import ngram_terms


@dataclass
class KnowledgeBase:
    """A loaded snapshot: its manifest, its indexes, and a retriever configured by the settings."""

    settings: Settings
    folder: Path
    manifest: Manifest
    retriever: Retriever

    @property
    def version(self) -> str:
        """The snapshot's name, which changes with every ingest that changes something."""
        return self.folder.name

    @property
    def indexes(self) -> Indexes:
        """The snapshot's chunks and indexes."""
        return self.retriever.indexes

    def ask(self, question: str, history: Sequence[str] = ()) -> Answer:
        """Answer a question from the documents, or refuse."""
        return answer_question(self.retriever, question, history, self.settings.answer_policy)

    def topics(self) -> list[str]:
        """Titles and sections the knowledge base covers, for refusals and the welcome screen."""
        return self.indexes.topics

    def configured(self, settings: Settings) -> KnowledgeBase:
        """The same snapshot asked with other retrieval or answer settings (its indexes are shared, not reloaded)."""
        return KnowledgeBase(
            settings, self.folder, self.manifest, Retriever(self.indexes, settings.retrieval, self.retriever.ranker)
        )

    def close(self) -> None:
        """Release the dense store."""
        self.indexes.close()


def ngram_index(ids: Sequence[str], chunks: Sequence[Chunk], settings: Settings) -> LexicalIndex:
    """BM25 over the chunks' character 4-grams, in the order of ids.

    Derived from the chunks when a snapshot opens, in under a second for PIAF's 948 (bench/first_stage_latency.py),
    so the snapshot does not store it.
    """
    text_of = {c.chunk_id: c.context_text() for c in chunks}
    return LexicalIndex.build(ids, [ngram_terms(text_of[i]) for i in ids], settings.bm25_k1, settings.bm25_b)


def open_knowledge_base(settings: Settings, load_model: bool = True) -> KnowledgeBase:
    """Load the current snapshot; raise IndexMissingError or ModelMismatchError when it can't serve.

    load_model=False leaves out the reranker's model but keeps what its features need (to train a new one).
    """
    folder = require_snapshot(settings.index_dir)
    # numpy's BLAS threads keep spinning after each product and take the two cores from the query encoder: the
    # first stage's products are small, and one BLAS thread halves the p50 of asking (bench/first_stage_latency.py).
    threadpool_limits(1, user_api="blas")
    manifest = read_manifest(folder)
    if manifest.format != FORMAT:
        raise IndexMissingError(
            "L'index a été construit par une version antérieure de kbchat : lancez `python ingest.py`."
        )
    ensure_same_model(manifest.embedding_model, settings.embedding_model)
    embeddings = SentenceEmbeddings(settings.embedding_model)
    chunks = read_chunks(folder)
    config = settings.retrieval
    lexical = LexicalIndex.load(folder / "lexical")
    dense = DenseStore(folder / "chroma", embeddings, manifest.embedding_model, manifest.dimension)
    indexes = Indexes.build(
        chunks,
        lexical,
        ngram_index(lexical.ids, chunks, settings),
        dense,
        embeddings,
        manifest.acronyms,
        dense.sentence_vectors() if config.reranks else None,
        load_word_vectors() if config.reranks or config.weights.soft > 0 else None,
    )
    ranker: LinearRanker | None = None
    if config.reranks and load_model:
        ranker = load_ranker(ranker_path(settings.embedding_model))
    return KnowledgeBase(settings, folder, manifest, Retriever(indexes, config, ranker))
