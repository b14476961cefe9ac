"""Staff operations on kb/: safe names, atomic writes, removal, and the documents table."""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from kbchat.corpus.inspection import check_size
from kbchat.corpus.loading import SUPPORTED_SUFFIXES, list_documents, parse_document
from kbchat.errors import DocumentError, KbchatError
from kbchat.index.snapshot import Manifest

MAX_NAME_BYTES = 200  # below the file systems' 255, leaving room for the temporary name of an atomic write


class UploadError(KbchatError):
    """An uploaded file was refused."""


def safe_filename(name: str) -> str:
    """A plain file name for kb/: no folders, no hidden files, a supported extension."""
    base = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1]).strip()
    base = re.sub(r"[\x00-\x1f<>:\"|?*]", "", base)
    if not base or base.startswith(".") or base in ("..", "."):
        raise UploadError(f"Nom de fichier refusé : « {name} ».")
    if len(base.encode()) > MAX_NAME_BYTES:
        raise UploadError(f"Nom de fichier trop long ({len(base)} caractères) : raccourcissez-le.")
    if Path(base).suffix.lower() not in SUPPORTED_SUFFIXES:
        raise UploadError(
            f"Format non pris en charge : « {base} » (formats acceptés : {', '.join(SUPPORTED_SUFFIXES)})."
        )
    return base


def save_document(kb_dir: Path, name: str, data: bytes, max_bytes: int) -> tuple[Path, bool]:
    """Check a document as ingest does, write it atomically into kb_dir; return its path and if it replaced one."""
    target = kb_dir / safe_filename(name)
    if target.is_dir():
        raise UploadError(f"« {target.name} » est le nom d'un dossier de la base : renommez le fichier.")
    try:
        check_size(target.name, len(data), max_bytes)
        parse_document(target.name, data)
    except DocumentError as exc:
        raise UploadError(f"Fichier refusé : {exc}") from exc
    kb_dir.mkdir(parents=True, exist_ok=True)
    replaced = target.exists()
    fd, tmp = tempfile.mkstemp(dir=kb_dir, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target, replaced


def remove_document(kb_dir: Path, source: str) -> None:
    """Delete one document of kb_dir, named by its path relative to kb_dir."""
    known = {p.relative_to(kb_dir).as_posix(): p for p in list_documents(kb_dir)}
    if source not in known:
        raise UploadError(f"« {source} » n'est pas un document de la base.")
    known[source].unlink()


def format_time(iso: str) -> str:
    """An ISO UTC time as the console shows every time: « 02/12/2026 12:48 UTC »."""
    if len(iso) < 16:
        return iso
    return f"{iso[8:10]}/{iso[5:7]}/{iso[0:4]} {iso[11:16]} UTC"


def format_size(size: int) -> str:
    """A size as the console shows every size: « 12,5 Ko », « 3,2 Mo »."""
    value, unit = (size / 2**20, "Mo") if size >= 2**20 else (size / 1024, "Ko")
    return f"{value:.1f} {unit}".replace(".", ",")


@dataclass(frozen=True)
class DocumentRow:
    """One line of the console's documents table."""

    title: str
    file: str
    size: str
    chunks: int
    state: str


def document_rows(kb_dir: Path, manifest: Manifest | None) -> list[DocumentRow]:
    """Every document in kb_dir with what the index knows of it, and why it is not indexed when it is not."""
    rows = []
    for path in list_documents(kb_dir):
        source = path.relative_to(kb_dir).as_posix()
        entry = manifest.documents.get(source) if manifest else None
        failure = manifest.failures.get(source, "") if manifest else ""
        reason = failure.removeprefix(source).lstrip(" :")
        if entry is not None and failure:
            state = f"version du {format_time(entry.indexed_at)} servie ; la nouvelle est refusée : {reason}"
        elif entry is not None:
            state = f"indexé le {format_time(entry.indexed_at)}"
        else:
            state = f"non indexé : {reason}" if failure else "à indexer"
        try:
            size = format_size(path.stat().st_size)
        except OSError:
            size = "?"
        rows.append(
            DocumentRow(entry.title if entry else "", source, size, len(entry.chunk_ids) if entry else 0, state)
        )
    return rows
