"""Document loading: .md, .txt, .html/.htm, .pdf and .docx into titled blocks."""

from __future__ import annotations

import io
import logging
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kbchat.corpus.chunking import Block
from kbchat.corpus.inspection import HEAD_BYTES, TEXT_SUFFIXES, content_problem, decode_text, read_checked
from kbchat.corpus.outline import Outline, clean
from kbchat.errors import DocumentError

SUPPORTED_SUFFIXES = (*TEXT_SUFFIXES, ".pdf", ".docx")
DEFAULT_MAX_BYTES = 20 << 20
BOILERPLATE_TAGS = ("script", "style", "nav", "header", "footer", "aside", "noscript", "form", "template", "svg")


@dataclass(frozen=True)
class LoadedDocument:
    """A document's title and its paragraphs, each under its heading path."""

    source: str
    title: str
    blocks: tuple[Block, ...]


def dedupe_blocks(blocks: list[Block]) -> list[Block]:
    """Drop exact repeats of a paragraph inside one document, keeping the first."""
    seen: set[str] = set()
    kept: list[Block] = []
    for block in blocks:
        key = clean(block.text).casefold()
        if key and key not in seen:
            seen.add(key)
            kept.append(block)
    return kept


def parse_markdown(text: str) -> tuple[str, list[Block]]:
    """Title (first level-1 heading) and blocks of a Markdown text."""
    from markdown_it import MarkdownIt

    outline = Outline()
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    pending_heading: int | None = None
    items = 0  # the depth of list items the walk is in
    for token in tokens:
        if token.type in ("list_item_open", "list_item_close"):
            items += 1 if token.type == "list_item_open" else -1
        elif token.type == "heading_open":
            pending_heading = int(token.tag[1])
        elif token.type == "inline":
            plain = "".join(
                child.content if child.type in ("text", "code_inline") else " "
                for child in token.children or []
                if child.type in ("text", "code_inline", "softbreak", "hardbreak")
            )
            if pending_heading is not None:
                outline.heading(pending_heading, plain)
                pending_heading = None
            else:
                outline.paragraph(plain, item=items > 0)
        elif token.type in ("fence", "code_block"):
            outline.paragraph(token.content)
    return outline.first_heading, outline.blocks


