"""Sentence selection: score every sentence of the passages as an answer, and choose those that fit."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kbchat.ask.query import Query
from kbchat.config import AnswerPolicy
from kbchat.corpus.profiles import chunk_profile
from kbchat.text.answer_types import PRECISE_TYPES, has_answer_type
from kbchat.text.matching import coverage

if TYPE_CHECKING:
    from kbchat.ask.retrieval import Passage

MARKER_ROOM = len(" [1]")


@dataclass(frozen=True)
class ScoredSentence:
    """A sentence of a retrieved passage, scored as an answer."""

    passage_index: int
    sentence_index: int
    sentence: str
    score: float
    meaning: float = 0.0  # cosine of the question's vector with the sentence's (0 without vectors)


@dataclass(frozen=True)
class Quote:
    """A sentence chosen for the answer and the most characters it may take there."""

    sentence: ScoredSentence
    limit: int

    @property
    def passage(self) -> int:
        """The index of the passage the sentence comes from."""
        return self.sentence.passage_index


def score_sentences(
    query: Query,
    passages: Sequence[Passage],
    idf: Callable[[str], float],
    acronyms: Mapping[str, list[str]],
    policy: AnswerPolicy,
) -> list[ScoredSentence]:
    """Every sentence of the passages, best answer first (a follow-up's earlier question counts a little)."""
    top = max((p.score for p in passages), default=1.0) or 1.0
    scored: list[ScoredSentence] = []
    for index, passage in enumerate(passages):
        profile = chunk_profile(passage.chunk)
        meanings = sentence_meanings(passage, query, len(profile.sentences))
        for position, (sentence, present) in enumerate(zip(profile.sentences, profile.sentence_terms, strict=True)):
            score = (
                coverage(query.answer_terms, present, idf, acronyms)
                + policy.context_weight * coverage(query.context_terms, present, idf, acronyms)
                + policy.type_weight * has_answer_type(sentence, query.kind)
                + policy.rank_weight * passage.score / top
                + policy.meaning_weight * meanings[position]
            )
            scored.append(ScoredSentence(index, position, sentence, score, meanings[position]))
    return sorted(scored, key=lambda c: (-c.score, c.passage_index))


def sentence_meanings(passage: Passage, query: Query, count: int) -> list[float]:
    """The cosine of the question's vector with each of the passage's sentences (zeros without vectors)."""
    vectors = passage.sentence_vectors
    if vectors is None or query.vector is None or len(vectors) != count:
        return [0.0] * count
    return (vectors @ query.vector).tolist()


def best_sentence(scored: Sequence[ScoredSentence], kind: str | None, policy: AnswerPolicy) -> ScoredSentence:
    """The best sentence; for a date or number question, the best one that holds a date or number."""
    if policy.prefer_typed and kind in PRECISE_TYPES:
        typed = [c for c in scored if has_answer_type(c.sentence, kind)]
        if typed and typed[0].score >= policy.typed_min_ratio * scored[0].score:
            return typed[0]
    return scored[0]


def share_room(first: int, second: int, room: int) -> tuple[int, int]:
    """Limits for two sentences sharing room: the first keeps half of it, or more when the second is shorter."""
    kept = min(first, max(room // 2, room - second))
    return kept, room - kept


def choose_sentences(best: ScoredSentence, scored: Sequence[ScoredSentence], policy: AnswerPolicy) -> list[Quote]:
    """The best sentence and those that fit beside it whole; a close runner-up that does not fit shares the room."""
    max_chars = policy.max_chars
    more = _more_sentences(best, scored, max_chars - len(best.sentence) - MARKER_ROOM, policy)
    runner_up = next((c for c in scored if c.sentence != best.sentence), None)
    if (
        runner_up is None
        or runner_up in more
        or policy.max_sentences < 2
        or runner_up.score < policy.share_ratio * best.score
    ):
        return [Quote(c, max_chars) for c in (best, *more)]
    # Room for a separator, two markers and the ellipsis of a gap.
    first, second = share_room(len(best.sentence), len(runner_up.sentence), max_chars - 2 * MARKER_ROOM - len(" … "))
    return [Quote(best, first), Quote(runner_up, second)]


def _more_sentences(
    best: ScoredSentence, scored: Sequence[ScoredSentence], room: int, policy: AnswerPolicy
) -> list[ScoredSentence]:
    """The next best sentences that fit whole in room characters, up to the policy's number of sentences."""
    chosen: list[ScoredSentence] = []
    quoted = {best.sentence}
    for candidate in scored:
        if len(chosen) + 1 >= policy.max_sentences:
            break
        if candidate.sentence in quoted:
            continue
        # A sentence may need a separator, a marker and an ellipsis for the gap before it.
        cost = len(candidate.sentence) + 1 + MARKER_ROOM + len("… ")
        if cost <= room:
            chosen.append(candidate)
            quoted.add(candidate.sentence)
            room -= cost
    return chosen
