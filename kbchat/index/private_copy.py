"""Private copies of a snapshot's Chroma folder: what a reader opens, since Chroma writes on every open."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

PRIVATE_PREFIX = "kbchat-serve-"


def _remove_orphans() -> None:
    """Delete the private copies that killed processes left in the temporary folder."""
    for folder in Path(tempfile.gettempdir()).glob(f"{PRIVATE_PREFIX}*-*"):
        pid = folder.name.removeprefix(PRIVATE_PREFIX).split("-", 1)[0]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            shutil.rmtree(folder, ignore_errors=True)


def private_copy(chroma: Path) -> Path:
    """A copy of a snapshot's Chroma store in a temporary folder of this process, removed at exit at the latest."""
    _remove_orphans()
    private = Path(tempfile.mkdtemp(prefix=f"{PRIVATE_PREFIX}{os.getpid()}-"))
    shutil.copytree(chroma, private / "chroma", copy_function=shutil.copyfile)
    for path in private.rglob("*"):  # the copy is this process's to write, whatever the served folder's modes
        path.chmod(0o700 if path.is_dir() else 0o600)
    atexit.register(shutil.rmtree, private, ignore_errors=True)
    return private
