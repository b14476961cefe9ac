"""Quoted sentences stand on their own: an anaphora comes with its antecedent or is left out; weak extras are not."""

from __future__ import annotations

import pytest

from kbchat.ask.answer import Answer
from kbchat.ask.answering import compose_answer
from kbchat.ask.citations import citations_grounded
from kbchat.ask.query import analyze_question
from kbchat.ask.retrieval import Passage
from kbchat.ask.selection import is_anaphoric
from kbchat.config import AnswerPolicy
from kbchat.corpus.chunking import Chunk

QUESTION = "Avec qui la DCI coopère-t-elle ?"
# The filler in the middle is below extra_min_ratio=0.8 of the best sentence; the anaphoric one is above.
ANAPHORIC_EXTRA = ["La DCI coopère avec la police. Sans rapport ici. Elle coopère aussi avec la gendarmerie."]


def answer(texts: list[str], policy: AnswerPolicy, question: str = QUESTION) -> Answer:
    """The answer to question from passages of the given texts, best ranked first."""
    passages = [
        Passage(Chunk(f"id-{n}", f"doc-{n}.md", "La DCI", (), text, 0), 1.0 - 0.1 * n) for n, text in enumerate(texts)
    ]
    given = compose_answer(analyze_question(question, [], {}), passages, lambda term: 1.0, {}, policy)
    assert given.answered and citations_grounded(given) and len(given.answer) <= policy.max_chars
    return given


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Cette mission s'inscrit au cœur de la lutte.", True),
        ("Cet accord lie les deux pays.", True),
        ("Ces experts sont 18.", True),
        ("Elle met en œuvre les partenariats.", True),
        ("  Elles coopèrent.", True),
        ("Ils sont 300.", True),
        ("Celle-ci est rattachée à la DGPN.", True),
        ("Ce service agit à l'étranger.", True),
        ("Ce qui compte est la sécurité.", False),
        ("Ce que fait la DCI est varié.", False),
        ("Il est procédé à une enquête.", False),
        ("Cependant, la DCI agit.", False),
        ("Cessation des paiements.", False),
        ("La DCI coopère avec la police.", False),
    ],
)
def test_is_anaphoric(sentence: str, expected: bool) -> None:
    assert is_anaphoric(sentence) is expected


@pytest.mark.parametrize(
    ("texts", "policy", "expected"),
    [
        # An anaphoric extra comes with the sentence before it when both fit.
        (
            ANAPHORIC_EXTRA,
            AnswerPolicy(extra_min_ratio=0.8),
            "La DCI coopère avec la police. Sans rapport ici. Elle coopère aussi avec la gendarmerie. [1]",
        ),
        # It is left out when both do not fit, in characters or in sentences.
        (
            ANAPHORIC_EXTRA,
            AnswerPolicy(max_chars=60, extra_min_ratio=0.8),
            "La DCI coopère avec la police. [1]",
        ),
        (
            ANAPHORIC_EXTRA,
            AnswerPolicy(max_sentences=2, extra_min_ratio=0.8),
            "La DCI coopère avec la police. [1]",
        ),
        # It is left out when it opens its passage: its antecedent is not there to quote.
        (
            ["La DCI coopère avec la police.", "Cette coopération aide la police."],
            AnswerPolicy(),
            "La DCI coopère avec la police. [1]",
        ),
        # The best sentence brings its antecedent first, whether or not the best sentence leads.
        (
            ["La DCI est une direction. Elle coopère avec la police."],
            AnswerPolicy(lead_with_best=True),
            "La DCI est une direction. Elle coopère avec la police. [1]",
        ),
        (
            ["La DCI est une direction. Elle coopère avec la police."],
            AnswerPolicy(),
            "La DCI est une direction. Elle coopère avec la police. [1]",
        ),
        # Leading, the best sentence keeps the anaphoric sentence that follows it at its side.
        (
            ["La DCI agit. Autre chose. La DCI coopère avec la police. Elle coopère aussi avec la gendarmerie."],
            AnswerPolicy(extra_min_ratio=0.3),
            "La DCI coopère avec la police. Elle coopère aussi avec la gendarmerie. … La DCI agit. [1]",
        ),
        # and stays alone when its antecedent does not fit.
        (
            ["La DCI est une direction du ministère de l'Intérieur. Elle coopère avec la police."],
            AnswerPolicy(max_chars=40),
            "Elle coopère avec la police. [1]",
        ),
        # Extras must score at least extra_min_ratio of the best sentence.
        (
            ["La DCI coopère avec la police.", "La DCI agit."],
            AnswerPolicy(),
            "La DCI coopère avec la police. [1] La DCI agit. [2]",
        ),
        (
            ["La DCI coopère avec la police.", "La DCI agit."],
            AnswerPolicy(extra_min_ratio=0.9),
            "La DCI coopère avec la police. [1]",
        ),
    ],
)
def test_quoted_sentences_stand_on_their_own(texts: list[str], policy: AnswerPolicy, expected: str) -> None:
    assert answer(texts, policy).answer == expected
