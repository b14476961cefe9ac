"""Sentence vectors from one pass over a passage: the mean of the token vectors inside each sentence's span."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

Span = tuple[int, int]


def sentence_spans(text: str, sentences: Sequence[str], offset: int = 0) -> list[Span | None]:
    """Each sentence's character span in text, in order (whitespace may differ), shifted by offset; None if absent."""
    spans: list[Span | None] = []
    position = 0
    for sentence in sentences:
        words = sentence.split()
        found = re.compile(r"\s+".join(map(re.escape, words))).search(text, position) if words else None
        if found is None:
            spans.append(None)
            continue
        spans.append((found.start() + offset, found.end() + offset))
        position = found.end()
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
