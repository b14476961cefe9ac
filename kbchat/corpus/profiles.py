"""A chunk's analyzed terms, words and sentences, worked out once and shared by reranking and answering."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from kbchat.corpus.chunking import Chunk
from kbchat.text.analyzer import STOPWORDS, analyze, fold_accents, words
from kbchat.text.sentences import listed_entries, split_sentences


@dataclass(frozen=True)
class ChunkProfile:
    """A chunk's terms, words and sentences (title and headings included), and its content words.

    sentence_columns gives, for each sentence, the positions in content_words of its words and the headings' words;
    listed, for each sentence that lists entries after a colon (« … met en œuvre : • A • B »), their terms (else none).
    """

    terms: tuple[str, ...]
    term_set: frozenset[str]
    surface: frozenset[str]
    surface_text: str
    sentences: tuple[str, ...]
    sentence_terms: tuple[frozenset[str], ...]
    content_words: tuple[str, ...]
    sentence_columns: tuple[tuple[int, ...], ...]
    listed: tuple[tuple[frozenset[str], ...], ...]

    def answering(self, asks_list: bool) -> tuple[bool, ...]:
        """Which sentences may answer: any does, but a list's only a question that asks for several things."""
        return tuple(asks_list or not entries for entries in self.listed)


def surface_words(text: str) -> list[str]:
    """Lower-case, accent-folded words, unstemmed."""
    return [fold_accents(w) for w in words(text)]


def content_words(text: str, stopwords: frozenset[str] = STOPWORDS) -> list[str]:
    """The distinct lower-case words of a text that are not stopwords, accents kept (for word vectors)."""
    return list(dict.fromkeys(w for w in words(text) if fold_accents(w) not in stopwords))


@lru_cache(maxsize=50_000)
def chunk_profile(chunk: Chunk) -> ChunkProfile:
    """The terms, words and sentences of a chunk; its title and headings count as part of every sentence."""
    context = chunk.context_text()
    terms = chunk.terms or tuple(analyze(context))
    surface = surface_words(context)
    sentences = tuple(split_sentences(chunk.text))
    heading_text = " ".join((chunk.title, *chunk.headings))
    headings = frozenset(analyze(heading_text))
    vocabulary = content_words(context)
    column = {w: i for i, w in enumerate(vocabulary)}
    heading_words = content_words(heading_text)
    return ChunkProfile(
        terms,
        frozenset(terms),
        frozenset(surface),
        f" {' '.join(surface)} ",
        sentences,
        tuple(frozenset(analyze(s)) | headings for s in sentences),
        tuple(vocabulary),
        tuple(
            tuple(sorted({column[w] for w in (*content_words(s), *heading_words) if w in column})) for s in sentences
        ),
        tuple(tuple(frozenset(analyze(entry)) for entry in listed_entries(s)) for s in sentences),
    )
