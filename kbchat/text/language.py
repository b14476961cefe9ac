"""The language a question is written in: English or not, by how common each of its words is in each language."""

from __future__ import annotations

import re
from functools import lru_cache

ENGLISH_MARGIN = 1.0  # on the Zipf scale (log10 of uses per billion words): ten times more common in English
ENGLISH_SHARE = 0.5  # the least share of a question's words that must be English for the question to be
MIN_WORDS = 2  # « Budget ? » or « Police » alone tells no language
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


@lru_cache(maxsize=65536)
def is_english_word(word: str) -> bool:
    """True when a word is far more common in English than in French (« the », « how », « embassies »)."""
    from wordfreq import zipf_frequency  # 0.15 s, for the encoders that translate only

    lower = word.lower()
    return zipf_frequency(lower, "en") >= zipf_frequency(lower, "fr") + ENGLISH_MARGIN


def is_english(question: str) -> bool:
    """True when most of a question's words are English ones (« How many experts are there? »)."""
    words = _WORD.findall(question)
    if len(words) < MIN_WORDS:
        return False
    return sum(map(is_english_word, words)) >= ENGLISH_SHARE * len(words)
