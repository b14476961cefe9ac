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
    assert "**Question :** Quand ?" in text and "- \\[1\\] DCI — Réseau (dci\\.md)" in text
    assert "  > En 2010\\." in text and "**Réponse :** Je n'ai pas trouvé\\." in text


HOSTILE = (
    "<h1>Titre</h1> [lien](https://evil.example/x) ![image](https://evil.example/i.png) :red[rouge] "
    "<img src=https://evil.example/y.png> https://evil.example/z `code` **gras**\n# titre\n> cité"
)


def test_the_export_renders_nothing_a_document_or_a_user_wrote_as_markup() -> None:
    from markdown_it import MarkdownIt

    source = Source(HOSTILE, HOSTILE, HOSTILE, "c1", 1.0, HOSTILE, ("x",), True)
    text = conversation_markdown([Turn(HOSTILE, HOSTILE, True, [source])])
    html = MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(text)
    for tag in ("<a ", "<img", "<h1>Titre", "<code>", "<strong>gras", "<blockquote>\n<p>cité"):
        assert tag not in html, tag
    assert html.count("<strong>") == 2  # the export's own « Question » and « Réponse »
    assert "evil.example/i.png" in html  # shown as text


def test_example_questions() -> None:
    assert example_questions(["Les partenariats", "Une expertise", "Réseau :"]) == [
        "Que sont les partenariats ?",
        "Qu'est-ce qu'une expertise ?",
        "Qu'est-ce que réseau ?",
    ]
