"""Sentence vectors from one pass over a passage: the mean of the token vectors inside each sentence's span."""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Sequence

import numpy as np

Span = tuple[int, int]


def sentence_spans(text: str, sentences: Sequence[str], offset: int = 0) -> list[Span | None]:
    """Each sentence's character span in text, in order (whitespace may differ), shifted by offset; None if absent."""
    words = [(m.start(), m.group()) for m in re.finditer(r"\S+", text)]
    flat = " ".join(w for _, w in words)  # text with each run of whitespace made one space
    flat_starts = list(itertools.accumulate((len(w) + 1 for _, w in words[:-1]), initial=0))

    def original(at: int) -> int:
        """Where a character of flat, never a space, lies in text."""
        n = bisect.bisect_right(flat_starts, at) - 1
        return words[n][0] + at - flat_starts[n]

    spans: list[Span | None] = []
    position = 0
    for sentence in sentences:
        needle = " ".join(sentence.split())
        found = flat.find(needle, position) if needle else -1
        if found < 0:
            spans.append(None)
            continue
        end = found + len(needle)
        spans.append((original(found) + offset, original(end - 1) + 1 + offset))
        position = end
    return spans


def pool_spans(tokens: np.ndarray, offsets: Sequence[Span], spans: Sequence[Span | None]) -> list[np.ndarray | None]:
    """The normalized mean of the vectors of the tokens lying inside each span; None when none does.

    offsets are the tokenizer's character offsets of each row of tokens; special tokens have empty ones.
    """
    starts = np.asarray([a for a, _ in offsets])
    ends = np.asarray([b for _, b in offsets])
    real = ends > starts
    pooled: list[np.ndarray | None] = []
    for span in spans:
        inside = real & (starts >= span[0]) & (ends <= span[1]) if span is not None else np.zeros(0, bool)
        if not inside.any():
            pooled.append(None)
            continue
        mean = tokens[: len(inside)][inside].mean(axis=0)
        norm = float(np.linalg.norm(mean))
        pooled.append(mean / norm if norm > 0 else None)
    return pooled
