"""English questions read in French: which questions are English, which words are replaced, and by what."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from kbchat.index.lexicon import TRANSLATION_FLOOR, Lexicon, Translator, english_words, french_words, load_translator
from kbchat.text.language import is_english, is_english_word
from kbchat.text.translation import translated


@pytest.mark.parametrize(
    ("question", "english"),
    [
        ("How many civil security experts are there?", True),
        ("When was the DCI created?", True),
        ("what does the international cooperation directorate do abroad", True),
        ("Where is the DCI's headquarters?", True),
        ("Combien de policiers compte le réseau ?", False),
        ("Qui dirige la DCI ?", False),
        ("La DCI est une direction commune à quelles institutions ?", False),
        ("budget annuel dci", False),  # « budget » is as French as it is English
        ("combien d experts en cybersecurite a la dci", False),
        ("Budget ?", False),  # one word tells no language
    ],
)
def test_a_question_is_english_when_most_of_its_words_are(question: str, english: bool) -> None:
    assert is_english(question) is english


@pytest.mark.parametrize(("word", "english"), [("the", True), ("embassies", True), ("police", False), ("le", False)])
def test_a_word_is_english_when_far_more_common_in_english(word: str, english: bool) -> None:
    assert is_english_word(word) is english


BASE = {"sécurité", "policiers", "réseau", "experts", "civil", "étranger", "européennes"}
TRANSLATIONS = {
    "security": ["sécurité", "securite"],
    "officers": ["officiers", "policiers"],
    "network": ["réseau"],
    "director": ["directeur", "directeurs"],
    "headquarters": [],
    "europol": ["européen", "européennes"],
}


def fake_translate(words: Sequence[str]) -> list[list[str]]:
    """Each word's translations from the table above."""
    return [TRANSLATIONS.get(w.lower(), []) for w in words]


@pytest.mark.parametrize(
    ("question", "read", "pairs"),
    [
        # The base's word is chosen among the translations, in the place and case of the typed one.
        (
            "How many officers in the network?",
            "How many policiers in the réseau?",
            (("officers", "policiers"), ("network", "réseau")),
        ),
        # A word the base holds is kept; so is an acronym.
        (
            "How many civil security experts in the DCI?",
            "How many civil sécurité experts in the DCI?",
            (("security", "sécurité"),),
        ),
        # No translation the base holds: the word stays as typed, and the evidence finds it missing.
        ("Who is the director?", "Who is the director?", ()),
        ("Where are the headquarters?", "Where are the headquarters?", ()),
        # A name, no more English than French, is no English word: « Europol » is not « européennes ».
        ("What is Europol?", "What is Europol?", ()),
    ],
)
def test_each_word_the_base_lacks_is_read_as_its_translation_the_base_holds(
    question: str, read: str, pairs: tuple[tuple[str, str], ...]
) -> None:
    assert translated(question, fake_translate, lambda w: w.lower() in BASE) == (read, pairs)


def test_the_nearest_french_words_within_the_spread_above_the_floor_are_translations() -> None:
    words = ("étranger", "aborder", "réseau", "chat")
    vectors = np.eye(4, dtype=np.float32)
    lexicon = Lexicon(words, vectors)
    near = TRANSLATION_FLOOR + 0.05
    query = np.asarray(
        [
            [near, near - 0.01, 0.0, 0.0],  # two close ones: both
            [0.0, 0.0, near, near - 0.05],  # the second too far below the first
            [0.0, 0.0, 0.0, TRANSLATION_FLOOR - 0.01],  # below the floor: none
        ],
        dtype=np.float32,
    )
    assert lexicon.nearest(query) == [["étranger", "aborder"], ["réseau"], []]


def test_the_lexicon_holds_common_french_words_and_no_english_ones() -> None:
    words = set(french_words(5000))
    assert {"sécurité", "ministère", "réseau"} <= words
    assert not {"the", "security", "network"} & words
    english = set(english_words(5000))
    assert {"security", "network", "officers"} <= english and not {"sécurité", "police", "le"} & english


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("Embassy", ["ambassade"]),  # read in lower case
        ("embassies", ["ambassade"]),  # a plural the table lacks: its singular
        ("cooperations", ["coopération"]),
        ("heads", []),  # in the table with no translation near: not read as its singular
        ("zzzs", []),  # neither it nor a singular in the table
    ],
)
def test_a_word_is_read_through_the_table(word: str, expected: list[str]) -> None:
    table = {"embassy": ["ambassade"], "cooperation": ["coopération"], "heads": [], "head": ["chef"]}
    assert Translator(table).translations([word]) == [expected]


@pytest.mark.model
def test_the_multilingual_encoder_reads_english_words_as_their_french_translations() -> None:
    security, embassies, director = load_translator().translations(["security", "embassies", "director"])
    assert security[0] == "sécurité"
    assert "ambassades" in embassies
    assert "direction" not in director  # « directeur », which the DCI page never says
