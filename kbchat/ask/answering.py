"""Grounded extractive answers: quote the sentences that answer, cite them, or refuse when the evidence is weak."""

from __future__ import annotations

from collections.abc import Callable, Container, Mapping, Sequence
from typing import TYPE_CHECKING

from kbchat.ask.answer import NO_EVIDENCE, Answer, Evidence, Source
from kbchat.ask.citations import cite
from kbchat.ask.query import Query
from kbchat.ask.selection import ScoredSentence, best_sentence, choose_sentences, score_sentences, terms_about
from kbchat.config import AnswerPolicy
from kbchat.corpus.profiles import chunk_profile
from kbchat.text.acronyms import spelled_in
from kbchat.text.answer_types import PRECISE_TYPES, agent_action, has_answer_type, names_agent
from kbchat.text.definitions import only_mentions
from kbchat.text.matching import coverage, extended, missing_known_share, name_held, term_matched

if TYPE_CHECKING:
    from kbchat.ask.retrieval import Passage

REFUSAL_MESSAGE = "Je n'ai pas trouvé cette information dans la base de connaissances."
MAX_TOPICS_IN_REFUSAL = 6


def covered_subjects(topics: Sequence[str]) -> str:
    """The first subjects the knowledge base covers, as one line (empty without any)."""
    return " ; ".join(topics[:MAX_TOPICS_IN_REFUSAL])


def refusal_text(topics: Sequence[str]) -> str:
    """The one refusal text, with the subjects the knowledge base does cover: shown, exported and stored as is."""
    if not topics:
        return REFUSAL_MESSAGE
    covered = covered_subjects(topics)
    return f"{REFUSAL_MESSAGE} Essayez de reformuler votre question ; la base couvre notamment : {covered}."


def refusal(topics: Sequence[str], passages: Sequence[Passage] = (), evidence: Evidence = NO_EVIDENCE) -> Answer:
    """The refusal, with the subjects the knowledge base does cover."""
    return Answer(refusal_text(topics), False, [], evidence, list(passages))


def weigh_evidence(
    query: Query,
    best: ScoredSentence,
    present: frozenset[str],
    said: Container[str],
    around: Container[str],
    idf: Callable[[str], float],
    acronyms: Mapping[str, list[str]],
    known: Container[str],
) -> Evidence:
    """The evidence of the best sentence (its terms said, with the sentence before around, its passage's present).

    known holds the base's terms. A question term the passage holds only in a longer form (« Europe », « européennes »)
    counts as present.
    """
    terms = query.answer_terms
    precise = bool(terms) and query.kind in PRECISE_TYPES
    found = precise and has_answer_type(best.sentence, query.kind)
    # A number answers « combien de X (en Y) » only from a sentence that holds a number and speaks of X (and Y); a date
    # or number whose sentence, and the one before it, say nothing of the question dates or counts another thing.
    counted = (
        all(term_matched(term, said | extended(query.counted, said), acronyms) for term in query.counted)
        and not (precise and coverage(terms, around, idf, acronyms) == 0)
        and (found or not (precise and query.kind == "number"))
    )
    # A passage that does not name the place or partner the question names (« en Afrique ») says nothing of it.
    placed = all(name_held(term, present) for term, named in query.places if named or term not in known)
    # « Qui a créé la DCI ? » is not answered by « Créée en 2010, la DCI… », which says when, not who.
    action = agent_action(query.question)
    agent = action is None or names_agent(best.sentence, action)
    # « Qu'est-ce que la gendarmerie nationale ? » is not answered by « commune à la police et à la gendarmerie ».
    described = best.defines > 0 or not only_mentions(best.sentence, query.subject, acronyms)
    typed = found and counted
    present |= extended(query.evidence_terms, present)
    return Evidence(
        coverage(query.evidence_terms, present, idf, acronyms),
        missing_known_share(query.evidence_terms, present, known, idf, acronyms),
        typed,
        best.meaning,
        not (counted and placed and described and agent),
    )


def compose_answer(
    query: Query,
    passages: Sequence[Passage],
    idf: Callable[[str], float],
    acronyms: Mapping[str, list[str]],
    policy: AnswerPolicy,
    topics: Sequence[str] = (),
    known: Container[str] = (),
) -> Answer:
    """Quote the best sentences that fit with citations, or refuse when the evidence is weak.

    known holds the knowledge base's terms: a question term it lacks is a subject the base does not cover.
    """
    acronyms = {**acronyms, **spelled_in(query.question, [p.chunk.text for p in passages], acronyms)}
    scored = score_sentences(query, passages, idf, acronyms, policy)
    if not scored:
        return refusal(topics, passages)
    best = best_sentence(scored, query.kind, policy)
    profile = chunk_profile(passages[best.passage_index].chunk)
    # « Ils sont affectés… » says what it says of the things the sentence before names, quoted with it.
    said = terms_about(profile, best.sentence_index)
    around = said | profile.sentence_terms[best.sentence_index - 1] if best.sentence_index else said
    evidence = weigh_evidence(query, best, profile.term_set, said, around, idf, acronyms, known)
    if evidence.value(policy) < policy.refusal_threshold:
        return refusal(topics, passages, evidence)
    chosen = choose_sentences(best, scored, policy, follow_up=bool(query.context))
    text, quoted = cite(chosen, query.answer_terms, policy.max_chars)
    others = [p for i, p in enumerate(passages) if i not in quoted][: max(0, policy.top_k - len(quoted))]
    sources = [source_of(passages[i], tuple(pieces)) for i, pieces in quoted.items()]
    sources += [source_of(p) for p in others]
    return Answer(text, True, sources, evidence, list(passages))


def source_of(passage: Passage, quotes: tuple[str, ...] = ()) -> Source:
    """A passage as a citable source."""
    chunk = passage.chunk
    return Source(
        chunk.source, chunk.title, chunk.section, chunk.chunk_id, passage.score, chunk.text, quotes, bool(quotes)
    )
