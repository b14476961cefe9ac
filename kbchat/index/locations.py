"""Where snapshots live, behind one interface: a folder on this machine, or a Chroma server shared by replicas."""

from __future__ import annotations

import functools
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from kbchat.config import Settings
from kbchat.corpus.chunking import Chunk
from kbchat.corpus.profiles import content_words
from kbchat.corpus.word_layout import WordLayout, word_layout
from kbchat.errors import IndexMissingError
from kbchat.index import server_snapshot, snapshot
from kbchat.index.dense_store import DenseStore, embedded_client
from kbchat.index.embedding import SentenceEmbeddings
from kbchat.index.faults import fault_point
from kbchat.index.lexical_store import LexicalIndex, ngram_index
from kbchat.index.private_copy import private_copy
from kbchat.index.snapshot import Manifest

MISSING = "Aucun index sur {} : lancez d'abord `python ingest.py`."
EncoderFor = Callable[["Manifest"], SentenceEmbeddings]  # checks that a manifest can be served, and its encoder


@dataclass
class Served:
    """A published snapshot opened for reading: its stores, and the private copy to delete when released."""

    version: str
    manifest: Manifest
    chunks: list[Chunk]
    lexical: LexicalIndex
    ngrams: LexicalIndex
    dense: DenseStore
    embeddings: SentenceEmbeddings
    private: Path | None = None
    sentence_vectors: dict[str, np.ndarray] | None = None  # None: read them from the dense store
    word_layout: WordLayout | None = None  # None: worked out from the chunks at open


class Draft(Protocol):
    """A snapshot being written by one ingest run, invisible to readers until published."""

    name: str

    def open_dense(self, embeddings: SentenceEmbeddings) -> DenseStore:
        """The new snapshot's dense store, holding the served snapshot's vectors."""

    def write(self, chunks: list[Chunk], manifest: Manifest, settings: Settings, fresh: set[str]) -> None:
        """Write what readers need beside the vectors (fresh: the chunks this run embedded); the manifest last."""

    def publish(self) -> None:
        """Make the snapshot the served one, atomically."""

    def discard(self) -> None:
        """Remove the unpublished snapshot."""


class Location(Protocol):
    """The place snapshots are written to and read from."""

    def served_version(self) -> str:
        """The published snapshot's name, "" when there is none."""

    def served_manifest(self) -> Manifest | None:
        """The published snapshot's manifest."""

    def served_chunks(self) -> list[Chunk]:
        """The published snapshot's chunk records."""

    def clean_leftovers(self) -> list[str]:
        """Remove what killed ingest runs left; return the snapshot names removed."""

    def draft(self, copy: bool) -> Draft:
        """Start a new unpublished snapshot, holding the served one's vectors when copy is set."""

    def open(self, settings: Settings, encoder_for: EncoderFor) -> Served:
        """Open the published snapshot; IndexMissingError when there is none."""


