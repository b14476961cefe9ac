"""The dense store: Chroma collections of chunk and sentence vectors, reached through langchain-chroma."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from kbchat.corpus.chunking import Chunk
from kbchat.index.embedding import SentenceEmbeddings
from kbchat.index.span_pooling import sentence_spans
from kbchat.text.sentences import split_sentences

COLLECTION = "kbchat"
COPY_BATCH = 1000  # records read and written per request when a snapshot's collections are copied
# The breadth of Chroma's graph search. At its default of 100 the top 50 of the Code civil missed 2.7 % of the exact
# top 50, and two opens of one snapshot disagreed on a quarter of the questions; at 500, 0.02 % and none (README).
EF_SEARCH = 500
HNSW = {"space": "cosine", "ef_search": EF_SEARCH}
WIDEN_ATTEMPTS = 3


def embedded_client(path: Path) -> Any:
    """An in-process Chroma client storing its collections under path."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    return chromadb.PersistentClient(path=str(path), settings=ChromaSettings(anonymized_telemetry=False))


def collection_names(snapshot: str) -> tuple[str, str]:
    """The chunk and sentence collections of a snapshot ("" for the only snapshot of an embedded store)."""
    chunks = f"{COLLECTION}-{snapshot}" if snapshot else COLLECTION
    return chunks, f"{chunks}-sentences"


