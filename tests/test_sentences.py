"""French sentence splitting, on a table of inputs and outputs."""

import pytest

from kbchat.text.sentences import split_sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Une phrase. Une autre.", ["Une phrase.", "Une autre."]),
        ("M. Dupont est venu. Il est reparti.", ["M. Dupont est venu.", "Il est reparti."]),
        ("Voir l'art. 544 du code civil. Fin.", ["Voir l'art. 544 du code civil.", "Fin."]),
        ("Des pommes, des poires, etc. Puis du pain.", ["Des pommes, des poires, etc.", "Puis du pain."]),
        ("Des pommes, etc. et du pain.", ["Des pommes, etc. et du pain."]),
        ("Est-ce vrai ? Oui ! « Bien sûr. » Voilà.", ["Est-ce vrai ?", "Oui !", "« Bien sûr. »", "Voilà."]),
        ("Mme Curie et J. Perrin travaillent. Ensuite…", ["Mme Curie et J. Perrin travaillent.", "Ensuite…"]),
        ("Créée en 2010. La DCI agit.", ["Créée en 2010.", "La DCI agit."]),
        ("   ", []),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_no_word_lost() -> None:
    text = "Le Dr. Martin, cf. p. 12, arrive. Il part ! Pourquoi ? Parce que. Fin"
    assert " ".join(split_sentences(text)).split() == text.split()
