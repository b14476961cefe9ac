"""A folder of derived model files, built once: into a staging folder, then moved into place whole."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path


def build_once(folder: Path, marker: str, build: Callable[[Path], None]) -> Path:
    """folder, kept when it holds marker; else build fills a fresh staging folder, which then replaces it.

    A failed build leaves neither folder behind, so a later call starts again from nothing.
    """
    if (folder / marker).is_file():
        return folder
    staging = folder.with_name(folder.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        build(staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    shutil.rmtree(folder, ignore_errors=True)
    staging.replace(folder)
    return folder
