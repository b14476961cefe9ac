"""Pure helpers of the pages, on tables of inputs and outputs."""

import pytest

from kbchat.ask.answer import Source
from kbchat.ui.rendering import (
    Turn,
    conversation_markdown,
    escape_text,
    example_questions,
    highlight,
    plain_text,
)


@pytest.mark.parametrize(
    ("text", "forbidden"),
    [
        ("<script>alert(1)</script>", "<script"),
        ("**gras** et _italique_", "**"),
        ("[lien](javascript:alert(1))", "]("),
        ("# Titre", "# "),
        ("$x^2$", "$"),
    ],
)
def test_escape_text_neutralizes_markup(text: str, forbidden: str) -> None:
    escaped = escape_text(text)
    assert forbidden not in escaped
    assert plain_text(escaped) == text


def test_highlight_marks_every_quote_and_escapes() -> None:
    passage = "Un <b>. Deux. Trois."
    marked = highlight(passage, ("Un <b>.", "Trois."))
    assert marked.count("<mark>") == 2 and "<b>" not in marked
    assert plain_text(marked.replace("<mark>", "").replace("</mark>", "")) == passage
    assert highlight(passage, ("absent",)) == escape_text(passage)


def test_conversation_markdown() -> None:
    turns = [
        Turn(
            "Quand ?",
            "En 2010. [1]",
            True,
            [Source("dci.md", "DCI", "Réseau", "c1", 1.0, "En 2010.", ("En 2010.",))],
        ),
        Turn("Budget ?", "Je n'ai pas trouvé.", False, []),
    ]
    text = conversation_markdown(turns)
    assert text.startswith("# Conversation")
    assert "**Question :** Quand ?" in text and "- [1] DCI — Réseau (`dci.md`)" in text and "  > En 2010." in text
    assert "**Réponse :** Je n'ai pas trouvé." in text


def test_example_questions() -> None:
    assert example_questions(["Les partenariats", "Une expertise", "Réseau :"]) == [
        "Que sont les partenariats ?",
        "Qu'est-ce qu'une expertise ?",
        "Qu'est-ce que réseau ?",
    ]