class FolderDraft:
    """A snapshot folder: Chroma, both BM25 indexes, the chunk records and the manifest."""

    def __init__(self, index_dir: Path, previous: Path | None) -> None:
        """Create the empty snapshot folder."""
        self.index_dir, self.previous = index_dir, previous
        self.dense: DenseStore | None = None
        self.folder = snapshot.new_snapshot(index_dir)
        self.name = self.folder.name

    def open_dense(self, embeddings: SentenceEmbeddings) -> DenseStore:
        """Copy the served snapshot's Chroma folder, then open it."""
        if self.previous is not None:
            shutil.copytree(self.previous / "chroma", self.folder / "chroma")
        fault_point("copied")
        client = embedded_client(self.folder / "chroma")
        self.dense = DenseStore(client, embeddings, embeddings.name, embeddings.dimension)
        return self.dense

    def write(self, chunks: list[Chunk], manifest: Manifest, settings: Settings, fresh: set[str]) -> None:
        """Both BM25 indexes, the sentence vectors and word layout (to map at open), the chunk records, the manifest.

        The words of a chunk carried over from the served snapshot are taken from its layout, not worked out again.
        """
        ids, terms = [c.chunk_id for c in chunks], [c.terms for c in chunks]
        if self.dense is not None:
            snapshot.write_sentence_vectors(self.folder, self.dense.sentence_vectors(), ids)
        previous = snapshot.read_word_layout(self.previous) if self.previous is not None else None
        known = previous.words_by_chunk() if previous is not None and previous.ids else {}
        words = [
            known[c.chunk_id] if c.chunk_id in known and c.chunk_id not in fresh else content_words(c.context_text())
            for c in chunks
        ]
        snapshot.write_word_layout(self.folder, word_layout(words, ids))
        LexicalIndex.build(ids, terms, settings.bm25_k1, settings.bm25_b).save(self.folder / "lexical")
        ngram_index(ids, chunks, settings.bm25_k1, settings.bm25_b).save(self.folder / "ngrams")
        fault_point("lexical")
        snapshot.write_chunks(self.folder, chunks)
        fault_point("chunks")
        snapshot.write_manifest(self.folder, manifest)

    def publish(self) -> None:
        """Switch the CURRENT pointer to this folder."""
        snapshot.publish(self.index_dir, self.folder)

    def discard(self) -> None:
        """Remove the folder."""
        snapshot.discard(self.folder)


class FolderLocation:
    """Snapshots in the index folder of this machine, read through embedded Chroma from a private copy."""

    def __init__(self, index_dir: Path) -> None:
        """Snapshots under index_dir."""
        self.index_dir = index_dir

    def served_version(self) -> str:
        """The name the CURRENT pointer holds."""
        return snapshot.snapshot_version(self.index_dir)

    def served_manifest(self) -> Manifest | None:
        """The served folder's manifest."""
        folder = snapshot.current_snapshot(self.index_dir)
        return snapshot.read_manifest(folder) if folder else None

    def served_chunks(self) -> list[Chunk]:
        """The served folder's chunk records."""
        folder = snapshot.current_snapshot(self.index_dir)
        return snapshot.read_chunks(folder) if folder else []

    def clean_leftovers(self) -> list[str]:
        """Unpublished folders and a half-written pointer."""
        return snapshot.clean_leftovers(self.index_dir)

    def draft(self, copy: bool) -> FolderDraft:
        """A new folder beside the served one."""
        return FolderDraft(self.index_dir, snapshot.current_snapshot(self.index_dir) if copy else None)

    def open(self, settings: Settings, encoder_for: EncoderFor) -> Served:
        """Read the served folder; Chroma from a private copy, since it writes on every open."""
        folder = snapshot.require_snapshot(self.index_dir)
        manifest = snapshot.read_manifest(folder)
        embeddings = encoder_for(manifest)
        chunks = snapshot.read_chunks(folder)
        lexical = LexicalIndex.load(folder / "lexical")
        # Written by ingest since this version; an older snapshot gets it derived from its chunks, as before.
        if (folder / "ngrams").is_dir():
            ngrams = LexicalIndex.load(folder / "ngrams")
        else:
            ngrams = ngram_index(lexical.ids, chunks, settings.bm25_k1, settings.bm25_b)
        private = private_copy(folder / "chroma")
        try:
            client = embedded_client(private / "chroma")
            dense = DenseStore(client, embeddings, manifest.embedding_model, manifest.dimension)
            dense.widen_search()  # on the private copy: the snapshot itself is left as it is
        except BaseException:
            shutil.rmtree(private, ignore_errors=True)
            raise
        vectors, layout = snapshot.read_sentence_vectors(folder), snapshot.read_word_layout(folder)
        return Served(folder.name, manifest, chunks, lexical, ngrams, dense, embeddings, private, vectors, layout)


