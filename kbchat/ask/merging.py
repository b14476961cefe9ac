"""One answer to a compound question: each part's quotes in turn, their sources numbered once, the parts refused."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import TypeVar

from kbchat.ask.answer import Answer, Source
from kbchat.ask.citations import CITED_SEGMENT
from kbchat.ask.retrieval import Passage

T = TypeVar("T")
_SENTENCE_ENDS = (".", "!", "?", ":", ";", "»", '"')


def merged_answer(parts: Sequence[str], answers: Sequence[Answer], top_k: int) -> Answer:
    """The parts' answers as one: quotes in the parts' order, sources renumbered, the refused parts named.

    A part whose quotes an earlier part already gave adds nothing. When every part is refused, so is the message.
    """
    ranked = interleaved(a.ranked for a in answers)
    corrected = tuple(dict.fromkeys(pair for a in answers for pair in a.corrected))
    answered = [a for a in answers if a.answered]
    if not answered:
        return replace(answers[0], ranked=ranked, corrected=corrected)
    cited: list[Source] = []
    texts: list[str] = []
    for answer in answered:
        for text, number in CITED_SEGMENT.findall(answer.answer):
            source = answer.sources[int(number) - 1]
            place = next((i for i, s in enumerate(cited) if s.chunk_id == source.chunk_id), None)
            text, pieces = without_quoted(text, cited[place].quotes if place is not None else ())
            if not pieces:
                continue
            if place is None:
                cited.append(replace(source, quotes=()))
                place = len(cited) - 1
            cited[place] = replace(cited[place], quotes=cited[place].quotes + pieces)
            texts.append(f"{text} [{place + 1}]")
    ids = {s.chunk_id for s in cited}
    others = [
        s
        for s in _first_of_each((s for a in answered for s in a.sources), lambda s: s.chunk_id)
        if s.chunk_id not in ids
    ]
    return Answer(
        " ".join(texts),
        True,
        cited + others[: max(0, top_k - len(cited))],
        answered[0].evidence,
        ranked,
        corrected=corrected,
        unanswered=tuple(p for p, a in zip(parts, answers, strict=True) if a.refused),
    )


def without_quoted(text: str, quoted: Sequence[str]) -> tuple[str, tuple[str, ...]]:
    """A cited segment less its pieces that an earlier quote of the same passage holds, and the pieces left.

    Pieces are the segment's runs of sentences between ellipses, the pieces kept joined by one; a kept piece that
    starts or ends mid-sentence keeps its ellipsis.
    """
    pieces = [p.strip() for p in text.split("…")]
    said = [p for p in pieces if p]
    kept = tuple(p for p in said if not any(p in q for q in quoted))
    if len(kept) == len(said) or not kept:
        return (text if kept else ""), kept
    opened = (not pieces[0] and said[0] == kept[0]) or kept[0][:1].islower()
    closed = (not pieces[-1] and said[-1] == kept[-1]) or not kept[-1].endswith(_SENTENCE_ENDS)
    return f"{'… ' if opened else ''}{' … '.join(kept)}{' …' if closed else ''}", kept


def interleaved(rankings: Iterable[Sequence[Passage]]) -> list[Passage]:
    """The rankings' passages taken in turn, first of each, then second of each…, each passage once."""
    lists = list(rankings)
    turns = (r[i] for i in range(max(map(len, lists), default=0)) for r in lists if i < len(r))
    return _first_of_each(turns, lambda p: p.chunk.chunk_id)


def _first_of_each(items: Iterable[T], key: Callable[[T], str]) -> list[T]:
    """The items in order, each key's first only."""
    seen: set[str] = set()
    kept = []
    for item in items:
        if key(item) not in seen:
            seen.add(key(item))
            kept.append(item)
    return kept
