"""A paragraph ending with a colon gets the list items or sub-headings it introduces (tables), in every format."""

from __future__ import annotations

from pathlib import Path

import pytest

from kbchat.corpus.loading import load_document, parse_markdown
from kbchat.text.sentences import listed_entries


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        (
            "# T\n\n## S\n\nLa DCI met en œuvre :\n\n### Coopération technique\n\nElle aide.\n\n"
            "### Partenariats\n\nIls promeuvent.\n",
            [
                (("S",), "La DCI met en œuvre : • Coopération technique • Partenariats"),
                (("S", "Coopération technique"), "Elle aide."),
                (("S", "Partenariats"), "Ils promeuvent."),
            ],
        ),
        (
            "# T\n\nLes missions sont :\n\n- former les forces\n- conseiller les États\n\nAutre paragraphe.\n",
            [((), "Les missions sont : • former les forces • conseiller les États"), ((), "Autre paragraphe.")],
        ),
        # A colon followed by a paragraph, a heading of the same level, or a long item introduces no list.
        ("# T\n\nIntro :\n\nPas une liste.\n", [((), "Intro :"), ((), "Pas une liste.")]),
        ("# T\n\n## A\n\nIntro :\n\n## B\n\nTexte.\n", [(("A",), "Intro :"), (("B",), "Texte.")]),
        (
            f"# T\n\nIntro :\n\n- {'mot ' * 60}\n",
            [((), "Intro :"), ((), ("mot " * 60).strip())],
        ),
        # Deeper sub-headings are not entries; items after a list's end start no new list.
        (
            "# T\n\n## S\n\nVoici :\n\n### A\n\n#### A1\n\nx.\n\n### B\n\ny.\n\n## Z\n\n- item\n",
            [
                (("S",), "Voici : • A • B"),
                (("S", "A", "A1"), "x."),
                (("S", "B"), "y."),
                (("Z",), "item"),
            ],
        ),
    ],
)
def test_a_colon_gets_what_it_introduces(markdown: str, expected: list[tuple[tuple[str, ...], str]]) -> None:
    _, blocks = parse_markdown(markdown)
    assert [(b.headings, b.text) for b in blocks] == expected


def test_html_and_docx_lists_join_their_introduction(tmp_path: Path) -> None:
    import docx

    html = "<html><body><h1>T</h1><p>Les missions :</p><ul><li>former</li><li>conseiller</li></ul></body></html>"
    (tmp_path / "page.html").write_text(html, encoding="utf-8")
    assert [b.text for b in load_document(tmp_path / "page.html", tmp_path).blocks] == [
        "Les missions : • former • conseiller"
    ]
    document = docx.Document()
    document.add_heading("T", level=1)
    document.add_paragraph("Les missions :")
    document.add_paragraph("former", style="List Bullet")
    document.add_paragraph("conseiller", style="List Bullet")
    document.save(str(tmp_path / "note.docx"))
    assert [b.text for b in load_document(tmp_path / "note.docx", tmp_path).blocks] == [
        "Les missions : • former • conseiller"
    ]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("La DCI met en œuvre : • Coopération technique • Partenariats", ("Coopération technique", "Partenariats")),
        ("Les Romains : Varron ; Plutarque.", ()),
        ("Sans liste.", ()),
    ],
)
def test_listed_entries(sentence: str, expected: tuple[str, ...]) -> None:
    assert listed_entries(sentence) == expected
