"""Spoken word order put back in written order: a table of questions."""

import pytest

from kbchat.text.spoken import in_written_order


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Ça sert à quoi, les partenariats ?", "À quoi servent les partenariats ?"),
        ("Les partenariats, ça sert à quoi ?", "À quoi servent les partenariats ?"),
        ("La coopération technique, c'est pour faire quoi ?", "À quoi sert la coopération technique ?"),
        ("La coopération technique, c'est pour quoi", "À quoi sert la coopération technique ?"),
        ("La DCI, elle fait quoi ?", "Que fait la DCI ?"),
        ("Les attachés, ils font quoi ?", "Que font les attachés ?"),
        ("L'Europe, ça sert à quoi ?", "À quoi sert l'Europe ?"),
        ("DCI, elle fait quoi", "Que fait DCI ?"),  # a name keeps its capitals
        # Written order, and spoken orders these rules do not cover, stay as they are.
        ("À quoi sert la coopération technique ?", "À quoi sert la coopération technique ?"),
        (
            "La coopération opérationnelle, elle lutte contre quoi ?",
            "La coopération opérationnelle, elle lutte contre quoi ?",
        ),
        ("Dans les affaires européennes, la DCI fait quoi ?", "Dans les affaires européennes, la DCI fait quoi ?"),
        ("Quand, la DCI ?", "Quand, la DCI ?"),
    ],
)
def test_in_written_order(question: str, expected: str) -> None:
    assert in_written_order(question) == expected
