"""Acronyms defined by the documents themselves (« DCI » for « direction de la coopération internationale »)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from kbchat.text.analyzer import STOPWORDS, analyze, fold_accents, words

_ACRONYM = re.compile(r"\b[A-Z]{2,6}\b")
_ASKED_ACRONYM = re.compile(r"\b[A-Z]{3,6}\b")  # two letters spell too many phrases (« AE », « PN »)


def _expansions(acronym: str, tokens: list[str]) -> Iterable[list[str]]:
    """Runs of tokens whose content words' initials spell the acronym."""
    letters = acronym.lower()
    content = [(i, w) for i, w in enumerate(tokens) if fold_accents(w) not in STOPWORDS]
    for start in range(len(content) - len(letters) + 1):
        run = content[start : start + len(letters)]
        spelled = all(fold_accents(w)[0] == letter for (_, w), letter in zip(run, letters, strict=True))
        if spelled and run[-1][0] - run[0][0] < 2 * len(letters):
            yield tokens[run[0][0] : run[-1][0] + 1]


def spelled_acronyms(texts: Iterable[str]) -> dict[str, str]:
    """Map each acronym used in the texts to the first phrase of theirs that spells it."""
    texts = list(texts)
    tokens = [w for text in texts for w in words(text)]
    found: dict[str, str] = {}
    for acronym in sorted({m.group() for text in texts for m in _ACRONYM.finditer(text)}):
        for expansion in _expansions(acronym, tokens):
            found[acronym] = " ".join(expansion)
            break
    return found


def spelled_in(question: str, texts: Iterable[str], known: Mapping[str, list[str]]) -> dict[str, list[str]]:
    """The question's acronyms of three letters or more that known lacks, with the terms of a phrase that spells each.

    « Combien de SSI… ? » asked of a passage that writes « services de sécurité intérieure » but never « SSI »: the
    acronym is read as the passage's phrase. Keys are in lower case, as the analyzer leaves them.
    """
    wanted = sorted({m.group() for m in _ASKED_ACRONYM.finditer(question)} - {a.upper() for a in known})
    found: dict[str, list[str]] = {}
    for text in texts if wanted else ():
        tokens = words(text)
        for acronym in wanted:
            expansion = next(_expansions(acronym, tokens), None)
            if acronym.lower() not in found and expansion is not None:
                found[acronym.lower()] = analyze(" ".join(expansion))
    return found


def acronym_terms(phrases: Mapping[str, str]) -> dict[str, list[str]]:
    """Each acronym, in lower case as the analyzer leaves it, with the analyzed terms of its phrase."""
    return {acronym.lower(): analyze(phrase) for acronym, phrase in phrases.items()}


def find_acronyms(texts: Iterable[str]) -> dict[str, list[str]]:
    """Map each acronym used in the texts (lower case) to the analyzed terms of a phrase that spells it."""
    return acronym_terms(spelled_acronyms(texts))


def spell_out(text: str, phrases: Mapping[str, str]) -> str:
    """The text with every acronym of phrases replaced by its phrase (« la DCI » → « la direction de la… »)."""
    if not phrases:
        return text
    return _ACRONYM.sub(lambda m: phrases.get(m.group(), m.group()), text)


def expand_query_terms(question: str, terms: list[str], acronyms: Mapping[str, list[str]]) -> list[str]:
    """Add the terms of every known acronym the question uses, once each."""
    extra = [t for w in words(question) for t in acronyms.get(w, []) if t not in terms]
    return terms + list(dict.fromkeys(extra))
