"""Serving is read-only, follows publishes, and never depends on a snapshot that ingest may delete."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import digest, without_file_capabilities

from kbchat.config import PROJECT_ROOT, Settings
from kbchat.index.ingest import sync
from kbchat.index.snapshot import SNAPSHOTS, snapshot_version
from kbchat.knowledge_base import open_knowledge_base

pytestmark = [pytest.mark.model, pytest.mark.chroma, pytest.mark.spacy]

QUESTION = "En quelle année la DCI a-t-elle été créée ?"
NEW_QUESTION = "Combien de ruches le rucher pédagogique compte-t-il ?"
NEW_DOCUMENT = "# Le rucher pédagogique\n\nLe rucher pédagogique du ministère compte douze ruches depuis 2021.\n"


def test_ask_works_on_a_read_only_index_and_writes_nothing(dci_copy: Settings) -> None:
    before = digest(dci_copy.index_dir)
    for path in [dci_copy.index_dir, *dci_copy.index_dir.rglob("*")]:
        path.chmod(path.stat().st_mode & ~0o222)
    env = {k: v for k, v in os.environ.items() if not k.startswith("KBCHAT_")}
    env |= {"KBCHAT_INDEX_DIR": str(dci_copy.index_dir)}
    command = [*without_file_capabilities(), sys.executable, "-m", "kbchat", "ask", QUESTION]
    try:
        done = subprocess.run(command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300)
    finally:
        for path in [dci_copy.index_dir, *dci_copy.index_dir.rglob("*")]:
            path.chmod(path.stat().st_mode | 0o200)
    assert done.returncode == 0, done.stderr
    assert "2010" in done.stdout and "Traceback" not in done.stderr
    assert digest(dci_copy.index_dir) == before


def test_a_long_lived_reader_follows_publishes(dci_copy: Settings) -> None:
    kb = open_knowledge_base(dci_copy)
    try:
        first = kb.version
        assert not kb.ask(NEW_QUESTION).answered
        (dci_copy.kb_dir / "rucher.md").write_text(NEW_DOCUMENT, encoding="utf-8")
        sync(dci_copy)
        answer = kb.ask(NEW_QUESTION)
        assert kb.version == snapshot_version(dci_copy.index_dir) != first
        assert answer.answered and "douze" in answer.answer
        assert kb.manifest.documents.keys() == {"direction-cooperation-internationale.md", "rucher.md"}
    finally:
        kb.close()


def test_a_reader_outlives_the_deletion_of_its_snapshot(dci_copy: Settings) -> None:
    kb = open_knowledge_base(dci_copy, follow=False)
    try:
        served = dci_copy.index_dir / SNAPSHOTS / kb.version
        for version in range(2):  # two publishes: the first snapshot is deleted by the second
            (dci_copy.kb_dir / "rucher.md").write_text(NEW_DOCUMENT + f"\nVersion {version}.\n", encoding="utf-8")
            sync(dci_copy)
        assert not served.exists()
        assert "2010" in kb.ask(QUESTION).answer and not kb.ask(NEW_QUESTION).answered
    finally:
        kb.close()
    assert kb.private is not None and not kb.private.exists()


def test_questions_during_publishes_never_fail(dci_copy: Settings) -> None:
    kb = open_knowledge_base(dci_copy)
    failures: list[BaseException] = []
    answers: list[bool] = []
    stop = threading.Event()

    def ask_until_stopped() -> None:
        while not stop.is_set():
            try:
                answers.append("2010" in kb.ask(QUESTION).answer)
            except BaseException as exc:  # noqa: BLE001 - any failure is what the test looks for
                failures.append(exc)
                return

    threads = [threading.Thread(target=ask_until_stopped) for _ in range(3)]
    for thread in threads:
        thread.start()
    try:
        for version in range(3):
            (dci_copy.kb_dir / "rucher.md").write_text(NEW_DOCUMENT + f"\nVersion {version}.\n", encoding="utf-8")
            sync(dci_copy)
            kb.ask(QUESTION)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        kb.close()
    assert not failures, failures
    assert answers and all(answers)
    assert kb.version == snapshot_version(dci_copy.index_dir)


def test_twenty_threads_at_once_get_the_single_threaded_answers(dci_kb) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from kbchat.evaluation.datasets import DCI_QUESTIONS, read_questions

    items = read_questions(DCI_QUESTIONS)[:20]
    alone = [dci_kb.ask(i.question, list(i.history)).to_json() for i in items]
    barrier = threading.Barrier(len(items))

    def ask(index: int) -> dict:
        barrier.wait()  # every question leaves at once
        item = items[index]
        return dci_kb.ask(item.question, list(item.history)).to_json()

    with ThreadPoolExecutor(max_workers=len(items)) as pool:
        together = list(pool.map(ask, range(len(items))))
    assert together == alone


def test_private_copies_of_killed_readers_are_removed(dci_copy: Settings, tmp_path: Path) -> None:
    import tempfile

    from kbchat.index.private_copy import PRIVATE_PREFIX

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    orphan = Path(tempfile.gettempdir()) / f"{PRIVATE_PREFIX}{dead.stdout.strip()}-abc"
    (orphan / "chroma").mkdir(parents=True)
    alive = Path(tempfile.gettempdir()) / f"{PRIVATE_PREFIX}{os.getpid()}-keep"
    alive.mkdir()
    try:
        kb = open_knowledge_base(dci_copy)
        kb.close()
        assert not orphan.exists() and alive.exists()
    finally:
        shutil.rmtree(orphan, ignore_errors=True)
        shutil.rmtree(alive, ignore_errors=True)
