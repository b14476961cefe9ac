"""The dense store: a persistent Chroma collection reached through langchain-chroma."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from langchain_core.embeddings import Embeddings

from kbchat.chunking import Chunk

COLLECTION = "kbchat"


class DenseStore:
    """Chunk vectors in Chroma, cosine space, never with Chroma's own embedding function."""

    def __init__(self, path: Path, embeddings: Embeddings, model_name: str, dimension: int) -> None:
        """Open (or create) the collection stored under path."""
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

    def add(self, chunks: Sequence[Chunk]) -> None:
        """Embed and store chunks under their ids."""
        if not chunks:
            return
        self.store.add_texts(
            texts=[c.context_text() for c in chunks],
            metadatas=[{"source": c.source, "title": c.title, "section": c.section} for c in chunks],
            ids=[c.chunk_id for c in chunks],
        )

    def delete(self, ids: Sequence[str]) -> None:
        """Remove chunks by id."""
        if ids:
            self.store.delete(ids=list(ids))

    def ids(self) -> set[str]:
        """Every stored chunk id."""
        return set(self.store.get(include=[])["ids"])

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
