"""The dense store: persistent Chroma collections of chunk and sentence vectors, reached through langchain-chroma."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from kbchat.corpus.chunking import Chunk
from kbchat.text.sentences import split_sentences

COLLECTION = "kbchat"
SENTENCES = "kbchat-sentences"


class DenseStore:
    """Chunk and sentence vectors in Chroma, cosine space, never with Chroma's own embedding function."""

    def __init__(self, path: Path, embeddings: Embeddings, model_name: str, dimension: int) -> None:
        """Open (or create) the two collections stored under path."""
        import chromadb
        from chromadb.config import Settings as ChromaSettings
        from langchain_chroma import Chroma

        self.path = path
        self.client = chromadb.PersistentClient(
            path=str(path), settings=ChromaSettings(anonymized_telemetry=False, allow_reset=True)
        )
        self.store = Chroma(
            collection_name=COLLECTION,
            embedding_function=embeddings,
            client=self.client,
            collection_metadata={"embedding_model": model_name, "dimension": dimension},
            collection_configuration={"hnsw": {"space": "cosine"}},
        )
        self.sentences = Chroma(
            collection_name=SENTENCES,
            embedding_function=embeddings,
            client=self.client,
            collection_configuration={"hnsw": {"space": "cosine"}},
        )

    def add(self, chunks: Sequence[Chunk]) -> None:
        """Embed and store chunks under their ids, and each of their sentences under the chunk's id and its position."""
        if not chunks:
            return
        self.store.add_texts(
            texts=[c.context_text() for c in chunks],
            metadatas=[{"source": c.source, "title": c.title, "section": c.section} for c in chunks],
            ids=[c.chunk_id for c in chunks],
        )
        sentences = [(c.chunk_id, n, s) for c in chunks for n, s in enumerate(split_sentences(c.text))]
        if sentences:
            self.sentences.add_texts(
                texts=[s for _, _, s in sentences],
                metadatas=[{"chunk": key, "position": n} for key, n, _ in sentences],
                ids=[f"{key}:{n}" for key, n, _ in sentences],
            )

    def delete(self, ids: Sequence[str]) -> None:
        """Remove chunks and their sentences by chunk id."""
        if ids:
            self.store.delete(ids=list(ids))
            self.sentences.delete(where={"chunk": {"$in": list(ids)}})

    def ids(self) -> set[str]:
        """Every stored chunk id."""
        return set(self.store.get(include=[])["ids"])

    def sentence_vectors(self) -> dict[str, np.ndarray]:
        """Every chunk's sentence vectors, one row per sentence in text order."""
        stored = self.sentences.get(include=["embeddings", "metadatas"])
        rows: dict[str, list[tuple[int, np.ndarray]]] = {}
        for vector, meta in zip(stored["embeddings"], stored["metadatas"], strict=True):
            rows.setdefault(str(meta["chunk"]), []).append((int(meta["position"]), vector))
        return {key: np.asarray([v for _, v in sorted(found, key=lambda r: r[0])]) for key, found in rows.items()}

    def metadata(self) -> dict:
        """The collection's metadata (model name and dimension)."""
        return dict(self.store._collection.metadata or {})

    def search(self, vector: Sequence[float], k: int) -> list[tuple[str, float]]:
        """The k nearest chunk ids with their cosine similarity."""
        hits = self.store.similarity_search_by_vector_with_relevance_scores(list(vector), k=k)
        return [(doc.id, 1.0 - distance) for doc, distance in hits if doc.id is not None]

    def close(self) -> None:
        """Release the client so its folder can be moved or removed."""
        self.client.close()
