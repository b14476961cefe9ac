"""Folders of derived model files built once, whole or not at all."""

from __future__ import annotations

from pathlib import Path

import pytest

from kbchat.index.built_folder import build_once


def write_done(staging: Path) -> None:
    (staging / "data").write_text("new")
    (staging / "done").write_text("")


def test_a_complete_folder_is_kept_without_building(tmp_path: Path) -> None:
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "done").write_text("")

    def never(staging: Path) -> None:
        raise AssertionError("built again")

    assert build_once(folder, "done", never) == folder


def test_an_incomplete_folder_and_a_stale_staging_folder_are_replaced(tmp_path: Path) -> None:
    folder, stale = tmp_path / "model", tmp_path / "model.partial"
    folder.mkdir()
    (folder / "leftover").write_text("old")
    stale.mkdir()
    (stale / "junk").write_text("old")
    assert build_once(folder, "done", write_done) == folder
    assert sorted(p.name for p in folder.iterdir()) == ["data", "done"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model"]


def test_a_failed_build_leaves_nothing_and_the_next_call_builds(tmp_path: Path) -> None:
    folder = tmp_path / "model"

    def fail(staging: Path) -> None:
        (staging / "data").write_text("half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        build_once(folder, "done", fail)
    assert list(tmp_path.iterdir()) == []
    build_once(folder, "done", write_done)
    assert (folder / "data").read_text() == "new"
