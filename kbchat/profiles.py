"""A chunk's analyzed terms, words and sentences, worked out once and shared by reranking and answering."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from kbchat.analyzer import analyze, fold_accents, words
from kbchat.chunking import Chunk
from kbchat.sentences import split_sentences


@dataclass(frozen=True)
class ChunkProfile:
    """What scoring needs of a chunk: its terms and words (title and headings included) and its sentences."""

    terms: tuple[str, ...]
    term_set: frozenset[str]
    surface: frozenset[str]
    surface_text: str
    sentences: tuple[str, ...]
    sentence_terms: tuple[frozenset[str], ...]


def surface_words(text: str) -> list[str]:
    """Lower-case, accent-folded words, unstemmed."""
    return [fold_accents(w) for w in words(text)]


@lru_cache(maxsize=50_000)
def chunk_profile(chunk: Chunk) -> ChunkProfile:
    """The terms, words and sentences of a chunk; its title and headings count as part of every sentence."""
    context = chunk.context_text()
    terms = tuple(analyze(context))
    surface = surface_words(context)
    sentences = tuple(split_sentences(chunk.text))
    headings = frozenset(analyze(" ".join((chunk.title, *chunk.headings))))
    return ChunkProfile(
        terms,
        frozenset(terms),
        frozenset(surface),
        f" {' '.join(surface)} ",
        sentences,
        tuple(frozenset(analyze(s)) | headings for s in sentences),
    )
