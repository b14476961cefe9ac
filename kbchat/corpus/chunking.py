"""Structure-aware chunking: headings, then paragraphs, then sentences, then words."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
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


LONG_WORD_CHARS = 100  # no tokenizer reads a longer run of characters as a word (WordPiece's own limit)


def approximate_tokens(text: str) -> int:
    """A word-piece estimate for French text when no tokenizer is at hand."""
    return int(len(text.split()) * 1.6) + 1


def chunk_id(source: str, position: int, text: str) -> str:
    """A stable id: the same source, place and text always give the same id."""
    digest = hashlib.sha1(f"{source}\x00{position}\x00{text}".encode()).hexdigest()
    return digest[:20]


def _words(text: str) -> Iterator[str]:
    """The words of a text; a run of characters longer than LONG_WORD_CHARS without a space is cut into pieces."""
    for word in text.split():
        yield from (word[i : i + LONG_WORD_CHARS] for i in range(0, len(word), LONG_WORD_CHARS))


def _split_words(text: str, budget: int, count: TokenCounter) -> list[str]:
    """Split an over-long sentence into word runs that fit the budget.

    Word pieces add up over words (tokenizers split on spaces first), so each word is counted once; where they do
    not add up (an estimate), the runs are cut again by counting each growing run.
    """
    words = list(_words(text))
    overhead = count("")
    runs: list[list[str]] = [[]]
    used = overhead
    for word in words:
        cost = max(count(word) - overhead, 1)
        if runs[-1] and used + cost > budget:
            runs.append([])
            used = overhead
        runs[-1].append(word)
        used += cost
    pieces = [" ".join(run) for run in runs if run]
    if all(count(piece) <= budget for piece in pieces):
        return pieces
    pieces, current = [], []
    for word in words:
        if current and count(" ".join([*current, word])) > budget:
            pieces.append(" ".join(current))
            current = []
        current.append(word)
    return [*pieces, " ".join(current)] if current else pieces


def _units(text: str, budget: int, count: TokenCounter) -> list[str]:
    """Pieces of a paragraph that each fit the budget: the paragraph, else sentences, else words."""
    if any(len(word) > LONG_WORD_CHARS for word in text.split()):
        text = " ".join(_words(text))
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
