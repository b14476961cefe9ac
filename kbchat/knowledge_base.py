"""The façade: open a published snapshot and ask it; the I/O side of asking."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from threadpoolctl import threadpool_limits

from kbchat.ask.answer import Answer
from kbchat.ask.indexes import Indexes
from kbchat.ask.pipeline import answer_question
from kbchat.ask.reranker import LinearRanker, load_ranker, ranker_path
from kbchat.ask.retrieval import Retriever
from kbchat.config import Settings
from kbchat.errors import IndexMissingError, KbchatError
from kbchat.index.dense_store import DenseStore
from kbchat.index.embedding import SentenceEmbeddings, ensure_same_model
from kbchat.index.lexical_store import LexicalIndex, ngram_index
from kbchat.index.snapshot import FORMAT, Manifest, read_chunks, read_manifest, require_snapshot, snapshot_version
from kbchat.index.word_vectors import load_word_vectors


@dataclass
class KnowledgeBase:
    """A loaded snapshot: its manifest, its indexes, and a retriever configured by the settings.

    Serving never writes into the index folder: the snapshot's Chroma store is opened from a private copy (Chroma
    writes on every open), which also outlives the snapshot when a later ingest deletes it. With follows, every
    question first checks the CURRENT pointer and swaps to a newly published snapshot.
    """

    settings: Settings
    folder: Path
    manifest: Manifest
    retriever: Retriever
    private: Path | None = None
    follows: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _retired: list[Retriever | Path] = field(default_factory=list, repr=False)

    @property
    def version(self) -> str:
        """The snapshot's name, which changes with every ingest that changes something."""
        return self.folder.name

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
        version = snapshot_version(self.settings.index_dir)
        if not version or version == self.version:
            return False
        with self._lock:
            if version == self.version:
                return False
            try:
                folder, manifest, retriever, private = _open(self.settings, self.retriever.ranker, self)
            except (OSError, KbchatError):
                return False  # deleted or half-visible: keep serving the snapshot in memory, retry next question
            # The retriever a question may still be using is released one swap later.
            self._release(self._retired)
            self._retired = [self.retriever, *([self.private] if self.private else [])]
            self.folder, self.manifest, self.retriever, self.private = folder, manifest, retriever, private
            return True

    def topics(self) -> list[str]:
        """Titles and sections the knowledge base covers, for refusals and the welcome screen."""
        return self.indexes.topics

    def configured(self, settings: Settings) -> KnowledgeBase:
        """The same snapshot asked with other retrieval or answer settings (its indexes are shared, not reloaded)."""
        return KnowledgeBase(
            settings, self.folder, self.manifest, Retriever(self.indexes, settings.retrieval, self.retriever.ranker)
        )

    def close(self) -> None:
        """Release the dense store and its private copy."""
        with self._lock:
            self._release([*self._retired, self.retriever, *([self.private] if self.private else [])])
            self._retired = []

    @staticmethod
    def _release(items: Sequence[Retriever | Path]) -> None:
        """Close retired retrievers' stores and delete their private copies."""
        for item in items:
            if isinstance(item, Path):
                shutil.rmtree(item, ignore_errors=True)
            else:
                item.indexes.close()


PRIVATE_PREFIX = "kbchat-serve-"


def _remove_orphans() -> None:
    """Delete the private copies that killed processes left in the temporary folder."""
    for folder in Path(tempfile.gettempdir()).glob(f"{PRIVATE_PREFIX}*-*"):
        pid = folder.name.removeprefix(PRIVATE_PREFIX).split("-", 1)[0]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            shutil.rmtree(folder, ignore_errors=True)


def private_copy(chroma: Path) -> Path:
    """A copy of a snapshot's Chroma store in a temporary folder of this process, removed at exit at the latest."""
    _remove_orphans()
    private = Path(tempfile.mkdtemp(prefix=f"{PRIVATE_PREFIX}{os.getpid()}-"))
    shutil.copytree(chroma, private / "chroma", copy_function=shutil.copyfile)
    for path in private.rglob("*"):  # the copy is this process's to write, whatever the served folder's modes
        path.chmod(0o700 if path.is_dir() else 0o600)
    atexit.register(shutil.rmtree, private, ignore_errors=True)
    return private


def _open(
    settings: Settings, ranker: LinearRanker | None, reuse: KnowledgeBase | None = None
) -> tuple[Path, Manifest, Retriever, Path]:
    """The current snapshot's folder, manifest, retriever and private copy; the model and word vectors of reuse."""
    folder = require_snapshot(settings.index_dir)
    manifest = read_manifest(folder)
    if manifest.format != FORMAT:
        raise IndexMissingError(
            "L'index a été construit par une version antérieure de kbchat : lancez `python ingest.py`."
        )
    ensure_same_model(manifest.embedding_model, settings.embedding_model)
    config = settings.retrieval
    old = reuse.indexes if reuse is not None else None
    embeddings = old.embeddings if old is not None else SentenceEmbeddings(settings.embedding_model)
    chunks = read_chunks(folder)
    lexical = LexicalIndex.load(folder / "lexical")
    # Written by ingest since this version; an older snapshot gets it derived from its chunks, as before.
    if (folder / "ngrams").is_dir():
        ngrams = LexicalIndex.load(folder / "ngrams")
    else:
        ngrams = ngram_index(lexical.ids, chunks, settings.bm25_k1, settings.bm25_b)
    private = private_copy(folder / "chroma")
    try:
        dense = DenseStore(private / "chroma", embeddings, manifest.embedding_model, manifest.dimension)
        wanted = config.reranks or config.weights.soft > 0
        words = (old.word_vectors if old is not None else load_word_vectors()) if wanted else None
        indexes = Indexes.build(
            chunks,
            lexical,
            ngrams,
            dense,
            embeddings,
            manifest.acronyms,
            dense.sentence_vectors() if config.reranks else None,
            words,
        )
    except BaseException:
        shutil.rmtree(private, ignore_errors=True)
        raise
    return folder, manifest, Retriever(indexes, config, ranker), private


def open_knowledge_base(settings: Settings, load_model: bool = True, follow: bool = True) -> KnowledgeBase:
    """Load the current snapshot; raise IndexMissingError or ModelMismatchError when it can't serve.

    load_model=False leaves out the reranker's model but keeps what its features need (to train a new one);
    follow=False keeps serving this snapshot whatever ingest publishes later.
    """
    # numpy's BLAS threads keep spinning after each product and take the two cores from the query encoder: the
    # first stage's products are small, and one BLAS thread halves the p50 of asking (bench/first_stage_latency.py).
    threadpool_limits(1, user_api="blas")
    ranker: LinearRanker | None = None
    if settings.retrieval.reranks and load_model:
        ranker = load_ranker(ranker_path(settings.embedding_model))
    folder, manifest, retriever, private = _open(settings, ranker)
    return KnowledgeBase(settings, folder, manifest, retriever, private, follow)
