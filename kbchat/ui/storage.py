"""SQLite for the pages' small server-side stores: WAL, a busy timeout, and writes retried while locked."""

from __future__ import annotations

import random
import sqlite3
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import TypeVar

from kbchat.errors import KbchatError

T = TypeVar("T")
ATTEMPTS = 8
BUSY_TIMEOUT_MS = 10_000


class StorageError(KbchatError):
    """A page's store could not be opened or written."""


def _connect(path: Path) -> sqlite3.Connection:
    """A connection that waits for a busy database instead of failing at once."""
    db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return db


def run(path: Path, work: Callable[[sqlite3.Connection], T], what: str) -> T:
    """Run work in one transaction, retried with a growing random pause while the database is locked."""
    for attempt in range(ATTEMPTS):
        try:
            with closing(_connect(path)) as db, db:
                return work(db)
        except sqlite3.OperationalError as exc:
            locked = "locked" in str(exc) or "busy" in str(exc)
            if not locked or attempt == ATTEMPTS - 1:
                raise StorageError(f"{what} : la base {path.name} est indisponible ({exc}).") from exc
            time.sleep(random.uniform(0.01, 0.05) * 2**attempt)
        except (sqlite3.Error, OSError) as exc:
            raise StorageError(f"{what} : la base {path.name} est indisponible ({exc}).") from exc
    raise AssertionError("unreachable")


def open_database(folder: Path, name: str, schema: str, what: str) -> Path:
    """Create folder/name with its schema, in WAL mode (readers never block the writer); return its path."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(f"{what} : le dossier {folder} ne peut pas être créé ({exc.strerror or exc}).") from exc
    path = folder / name
    run(path, lambda db: db.execute("PRAGMA journal_mode = WAL"), what)
    run(path, lambda db: db.executescript(schema), what)
    return path
