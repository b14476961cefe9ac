"""The subjects a base says it covers: numbered labels and repeats left out."""

from __future__ import annotations

import pytest

from kbchat.ask.retrieval import to_front
from kbchat.corpus.topics import is_numbered_label, label_index, label_key, name_key, named_labels, subject_names


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
        ("Apollo 11", False),
        ("Louis XIV", False),
        ("Partie civil", False),
        ("titre v", False),
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


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Article 16-1", "article 16-1"),
        ("l'article 16-1", "l article 16-1"),
        ("art. 1134", "article 1134"),
        ("Article 515 14", "article 515 14"),
        ("Section 2 - bis", "section 2 bis"),
    ],
)
def test_label_key(name: str, key: str) -> None:
    assert label_key(name) == key


@pytest.mark.parametrize(
    ("question", "named"),
    [
        ("Que dit l'article 16 ?", ["article 16"]),
        ("Article 16-1", ["article 16-1"]),
        ("Que dit l'art. 1134 ?", ["article 1134"]),
        ("que dit l article 213", ["article 213"]),
        ("L'article 16-3, que dit-il ? Et l'article 16-3 ?", ["article 16-3"]),
        ("Article 414 : à quel âge est-on majeur ?", ["article 414"]),
        ("article 1er", ["article 1er"]),
        ("Les articles 16 et 17", []),
        ("La chapitre 3 en 2010", []),
        ("article 12a", []),
        ("Titre V", []),
    ],
)
def test_named_labels(question: str, named: list[str]) -> None:
    assert named_labels(question, {"article", "titre"}) == named


def test_named_labels_of_a_base_without_numbered_parts() -> None:
    assert named_labels("Que dit l'article 16 ?", frozenset()) == []


def test_label_index() -> None:
    index = label_index(
        [
            ("a", ("Article 16", "Article 16")),
            ("b", ("Article 16-1",)),
            ("c", ("La DCI", "Les partenariats")),
            ("d", ("Article 16",)),
        ]
    )
    assert index == {"article 16": ("a", "d"), "article 16-1": ("b",)}


@pytest.mark.parametrize(
    ("keys", "ranked"),
    [
        ([], [("x", 0.9), ("y", 0.5)]),
        (["y"], [("y", 0.9), ("x", 0.9)]),
        (["z", "y"], [("z", 0.9), ("y", 0.9), ("x", 0.9)]),
    ],
)
def test_to_front(keys: list[str], ranked: list[tuple[str, float]]) -> None:
    assert to_front([("x", 0.9), ("y", 0.5)], keys) == ranked