class DenseStore:
    """Chunk and sentence vectors in Chroma, cosine space, never with Chroma's own embedding function.

    With records, each chunk's metadata also holds its whole record (text, headings, analyzed terms): a Chroma
    server is then the only place a replica reads a snapshot from.
    """

    def __init__(
        self,
        client: Any,
        embeddings: SentenceEmbeddings | None,
        model_name: str,
        dimension: int,
        snapshot: str = "",
        records: bool = False,
    ) -> None:
        """Open (or create) the snapshot's two collections through client, which the store closes.

        Without embeddings the store only reads, copies and deletes.
        """
        from langchain_chroma import Chroma

        self.client = client
        self.encoder = embeddings
        self.records = records
        self.names = collection_names(snapshot)
        self.store = Chroma(
            collection_name=self.names[0],
            embedding_function=embeddings,
            client=client,
            collection_metadata={"embedding_model": model_name, "dimension": dimension},
            collection_configuration={"hnsw": HNSW},
        )
        self.sentences = Chroma(
            collection_name=self.names[1],
            embedding_function=embeddings,
            client=client,
            collection_configuration={"hnsw": HNSW},
        )

    @property
    def search_breadth(self) -> int:
        """The chunk collection's graph-search breadth (ef_search)."""
        return int((self.store._collection.configuration_json.get("hnsw") or {}).get("ef_search", 0))

    def widen_search(self) -> None:
        """Search a snapshot written before EF_SEARCH as broadly (the configuration is changed in place).

        Chroma answered « database is locked » to this change on a fresh private copy once in about 130 opens: the
        change is tried again, and a snapshot it never reaches is served at its own breadth rather than not at all.
        """
        from chromadb.errors import ChromaError

        for attempt in range(1, WIDEN_ATTEMPTS + 1):
            if self.search_breadth >= EF_SEARCH:
                return
            try:
                self.store._collection.modify(configuration={"hnsw": {"ef_search": EF_SEARCH}})
            except ChromaError:
                if attempt < WIDEN_ATTEMPTS:  # no wait once the last attempt has failed
                    time.sleep(0.1 * attempt)

    def add(self, chunks: Sequence[Chunk]) -> None:
        """Embed and store chunks under their ids, and each of their sentences under the chunk's id and its position.

        One pass of the encoder gives both: a sentence's vector is the mean of its tokens read within the chunk.
        """
        if not chunks:
            return
        texts = [c.context_text() for c in chunks]
        sentences = [split_sentences(c.text) for c in chunks]
        spans = [
            sentence_spans(c.text, found, len(text) - len(c.text))
            for c, text, found in zip(chunks, texts, sentences, strict=True)
        ]
        vectors, sentence_vectors = self.encoder.encode_with_sentences(texts, sentences, spans)
        self.store._collection.add(
            ids=[c.chunk_id for c in chunks],
            embeddings=vectors,
            documents=texts,
            metadatas=[self._metadata(c) for c in chunks],
        )
        rows = [(c.chunk_id, n, s) for c, found in zip(chunks, sentences, strict=True) for n, s in enumerate(found)]
        if rows:
            self.sentences._collection.add(
                ids=[f"{key}:{n}" for key, n, _ in rows],
                embeddings=np.vstack(sentence_vectors),
                documents=[s for _, _, s in rows],
                metadatas=[{"chunk": key, "position": n} for key, n, _ in rows],
            )

    def _metadata(self, chunk: Chunk) -> dict[str, str | int]:
        """A chunk's metadata in Chroma: where it comes from, and with records all that rebuilds it."""
        meta: dict[str, str | int] = {"source": chunk.source, "title": chunk.title, "section": chunk.section}
        if self.records:
            meta |= {
                "headings": json.dumps(chunk.headings, ensure_ascii=False),
                "text": chunk.text,
                "position": chunk.position,
                "terms": json.dumps(chunk.terms, ensure_ascii=False),
            }
        return meta

    def chunks(self) -> list[Chunk]:
        """The chunk records stored with records, in document order."""
        found = [
            Chunk(
                chunk_id=key,
                source=str(meta["source"]),
                title=str(meta["title"]),
                headings=tuple(json.loads(str(meta["headings"]))),
                text=str(meta["text"]),
                position=int(meta["position"]),
                terms=tuple(json.loads(str(meta["terms"]))),
            )
            for batch in self._pages(self.store, ["metadatas"])
            for key, meta in zip(batch["ids"], batch["metadatas"], strict=True)
        ]
        return sorted(found, key=lambda c: (c.source, c.position))

    def copy_from(self, other: DenseStore) -> None:
        """Copy every vector and record of another snapshot's collections into this one's, without embedding."""
        for source, target in ((other.store, self.store), (other.sentences, self.sentences)):
            for batch in other._pages(source, ["embeddings", "documents", "metadatas"]):
                if batch["ids"]:
                    target._collection.add(
                        ids=batch["ids"],
                        embeddings=batch["embeddings"],
                        documents=batch["documents"],
                        metadatas=batch["metadatas"],
                    )

    @staticmethod
    def _pages(store: Any, include: list[str]) -> Iterator[dict[str, Any]]:
        """A collection's records, COPY_BATCH at a time (a server limits the size of one reply)."""
        collection = store._collection
        for offset in range(0, collection.count(), COPY_BATCH):
            yield collection.get(include=include, limit=COPY_BATCH, offset=offset)

    def delete(self, ids: Sequence[str]) -> None:
        """Remove chunks and their sentences by chunk id."""
        if ids:
            self.store.delete(ids=list(ids))
            self.sentences.delete(where={"chunk": {"$in": list(ids)}})

    def ids(self) -> set[str]:
        """Every stored chunk id."""
        return {key for batch in self._pages(self.store, []) for key in batch["ids"]}

    def sentence_vectors(self) -> dict[str, np.ndarray]:
        """Every chunk's sentence vectors, one row per sentence in text order."""
        rows: dict[str, list[tuple[int, np.ndarray]]] = {}
        for batch in self._pages(self.sentences, ["embeddings", "metadatas"]):
            for vector, meta in zip(batch["embeddings"], batch["metadatas"], strict=True):
                rows.setdefault(str(meta["chunk"]), []).append((int(meta["position"]), vector))
        return {key: np.asarray([v for _, v in sorted(found, key=lambda r: r[0])]) for key, found in rows.items()}

    def metadata(self) -> dict:
        """The chunk collection's metadata (model name and dimension; on a server, the snapshot's manifest)."""
        return dict(self._fresh().metadata or {})

    def set_metadata(self, values: dict[str, str]) -> None:
        """Add values to the chunk collection's metadata."""
        collection = self._fresh()
        collection.modify(metadata=dict(collection.metadata or {}) | values)

    def _fresh(self) -> Any:
        """The chunk collection as the server has it now (the metadata read at open may be stale)."""
        return self.client.get_collection(self.names[0], embedding_function=None)

    def search(self, vector: Sequence[float], k: int) -> list[tuple[str, float]]:
        """The k nearest chunk ids with their cosine similarity."""
        hits = self.store.similarity_search_by_vector_with_relevance_scores(list(vector), k=k)
        return [(doc.id, 1.0 - distance) for doc, distance in hits if doc.id is not None]

    def close(self) -> None:
        """Release the client so its folder can be moved or removed."""
        self.client.close()
