"""English words read as French ones: the common English words, each with the French words nearest it in e5's space.

An English question word is read as the French words whose vectors lie nearest its own (« embassies »,
« ambassades »). The table is built once per machine (`make setup`) from wordfreq's word lists, so that asking
needs no encoder of its own: MiniLM's chat translates without loading e5.
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
ENGLISH_SIZE = 50000  # the most common English words: 29,000 of them far more common in English than in French
TRANSLATION_FLOOR = 0.92  # the least cosine of a French word to an English one for it to be read as a translation
TRANSLATION_SPREAD = 0.02  # French words this close to the nearest one are translations too (« étranger », « aborder »)
MAX_TRANSLATIONS = 3
TABLE = "translations-2.json"  # named anew when what the table holds changes, so that the next use rebuilds it
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


def english_words(size: int = ENGLISH_SIZE) -> list[str]:
    """The most common English words of three letters or more that are far more common in English than in French."""
    from wordfreq import top_n_list

    return [w for w in top_n_list("en", size) if _PLAIN_WORD.fullmatch(w) and is_english_word(w)]


def english_stopwords() -> frozenset[str]:
    """scikit-learn's English stopwords (« each », « many »): read as no French word."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS)


def _singulars(word: str) -> list[str]:
    """A word, then its singular forms if it looks plural (« embassies », « embassy »)."""
    forms = [word]
    if word.endswith("ies"):
        forms.append(word[:-3] + "y")
    if word.endswith("s"):
        forms += [word[:-1], word[:-2]] if word.endswith("es") else [word[:-1]]
    return forms


class Translator:
    """English words read as French ones, through the table the lexicon built."""

    def __init__(self, table: dict[str, list[str]]) -> None:
        """Keep each English word's French translations, nearest first."""
        self.table = table

    def translations(self, words: Sequence[str]) -> list[list[str]]:
        """Each word's French translations, nearest first; a plural the table lacks is read as its singular."""
        return [next((self.table[f] for f in _singulars(w.lower()) if f in self.table), []) for w in words]


def word_vectors(words: Sequence[str], model: str = BUNDLED_E5) -> np.ndarray:
    """The encoder's unit vectors of words, each read as a query, as the lexicon's were."""
    engine = load_engine(model, TRANSLATION_ENGINE)
    return engine.run_short([engine.prompts.get("query", "") + w for w in words])


def export_lexicon(folder: Path, model: str = BUNDLED_E5) -> Path:
    """Translate the English words once, into folder (about 95 s on two cores)."""

    def build(staging: Path) -> None:
        stopwords, french = english_stopwords(), french_words()
        english = [w for w in english_words() if w not in stopwords]
        lexicon = Lexicon(tuple(french), word_vectors(french, model))
        table: dict[str, list[str]] = dict.fromkeys(stopwords, [])  # listed, so that « does » is not read as « doe »
        for start in range(0, len(english), 1024):
            batch = english[start : start + 1024]
            table |= dict(zip(batch, lexicon.nearest(word_vectors(batch, model)), strict=True))
        (staging / TABLE).write_text(json.dumps(table, ensure_ascii=False), encoding="utf-8")

    return build_once(folder, TABLE, build)


@lru_cache(maxsize=1)
def load_translator(model: str = BUNDLED_E5) -> Translator:
    """The translator of English words, its table built on first use; ModelLoadError when it cannot be."""
    try:
        folder = export_lexicon(MODELS_DIR / "lexicon" / model.removeprefix("bundled:"), model)
        return Translator(json.loads((folder / TABLE).read_text(encoding="utf-8")))
    except (OSError, ValueError) as exc:
        raise ModelLoadError(
            f"La table de traduction des questions en anglais n'a pas pu être construite ({exc}) : lancez `make setup`."
        ) from exc


if __name__ == "__main__":
    print(export_lexicon(MODELS_DIR / "lexicon" / BUNDLED_E5.removeprefix("bundled:")))  # for `make setup`
