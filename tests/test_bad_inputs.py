"""Bad input in kb/: each file refused with one line naming it and the reason, the others indexed."""

from __future__ import annotations

import codecs
import io
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import without_file_capabilities

from kbchat.config import PROJECT_ROOT
from kbchat.corpus.inspection import content_problem, decode_text, read_checked, wide_encoding
from kbchat.corpus.loading import list_documents, load_document
from kbchat.errors import DocumentError

FRENCH = "La DCI coopère avec 74 services de sécurité intérieure à l'étranger.\n\nDeuxième paragraphe ici."
RANDOM = random.Random(7).randbytes(4096)


@pytest.mark.parametrize(
    ("head", "suffix", "problem"),
    [
        (FRENCH.encode(), ".txt", None),
        (FRENCH.encode("cp1252"), ".md", None),
        (codecs.BOM_UTF16_LE + FRENCH.encode("utf-16-le"), ".txt", None),
        (FRENCH.encode("utf-16-be"), ".txt", None),
        (FRENCH.encode("utf-32"), ".txt", None),
        (b"\x7fELF\x02\x01\x01" + bytes(200), ".txt", "exécutable"),
        (b"MZ\x90\x00" + bytes(200), ".md", "exécutable Windows"),
        (RANDOM, ".txt", "binaire"),
        (b"PK\x03\x04" + RANDOM, ".html", "archive zip"),
        (b"%PDF-1.7\n" + RANDOM, ".pdf", None),
        (RANDOM, ".pdf", "n'est pas un PDF"),
        (b"PK\x03\x04" + RANDOM, ".docx", None),
        (FRENCH.encode(), ".docx", "pas une archive zip"),
    ],
)
def test_content_problem(head: bytes, suffix: str, problem: str | None) -> None:
    found = content_problem(head, suffix)
    assert (found is None) if problem is None else (found is not None and problem in found)


@pytest.mark.parametrize(
    ("encoding", "wide"),
    [("utf-16-le", "utf-16-le"), ("utf-16-be", "utf-16-be"), ("utf-32-le", "utf-32-le"), ("utf-8", None)],
)
def test_utf16_and_32_without_bom_are_told_and_decoded(encoding: str, wide: str | None) -> None:
    data = FRENCH.encode(encoding)
    assert wide_encoding(data) == wide
    assert decode_text(data) == FRENCH


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-32", "cp1252"])
def test_decode_text_by_bom_or_fallback(encoding: str) -> None:
    assert decode_text(FRENCH.encode(encoding)) == FRENCH


def test_size_limit_is_checked_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "gros.txt"
    with big.open("wb") as out:
        out.truncate(3 << 20)  # a sparse file: its size is known without writing it
    with pytest.raises(DocumentError, match=r"gros\.txt : trop volumineux \(3\.0 Mo ; limite 1 Mo"):
        read_checked(big, tmp_path, 1 << 20)


