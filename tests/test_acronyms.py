"""Acronyms the documents spell out: found, analyzed, and spelled out in a question for the encoder."""

from __future__ import annotations

import pytest

from kbchat.text.acronyms import find_acronyms, spell_out, spelled_acronyms, spelled_in

DCI = "La direction de la coopération internationale (DCI) agit. La DCI assure la cohérence."


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        ([DCI], {"DCI": "direction de la coopération internationale"}),
        (["La DCI assure la cohérence."], {}),  # used, never spelled out
        (["Le Conseil national des barreaux (CNB) siège.", "Le CNB vote."], {"CNB": "conseil national des barreaux"}),
        (
            ["La DGPN.", "La direction générale de la police nationale."],
            {"DGPN": "direction générale de la police nationale"},
        ),
        (["Aucun sigle ici."], {}),
    ],
)
def test_spelled_acronyms(texts: list[str], expected: dict[str, str]) -> None:
    assert spelled_acronyms(texts) == expected


def test_find_acronyms_keeps_the_analyzed_terms_of_the_phrase() -> None:
    assert find_acronyms([DCI]) == {"dci": ["direct", "cooper", "international"]}


@pytest.mark.parametrize(
    ("text", "phrases", "expected"),
    [
        (
            "Quand la DCI a-t-elle été créée ?",
            {"DCI": "direction de la coopération"},
            "Quand la direction de la coopération a-t-elle été créée ?",
        ),
        ("Quand la DCI a-t-elle été créée ?", {}, "Quand la DCI a-t-elle été créée ?"),
        ("Et l'UE ?", {"DCI": "direction"}, "Et l'UE ?"),  # an acronym the base does not spell stays
        ("La dci et la DCIX", {"DCI": "direction"}, "La dci et la DCIX"),  # whole words, as written
    ],
)
def test_spell_out(text: str, phrases: dict[str, str], expected: str) -> None:
    assert spell_out(text, phrases) == expected


_PASSAGES = [
    "Ils sont affectés dans les 74 services de sécurité intérieure implantés à l’étranger.",
    "Elle est rattachée à la Direction générale de la police nationale.",
]


@pytest.mark.parametrize(
    ("question", "known", "expected"),
    [
        ("Combien de SSI ?", {}, {"ssi": ["servic", "securit", "interieur"]}),
        ("La DCI dépend-elle de la DGPN ?", {"dci": ["direct"]}, {"dgpn": ["direct", "general", "polic", "national"]}),
        ("La DCI ?", {"dci": ["direct"]}, {}),  # known already
        ("La DGSI ?", {}, {}),  # no phrase spells it
        ("Les AE ?", {}, {}),  # two letters spell too many phrases
        ("Combien de services ?", {}, {}),
    ],
)
def test_spelled_in(question: str, known: dict[str, list[str]], expected: dict[str, list[str]]) -> None:
    assert spelled_in(question, _PASSAGES, known) == expected
