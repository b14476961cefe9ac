"""English questions read in French: each word the base lacks replaced by its translation the base holds."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import cache

from kbchat.text.analyzer import QUERY_STOPWORDS, fold_accents
from kbchat.text.language import is_english_word

_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
_ACRONYM = re.compile(r"[A-Z]{2,}")


@cache
def english_stopwords() -> frozenset[str]:
    """scikit-learn's English stopwords (« each », « many »), loaded at the first English question (1 s)."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS)


def translated(
    question: str, translate: Callable[[Sequence[str]], list[list[str]]], known: Callable[[str], bool]
) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The question with each content word the base lacks replaced by the first of its translations the base holds.

    translate gives each word's French translations, nearest first; known tells whether the base holds a word.
    A word without such a translation is left as typed, and so are acronyms (« DCI ») and words no more English than
    French (names: « Europol », « Schengen »). Returns the question and each (typed, read) pair.
    """
    wanted = [
        m
        for m in _WORD.finditer(question)
        if m.group().lower() not in english_stopwords()
        and fold_accents(m.group().lower()) not in QUERY_STOPWORDS
        and not _ACRONYM.fullmatch(m.group())
        and not known(m.group())
        and is_english_word(m.group())
    ]
    choices = translate([m.group() for m in wanted]) if wanted else []
    pairs: list[tuple[str, str]] = []
    pieces: list[str] = []
    end = 0
    for match, options in zip(wanted, choices, strict=True):
        found = next((o for o in options if known(o)), None)
        if found is None:
            continue
        pairs.append((match.group(), found))
        pieces += [question[end : match.start()], found]
        end = match.end()
    return "".join([*pieces, question[end:]]), tuple(pairs)
