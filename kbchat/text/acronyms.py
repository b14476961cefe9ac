"""Acronyms defined by the documents themselves (« DCI » for « direction de la coopération internationale »)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from kbchat.text.analyzer import STOPWORDS, analyze, fold_accents, words

_ACRONYM = re.compile(r"\b[A-Z]{2,6}\b")


def _expansions(acronym: str, tokens: list[str]) -> Iterable[list[str]]:
    """Runs of content words in tokens whose initials spell the acronym."""
    letters = acronym.lower()
    content = [(i, w) for i, w in enumerate(tokens) if fold_accents(w) not in STOPWORDS]
    for start in range(len(content) - len(letters) + 1):
        run = content[start : start + len(letters)]
        spelled = all(fold_accents(w)[0] == letter for (_, w), letter in zip(run, letters, strict=True))
        if spelled and run[-1][0] - run[0][0] < 2 * len(letters):
            yield [w for _, w in run]


def find_acronyms(texts: Iterable[str]) -> dict[str, list[str]]:
    """Map each acronym used in the texts to the analyzed terms of a phrase that spells it."""
    texts = list(texts)
    tokens = [w for text in texts for w in words(text)]
    found: dict[str, list[str]] = {}
    for acronym in sorted({m.group() for text in texts for m in _ACRONYM.finditer(text)}):
        for expansion in _expansions(acronym, tokens):
            found[acronym.lower()] = analyze(" ".join(expansion))
            break
    return found


def expand_query_terms(question: str, terms: list[str], acronyms: Mapping[str, list[str]]) -> list[str]:
    """Add the terms of every known acronym the question uses, once each."""
    extra = [t for w in words(question) for t in acronyms.get(w, []) if t not in terms]
    return terms + list(dict.fromkeys(extra))
