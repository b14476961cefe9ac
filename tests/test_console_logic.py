"""The console's file handling, password check and feedback store."""

import json
from pathlib import Path

import pytest

from kbchat.ui.auth import lockout_seconds, password_matches
from kbchat.ui.feedback import FeedbackStore, to_eval_jsonl
from kbchat.ui.kb_files import UploadError, document_rows, remove_document, safe_filename, save_document


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("note.md", "note.md"),
        ("../../etc/passwd.txt", "passwd.txt"),
        ("C:\\Users\\x\\rapport.docx", "rapport.docx"),
        ("sous/dossier/page.html", "page.html"),
        ("Note: finale?.pdf", "Note finale.pdf"),
    ],
)
def test_safe_filename(name: str, expected: str) -> None:
    assert safe_filename(name) == expected


@pytest.mark.parametrize("name", [".env.md", "..", "", "virus.exe", "../.bashrc", "sans_extension"])
def test_safe_filename_refuses(name: str) -> None:
    with pytest.raises(UploadError):
        safe_filename(name)


def test_save_replace_remove(tmp_path: Path) -> None:
    path, replaced = save_document(tmp_path, "../a.md", b"# A\n\nun\n", 1000)
    assert path == tmp_path / "a.md" and not replaced
    _, replaced = save_document(tmp_path, "a.md", b"# A\n\ndeux\n", 1000)
    assert replaced and path.read_bytes() == b"# A\n\ndeux\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a.md"]
    with pytest.raises(UploadError, match="taille"):
        save_document(tmp_path, "b.md", b"x" * 2000, 1000)
    assert [r.file for r in document_rows(tmp_path, None)] == ["a.md"]
    with pytest.raises(UploadError):
        remove_document(tmp_path, "../outside.md")
    remove_document(tmp_path, "a.md")
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize(("given", "expected", "ok"), [("abc", "abc", True), ("abd", "abc", False), ("", "", False)])
def test_password_matches(given: str, expected: str, ok: bool) -> None:
    assert password_matches(given, expected) is ok


@pytest.mark.parametrize(("failures", "seconds"), [(0, 0), (2, 0), (3, 2), (4, 4), (5, 8), (20, 60)])
def test_lockout_grows(failures: int, seconds: float) -> None:
    assert lockout_seconds(failures) == seconds


def test_feedback_store_and_export(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "data")
    up = store.record("Quand ?", "En 2010. [1]", True, ["dci.md"], 1)
    down = store.record("Budget ?", "Je n'ai pas trouvé.", False, [], 0)
    store.update(down, comment="Le budget devrait y être.")
    store.update(up, vote=0)
    negatives = store.rows(vote=0)
    assert [r.question for r in negatives] == ["Budget ?", "Quand ?"]
    cases = [json.loads(line) for line in to_eval_jsonl(negatives).splitlines()]
    assert cases[0]["question"] == "Budget ?" and cases[0]["comment"] == "Le budget devrait y être."
    assert cases[1]["source"] == "dci.md" and cases[1]["expect_any"] == []
    assert to_eval_jsonl([]) == ""
