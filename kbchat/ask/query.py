"""One analyzed query per question: follow-ups resolved, every form each stage needs worked out once."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from kbchat.ask.soft_matching import WeightedWords
from kbchat.corpus.profiles import content_words, surface_words
from kbchat.text.acronyms import expand_query_terms
from kbchat.text.analyzer import NGRAM_MIN_LENGTH, QUERY_STOPWORDS, analyze_query, char_ngrams, fold_accents
from kbchat.text.analyzer import ngram_terms as analyze_ngrams
from kbchat.text.answer_types import counted_term, question_type

ANAPHORA = frozenset("il elle ils elles lui eux celui-ci celle-ci ceux-ci celles-ci it they them".split())
# Inverted subject pronouns (« a-t-elle », « sont-ils ») belong to the question's own subject.
_INVERSION = re.compile(r"-(?:t-)?(?:il|elle|ils|elles|on)\b", re.IGNORECASE)
FOLLOW_UP_OPENERS = ("et ", "and ", "aussi", "puis ", "alors ")
MAX_FOLLOW_UP_TERMS = 2
_CAPITALIZED = re.compile(r"(?<!^)\b[A-ZÀ-ÖØ-Þ][\w-]+")
_NUMBER = re.compile(r"\d+")


def is_follow_up(question: str) -> bool:
    """True when a question leans on the previous one (« Et combien d'experts ? »)."""
    folded = fold_accents(question.strip().lower())
    if folded.startswith(FOLLOW_UP_OPENERS):
        return True
    plain = _INVERSION.sub("", question)
    if any(w in ANAPHORA for w in re.findall(r"[\w-]+", plain.lower())):
        return True
    return len(analyze_query(plain)) <= MAX_FOLLOW_UP_TERMS - 1


def retrieval_context(question: str, previous_questions: Sequence[str]) -> str:
    """The earlier question a follow-up needs for retrieval, or '' for a standalone question."""
    if previous_questions and is_follow_up(question):
        return previous_questions[-1]
    return ""


@dataclass(frozen=True)
class Query:
    """A question analyzed once: what retrieval, reranking and answer selection each read of it.

    text is what retrieval reads: the question, and for a follow-up the question twice and the earlier one.
    The vector and the weighted words are filled in by the retriever, which holds the encoders.
    """

    question: str
    context: str
    text: str
    terms: tuple[str, ...]
    ngrams: tuple[str, ...]
    words: tuple[str, ...]
    surface: tuple[str, ...]
    capitalized: tuple[str, ...]
    numbers: tuple[str, ...]
    char_ngrams: frozenset[str]
    rank_kind: str | None
    answer_terms: tuple[str, ...]
    context_terms: tuple[str, ...]
    kind: str | None
    counted: str | None
    vector: np.ndarray | None = None
    weighted_words: WeightedWords | None = None

    @property
    def unique_terms(self) -> tuple[str, ...]:
        """The retrieval terms, each once, in order."""
        return tuple(dict.fromkeys(self.terms))


def analyze_question(question: str, history: Sequence[str], acronyms: Mapping[str, list[str]]) -> Query:
    """Analyze a question, with the previous question when it is a follow-up."""
    context = retrieval_context(question, history)
    # A follow-up's own words weigh twice its earlier question's in retrieval.
    text = f"{question} {question} {context}" if context else question
    surface = surface_words(text)
    context_terms = tuple(analyze_query(context)) if context else ()
    return Query(
        question=question,
        context=context,
        text=text,
        terms=tuple(expand_query_terms(text, analyze_query(text), acronyms)),
        ngrams=tuple(analyze_ngrams(text, QUERY_STOPWORDS)),
        words=tuple(content_words(text, QUERY_STOPWORDS)),
        surface=tuple(w for w in surface if w not in QUERY_STOPWORDS),
        capitalized=tuple(fold_accents(w.lower()) for w in _CAPITALIZED.findall(text)),
        numbers=tuple(_NUMBER.findall(text)),
        char_ngrams=char_ngrams(w for w in surface if len(w) >= NGRAM_MIN_LENGTH),
        rank_kind=question_type(text),
        answer_terms=tuple(analyze_query(question)) or context_terms,
        context_terms=context_terms,
        kind=question_type(question),
        counted=counted_term(question),
    )
