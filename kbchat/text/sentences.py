"""French sentence splitting that survives abbreviations such as « M. », « art. », « etc. »."""

from __future__ import annotations

import re

ABBREVIATIONS = frozenset(
    (
        "m mm mme mmes mlle mlles dr pr me mgr st ste art al av bd cf chap coll ed éd env ex fig hab ibid id "
        "jr min max n no nº p pp par réf resp s sq ss suiv t vol vs dir ca c.-à-d i.e e.g janv févr fév avr "
        "juil sept oct nov déc lun mar mer jeu ven sam dim vii viii ix "
    ).split()
)

# A candidate boundary: terminal punctuation (and closing quotes/brackets), then space, then a sentence start.
_BOUNDARY = re.compile(r"([.!?…]+(?:\s?[»”\"')\]])*)(\s+)(?=[«“\"(\[]?\s*[A-ZÀ-ÖØ-Þ0-9«“\"(\[])")


def _ends_with_abbreviation(text: str) -> bool:
    """True when text ends with a known abbreviation or a single initial followed by a period."""
    match = re.search(r"([\w.-]+)\.$", text)
    if not match:
        return False
    token = match.group(1).lower()
    if token in ABBREVIATIONS:
        return True
    return len(token) == 1 and token.isalpha()


def split_sentences(text: str) -> list[str]:
    """Split a paragraph into sentences; joining them with spaces gives back its words."""
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        return []
    sentences: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.end(1)
        candidate = text[start:end]
        if match.group(1) == "." and _ends_with_abbreviation(candidate):
            continue
        sentences.append(candidate.strip())
        start = match.end()
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


_LISTED = re.compile(r":\s•\s(.+)$")


def listed_entries(sentence: str) -> tuple[str, ...]:
    """The entries of a sentence that lists them after a colon (« … met en œuvre : • A • B • C »), or none."""
    match = _LISTED.search(sentence)
    return tuple(e.strip() for e in match.group(1).split(" • ")) if match else ()
