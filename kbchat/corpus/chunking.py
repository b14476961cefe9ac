"""Structure-aware chunking: headings, then paragraphs, then sentences, then words."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

from kbchat.text.analyzer import analyze
from kbchat.text.sentences import split_sentences

TokenCounter = Callable[[str], int]


@dataclass(frozen=True)
class Block:
    """One paragraph of a document with the headings above it."""

    headings: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class Chunk:
    """A retrievable passage with its document context."""

    chunk_id: str
    source: str
    title: str
    headings: tuple[str, ...]
    text: str
    position: int
    terms: tuple[str, ...] = field(default=(), compare=False, repr=False)  # analyzed context_text, for BM25

    @property
    def section(self) -> str:
        """The heading path as one string."""
        return " > ".join(self.headings)

    def context_text(self) -> str:
        """The text that is embedded and indexed: title and heading path, then the passage."""
        context = " > ".join(h for h in (self.title, *self.headings) if h)
        return f"{context}\n{self.text}" if context else self.text


def approximate_tokens(text: str) -> int:
    """A word-piece estimate for French text when no tokenizer is at hand."""
    return int(len(text.split()) * 1.6) + 1


def chunk_id(source: str, position: int, text: str) -> str:
    """A stable id: the same source, place and text always give the same id."""
    digest = hashlib.sha1(f"{source}\x00{position}\x00{text}".encode()).hexdigest()
    return digest[:20]


def _split_words(text: str, budget: int, count: TokenCounter) -> list[str]:
    """Split an over-long sentence into word runs that fit the budget."""
    pieces: list[str] = []
    current: list[str] = []
    for word in text.split():
        if current and count(" ".join([*current, word])) > budget:
            pieces.append(" ".join(current))
            current = []
        current.append(word)
    if current:
        pieces.append(" ".join(current))
    return pieces


def _units(text: str, budget: int, count: TokenCounter) -> list[str]:
    """Pieces of a paragraph that each fit the budget: the paragraph, else sentences, else words."""
    if count(text) <= budget:
        return [text]
    units: list[str] = []
    for sentence in split_sentences(text):
        units.extend([sentence] if count(sentence) <= budget else _split_words(sentence, budget, count))
    return units


def _pack(units: Iterable[str], budget: int, count: TokenCounter, separator: str) -> list[str]:
    """Greedily join consecutive units while the result fits the budget."""
    packed: list[str] = []
    current = ""
    for unit in units:
        joined = f"{current}{separator}{unit}" if current else unit
        if current and count(joined) > budget:
            packed.append(current)
            current = unit
        else:
            current = joined
    if current:
        packed.append(current)
    return packed


def _sections(blocks: Sequence[Block]) -> list[tuple[tuple[str, ...], list[str]]]:
    """Group consecutive blocks that share a heading path."""
    sections: list[tuple[tuple[str, ...], list[str]]] = []
    for block in blocks:
        if sections and sections[-1][0] == block.headings:
            sections[-1][1].append(block.text)
        else:
            sections.append((block.headings, [block.text]))
    return sections


def chunk_blocks(
    source: str,
    title: str,
    blocks: Sequence[Block],
    max_tokens: int,
    count: TokenCounter = approximate_tokens,
) -> list[Chunk]:
    """Cut a document's blocks into chunks whose context text fits max_tokens."""
    chunks: list[Chunk] = []
    for headings, paragraphs in _sections(blocks):
        context = " > ".join(h for h in (title, *headings) if h)
        budget = max(16, max_tokens - count(context) - 2)
        paragraph_units = [u for p in paragraphs for u in _units(p, budget, count)]
        for text in _pack(paragraph_units, budget, count, "\n"):
            position = len(chunks)
            chunk = Chunk(chunk_id(source, position, text), source, title, headings, text, position)
            chunks.append(replace(chunk, terms=tuple(analyze(chunk.context_text()))))
    return chunks
