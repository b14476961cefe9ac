"""The subjects a knowledge base covers, named by its titles and headings: only names that say what they are about."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from functools import lru_cache

from kbchat.text.analyzer import fold_accents

# « Article 515-14 », « Titre Ier », « Chapitre III », « Section 2 bis »: a part of a text and its number, no subject
# (« Apollo 11 », « Louis XIV » are subjects).
_PARTS = (
    "article|titre|chapitre|section|sous-section|livre|partie|annexe|paragraphe|tome|volume|fiche|"
    "chapter|part|appendix|annex"
)
_NUMBER = r"(?:\d[\d./-]*(?:er|e)?|[IVXLCDM]+(?:er|e)?|bis|ter|quater|unique)"
_NUMBERED_LABEL = re.compile(rf"^(?i:{_PARTS})(?:[\s-]+{_NUMBER})+$")


@lru_cache(maxsize=100_000)  # a document's title and headings repeat in each of its chunks
def is_numbered_label(name: str) -> bool:
    """True when the name is a part of a text and its number only (« Article 144 », « Titre V »)."""
    return bool(_NUMBERED_LABEL.match(" ".join(name.split())))


@lru_cache(maxsize=100_000)
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


_ABBREVIATED = {"art": "article"}  # « l'art. 1134 » names « Article 1134 »


@lru_cache(maxsize=100_000)
def label_key(name: str) -> str:
    """A numbered label as a question may write it: « Article 16-1 », « l'article 16-1 » and « art. 16-1 » alike."""
    words = re.sub(r"(?<!\d)-|-(?!\d)|[^\w-]+", " ", fold_accents(name).casefold()).split()
    return " ".join([_ABBREVIATED.get(words[0], words[0]), *words[1:]]) if words else ""


def named_labels(question: str, kinds: Collection[str]) -> list[str]:
    """The keys of the numbered labels of those kinds (« article ») that the question names, in order."""
    if not kinds:
        return []
    words = "|".join(sorted({re.escape(k) for k in kinds} | {a for a, k in _ABBREVIATED.items() if k in kinds}))
    # Arabic numbers only: read in a question, « vi » or « mi » would be taken for Roman ones.
    pattern = rf"(?<![\w-])(?:{words})\.?\s+\d+(?:er|e)?(?:-\d+)*(?![\w-])"
    folded = fold_accents(question).casefold()
    return list(dict.fromkeys(label_key(m.group(0)) for m in re.finditer(pattern, folded)))


def label_index(named: Iterable[tuple[str, Sequence[str]]]) -> dict[str, tuple[str, ...]]:
    """The ids under each numbered label key, from (id, its title and headings) pairs, in their order."""
    index: dict[str, list[str]] = {}
    for key, names in named:
        for label in {label_key(n) for n in names if is_numbered_label(n)}:
            index.setdefault(label, []).append(key)
    return {label: tuple(keys) for label, keys in index.items()}
