"""The subjects a base says it covers: numbered labels and repeats left out."""

from __future__ import annotations

import pytest

from kbchat.corpus.topics import is_numbered_label, name_key, subject_names


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("Article 144", True),
        ("Article 515-14", True),
        ("Article 515 14", True),
        ("Titre Ier", True),
        ("Chapitre III", True),
        ("Section 2 bis", True),
        ("Article 1er", True),
        ("Annexe", False),
        ("La coopération technique", False),
        ("Mission 1 : former les cadres", False),
        ("Les partenariats", False),
        ("2010", False),
        ("Titre V des servitudes", False),
    ],
)
def test_is_numbered_label(name: str, label: bool) -> None:
    assert is_numbered_label(name) is label


@pytest.mark.parametrize(
    ("left", "right"),
    [("Article 515-14", "Article 515 14"), ("La coopération  technique", "la cooperation technique")],
)
def test_name_key_joins_spellings_of_one_name(left: str, right: str) -> None:
    assert name_key(left) == name_key(right)


@pytest.mark.parametrize(
    ("names", "subjects"),
    [
        (["Article 144", "Article 144", "Titre V"], []),
        (
            ["Les partenariats", "Article 2", "les partenariats", "  ", "La coopération technique"],
            ["Les partenariats", "La coopération technique"],
        ),
        (
            ["Direction de la coopération internationale", "Article 515-14", "Article 515 14"],
            ["Direction de la coopération internationale"],
        ),
    ],
)
def test_subject_names(names: list[str], subjects: list[str]) -> None:
    assert subject_names(names) == subjects
