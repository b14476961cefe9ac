"""English questions read in French: each word the base lacks replaced by its translation the base holds."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from kbchat.text.analyzer import QUERY_STOPWORDS, fold_accents
from kbchat.text.language import is_english_word

_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
_ACRONYM = re.compile(r"[A-Z]{2,}")


def translated(
    question: str, translate: Callable[[Sequence[str]], list[list[str]]], known: Callable[[str], bool]
) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The question with each content word the base lacks replaced by the first of its translations the base holds.

    translate gives each word's French translations, nearest first; known tells whether the base holds a word.
    A word without such a translation is left as typed (English stopwords have none: « each », « many »), and so are
    acronyms (« DCI ») and words no more English than French (names: « Europol », « Schengen »). Returns the question
    and each (typed, read) pair.
    """
    wanted = [
        m
        for m in _WORD.finditer(question)
        if fold_accents(m.group().lower()) not in QUERY_STOPWORDS
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
