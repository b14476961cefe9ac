"""One analyzed query per question: follow-ups resolved, every form each stage needs worked out once."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from kbchat.ask.follow_ups import CAPITALIZED, earlier_questions, without_replaced
from kbchat.ask.soft_matching import WeightedWords
from kbchat.corpus.profiles import content_words, surface_words
from kbchat.text.acronyms import expand_query_terms
from kbchat.text.analyzer import QUERY_STOPWORDS, analyze_query, fold_accents
from kbchat.text.analyzer import ngram_terms as analyze_ngrams
from kbchat.text.answer_types import (
    asks_for_list,
    counted_terms,
    frame_terms,
    listing_terms,
    named_places,
    question_type,
)
from kbchat.text.courtesy import small_talk, split_preamble, without_courtesy
from kbchat.text.definitions import overview_terms
from kbchat.text.spelling import with_apostrophes
from kbchat.text.spoken import in_written_order

FOLLOW_UP_WEIGHT = 2  # a follow-up's own words weigh twice its earlier question's in every ranking
_NUMBER = re.compile(r"\d+")


@dataclass(frozen=True)
class Query:
    """A question analyzed once: what retrieval, reranking and answer selection each read of it.

    For a follow-up, the earlier questions it leans on (context) join the question in every ranking, the question's
    own words weighing FOLLOW_UP_WEIGHT times as much: repeated in terms, ngrams and surface, boosted in word_weights,
    and repeated in text, which the encoder reads. Runs keep the questions apart, so no word pair straddles two.
    The vector, the weighted words and the spelling corrections are filled in by the retriever, which holds the
    encoders and the base's words.
    """

    question: str
    context: str
    text: str
    terms: tuple[str, ...]
    ngrams: tuple[str, ...]
    words: tuple[str, ...]
    word_weights: tuple[float, ...]
    term_runs: tuple[tuple[str, ...], ...]
    surface_runs: tuple[tuple[str, ...], ...]
    surface: tuple[str, ...]
    capitalized: tuple[str, ...]
    numbers: tuple[str, ...]
    answer_terms: tuple[str, ...]
    evidence_terms: tuple[str, ...]  # the answer terms a passage must hold: without the framing ones
    context_terms: tuple[str, ...]
    kind: str | None
    counted: tuple[str, ...]
    places: tuple[tuple[str, bool], ...]  # each place or partner the question names, True when capitalized
    asks_list: bool  # the answer is a list: only then may a sentence that lists (« … : • A • B ») answer
    subject: tuple[str, ...]  # the terms of the subject an overview question asks about (« Qu'est-ce que la DCI ? »)
    vector: np.ndarray | None = None
    weighted_words: WeightedWords | None = None
    corrections: tuple[tuple[str, str], ...] = ()  # (typed, read) for each misspelt word the retriever corrected
    named: tuple[str, ...] = ()  # the numbered parts it names, of kinds the base has (« article 16 »)

    @property
    def unique_terms(self) -> tuple[str, ...]:
        """The retrieval terms, each once, in order."""
        return tuple(dict.fromkeys(self.terms))


def asked(message: str) -> tuple[str, str]:
    """What a message asks, without courtesy, and the clause before it that says who asks or why ("" without one).

    « Je suis locataire : dois-je payer les réparations ? » asks « dois-je payer les réparations ? »; its first clause
    is the question's context, as an earlier question is a follow-up's.
    """
    preamble, question = split_preamble(with_apostrophes(without_courtesy(message)))
    return preamble, in_written_order(question)


def analyze_question(question: str, history: Sequence[str], acronyms: Mapping[str, list[str]]) -> Query:
    """Analyze a question, with the earlier questions it leans on when it is a follow-up.

    Greetings, thanks, request phrases (« Bonjour, je voudrais savoir… ») and who asks are left out (see asked), and
    messages that asked nothing are not earlier questions.
    """
    preamble, question = asked(question)
    history = [" ".join(asked(h)).strip() for h in history if small_talk(h) is None]
    # Who asks, or why, is the nearest context, before the earlier questions a follow-up leans on.
    earlier = (*((preamble,) if preamble else ()), *earlier_questions(question, history))
    parts = (question, *(without_replaced(question, e) for e in earlier))
    context = " ".join(parts[1:])
    repeat = FOLLOW_UP_WEIGHT if context else 1
    analyzed = [tuple(analyze_query(part)) for part in parts]
    own_terms, context_terms = analyzed[0], sum(analyzed[1:], ())
    term_runs = tuple(
        tuple(expand_query_terms(part, list(a), acronyms)) for part, a in zip(parts, analyzed, strict=True)
    )
    word_lists = [content_words(part, QUERY_STOPWORDS) for part in parts]
    own_words = set(word_lists[0])
    words = list(dict.fromkeys(w for found in word_lists for w in found))
    surfaces = [surface_words(part) for part in parts]
    surface_runs = tuple(tuple(w for w in found if w not in QUERY_STOPWORDS) for found in surfaces)
    # An overview question's answer speaks of its subject: « Décris », « la mission de » only frame it.
    subject = overview_terms(question)
    # Words that only ask for a list frame it and choose no sentence (« Quelles formes de coopération… » is no « formes
    # de crimes »).
    listing = set(listing_terms(question))
    answer_terms, framing = subject or own_terms or context_terms, set(frame_terms(question)) | listing
    answer_terms = tuple(t for t in answer_terms if t not in listing) or answer_terms
    return Query(
        question=question,
        context=context,
        text=" ".join([question] * repeat + list(parts[1:])),
        terms=term_runs[0] * repeat + sum(term_runs[1:], ()),
        ngrams=tuple(
            analyze_ngrams(question, QUERY_STOPWORDS) * repeat
            + [g for part in parts[1:] for g in analyze_ngrams(part, QUERY_STOPWORDS)]
        ),
        words=tuple(words),
        word_weights=tuple(float(repeat) if w in own_words else 1.0 for w in words),
        term_runs=term_runs,
        surface_runs=surface_runs,
        surface=surface_runs[0] * repeat + sum(surface_runs[1:], ()),
        capitalized=tuple(fold_accents(w.lower()) for part in parts for w in CAPITALIZED.findall(part)),
        numbers=tuple(n for part in parts for n in _NUMBER.findall(part)),
        answer_terms=answer_terms,
        evidence_terms=subject or tuple(t for t in answer_terms if t not in framing) or answer_terms,
        context_terms=context_terms,
        kind=question_type(question),
        counted=counted_terms(question),
        places=tuple((t, named) for t, named in named_places(question) if named or t not in framing),
        asks_list=asks_for_list(question),
        subject=subject,
    )
