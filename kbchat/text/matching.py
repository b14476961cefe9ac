"""How much of a question's terms a text holds: IDF-weighted shares, acronyms counted by their expansion."""

from __future__ import annotations

from collections.abc import Callable, Collection, Container, Mapping, Sequence


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


def share(wanted: Collection[str], present: Container[str], default: float) -> float:
    """The share of wanted items that are present, or default when nothing is wanted."""
    return sum(w in present for w in wanted) / len(wanted) if wanted else default
