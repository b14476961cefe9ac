"""A French lexicon in the multilingual encoder's space: the common French words, each with its e5 vector.

An English question word is read as the French words whose vectors lie nearest its own (« embassies »,
« ambassades »). The lexicon is built once per machine (`make setup`) from wordfreq's French word list.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from kbchat.config import BUNDLED_E5, MODELS_DIR
from kbchat.errors import ModelLoadError
from kbchat.index.built_folder import build_once
from kbchat.index.embedding import load_engine
from kbchat.text.language import is_english_word

LEXICON_SIZE = 30000  # the most common French words wordfreq lists, before the English and short ones are dropped
TRANSLATION_FLOOR = 0.92  # the least cosine of a French word to an English one for it to be read as a translation
TRANSLATION_SPREAD = 0.02  # French words this close to the nearest one are translations too (« étranger », « aborder »)
MAX_TRANSLATIONS = 3
TRANSLATION_ENGINE = "onnx"  # int8 lost one English question of the tune set in two encoders
_PLAIN_WORD = re.compile(r"[^\W\d_]{3,}")


@dataclass(frozen=True)
class Lexicon:
    """French words and their unit vectors, row by row."""

    words: tuple[str, ...]
    vectors: np.ndarray

    def nearest(self, vectors: np.ndarray) -> list[list[str]]:
        """For each vector, the French words read as its translations, nearest first (none when no word is near)."""
        found: list[list[str]] = []
        for row in vectors @ self.vectors.T if len(vectors) else []:
            order = np.argsort(-row)[:MAX_TRANSLATIONS]
            floor = max(TRANSLATION_FLOOR, float(row[order[0]]) - TRANSLATION_SPREAD)
            found.append([self.words[i] for i in order if row[i] >= floor])
        return found


def french_words(size: int = LEXICON_SIZE) -> list[str]:
    """The most common French words of three letters or more that are not far more common in English."""
    from wordfreq import top_n_list

    return [w for w in top_n_list("fr", size) if _PLAIN_WORD.fullmatch(w) and not is_english_word(w)]


class Translator:
    """English words read as French ones, through the lexicon and the encoder that built it."""

    def __init__(self, lexicon: Lexicon, model: str = BUNDLED_E5) -> None:
        """Keep the lexicon and the name of its encoder."""
        self.lexicon = lexicon
        self.model = model

    def translations(self, words: Sequence[str]) -> list[list[str]]:
        """Each word's French translations, nearest first."""
        return self.lexicon.nearest(word_vectors([w.lower() for w in words], self.model))


def word_vectors(words: Sequence[str], model: str = BUNDLED_E5) -> np.ndarray:
    """The encoder's unit vectors of words, each read as a query, as the lexicon's were."""
    engine = load_engine(model, TRANSLATION_ENGINE)
    return engine.run_short([engine.prompts.get("query", "") + w for w in words])


def export_lexicon(folder: Path, model: str = BUNDLED_E5) -> Path:
    """Embed the French words once, into folder (about a minute on two cores)."""

    def build(staging: Path) -> None:
        words = french_words()
        np.save(staging / "vectors.npy", word_vectors(words, model).astype(np.float16))
        (staging / "words.json").write_text(json.dumps(words, ensure_ascii=False), encoding="utf-8")

    return build_once(folder, "words.json", build)


@lru_cache(maxsize=1)
def load_translator(model: str = BUNDLED_E5) -> Translator:
    """The translator of English words, its lexicon built on first use; ModelLoadError when it cannot be."""
    try:
        folder = export_lexicon(MODELS_DIR / "lexicon" / model.removeprefix("bundled:"), model)
        words = tuple(json.loads((folder / "words.json").read_text(encoding="utf-8")))
        return Translator(Lexicon(words, np.load(folder / "vectors.npy").astype(np.float32)), model)
    except (OSError, ValueError) as exc:
        raise ModelLoadError(
            f"Le lexique français de la traduction des questions en anglais n'a pas pu être construit ({exc}) : "
            "lancez `make setup`."
        ) from exc


if __name__ == "__main__":
    print(export_lexicon(MODELS_DIR / "lexicon" / BUNDLED_E5.removeprefix("bundled:")))  # for `make setup`
