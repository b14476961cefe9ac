"""Spelling as people type it: dropped apostrophes put back, misspelt words corrected to the base's words."""

from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np
import pytest

from kbchat.index.word_vectors import load_word_vectors
from kbchat.knowledge_base import KnowledgeBase
from kbchat.text.analyzer import stem
from kbchat.text.spelling import Vocabulary, corrected, with_apostrophes

BASE_WORDS = [
    "technique",
    "techniques",
    "divorcé",
    "divorce",
    "rattachée",
    "sécurité",
    "civile",
    "ministère",
    "cohérence",
    "policiers",
]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("combien d experts", "combien d'experts"),
        ("policiers a l etranger", "policiers a l'etranger"),
        ("qu est-ce que la DCI", "qu'est-ce que la DCI"),
        ("c est quoi", "c'est quoi"),
        ("D abord", "D'abord"),
        ("à l'étranger", "à l'étranger"),
        # Not an elision: a unit after a number, a letter before a consonant, « m », « s », « t ».
        ("200 m au-dessus", "200 m au-dessus"),
        ("2 l environ", "2 l environ"),
        ("le plan d de la ville", "le plan d de la ville"),
        ("la lettre s en fin", "la lettre s en fin"),
    ],
)
def test_with_apostrophes(question: str, expected: str) -> None:
    assert with_apostrophes(question) == expected


BASE_STEMS = {stem(w) for w in BASE_WORDS}


def base_vocabulary(vectors: Callable[[Sequence[str]], np.ndarray]) -> Vocabulary:
    """BASE_WORDS, each stem in one passage, with the given lexicon."""
    return Vocabulary.of(BASE_WORDS, lambda term: int(term in BASE_STEMS), vectors)


def hand_lexicon(known: dict[str, Sequence[float]]) -> Vocabulary:
    """BASE_WORDS with a lexicon of the given unit vectors (zero for other words)."""

    def vectors(words: Sequence[str]) -> np.ndarray:
        rows = [np.asarray(known.get(w, (0.0, 0.0)), dtype=float) for w in words]
        return np.vstack([r / (np.linalg.norm(r) or 1.0) for r in rows])

    return base_vocabulary(vectors)


@pytest.mark.parametrize(
    ("question", "lexicon", "expected", "pairs"),
    [
        # A word the lexicon lacks, one edit from a base word: corrected, in the case and position it had.
        ("Que vise la coopération tecnique ?", {}, "Que vise la coopération technique ?", [("tecnique", "technique")]),
        ("ratachée à qui ?", {}, "rattachée à qui ?", [("ratachée", "rattachée")]),
        ("Combien de policers ?", {}, "Combien de policiers ?", [("policers", "policiers")]),
        ("sécurité civille", {}, "sécurité civile", [("civille", "civile")]),
        # Of two spellings one edit away, the nearer one as typed.
        ("le divorse", {}, "le divorce", [("divorse", "divorce")]),
        # A swap of two letters is one edit.
        ("la cohréence", {}, "la cohérence", [("cohréence", "cohérence")]),
        # The lexicon gives a common misspelling the base word's vector: the same word.
        ("tecnique", {"tecnique": (1, 0), "technique": (1, 0)}, "technique", [("tecnique", "technique")]),
        # A word of its own in the lexicon is no misspelling: « ministre » is not « ministère ».
        ("Qui est le ministre ?", {"ministre": (1, 0), "ministère": (0.6, 0.8)}, "Qui est le ministre ?", []),
        # Words the base knows, short words, two edits away, and proper names are left as typed.
        ("la sécurité", {}, "la sécurité", []),
        ("la securite", {}, "la securite", []),
        ("civil", {}, "civil", []),
        ("tecniqes", {}, "tecniqes", []),
        ("Que fait Tecnique ?", {}, "Que fait Tecnique ?", []),
    ],
)
def test_corrected(question: str, lexicon: dict, expected: str, pairs: list[tuple[str, str]]) -> None:
    assert corrected(question, hand_lexicon(lexicon)) == (expected, tuple(pairs))


def test_the_french_lexicon_tells_misspellings_from_words() -> None:
    vocabulary = base_vocabulary(load_word_vectors().vectors)
    assert corrected("la coopération tecnique", vocabulary)[0] == "la coopération technique"
    assert corrected("Qui est le ministre ?", vocabulary)[0] == "Qui est le ministre ?"


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Que vise la coopération tecnique ?", "soutien technique"),
        ("Combien d'experts en sécurité civille ?", "18 experts"),
        ("combien de policiers a l etranger", "300 policiers"),
    ],
)
def test_misspelt_questions_are_answered(dci_kb: KnowledgeBase, question: str, expected: str) -> None:
    answer = dci_kb.ask(question, [])
    assert answer.answered and expected in answer.answer


def test_a_misspelt_subject_the_page_lacks_is_still_refused(dci_kb: KnowledgeBase) -> None:
    assert not dci_kb.ask("combien d experts en cybersecurite a la dci", []).answered


def test_correction_can_be_turned_off(dci_kb: KnowledgeBase) -> None:
    plain = dci_kb.configured(replace(dci_kb.settings, correct_spelling=False))
    answer = plain.ask("Que vise la coopération tecnique ?", [])
    assert answer.corrected == () and not answer.answered
    assert dci_kb.ask("Que vise la coopération tecnique ?", []).corrected == (("tecnique", "technique"),)


def test_corrected_words_reach_bm25_on_stems(dci_kb: KnowledgeBase) -> None:
    retriever = dci_kb.retriever
    query = retriever.analyze("La gouvernence des colectivités ?")
    assert query.corrections == (("gouvernence", "gouvernance"), ("colectivités", "collectivités"))
    lexical = retriever.rankings(query).lexical
    best = max(lexical, key=lexical.__getitem__)
    assert "gouvernance d'Etat et de collectivités locales" in dci_kb.indexes.by_id[best].text
