"""How much of a question's terms a text holds: IDF-weighted shares, acronyms counted by their expansion."""

from __future__ import annotations

from collections.abc import Callable, Collection, Container, Iterable, Mapping, Sequence

MIN_EXTENDED = 5  # a stem this long names what a longer stem it begins names too (« europ », « europeen »)


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
