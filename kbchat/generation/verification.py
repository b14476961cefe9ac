"""Checks of a generated answer: citation markers that point to a passage, renumbered; French text. Pure functions."""

from __future__ import annotations

import re
from dataclasses import dataclass

import py3langid

EMPTY, NO_CITATION, NOT_FRENCH = "empty", "no_citation", "not_french"
MIN_WORDS_FOR_LANGUAGE = 4  # below this, language identification is a guess
_MARKER = re.compile(r"(\s*)\[(\d+(?:\s*[,;]\s*\d+)*)\]")
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class CheckedAnswer:
    """A generated answer after the checks: its text, the passages it cites (0-based, in marker order), any problem."""

    text: str
    cited: tuple[int, ...]
    problem: str = ""


def renumber_citations(text: str, count: int) -> tuple[str, tuple[int, ...]]:
    """Drop markers that point to none of count passages; number the others 1, 2… in order of first citation."""
    order: list[int] = []

    def renumber(match: re.Match[str]) -> str:
        valid = [int(n) - 1 for n in re.split(r"\s*[,;]\s*", match.group(2)) if 1 <= int(n) <= count]
        if not valid:
            return ""
        for index in valid:
            if index not in order:
                order.append(index)
        numbers = dict.fromkeys(order.index(i) + 1 for i in valid)
        return f"{match.group(1)}[{', '.join(map(str, numbers))}]"

    renumbered = _MARKER.sub(renumber, text)
    return re.sub(r"[ \t]{2,}", " ", renumbered).strip(), tuple(order)


def is_french(text: str) -> bool:
    """True when the text, markers aside, reads as French (or is too short to tell)."""
    plain = _MARKER.sub(" ", text)
    if len(_WORD.findall(plain)) < MIN_WORDS_FOR_LANGUAGE:
        return True
    language, _ = py3langid.classify(plain)
    return language == "fr"


def check_answer(text: str, count: int) -> CheckedAnswer:
    """The generated text with its markers checked against count passages, and the reason to reject it, if any."""
    renumbered, cited = renumber_citations(text, count)
    if not renumbered:
        return CheckedAnswer("", (), EMPTY)
    if not cited:
        return CheckedAnswer(renumbered, (), NO_CITATION)
    if not is_french(renumbered):
        return CheckedAnswer(renumbered, cited, NOT_FRENCH)
    return CheckedAnswer(renumbered, cited)
