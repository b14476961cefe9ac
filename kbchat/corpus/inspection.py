"""Checks before a file is read as a document: inside kb/, not too big, content that fits its type; its decoding."""

from __future__ import annotations

import codecs
from pathlib import Path

from kbchat.errors import DocumentError

TEXT_SUFFIXES = (".md", ".markdown", ".txt", ".html", ".htm")
HEAD_BYTES = 8192
MAX_CONTROL_SHARE = 0.05  # control characters (tab, newlines aside) in real text: nearly none
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_MAGIC = {b"\x7fELF": "un exécutable", b"MZ": "un exécutable Windows", b"PK\x03\x04": "une archive zip"}
_MAGIC |= {b"%PDF-": "un PDF", b"\x89PNG": "une image", b"\xff\xd8\xff": "une image", b"GIF8": "une image"}


def wide_encoding(head: bytes) -> str | None:
    """The UTF-16/32 encoding of BOM-less text, told by where its zero bytes fall, or None."""
    sample = head[: len(head) - len(head) % 4]
    if len(sample) < 8:
        return None
    zeros = [sample[i::4].count(0) / (len(sample) // 4) for i in range(4)]
    if zeros[1] > 0.9 and zeros[2] > 0.9 and zeros[3] > 0.9:
        return "utf-32-le"
    if zeros[0] > 0.9 and zeros[1] > 0.9 and zeros[2] > 0.9:
        return "utf-32-be"
    if zeros[1] > 0.7 and zeros[3] > 0.7 and zeros[0] < 0.3:
        return "utf-16-le"
    if zeros[0] > 0.7 and zeros[2] > 0.7 and zeros[1] < 0.3:
        return "utf-16-be"
    return None


def decode_text(data: bytes) -> str:
    """Decode a text file: by its BOM (UTF-8, 16 or 32), as BOM-less UTF-16/32, as UTF-8, else as cp1252."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    wide = wide_encoding(data[:HEAD_BYTES])
    if wide is not None:
        return data.decode(wide, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def content_problem(head: bytes, suffix: str) -> str | None:
    """Why a file's first bytes do not fit its type (binary renamed .txt, a .pdf that is no PDF…), or None."""
    suffix = suffix.lower()
    if suffix == ".pdf":
        return None if b"%PDF-" in head[:1024] else "n'est pas un PDF (en-tête %PDF absent)"
    if suffix == ".docx":
        return None if head.startswith(b"PK\x03\x04") else "n'est pas un document Word .docx (pas une archive zip)"
    if suffix not in TEXT_SUFFIXES:
        return None
    for magic, kind in _MAGIC.items():
        if head.startswith(magic):
            return f"contenu binaire ({kind}) et non du texte"
    text = decode_text(head)
    controls = sum(1 for c in text if (ord(c) < 32 and c not in "\t\n\r\f") or c == "\ufffd")
    if controls > MAX_CONTROL_SHARE * max(len(text), 1):
        return "contenu binaire et non du texte"
    return None


def check_size(source: str, size: int, max_bytes: int) -> None:
    """Refuse a document larger than max_bytes, before it is read or kept."""
    if size > max_bytes:
        raise DocumentError(
            f"{source} : trop volumineux ({size / 2**20:.1f} Mo ; limite {max_bytes / 2**20:g} Mo, "
            "taille maximale réglable par KBCHAT_MAX_FILE_MB)."
        )


def read_checked(path: Path, root: Path, max_bytes: int) -> bytes:
    """A document's bytes, once it is inside root and within max_bytes (its content is checked by its parser)."""
    source = path.relative_to(root).as_posix()
    try:
        if path.is_symlink() and not path.resolve().is_relative_to(root.resolve()):
            raise DocumentError(f"{source} : lien symbolique qui pointe hors de la base ; refusé.")
        check_size(source, path.stat().st_size, max_bytes)
        data = path.read_bytes()
    except PermissionError as exc:
        raise DocumentError(f"{source} : illisible (permission refusée).") from exc
    except OSError as exc:
        raise DocumentError(f"{source} : illisible ({exc.strerror or exc}).") from exc
    return data
