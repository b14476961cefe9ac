"""Sentence selection: score every sentence of the passages as an answer, and choose those that fit."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kbchat.ask.overview import definitions
from kbchat.ask.query import Query
from kbchat.config import AnswerPolicy
from kbchat.corpus.profiles import ChunkProfile, chunk_profile
from kbchat.text.answer_types import PRECISE_TYPES, has_answer_type
from kbchat.text.matching import coverage, term_matched

if TYPE_CHECKING:
    from kbchat.ask.retrieval import Passage

MARKER_ROOM = len(" [1]")
LISTED_ENTRY_SHARE = 0.5  # a list's sentence answering of one of its entries counts this much of what it holds
# What a list adds when most of its entries are things of the kind a list question asks for (« Quelles sont les
# coopérations… ? », « • Les coopérations techniques… • Les coopérations opérationnelles… »), times that share: it
# then outweighs a passage ranked above it whose sentences hold the question's words only through their heading.
ENUMERATION_WEIGHT = 1.0
ENUMERATION_MIN_SHARE = 0.5
# What saying what an overview question's subject is adds (overview.definitions): a definition's margin over a
# section's first sentence, half of it, then outweighs the passages' rank (« Que fait la DCI ? »).
DEFINITION_WEIGHT = 2.0
# Openers that point back to an earlier sentence: a demonstrative and its noun, or a subject pronoun. « Il » is left
# out (mostly impersonal: « Il est procédé… »), as is « Ce » before a relative (« Ce qui… »).
_ANAPHORIC = re.compile(
    r"(?:cette|cet|ces|celle-ci|celui-ci|ceux-ci|celles-ci|elle|elles|ils)\b|ce\s+(?!qui\b|que\b|qu['’]|dont\b)\w",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ScoredSentence:
    """A sentence of a retrieved passage, scored as an answer."""

    passage_index: int
    sentence_index: int
    sentence: str
    score: float
    meaning: float = 0.0  # cosine of the question's vector with the sentence's (0 without vectors)
    answers: float = 0.0  # the IDF share of the question's own answer terms it holds
    defines: float = 0.0  # how much it says what an overview question's subject is (overview.definitions)


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
    """Every sentence of the passages, best answer first (a follow-up's earlier question counts a little).

    An anaphoric sentence holds the earlier question's terms when the sentence it refers back to does.
    Meaning counts as the sentence's cosine to the question less the closest sentence's: it ranks the sentences
    without lifting them all towards the best one, which would let more of them in beside it.
    """
    top = max((p.score for p in passages), default=1.0) or 1.0
    profiles = [chunk_profile(p.chunk) for p in passages]
    meanings = [sentence_meanings(p, query, len(f.sentences)) for p, f in zip(passages, profiles, strict=True)]
    closest = max((m for row in meanings for m in row), default=0.0)
    defining = definitions([p.chunk for p in passages], query.subject, acronyms)
    scored: list[ScoredSentence] = []
    for index, (passage, profile) in enumerate(zip(passages, profiles, strict=True)):
        for position, (sentence, present) in enumerate(zip(profile.sentences, profile.sentence_terms, strict=True)):
            entries = profile.listed[position]
            if entries and not query.asks_list:
                continue  # a list answers only a question that asks for several things
            answers = coverage(query.answer_terms, present, idf, acronyms)
            enumerated = 0.0
            if entries and names_one_entry(entries, query.answer_terms, present, acronyms):
                answers *= LISTED_ENTRY_SHARE
            elif entries:
                enumerated = enumerated_share(entries, query.answer_terms, acronyms)
            # « Ils sont affectés… » speaks of what the sentence before names, where the earlier question may be.
            about = terms_about(profile, position)
            meaning = meanings[index][position]
            says = defining.get((index, position), 0.0)
            score = (
                answers
                + policy.context_weight * coverage(query.context_terms, about, idf, acronyms)
                + policy.type_weight * has_answer_type(sentence, query.kind)
                + policy.rank_weight * passage.score / top
                + policy.meaning_weight * (meaning - closest)
                + DEFINITION_WEIGHT * says
                + ENUMERATION_WEIGHT * enumerated
            )
            scored.append(ScoredSentence(index, position, sentence, score, meaning, answers, says))
    return sorted(scored, key=lambda c: (-c.score, c.passage_index))


def names_one_entry(
    entries: Sequence[frozenset[str]], terms: Sequence[str], present: frozenset[str], acronyms: Mapping[str, list[str]]
) -> bool:
    """True when a list's sentence (« … met en œuvre : • A • B • C ») holds the question's terms only as one entry does.

    The question then asks about that entry (« Quelles sont les coopérations opérationnelles ? »), which its own section
    answers better than the list that names it among others.
    """
    matched = [t for t in terms if term_matched(t, present, acronyms)]
    if not matched:
        return False
    return any(all(term_matched(t, entry, acronyms) for t in matched) for entry in entries)


def enumerated_share(
    entries: Sequence[frozenset[str]], terms: Sequence[str], acronyms: Mapping[str, list[str]]
) -> float:
    """The share of a list's entries that hold one of the question's terms, when it reaches ENUMERATION_MIN_SHARE.

    « Quelles sont les coopérations de la DCI ? » asks for the list whose entries are cooperations; a list that names
    the thing asked in one entry only says something of that entry.
    """
    if len(entries) < 2:
        return 0.0
    held = sum(any(term_matched(t, entry, acronyms) for t in terms) for entry in entries) / len(entries)
    return held if held >= ENUMERATION_MIN_SHARE else 0.0


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


def terms_about(profile: ChunkProfile, position: int) -> frozenset[str]:
    """A sentence's terms, with those of the sentence before when it opens on an anaphora (« Ils sont affectés… »)."""
    present = profile.sentence_terms[position]
    if position and is_anaphoric(profile.sentences[position]):
        return present | profile.sentence_terms[position - 1]
    return present


def is_anaphoric(sentence: str) -> bool:
    """True when a sentence opens on a word that points back to an earlier one (« Cette mission… », « Elle… »)."""
    return _ANAPHORIC.match(sentence.lstrip()) is not None


def choose_sentences(
    best: ScoredSentence, scored: Sequence[ScoredSentence], policy: AnswerPolicy, follow_up: bool = False
) -> list[Quote]:
    """The sentences to quote, in the order they are shown.

    The best sentence and those that fit beside it whole, each scoring at least extra_min_ratio of the best; a close
    runner-up that does not fit shares the room. A sentence that opens on an anaphora comes with the sentence before
    it when both fit, and is left out otherwise (the best sentence is kept alone). Beside a follow-up's best sentence,
    a sentence must hold one of the follow-up's own terms: the earlier question alone does not make it an answer.
    """
    max_chars = policy.max_chars
    at = {(c.passage_index, c.sentence_index): c for c in scored}

    def antecedent(c: ScoredSentence) -> ScoredSentence | None:
        """The sentence before an anaphoric one in its passage (None for any other)."""
        return at.get((c.passage_index, c.sentence_index - 1)) if is_anaphoric(c.sentence) else None

    lead = [best]
    before = antecedent(best)
    if before is not None and len(before.sentence) + len(best.sentence) + 1 + MARKER_ROOM <= max_chars:
        lead.insert(0, before)
    room = max_chars - sum(len(c.sentence) + 1 for c in lead) + 1 - MARKER_ROOM
    floor = policy.extra_min_ratio * best.score
    candidates = [c for c in scored if c.score >= floor and (c.answers > 0 or not follow_up)]
    more = _more_sentences(lead, candidates, antecedent, room, policy)
    quoted = {c.sentence for c in lead}
    runner_up = next((c for c in candidates if c.sentence not in quoted and not is_anaphoric(c.sentence)), None)
    if (
        runner_up is None
        or runner_up in more
        or len(lead) > 1
        or policy.max_sentences < 2
        or runner_up.score < policy.share_ratio * best.score
    ):
        return _in_order([Quote(c, max_chars) for c in (*lead, *more)], lead, policy.lead_with_best)
    # Room for a separator, two markers and the ellipsis of a gap.
    first, second = share_room(len(best.sentence), len(runner_up.sentence), max_chars - 2 * MARKER_ROOM - len(" … "))
    return _in_order([Quote(best, first), Quote(runner_up, second)], lead, policy.lead_with_best)


def _in_order(quotes: list[Quote], lead: Sequence[ScoredSentence], lead_first: bool) -> list[Quote]:
    """In text order within the best sentence's passage first; with lead_first, the best sentence first.

    Leading, the best sentence keeps its antecedent before it and the anaphoric sentences that follow it after it.
    """
    home = lead[-1].passage_index
    group = {(c.passage_index, c.sentence_index) for c in lead}
    for quote in sorted(quotes, key=lambda q: (q.passage, q.sentence.sentence_index)):
        c = quote.sentence
        if (c.passage_index, c.sentence_index - 1) in group and is_anaphoric(c.sentence):
            group.add((c.passage_index, c.sentence_index))
    return sorted(
        quotes,
        key=lambda q: (
            lead_first and (q.passage, q.sentence.sentence_index) not in group,
            q.passage != home,
            q.passage,
            q.sentence.sentence_index,
        ),
    )


def _more_sentences(
    lead: Sequence[ScoredSentence],
    scored: Sequence[ScoredSentence],
    antecedent: Callable[[ScoredSentence], ScoredSentence | None],
    room: int,
    policy: AnswerPolicy,
) -> list[ScoredSentence]:
    """The next best sentences that fit whole in room characters, up to the policy's number of sentences.

    An anaphoric sentence comes with its antecedent when it is not quoted yet and both fit, and is skipped otherwise.
    """
    chosen: list[ScoredSentence] = []
    quoted = {c.sentence for c in lead}
    for candidate in scored:
        if candidate.sentence in quoted:
            continue
        before = antecedent(candidate)
        group = [candidate] if before is None or before.sentence in quoted else [before, candidate]
        if is_anaphoric(candidate.sentence) and before is None:
            continue
        if len(lead) + len(chosen) + len(group) > policy.max_sentences:
            continue
        # A sentence may need a separator, a marker and an ellipsis for the gap before it.
        cost = sum(len(c.sentence) + 1 + MARKER_ROOM + len("… ") for c in group)
        if cost <= room:
            chosen += group
            quoted.update(c.sentence for c in group)
            room -= cost
    return chosen