def parse_plain_text(text: str) -> tuple[str, list[Block]]:
    """Title (a short first line) and blank-line separated paragraphs of a plain text."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if p.strip()]
    title = ""
    if paragraphs:
        first = clean(paragraphs[0])
        if len(first) <= 120 and "\n" not in paragraphs[0].strip():
            title = first
            paragraphs = paragraphs[1:]
    return title, [Block((), clean(p)) for p in paragraphs if clean(p) != title]


def parse_html(text: str) -> tuple[str, list[Block]]:
    """Title and blocks of an HTML page, without scripts, styles and navigation."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(text, "lxml")
    for tag in soup(BOILERPLATE_TAGS):
        tag.decompose()
    for tag in soup.select('[role="navigation"], [role="banner"], [role="contentinfo"], [aria-hidden="true"]'):
        tag.decompose()
    outline = Outline()
    page_title = clean(soup.title.get_text()) if soup.title else ""
    body = soup.body or soup
    for element in body.find_all(
        ["h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "td", "th", "pre", "blockquote", "dd", "dt"]
    ):
        if element.find_parent(["p", "li", "td", "th", "pre", "blockquote"]) is not None:
            continue
        if element.name.startswith("h") and len(element.name) == 2:
            outline.heading(int(element.name[1]), element.get_text(" "))
        else:
            outline.paragraph(element.get_text(" "), item=element.name == "li")
    return outline.first_heading or page_title, outline.blocks


def parse_pdf(data: bytes) -> tuple[str, list[Block]]:
    """Title (metadata) and paragraphs of a PDF's text layer; DocumentError when encrypted or without text."""
    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings would print beside kbchat's one line
    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted and not _opens_without_password(reader):
        raise DocumentError("PDF protégé par un mot de passe")
    title = clean(str((reader.metadata or {}).get("/Title", "") or ""))
    blocks: list[Block] = []
    for page in reader.pages:
        page_text = page.extract_text() or ""
        for paragraph in re.split(r"\n\s*\n", page_text):
            if clean(paragraph):
                blocks.append(Block((), clean(paragraph)))
    if not blocks and reader.pages:
        raise DocumentError("PDF sans couche texte (PDF scanné ?) : rien à indexer")
    return title, blocks


def _opens_without_password(reader: object) -> bool:
    """True when an encrypted PDF opens with the empty user password (only editing is restricted)."""
    try:
        return bool(reader.decrypt(""))  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - any failure to decrypt means the PDF cannot be read
        return False


def parse_docx(data: bytes) -> tuple[str, list[Block]]:
    """Title and blocks of a Word document, following its heading styles."""
    import docx

    document = docx.Document(io.BytesIO(data))
    outline = Outline()
    title = clean(document.core_properties.title or "")
    for paragraph in document.paragraphs:
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        if style == "Title":
            title = title or clean(paragraph.text)
            outline.title_is_first_heading = False
        elif style.startswith("Heading"):
            level = int(style.split()[-1]) if style.split()[-1].isdigit() else 1
            outline.heading(level, paragraph.text)
        else:
            outline.paragraph(paragraph.text, item=style.startswith("List"))
    for table in document.tables:
        for row in table.rows:
            outline.paragraph(" | ".join(cell.text for cell in row.cells))
    return title or outline.first_heading, outline.blocks


_TEXT_PARSERS: dict[str, Callable[[str], tuple[str, list[Block]]]] = {
    ".md": parse_markdown,
    ".markdown": parse_markdown,
    ".txt": parse_plain_text,
    ".html": parse_html,
    ".htm": parse_html,
}
_BINARY_PARSERS: dict[str, Callable[[bytes], tuple[str, list[Block]]]] = {".pdf": parse_pdf, ".docx": parse_docx}


def load_document(path: Path, root: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> LoadedDocument:
    """Read one supported file into a LoadedDocument; raise DocumentError, naming the file, when it can't be."""
    source = path.relative_to(root).as_posix()
    suffix = path.suffix.lower()
    if suffix not in _TEXT_PARSERS and suffix not in _BINARY_PARSERS:
        raise DocumentError(f"{source} : format non pris en charge ({suffix or 'sans extension'}).")
    return parse_document(source, read_checked(path, root, max_bytes))


def parse_document(source: str, data: bytes) -> LoadedDocument:
    """A document's bytes, named source, into a LoadedDocument; the checks of ingest and of uploads alike."""
    suffix = Path(source).suffix.lower()
    problem = content_problem(data[:HEAD_BYTES], suffix)
    if problem:
        raise DocumentError(f"{source} : {problem} ; refusé.")
    try:
        if suffix in _TEXT_PARSERS:
            title, blocks = _TEXT_PARSERS[suffix](decode_text(data))
        elif suffix in _BINARY_PARSERS:
            title, blocks = _BINARY_PARSERS[suffix](data)
        else:
            raise DocumentError(f"format non pris en charge ({suffix or 'sans extension'})")
    except DocumentError as exc:
        raise DocumentError(f"{source} : {exc} ; refusé.") from exc
    except Exception as exc:  # noqa: BLE001 - any parser failure is a per-file error for the person
        raise DocumentError(f"{source} n'a pas pu être lu ({type(exc).__name__} : {exc}).") from exc
    blocks = dedupe_blocks(blocks)
    if not blocks:
        raise DocumentError(f"{source} ne contient aucun paragraphe de texte (vide, ou titres seuls).")
    return LoadedDocument(source, title or title_of_stem(Path(source).stem), tuple(blocks))


def title_of_stem(stem: str) -> str:
    """A file name read as a title: « direction-cooperation » spaced out, a number « 515-14 » or « 2020-2021 » kept."""
    return " ".join(re.sub(r"_|(?<!\d)-|-(?!\d)", " ", stem).split())


def list_documents(root: Path) -> list[Path]:
    """Every supported file under root, in a stable order; hidden files, hidden and linked folders are skipped.

    The walk keeps its own stack: a tree a thousand folders deep must not exhaust Python's recursion.
    """
    if not root.is_dir():
        return []
    found: list[Path] = []
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue  # unreadable or too deep a folder: its files cannot be indexed, the others still are
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(Path(entry.path))
                elif Path(entry.name).suffix.lower() in SUPPORTED_SUFFIXES and (entry.is_file() or entry.is_symlink()):
                    found.append(Path(entry.path))
            except OSError:
                continue
    return sorted(found)
