"""Crash safety, proven with real processes: SIGKILL at every stage of an ingest and at random moments, SIGTERM."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from kbchat.config import PROJECT_ROOT, Settings
from kbchat.index.dense_store import DenseStore, embedded_client
from kbchat.index.faults import FAULT_VARIABLE, POINTS
from kbchat.index.ingest import sync
from kbchat.index.snapshot import SNAPSHOTS, current_snapshot, read_chunks, read_manifest, snapshot_version
from kbchat.knowledge_base import open_knowledge_base

pytestmark = [pytest.mark.model, pytest.mark.chroma, pytest.mark.spacy]

NEW_DOCUMENT = "# Note de service\n\n" + "".join(
    f"## Section {n}\n\nLe bureau {n} de la note de service traite des dossiers de la zone {n}.\n\n" for n in range(150)
)


def ingest(settings: Settings, **env: str) -> subprocess.Popen[str]:
    """`python ingest.py` on these settings, started."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("KBCHAT_")}
    clean |= {"KBCHAT_KB_DIR": str(settings.kb_dir), "KBCHAT_INDEX_DIR": str(settings.index_dir), **env}
    return subprocess.Popen(
        [sys.executable, "ingest.py"], cwd=PROJECT_ROOT, env=clean, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip


def served_ids(settings: Settings) -> tuple[set[str], set[str]]:
    """The chunk ids of the served snapshot in its chunk records and in Chroma; asking it works."""
    kb = open_knowledge_base(settings)
    try:
        assert kb.ask("En quelle année la DCI a-t-elle été créée ?").answered
        folder = current_snapshot(settings.index_dir)
        assert folder is not None
        manifest = read_manifest(folder)
        dense = DenseStore(
            embedded_client(folder / "chroma"), kb.indexes.embeddings, manifest.embedding_model, manifest.dimension
        )
        try:
            return {c.chunk_id for c in read_chunks(folder)}, dense.ids()
        finally:
            dense.close()
    finally:
        kb.close()


@pytest.fixture(scope="module")
def clean_ids(copy_dci_index: Callable[[Path], Settings], tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    """The chunk ids of a clean rebuild of kb/ with the new document."""
    settings = copy_dci_index(tmp_path_factory.mktemp("clean"))
    (settings.kb_dir / "note.md").write_text(NEW_DOCUMENT, encoding="utf-8")
    sync(settings, rebuild=True)
    chunks, dense = served_ids(settings)
    assert chunks == dense
    return chunks


@pytest.fixture
def changed(dci_copy: Settings) -> Settings:
    """A copy of the indexed kb/ with one document added since its index was built."""
    (dci_copy.kb_dir / "note.md").write_text(NEW_DOCUMENT, encoding="utf-8")
    return dci_copy


def recover_and_compare(settings: Settings, clean_ids: set[str]) -> None:
    """The next run cleans up and ends with the index a clean rebuild makes."""
    done = ingest(settings)
    out, err = done.communicate(timeout=600)
    assert done.returncode == 0, err
    assert "Traceback" not in err
    assert len(list((settings.index_dir / SNAPSHOTS).iterdir())) <= 2
    chunks, dense = served_ids(settings)
    assert chunks == dense == clean_ids


@pytest.mark.parametrize("point", POINTS)
def test_sigkill_at_each_stage_keeps_a_complete_index_served(
    changed: Settings, clean_ids: set[str], point: str
) -> None:
    before = snapshot_version(changed.index_dir)
    old_chunks, old_dense = served_ids(changed)
    killed = ingest(changed, **{FAULT_VARIABLE: point})
    killed.communicate(timeout=600)
    assert killed.returncode == -signal.SIGKILL
    after = snapshot_version(changed.index_dir)
    if point == "published":
        assert after != before
    else:
        assert after == before
        assert served_ids(changed) == (old_chunks, old_dense)
        assert len(list((changed.index_dir / SNAPSHOTS).iterdir())) == 2  # the leftover, until the next run
    recover_and_compare(changed, clean_ids)


def test_sigkill_at_random_moments(changed: Settings, clean_ids: set[str]) -> None:
    delays = random.Random(11).sample([x / 2 for x in range(4, 24)], 3)
    for delay in delays:
        (changed.kb_dir / "note.md").write_text(NEW_DOCUMENT + f"\n\nVersion {delay}.\n", encoding="utf-8")
        process = ingest(changed)
        time.sleep(delay)
        process.kill()
        process.communicate(timeout=60)
        assert served_ids(changed)[0] == served_ids(changed)[1]
    (changed.kb_dir / "note.md").write_text(NEW_DOCUMENT, encoding="utf-8")
    recover_and_compare(changed, clean_ids)


def test_a_no_op_run_cleans_leftovers(changed: Settings) -> None:
    killed = ingest(changed, **{FAULT_VARIABLE: "chunks"})
    killed.communicate(timeout=600)
    (changed.kb_dir / "note.md").unlink()
    done = ingest(changed)
    out, err = done.communicate(timeout=600)
    assert done.returncode == 0 and out.strip().startswith("0 added, 0 updated, 0 removed, 1 unchanged"), err
    assert [f.name for f in (changed.index_dir / SNAPSHOTS).iterdir()] == [snapshot_version(changed.index_dir)]


def test_sigterm_stops_cleanly(changed: Settings) -> None:
    before = snapshot_version(changed.index_dir)
    snapshots = changed.index_dir / SNAPSHOTS
    process = ingest(changed)
    deadline = time.monotonic() + 120
    while len(list(snapshots.iterdir())) < 2:  # the new snapshot is being written
        assert time.monotonic() < deadline and process.poll() is None
        time.sleep(0.05)
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 143, err
    assert err.strip() == "kbchat: stopped (SIGTERM)."
    assert snapshot_version(changed.index_dir) == before
    assert [f.name for f in snapshots.iterdir()] == [before]
    assert json.loads((snapshots / before / "manifest.json").read_text())["documents"]
