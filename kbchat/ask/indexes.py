"""One snapshot's chunks and indexes as retrieval reads them, opened once and shared by every configuration."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from kbchat.ask.soft_matching import SoftIndex, WeightedWords, weighted_words
from kbchat.corpus.chunking import Chunk
from kbchat.corpus.profiles import ChunkProfile, chunk_profile, content_words
from kbchat.corpus.topics import label_index, subject_names
from kbchat.corpus.word_layout import WordLayout, word_layout
from kbchat.index.dense_store import DenseStore
from kbchat.index.embedding import SentenceEmbeddings
from kbchat.index.lexical_store import LexicalIndex
from kbchat.index.word_vectors import WordVectors
from kbchat.text.spelling import Vocabulary


@dataclass
class Indexes:
    """The chunks by id, BM25 on stems and on 4-grams, the dense store and encoder, and the optional word vectors.

    The chunk ids of every ranking are those of lexical.ids; passage_words caches what depends on the snapshot only.
    """

    by_id: dict[str, Chunk]
    lexical: LexicalIndex
    ngrams: LexicalIndex
    dense: DenseStore
    embeddings: SentenceEmbeddings
    acronyms: dict[str, list[str]]
    sentence_vectors: dict[str, np.ndarray] = field(default_factory=dict)
    word_vectors: WordVectors | None = None
    soft_index: SoftIndex | None = None
    topics: list[str] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    passage_words: dict[str, WeightedWords] = field(default_factory=dict)
    acronym_phrases: dict[str, str] = field(default_factory=dict)
    words: list[str] = field(default_factory=list)  # the base's distinct content words, laid out with word vectors
    spelling: Vocabulary | None = None
    labels: dict[str, tuple[str, ...]] = field(default_factory=dict)  # « article 16 » -> its chunks

    @classmethod
    def build(
        cls,
        chunks: Sequence[Chunk],
        lexical: LexicalIndex,
        ngrams: LexicalIndex,
        dense: DenseStore,
        embeddings: SentenceEmbeddings,
        acronyms: Mapping[str, list[str]],
        sentence_vectors: Mapping[str, np.ndarray] | None = None,
        word_vectors: WordVectors | None = None,
        layout: WordLayout | None = None,
        acronym_phrases: Mapping[str, str] | None = None,
    ) -> Indexes:
        """Wire one snapshot's stores together; with word vectors, index every chunk's words for soft matching."""
        by_id = {c.chunk_id: c for c in chunks}
        if word_vectors is not None and layout is None:
            # The same words as chunk_profile's content_words, without working out whole profiles at start-up.
            layout = word_layout([content_words(by_id[i].context_text()) for i in lexical.ids])
        # Laid out by ingest (or just above), in the order of lexical.ids.
        soft_index = (
            SoftIndex.from_layout(layout, word_vectors) if word_vectors is not None and layout is not None else None
        )
        topics = subject_names(name for c in chunks for name in (c.title, *c.headings[-1:]))
        return cls(
            by_id,
            lexical,
            ngrams,
            dense,
            embeddings,
            dict(acronyms),
            dict(sentence_vectors or {}),
            word_vectors,
            soft_index,
            topics,
            {key: n for n, key in enumerate(lexical.ids)},
            acronym_phrases=dict(acronym_phrases or {}),
            words=layout.vocabulary if layout is not None else [],
            labels=label_index((c.chunk_id, (c.title, *c.headings)) for c in chunks),
        )

    @cached_property
    def label_kinds(self) -> frozenset[str]:
        """The words that open the base's numbered labels (« article »)."""
        return frozenset(label.split()[0] for label in self.labels)

    def named_chunks(self, labels: Sequence[str]) -> list[str]:
        """The chunks under the numbered labels a question names (« article 16 »), in the labels' order."""
        return [key for label in labels for key in self.labels.get(label, ())]

    def profile(self, key: str) -> ChunkProfile:
        """The chunk's profile."""
        return chunk_profile(self.by_id[key])

    def vocabulary(self) -> Vocabulary | None:
        """The base's words that a misspelt question word is corrected to, worked out once (None without a lexicon)."""
        if self.spelling is None and self.word_vectors is not None:
            frequency = self.lexical.doc_freq
            self.spelling = Vocabulary.of(self.words, lambda term: frequency.get(term, 0), self.word_vectors.vectors)
        return self.spelling

    def words_of(self, key: str) -> WeightedWords | None:
        """A chunk's content words with their IDF weights and vectors, worked out once (None without word vectors)."""
        if self.word_vectors is None:
            return None
        if key not in self.passage_words:
            words = self.profile(key).content_words
            self.passage_words[key] = weighted_words(words, self.word_vectors, self.lexical.idf)
        return self.passage_words[key]

    def close(self) -> None:
        """Release the dense store."""
        self.dense.close()
