"""A question's spelling as people type it: dropped apostrophes put back, misspelt words corrected to the base's."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import distance, process

from kbchat.text.analyzer import QUERY_STOPWORDS, fold_accents, stem

MIN_CORRECTED = 6  # shorter words have too many neighbours one letter away (« créte », « créée »)
SAME_WORD = 0.95  # the cosine at which the lexicon takes two spellings for one word
# « combien d experts », « l etranger », « qu est-ce »: an elided word left alone before a vowel. « m », « s » and
# « t » are left out (« 200 m au-dessus »), and so is a letter after a number (« 2 l ou plus »).
_DROPPED = re.compile(r"(?<!\d )\b(qu|[cdjln]) (?=[aeiouyhàâéèêëîïôûù])", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def with_apostrophes(question: str) -> str:
    """The question with the apostrophes of its elisions put back (« combien d experts » -> « combien d'experts »)."""
    return _DROPPED.sub(r"\1'", question)


@dataclass(frozen=True)
class Vocabulary:
    """The base's words by the length of their accent-folded form, each word's frequency, a French lexicon's vectors.

    by_length maps a length to the words of that folded length and their folded forms: a word one edit away from
    another is at most one letter longer or shorter, so a correction reads three lengths, not the whole base.
    frequency counts the passages that hold a stem; vectors gives unit vectors of lower-case words, zero for a word
    the lexicon lacks (spaCy's French vectors).
    """

    by_length: dict[int, tuple[tuple[str, ...], tuple[str, ...]]]
    frequency: Callable[[str], int]
    vectors: Callable[[Sequence[str]], np.ndarray]

    @classmethod
    def of(
        cls, words: Sequence[str], frequency: Callable[[str], int], vectors: Callable[[Sequence[str]], np.ndarray]
    ) -> Vocabulary:
        """The vocabulary of the distinct words given (as they are written in the base)."""
        grouped: dict[int, dict[str, str]] = {}
        for word in dict.fromkeys(words):
            folded = fold_accents(word)
            if len(folded) >= MIN_CORRECTED - 1:
                grouped.setdefault(len(folded), {})[word] = folded
        by_length = {n: (tuple(group), tuple(group.values())) for n, group in grouped.items()}
        return cls(by_length, frequency, vectors)

    def correction(self, word: str) -> str | None:
        """The base's word one edit away from a misspelt word whose stem the base lacks, the most frequent; else None.

        A word the lexicon knows is no misspelling (« ministre » is not « ministère ») unless the lexicon gives it the
        vector of the base's word, as it does a common misspelling (« tecnique », « technique »).
        """
        lower = word.lower()
        folded = fold_accents(lower)
        if len(folded) < MIN_CORRECTED or folded in QUERY_STOPWORDS or self.frequency(stem(folded)) > 0:
            return None
        candidates: list[str] = []
        for length in (len(folded) - 1, len(folded), len(folded) + 1):
            words, forms = self.by_length.get(length, ((), ()))
            close = process.extract(folded, forms, scorer=distance.OSA.distance, score_cutoff=1, limit=None)
            candidates += [words[index] for _, _, index in close]
        if not candidates:
            return None
        typed, *found = self.vectors([lower, *candidates])
        same = [c for c, v in zip(candidates, found, strict=True) if not typed.any() or typed @ v >= SAME_WORD]
        # The most frequent stem; among its spellings, the one nearest the typed accents (« divorce », not « divorcé »).
        return max(same, key=lambda w: (self.frequency(stem(w)), -distance.OSA.distance(lower, w)), default=None)


def corrected(question: str, vocabulary: Vocabulary) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The question with its misspelt words replaced by the base's, and each (typed, corrected) pair.

    Proper names are left as typed: a capitalized word past the question's start may be a name the base lacks.
    """
    pairs: list[tuple[str, str]] = []

    def fix(match: re.Match[str]) -> str:
        word = match.group()
        if match.start() and word[0].isupper():
            return word
        found = vocabulary.correction(word)
        if found is None:
            return word
        pairs.append((word, found))
        return found

    return _WORD.sub(fix, question), tuple(pairs)
