"""Loading every supported format into titled blocks."""

from pathlib import Path

import pytest

from kbchat.corpus.loading import list_documents, load_document, title_of_stem
from kbchat.errors import DocumentError

MINIMAL_PDF_TEXT = "La DCI coopere avec 74 services."


def write_pdf(path: Path, text: str) -> None:
    """A one-page PDF with a text layer, written by hand."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))


def test_markdown_headings_and_duplicates(tmp_path: Path) -> None:
    path = tmp_path / "dci.md"
    path.write_text(
        "# Titre\n\nIntro **gras**.\n\nIntro **gras**.\n\n## Partie\n\nTexte [lien](http://x).\n", encoding="utf-8"
    )
    doc = load_document(path, tmp_path)
    assert doc.title == "Titre"
    assert [(b.headings, b.text) for b in doc.blocks] == [((), "Intro gras."), (("Partie",), "Texte lien.")]


def test_text_utf8_and_cp1252(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Sécurité\n\nCoopération à l'étranger.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_bytes("Sécurité\n\nCoopération à l’étranger.\n".encode("cp1252"))
    for name in ("a.txt", "b.txt"):
        doc = load_document(tmp_path / name, tmp_path)
        assert doc.title == "Sécurité"
        assert doc.blocks[0].text.startswith("Coopération à l")


def test_html_boilerplate_removed(tmp_path: Path) -> None:
    html = """<html><head><title>Page</title><style>p{color:red}</style><script>alert(1)</script></head>
    <body><nav><a>Accueil</a></nav><h1>La DCI</h1><h2>Réseau</h2><p>Près de 300 policiers.</p>
    <footer>Mentions légales</footer></body></html>"""
    (tmp_path / "page.html").write_text(html, encoding="utf-8")
    doc = load_document(tmp_path / "page.html", tmp_path)
    assert doc.title == "La DCI"
    assert [(b.headings, b.text) for b in doc.blocks] == [(("Réseau",), "Près de 300 policiers.")]


def test_docx_styles(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_heading("Rapport DCI", level=0)
    document.add_heading("Missions", level=1)
    document.add_paragraph("La DCI anime la coopération.")
    document.save(str(tmp_path / "rapport.docx"))
    doc = load_document(tmp_path / "rapport.docx", tmp_path)
    assert doc.title == "Rapport DCI"
    assert [(b.headings, b.text) for b in doc.blocks] == [(("Missions",), "La DCI anime la coopération.")]


def test_pdf_text_layer(tmp_path: Path) -> None:
    write_pdf(tmp_path / "note.pdf", MINIMAL_PDF_TEXT)
    doc = load_document(tmp_path / "note.pdf", tmp_path)
    assert doc.title == "note"
    assert doc.blocks[0].text == MINIMAL_PDF_TEXT


@pytest.mark.parametrize(
    ("name", "data"), [("vide.md", b"   \n"), ("casse.pdf", b"%PDF-1.4 garbage"), ("casse.docx", b"PK nope")]
)
def test_unreadable_files_raise_document_error(tmp_path: Path, name: str, data: bytes) -> None:
    (tmp_path / name).write_bytes(data)
    with pytest.raises(DocumentError, match=name):
        load_document(tmp_path / name, tmp_path)


def test_listing_skips_hidden_and_unsupported(tmp_path: Path) -> None:
    for name in ("a.md", ".cache.md", "b.png", "sub/c.txt", ".git/d.md"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    assert [p.relative_to(tmp_path).as_posix() for p in list_documents(tmp_path)] == ["a.md", "sub/c.txt"]


@pytest.mark.parametrize(
    ("stem", "title"),
    [
        ("direction-cooperation-internationale", "direction cooperation internationale"),
        ("Article 515-14", "Article 515-14"),
        ("rapport_annuel_2020-2021", "rapport annuel 2020-2021"),
        ("note--brouillon_", "note brouillon"),
        ("Article 16-1-1", "Article 16-1-1"),
    ],
)
def test_a_file_name_read_as_a_title_keeps_its_numbers(stem: str, title: str) -> None:
    assert title_of_stem(stem) == title