class ServerDraft:
    """A snapshot as server collections: chunk records in the chunk metadata, the manifest in the collection's."""

    def __init__(self, location: ServerLocation, previous: str) -> None:
        """Name the new snapshot."""
        self.location, self.previous, self.name = location, previous, snapshot.snapshot_name()
        self.dense: DenseStore | None = None

    def open_dense(self, embeddings: SentenceEmbeddings) -> DenseStore:
        """Create the collections and copy the served snapshot's records into them, on the server."""
        client = server_snapshot.connect(self.location.url)  # the store's own: it closes it
        self.dense = DenseStore(client, embeddings, embeddings.name, embeddings.dimension, self.name, records=True)
        if self.previous:
            self.dense.copy_from(DenseStore(client, None, "", 0, self.previous, records=True))
        fault_point("copied")
        return self.dense

    def write(self, chunks: list[Chunk], manifest: Manifest, settings: Settings, fresh: set[str]) -> None:
        """The manifest: every replica derives the BM25 indexes and the word layout from the chunk records."""
        fault_point("lexical")
        fault_point("chunks")
        if self.dense is None:
            raise RuntimeError("ServerDraft.open_dense comes before write")
        manifest.updated_at = snapshot.now_iso()
        self.dense.set_metadata({server_snapshot.MANIFEST_KEY: manifest.to_json()})

    def publish(self) -> None:
        """Move the pointer."""
        server_snapshot.publish(self.location.client(), self.name)

    def discard(self) -> None:
        """Drop the collections."""
        server_snapshot.drop(self.location.client(), self.name)


class ServerLocation:
    """Snapshots on a Chroma server: replicas read everything from it, and ingest runs as a job anywhere."""

    def __init__(self, url: str) -> None:
        """The server at url, reached on first use."""
        self.url = url
        self._shared: Any = None

    def client(self) -> Any:
        """The client this location reads the pointer and manifests with (dense stores have their own)."""
        if self._shared is None:
            self._shared = server_snapshot.connect(self.url)
        return self._shared

    def served_version(self) -> str:
        """The pointer's snapshot."""
        return server_snapshot.served_version(self.client())

    def served_manifest(self) -> Manifest | None:
        """The served snapshot's manifest, from its collection's metadata."""
        version = self.served_version()
        return server_snapshot.read_manifest(self.client(), version) if version else None

    def served_chunks(self) -> list[Chunk]:
        """The served snapshot's chunk records."""
        version = self.served_version()
        if not version:
            return []
        store = DenseStore(server_snapshot.connect(self.url), None, "", 0, version, records=True)
        try:
            return store.chunks()
        finally:
            store.close()

    def clean_leftovers(self) -> list[str]:
        """Collections of unpublished snapshots."""
        return server_snapshot.clean_leftovers(self.client())

    def draft(self, copy: bool) -> ServerDraft:
        """New collections beside the served ones."""
        return ServerDraft(self, self.served_version() if copy else "")

    def open(self, settings: Settings, encoder_for: EncoderFor) -> Served:
        """Read the served snapshot's records and derive both BM25 indexes from them."""
        version = self.served_version()
        manifest = server_snapshot.read_manifest(self.client(), version) if version else None
        if manifest is None:
            raise IndexMissingError(MISSING.format(f"le serveur Chroma {self.url}"))
        embeddings = encoder_for(manifest)
        client = server_snapshot.connect(self.url)
        dense = DenseStore(client, embeddings, manifest.embedding_model, manifest.dimension, version, records=True)
        try:
            chunks = dense.chunks()
        except BaseException:
            dense.close()
            raise
        ids = [c.chunk_id for c in chunks]
        lexical = LexicalIndex.build(ids, [c.terms for c in chunks], settings.bm25_k1, settings.bm25_b)
        ngrams = ngram_index(ids, chunks, settings.bm25_k1, settings.bm25_b)
        return Served(version, manifest, chunks, lexical, ngrams, dense, embeddings)


@functools.cache
def _server(url: str) -> ServerLocation:
    """One location, and so one client, per server and process."""
    return ServerLocation(url)


def location_for(settings: Settings) -> Location:
    """The Chroma server of KBCHAT_CHROMA_URL when set, else the index folder."""
    return _server(settings.chroma_url) if settings.chroma_url else FolderLocation(settings.index_dir)
