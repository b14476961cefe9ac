"""How much of a question's terms a text holds: IDF-weighted shares, acronyms counted by their expansion."""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Container, Iterable, Mapping, Sequence

from rapidfuzz.distance import OSA

MIN_EXTENDED = 5  # a stem this long names what a longer stem it begins names too (« europ », « europeen »)
MIN_NEAR = 6  # a name this long, one edit from a stem of the text, is that name misspelt (« strutthof », « stutthof »)
NAME_ENDING = 2  # a name and its adjective differ in their last letters at most (« afriqu », « africain »)
MIN_SHARED = 4


def term_matched(term: str, present: Container[str], acronyms: Mapping[str, list[str]]) -> bool:
    """A question term is matched by itself or, for an acronym, by all terms of its expansion."""
    if term in present:
        return True
    expansion = acronyms.get(term)
    return bool(expansion) and all(t in present for t in expansion)


def idf_share(terms: Sequence[str], idf: Callable[[str], float], keep: Callable[[str], bool]) -> float:
    """IDF-weighted share of the terms that keep accepts (0 when the terms weigh nothing)."""
    total = sum(idf(t) for t in terms)
    return sum(idf(t) for t in terms if keep(t)) / total if total > 0 else 0.0


def coverage(
    terms: Sequence[str], present: Container[str], idf: Callable[[str], float], acronyms: Mapping[str, list[str]]
) -> float:
    """IDF-weighted share of the question's terms that the text contains."""
    return idf_share(terms, idf, lambda t: term_matched(t, present, acronyms))


def missing_known_share(
    terms: Sequence[str],
    present: Container[str],
    known: Container[str],
    idf: Callable[[str], float],
    acronyms: Mapping[str, list[str]],
) -> float:
    """IDF-weighted share of the question's terms that the text lacks but the knowledge base contains."""
    return idf_share(terms, idf, lambda t: t in known and not term_matched(t, present, acronyms))


def extended(terms: Iterable[str], present: Collection[str]) -> frozenset[str]:
    """The terms a text holds only in a longer form: stems of MIN_EXTENDED letters or more that begin one of its stems.

    A noun and its adjective stem apart (« Europe », « européennes »); a longer question stem is not shortened, since
    « directeur » is not « direction ».
    """
    return frozenset(
        t for t in terms if len(t) >= MIN_EXTENDED and t not in present and any(p.startswith(t) for p in present)
    )


def share(wanted: Collection[str], present: Container[str], default: float) -> float:
    """The share of wanted items that are present, or default when nothing is wanted."""
    return sum(w in present for w in wanted) / len(wanted) if wanted else default


def name_held(term: str, present: Collection[str]) -> bool:
    """A name is held by a stem sharing all its letters but the last two, or for a long name by one a letter off.

    « afriqu » by « africain » (four letters shared at least), « strutthof » by « stutthof ».
    """
    shared = max(MIN_SHARED, len(term) - NAME_ENDING)
    if term in present or any(len(os.path.commonprefix([term, p])) >= shared for p in present):
        return True
    return len(term) >= MIN_NEAR and any(
        abs(len(p) - len(term)) <= 1 and OSA.distance(term, p, score_cutoff=1) <= 1 for p in present
    )
