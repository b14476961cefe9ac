"""Overview questions (« Qu'est-ce que la DCI ? »): the passages and sentences that say what the subject is."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from kbchat.corpus.chunking import Chunk
from kbchat.corpus.profiles import chunk_profile
from kbchat.text.definitions import defines, heads

SECTION_LEAD_SHARE = 0.5  # a section's first sentence says this much of what its heading's subject is


def opens_section(chunk: Chunk, subject: Sequence[str], acronyms: Mapping[str, list[str]]) -> bool:
    """True when the chunk opens a section headed by the subject (a document's first chunk, for its title)."""
    return (
        bool(subject)
        and (bool(chunk.headings) or chunk.position == 0)
        and heads(subject, chunk.title, chunk.headings, acronyms)
    )


def definitions(
    chunks: Sequence[Chunk], subject: Sequence[str], acronyms: Mapping[str, list[str]]
) -> dict[tuple[int, int], float]:
    """How much each (chunk index, sentence index) says what the subject is; the sentences left out say nothing.

    The first sentence of each document that defines the subject (« La DCI est… ») says it all, a section's first
    sentence SECTION_LEAD_SHARE of it; a later definition in the same document adds to what the first said.
    """
    if not subject:
        return {}
    shares: dict[tuple[int, int], float] = {}
    first: dict[str, tuple[int, int, int]] = {}
    for index, chunk in enumerate(chunks):
        if opens_section(chunk, subject, acronyms):
            shares[(index, 0)] = SECTION_LEAD_SHARE
        for position, sentence in enumerate(chunk_profile(chunk).sentences):
            if defines(sentence, subject, acronyms):
                place = (chunk.position, position, index)
                first[chunk.source] = min(first.get(chunk.source, place), place)
    for _, position, index in first.values():
        shares[(index, position)] = 1.0
    return shares


def defining_first(
    ranked: list[tuple[str, float]],
    chunks: Mapping[str, Chunk],
    subject: Sequence[str],
    acronyms: Mapping[str, list[str]],
) -> list[tuple[str, float]]:
    """The ranking with the chunks that say what the subject is moved to the front, each side in its order."""
    if not subject:
        return ranked
    about = [definitions([chunks[key]], subject, acronyms) != {} for key, _ in ranked]
    return [r for r, a in zip(ranked, about, strict=True) if a] + [
        r for r, a in zip(ranked, about, strict=True) if not a
    ]
