"""Opening a published index snapshot for questions: the I/O side of asking."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from threadpoolctl import threadpool_limits

from kbchat.analyzer import ngram_terms
from kbchat.answering import DEFAULT_POLICY, Answer, AnswerPolicy, answer_question
from kbchat.chunking import Chunk
from kbchat.config import Settings
from kbchat.embedding import SentenceEmbeddings, ensure_same_model
from kbchat.errors import IndexMissingError
from kbchat.lexical_store import LexicalIndex
from kbchat.reranking import load_ranker
from kbchat.retrieval import FusionWeights, Retriever
from kbchat.snapshot import FORMAT, Manifest, read_chunks, read_manifest, require_snapshot
from kbchat.vector_store import DenseStore
from kbchat.word_vectors import load_word_vectors


@dataclass
class KnowledgeBase:
    """A loaded snapshot: its manifest and a retriever over its two stores."""

    settings: Settings
    folder: Path
    manifest: Manifest
    retriever: Retriever
    policy: AnswerPolicy = DEFAULT_POLICY

    @property
    def version(self) -> str:
        """The snapshot's name, which changes with every ingest that changes something."""
        return self.folder.name

    def ask(self, question: str, history: list[str] | None = None) -> Answer:
        """Answer a question from the documents, or refuse."""
        return answer_question(self.retriever, question, self.settings, history or [], self.policy)

    def topics(self) -> list[str]:
        """Titles and sections the knowledge base covers, for refusals and the welcome screen."""
        return self.retriever.topics

    def close(self) -> None:
        """Release the dense store."""
        self.retriever.dense.close()


def ngram_index(ids: Sequence[str], chunks: Sequence[Chunk], settings: Settings) -> LexicalIndex:
    """BM25 over the chunks' character 4-grams, in the order of ids.

    Derived from the chunks when a snapshot opens, in under a second for PIAF's 948 (bench/first_stage_latency.py),
    so the snapshot does not store it.
    """
    text_of = {c.chunk_id: c.context_text() for c in chunks}
    return LexicalIndex.build(ids, [ngram_terms(text_of[i]) for i in ids], settings.lexical_k1, settings.lexical_b)


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
    chunks, _ = read_chunks(folder)
    rerank = settings.rerank_depth > 0
    lexical = LexicalIndex.load(folder / "lexical")
    dense = DenseStore(folder / "chroma", embeddings, manifest.embedding_model, manifest.dimension)
    retriever = Retriever(
        chunks,
        lexical,
        ngram_index(lexical.ids, chunks, settings),
        dense,
        embeddings,
        manifest.acronyms,
        FusionWeights(settings.dense_weight, settings.ngram_weight, settings.soft_weight),
        settings.dense_fetch_k,
        load_ranker() if rerank and load_model else None,
        settings.rerank_depth,
        load_word_vectors() if rerank else None,
        settings.rerank_each,
        dense.sentence_vectors() if rerank else None,
    )
    return KnowledgeBase(settings, folder, manifest, retriever)