def test_symlink_out_of_the_base_is_refused_and_inside_is_read(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    kb.mkdir()
    (tmp_path / "secret.txt").write_text("Mot de passe : hunter2.")
    (kb / "vrai.md").write_text(FRENCH)
    (kb / "dehors.txt").symlink_to(tmp_path / "secret.txt")
    (kb / "dedans.md").symlink_to(kb / "vrai.md")
    with pytest.raises(DocumentError, match="dehors.txt : lien symbolique qui pointe hors de la base"):
        load_document(kb / "dehors.txt", kb)
    assert load_document(kb / "dedans.md", kb).blocks


def test_a_thousand_folders_deep_is_walked(tmp_path: Path) -> None:
    deep = tmp_path
    for _ in range(1000):  # pathlib's and os's makedirs recurse, one frame a level
        deep = deep / "d"
        deep.mkdir()
    (deep / "fond.md").write_text(FRENCH)
    (tmp_path / "linked").symlink_to(tmp_path / "d", target_is_directory=True)
    try:
        assert list_documents(tmp_path) == [deep / "fond.md"]
    finally:
        (deep / "fond.md").unlink()
        while deep != tmp_path:  # shutil.rmtree recurses too: pytest could not clean this folder up
            deep.rmdir()
            deep = deep.parent


def pdf(encrypt: bool) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    if encrypt:
        writer.encrypt(user_password="secret", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


BAD = {
    "binaire.txt": b"\x7fELF\x02\x01\x01\x00" + RANDOM,
    "aléatoire.md": RANDOM,
    "chiffré.pdf": pdf(encrypt=True),
    "scanné.pdf": pdf(encrypt=False),
    "faux.docx": b"Ceci n'est pas une archive zip.",
    "faux.pdf": b"<html>une page</html>",
    "titres seuls.md": b"# Titre\n\n## Partie\n\n### Sous-partie\n",
    "vide.txt": b"",
    "gros.txt": b"x",  # grown past the limit below
}
REASONS = {
    "binaire.txt": "exécutable",
    "aléatoire.md": "binaire",
    "chiffré.pdf": "protégé par un mot de passe",
    "scanné.pdf": "PDF scanné ?",
    "faux.docx": "pas une archive zip",
    "faux.pdf": "n'est pas un PDF",
    "titres seuls.md": "titres seuls",
    "vide.txt": "aucun paragraphe",
    "gros.txt": "trop volumineux",
    "illisible.md": "permission refusée",
    "lien-dehors.md": "lien symbolique",
}
GOOD = {
    "bon.md": FRENCH.encode(),
    "utf16 sans BOM.txt": ("Titre\n\n" + FRENCH).encode("utf-16-le"),
    "utf32.txt": ("Titre\n\n" + FRENCH).encode("utf-32"),
    "répété.md": ("# Répété\n\n" + "Le même paragraphe revient.\n\n" * 10_000).encode(),
    "ligne longue.txt": ("Titre\n\n" + "mot " * 20_000 + "a" * 20_000).encode(),
    "--tiret d'abord « guillemets ».md": FRENCH.encode(),
    "un dossier/  espaces  .md": FRENCH.encode(),
}


@pytest.mark.model
@pytest.mark.chroma
def test_every_bad_file_gets_one_line_and_the_others_are_indexed(tmp_path: Path) -> None:
    kb, index = tmp_path / "kb", tmp_path / "index"
    for name, data in (BAD | GOOD).items():
        (kb / name).parent.mkdir(parents=True, exist_ok=True)
        (kb / name).write_bytes(data)
    with (kb / "gros.txt").open("wb") as out:
        out.truncate(2 << 20)
    (kb / "illisible.md").write_text(FRENCH)
    (kb / "illisible.md").chmod(0)
    (tmp_path / "secret.md").write_text("Secret hors de la base.")
    (kb / "lien-dehors.md").symlink_to(tmp_path / "secret.md")
    env = {k: v for k, v in os.environ.items() if not k.startswith("KBCHAT_")}
    env |= {"KBCHAT_KB_DIR": str(kb), "KBCHAT_INDEX_DIR": str(index), "KBCHAT_MAX_FILE_MB": "1"}
    command = [*without_file_capabilities(), sys.executable, "ingest.py"]
    done = subprocess.run(command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr and "pypdf" not in done.stderr and "EOF marker" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == len(REASONS), lines
    for name, reason in REASONS.items():
        (line,) = [line for line in lines if line.startswith(f"error: {name} ")]
        assert reason in line, line
    summary = done.stdout.strip().splitlines()[-1]
    assert summary.startswith(f"{len(GOOD)} added, 0 updated, 0 removed, 0 unchanged, {len(REASONS)} failed;"), summary
    current = (index / "CURRENT").read_text().strip()
    manifest = json.loads((index / "snapshots" / current / "manifest.json").read_text())
    assert sorted(manifest["documents"]) == sorted(GOOD)
    chunks = [json.loads(line) for line in (index / "snapshots" / current / "chunks.jsonl").open()]
    utf16 = [c["text"] for c in chunks if c["source"] == "utf16 sans BOM.txt"]
    assert utf16 == [FRENCH.replace("\n\n", "\n")]
    assert sum(c["source"] == "répété.md" for c in chunks) == 1
