"""The console's file handling, password check and feedback store."""

import json
import threading
from pathlib import Path

import pytest

from kbchat.ui.auth import GLOBAL_FREE_ATTEMPTS, LoginGuard, lockout_seconds, password_matches, wait_seconds
from kbchat.ui.feedback import FeedbackStore, to_eval_jsonl
from kbchat.ui.kb_files import (
    UploadError,
    document_rows,
    format_size,
    format_time,
    remove_document,
    safe_filename,
    save_document,
)
from kbchat.ui.storage import StorageError


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


@pytest.mark.parametrize(
    ("failures", "last", "now", "free", "wait"),
    [(0, 0.0, 100.0, 3, 0.0), (3, 100.0, 100.0, 3, 2.0), (3, 100.0, 101.5, 3, 0.5), (4, 100.0, 110.0, 3, 0.0),
     (20, 100.0, 100.0, 20, 2.0), (19, 100.0, 100.0, 20, 0.0), (40, 0.0, 30.0, 3, 30.0)],
)  # fmt: skip
def test_wait_seconds(failures: int, last: float, now: float, free: int, wait: float) -> None:
    assert wait_seconds(failures, last, now, free) == pytest.approx(wait)


def test_login_failures_are_shared_by_sessions_per_address_and_over_all(tmp_path: Path) -> None:
    first, second = LoginGuard(tmp_path), LoginGuard(tmp_path)  # two sessions, one server
    for _ in range(3):
        first.failed("10.0.0.1", 1000.0)
    assert second.wait("10.0.0.1", 1000.0) == 2.0 and second.wait("10.0.0.2", 1000.0) == 0.0
    second.succeeded("10.0.0.1")
    assert first.wait("10.0.0.1", 1000.0) == 0.0
    for n in range(GLOBAL_FREE_ATTEMPTS - 3):
        first.failed(f"10.0.1.{n}", 2000.0)  # one try from each of many addresses
    assert second.wait("10.9.9.9", 2000.0) == 2.0  # everyone waits, a new address included
    assert second.wait("10.9.9.9", 2003.0) == 0.0


def test_feedback_writes_from_many_threads_are_all_kept(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path)
    failures: list[BaseException] = []

    def write(worker: int) -> None:
        try:
            for n in range(40):
                row = store.record(f"Q{worker}-{n}", "R", True, ["dci.md"], n % 2)
                store.update(row, comment=f"c{worker}")
                FeedbackStore(tmp_path)  # the page's constructor, on every rerun in the past
        except BaseException as exc:  # noqa: BLE001 - any failure is what the test counts
            failures.append(exc)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    rows = store.rows()
    assert len(rows) == 16 * 40 and all(r.comment.startswith("c") for r in rows)


def test_an_unusable_data_folder_is_one_error(tmp_path: Path) -> None:
    blocker = tmp_path / "fichier"
    blocker.write_text("x")
    with pytest.raises(StorageError, match="ne peut pas être créé"):
        FeedbackStore(blocker / "data")


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("hasard.pdf", bytes(range(256)) * 4, "n'est pas un PDF"),
        ("vide.md", b"", "aucun paragraphe"),
        ("binaire.txt", b"\x7fELF" + bytes(300), "exécutable"),
        ("faux.docx", b"du texte", "pas une archive zip"),
        ("titres.md", b"# Un\n\n## Deux\n", "titres seuls"),
    ],
)
def test_uploads_get_the_checks_of_ingest(tmp_path: Path, name: str, data: bytes, reason: str) -> None:
    with pytest.raises(UploadError, match=f"Fichier refusé : {name}.*{reason}"):
        save_document(tmp_path, name, data, 1 << 20)
    assert list(tmp_path.iterdir()) == []


def test_long_names_and_folder_names_are_refused_in_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(UploadError, match="trop long"):
        save_document(tmp_path, "n" * 300 + ".md", b"# A\n\nun\n", 1000)
    (tmp_path / "dossier.md").mkdir()
    with pytest.raises(UploadError, match="nom d'un dossier"):
        save_document(tmp_path, "dossier.md", b"# A\n\nun\n", 1000)


def test_a_write_waits_out_a_lock_held_longer_than_the_busy_timeout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3
    import time

    from kbchat.ui import storage

    store = FeedbackStore(tmp_path)
    monkeypatch.setattr(storage, "BUSY_TIMEOUT_MS", 50)
    holder = sqlite3.connect(store.path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    release = threading.Timer(0.6, lambda: holder.execute("COMMIT"))
    release.start()
    start = time.perf_counter()
    row = store.record("Q", "R", True, [], 1)
    assert row > 0 and time.perf_counter() - start >= 0.5
    release.join()
    holder.close()


@pytest.mark.parametrize(
    ("iso", "shown"),
    [("2026-12-02T12:48:42+00:00", "02/12/2026 12:48 UTC"), ("2026-01-31T00:05:00", "31/01/2026 00:05 UTC"), ("", "")],
)
def test_one_time_format(iso: str, shown: str) -> None:
    assert format_time(iso) == shown


@pytest.mark.parametrize(("size", "shown"), [(0, "0,0 Ko"), (1536, "1,5 Ko"), (3 << 20, "3,0 Mo"), (1023, "1,0 Ko")])
def test_one_size_format(size: int, shown: str) -> None:
    assert format_size(size) == shown


def test_streamlit_settings_of_production() -> None:
    import tomllib

    from kbchat.config import PROJECT_ROOT, Settings

    config = tomllib.loads((PROJECT_ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none"
    assert config["server"]["fileWatcherType"] == "none" and config["server"]["runOnSave"] is False
    assert config["server"]["maxUploadSize"] <= Settings.from_env({}).max_file_mb
