"""Citations: quoted sentences trimmed to fit, a marker after each passage's quotes, and the check that they hold."""

from __future__ import annotations

import re
from collections.abc import Sequence

from kbchat.ask.answer import Answer
from kbchat.ask.selection import MARKER_ROOM, Quote
from kbchat.text.analyzer import analyze

_CITED = re.compile(r"(.+?) \[(\d+)\](?: |$)")


def trim_to(sentence: str, limit: int, terms: Sequence[str]) -> str:
    """Shorten a sentence to at most limit characters around its first word that matches the question."""
    if len(sentence) <= limit:
        return sentence
    tokens = sentence.split()
    wanted = set(terms)
    centre = next((i for i, w in enumerate(tokens) if wanted.intersection(analyze(w))), 0)
    start, end = centre, centre + 1
    while True:
        grew = False
        for candidate in ((start - 1, end), (start, end + 1)):
            s, e = candidate
            if s >= 0 and e <= len(tokens) and len("… " + " ".join(tokens[s:e]) + " …") <= limit:
                start, end, grew = s, e, True
        if not grew:
            break
    text = " ".join(tokens[start:end])
    return f"{'… ' if start > 0 else ''}{text}{' …' if end < len(tokens) else ''}"


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
    segments = _CITED.findall(answer.answer)
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
