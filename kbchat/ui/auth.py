"""Staff console access: constant-time password check, and failed logins counted server-side."""

from __future__ import annotations

import hmac
import sqlite3
from pathlib import Path

from kbchat.ui.storage import open_database, run

FREE_ATTEMPTS = 3
GLOBAL_FREE_ATTEMPTS = 20  # failures from all clients together before every client waits
MAX_DELAY_SECONDS = 60.0
EVERYONE = "*"
WHAT = "Connexion à la console"
SCHEMA = """
CREATE TABLE IF NOT EXISTS login_failures (
    client TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    last REAL NOT NULL
);
"""


def password_matches(given: str, expected: str) -> bool:
    """Compare in constant time; an empty expected password never matches."""
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


def lockout_seconds(failures: int, free: int = FREE_ATTEMPTS) -> float:
    """How long to refuse new attempts after this many consecutive failures."""
    if failures < free:
        return 0.0
    return min(MAX_DELAY_SECONDS, 2.0 ** (failures - free + 1))


def wait_seconds(failures: int, last: float, now: float, free: int = FREE_ATTEMPTS) -> float:
    """What is left, at now, of the lockout that the failures up to last started."""
    return max(0.0, lockout_seconds(failures, free) - (now - last))


class LoginGuard:
    """Failed logins per client address and over all clients, in data_dir/console.sqlite3: sessions share them."""

    def __init__(self, data_dir: Path) -> None:
        """Open the store; StorageError when it cannot be (the console then refuses to log anyone in)."""
        self.path = open_database(data_dir, "console.sqlite3", SCHEMA, WHAT)

    def wait(self, client: str, now: float) -> float:
        """Seconds before this client may try again."""
        query = "SELECT client, failures, last FROM login_failures WHERE client IN (?, ?)"
        found = {
            c: (f, t) for c, f, t in run(self.path, lambda db: db.execute(query, (client, EVERYONE)).fetchall(), WHAT)
        }
        own = wait_seconds(*found.get(client, (0, 0.0)), now)
        everyone = wait_seconds(*found.get(EVERYONE, (0, 0.0)), now, GLOBAL_FREE_ATTEMPTS)
        return max(own, everyone)

    def failed(self, client: str, now: float) -> None:
        """Count a failure of this client, and of everyone."""

        def count(db: sqlite3.Connection) -> None:
            for key in {client, EVERYONE}:
                db.execute(
                    "INSERT INTO login_failures (client, failures, last) VALUES (?, 1, ?) "
                    "ON CONFLICT(client) DO UPDATE SET failures = failures + 1, last = excluded.last",
                    (key, now),
                )

        run(self.path, count, WHAT)

    def succeeded(self, client: str) -> None:
        """Forget this client's failures."""
        run(self.path, lambda db: db.execute("DELETE FROM login_failures WHERE client = ?", (client,)), WHAT)
