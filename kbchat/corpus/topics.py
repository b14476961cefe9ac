"""The subjects a knowledge base covers, named by its titles and headings: only names that say what they are about."""

from __future__ import annotations

import re
from collections.abc import Iterable

from kbchat.text.analyzer import fold_accents

# « Article 515-14 », « Titre Ier », « Chapitre III », « Section 2 bis »: a label and a number, no subject.
_NUMBER = r"(?:\d[\d./-]*(?:er|e)?|[IVXLCDM]+(?:er|e)?|bis|ter|quater|unique)"
_NUMBERED_LABEL = re.compile(rf"^\w[\w.'-]*(?:[\s-]+{_NUMBER})+$")


def is_numbered_label(name: str) -> bool:
    """True when the name is a label followed by numbers only (« Article 144 », « Titre V »)."""
    return bool(_NUMBERED_LABEL.match(" ".join(name.split())))


def name_key(name: str) -> str:
    """The name without case, accents or punctuation: « Article 515-14 » and « Article 515 14 » are one."""
    return " ".join(re.sub(r"[\W_]+", " ", fold_accents(name).casefold()).split())


def subject_names(names: Iterable[str]) -> list[str]:
    """The names in order, without numbered labels, blanks and repeats: what the base can say it covers."""
    kept: dict[str, str] = {}
    for name in names:
        key = name_key(name)
        if key and key not in kept and not is_numbered_label(name):
            kept[key] = " ".join(name.split())
    return list(kept.values())
