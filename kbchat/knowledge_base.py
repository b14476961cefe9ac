"""Opening a published index snapshot for questions: the I/O side of asking."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kbchat.answering import DEFAULT_POLICY, Answer, AnswerPolicy, answer_question
from kbchat.config import Settings
from kbchat.embedding import SentenceEmbeddings, ensure_same_model
from kbchat.lexical_store import LexicalIndex
from kbchat.reranking import load_ranker
from kbchat.retrieval import Retriever
from kbchat.snapshot import Manifest, read_chunks, read_manifest, require_snapshot
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


def open_knowledge_base(settings: Settings) -> KnowledgeBase:
    """Load the current snapshot; raise IndexMissingError or ModelMismatchError when it can't serve."""
    folder = require_snapshot(settings.index_dir)
    manifest = read_manifest(folder)
    ensure_same_model(manifest.embedding_model, settings.embedding_model)
    embeddings = SentenceEmbeddings(settings.embedding_model)
    chunks, _ = read_chunks(folder)
    rerank = settings.rerank_depth > 0
    retriever = Retriever(
        chunks,
        LexicalIndex.load(folder / "lexical"),
        DenseStore(folder / "chroma", embeddings, manifest.embedding_model, manifest.dimension),
        embeddings,
        manifest.acronyms,
        settings.dense_weight,
        settings.dense_fetch_k,
        load_ranker() if rerank else None,
        settings.rerank_depth,
        load_word_vectors() if rerank else None,
    )
    return KnowledgeBase(settings, folder, manifest, retriever)
