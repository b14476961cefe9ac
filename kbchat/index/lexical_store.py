"""The lexical store: a BM25 index (bm25s) over French-analyzed chunks."""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from kbchat.corpus.chunking import Chunk
from kbchat.text.analyzer import ngram_terms


class LexicalIndex:
    """BM25 scores over a fixed list of chunk ids, with document frequencies for IDF."""

    def __init__(self, ids: list[str], retriever: object, doc_freq: dict[str, int]) -> None:
        """Wrap a built bm25s retriever; use build() or load()."""
        self.ids = ids
        self.retriever = retriever
        self.doc_freq = doc_freq

    @classmethod
    def build(cls, ids: Sequence[str], tokens: Sequence[Sequence[str]], k1: float, b: float) -> LexicalIndex:
        """Index the token lists of the given chunks."""
        import bm25s

        retriever = bm25s.BM25(k1=k1, b=b, method="lucene")
        if ids:
            retriever.index([list(t) or [""] for t in tokens], show_progress=False)
        doc_freq = Counter(term for t in tokens for term in set(t))
        return cls(list(ids), retriever, dict(doc_freq))

    def save(self, folder: Path) -> None:
        """Write the index into folder."""
        folder.mkdir(parents=True, exist_ok=True)
        if self.ids:
            self.retriever.save(str(folder), show_progress=False)
        (folder / "ids.json").write_text(json.dumps(self.ids))
        (folder / "doc_freq.json").write_text(json.dumps(self.doc_freq, ensure_ascii=False))

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex:
        """Read an index written by save()."""
        import bm25s

        ids = json.loads((folder / "ids.json").read_text())
        doc_freq = json.loads((folder / "doc_freq.json").read_text())
        retriever = bm25s.BM25.load(str(folder), show_progress=False) if ids else bm25s.BM25()
        return cls(ids, retriever, doc_freq)

    def idf(self, term: str) -> float:
        """Lucene's BM25 IDF of a term; a term the index lacks gets the highest value."""
        n = max(len(self.ids), 1)
        df = self.doc_freq.get(term, 0)
        return math.log(1.0 + (n - df + 0.5) / (df + 0.5))

    def scores(self, query_tokens: Sequence[str]) -> np.ndarray:
        """BM25 score of every chunk, in the order of self.ids."""
        known = [t for t in query_tokens if t in self.doc_freq]
        if not known or not self.ids:
            return np.zeros(len(self.ids), dtype=np.float32)
        return np.asarray(self.retriever.get_scores(known), dtype=np.float32)


def ngram_index(ids: Sequence[str], chunks: Sequence[Chunk], k1: float, b: float) -> LexicalIndex:
    """BM25 over the chunks' character 4-grams (context line included), in the order of ids."""
    text_of = {c.chunk_id: c.context_text() for c in chunks}
    return LexicalIndex.build(ids, [ngram_terms(text_of[i]) for i in ids], k1, b)
