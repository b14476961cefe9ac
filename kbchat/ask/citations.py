"""Citations: quoted sentences trimmed to fit, a marker after each passage's quotes, and the check that they hold."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from kbchat.ask.answer import Answer
from kbchat.ask.selection import MARKER_ROOM, Quote
from kbchat.text.analyzer import analyze

CITED_SEGMENT = re.compile(r"(.+?) \[(\d+)\](?: |$)")


def trim_to(sentence: str, limit: int, terms: Sequence[str]) -> str:
    """Shorten a sentence to at most limit characters around the stretch that holds most of the question's words."""
    if len(sentence) <= limit:
        return sentence
    tokens = sentence.split()
    wanted = set(terms)
    hits = [wanted.intersection(analyze(w)) for w in tokens]

    def fits(start: int, end: int) -> bool:
        return len(_window_text(tokens, start, end)) <= limit

    start, end = densest_window(hits, fits)
    while True:
        grew = False
        if start > 0 and fits(start - 1, end):
            start, grew = start - 1, True
        if end < len(tokens) and fits(start, end + 1):
            end, grew = end + 1, True
        if not grew:
            return _window_text(tokens, start, end)


def densest_window(hits: Sequence[set[str]], fits: Callable[[int, int], bool]) -> tuple[int, int]:
    """The tokens from one matching token to another that fit and hold the most terms, shortest first; (0, 1) for none.

    hits holds each token's matching terms; fits(start, end) tells whether tokens[start:end] fit.
    """
    best, best_key = (0, 1), (0, 0)
    for start, first in enumerate(hits):
        if not first:
            continue
        covered: set[str] = set()
        end = start
        while end < len(hits) and (end == start or fits(start, end + 1)):
            covered |= hits[end]
            end += 1
            key = (len(covered), start - end)
            if hits[end - 1] and key > best_key:
                best, best_key = (start, end), key
    return best


def _window_text(tokens: Sequence[str], start: int, end: int) -> str:
    """tokens[start:end] joined, with an ellipsis on each side that was cut."""
    return f"{'… ' if start > 0 else ''}{' '.join(tokens[start:end])}{' …' if end < len(tokens) else ''}"


def cite(chosen: Sequence[Quote], terms: Sequence[str], max_chars: int) -> tuple[str, dict[int, list[str]]]:
    """The answer text, one marker after each run of quotes from a passage, and each cited passage's quoted pieces."""
    quoted: dict[int, list[str]] = {q.passage: [] for q in chosen}  # in order of first quote: the marker numbers
    parts: list[str] = []
    for position, quote in enumerate(chosen):
        sentence = quote.sentence
        room = min(quote.limit, max_chars - MARKER_ROOM - (len(" ".join(parts)) + 1 if parts else 0))
        previous = chosen[position - 1].sentence if position else None
        same = previous is not None and previous.passage_index == sentence.passage_index
        gap = same and sentence.sentence_index != previous.sentence_index + 1
        piece = trim_to(sentence.sentence, room - (2 if gap else 0), terms)
        if same:
            # One ellipsis marks any cut between two quotes of the same passage.
            cut = gap or parts[-1].endswith(" …") or piece.startswith("… ")
            parts[-1] = parts[-1].removesuffix(" …")
            piece = ("… " if cut else "") + piece.removeprefix("… ")
        parts.append(piece)
        quoted[quote.passage] += [p.strip() for p in piece.split("…") if p.strip()]
        following = chosen[position + 1] if position + 1 < len(chosen) else None
        if following is None or following.passage != quote.passage:
            parts[-1] += f" [{list(quoted).index(quote.passage) + 1}]"
    return " ".join(parts), quoted


def citations_grounded(answer: Answer) -> bool:
    """Every cited segment of the answer stands, word for word, in the source its marker points to."""
    if not answer.answered:
        return not answer.sources
    segments = CITED_SEGMENT.findall(answer.answer)
    if not segments or "".join(f"{t} [{n}]" for t, n in segments).replace(" ", "") != answer.answer.replace(" ", ""):
        return False
    for text, number in segments:
        index = int(number) - 1
        if not 0 <= index < len(answer.sources):
            return False
        source = " ".join(answer.sources[index].text.split())
        pieces = [" ".join(p.split()) for p in text.split("…") if p.strip()]
        if not pieces or not all(p in source for p in pieces):
            return False
    return True
