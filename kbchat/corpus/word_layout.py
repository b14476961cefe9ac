"""Every chunk's distinct content words as rows of one vocabulary: what soft matching scores all chunks with."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class WordLayout:
    """The vocabulary, and each chunk's rows in it chunk after chunk (columns, from starts).

    A chunk without words points at row len(vocabulary), which soft matching keeps as a zero vector with no stem.
    """

    vocabulary: list[str]
    columns: np.ndarray
    starts: np.ndarray
    ids: tuple[str, ...] = ()  # the chunks' ids, when known

    def words_by_chunk(self) -> dict[str, list[str]]:
        """Each chunk's words, in order, by chunk id (the chunks' ids must be known)."""
        ends = [*self.starts[1:].tolist(), len(self.columns)]
        rows = [self.columns[a:b].tolist() for a, b in zip(self.starts.tolist(), ends, strict=True)]
        return {
            key: [self.vocabulary[i] for i in row if i < len(self.vocabulary)]
            for key, row in zip(self.ids, rows, strict=True)
        }


def word_layout(chunk_words: Sequence[Sequence[str]], ids: Sequence[str] = ()) -> WordLayout:
    """Lay out the content words of each chunk, in chunk order (ids, when given, name the chunks)."""
    vocabulary = list(dict.fromkeys(w for words in chunk_words for w in words))
    row = {w: i for i, w in enumerate(vocabulary)}
    per_chunk = [[row[w] for w in words] or [len(vocabulary)] for words in chunk_words]
    starts = np.cumsum([0] + [len(c) for c in per_chunk[:-1]]) if per_chunk else np.zeros(0)
    columns = np.asarray([i for c in per_chunk for i in c], dtype=np.int64)
    return WordLayout(vocabulary, columns, np.asarray(starts, dtype=np.int64), tuple(ids))
