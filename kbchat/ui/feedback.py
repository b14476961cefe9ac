"""Feedback on answers, stored in SQLite outside kb/ and embeddings/."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from kbchat.index.snapshot import now_iso

SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    answered INTEGER NOT NULL,
    sources TEXT NOT NULL,
    vote INTEGER NOT NULL,
    comment TEXT NOT NULL DEFAULT ''
)
"""


@dataclass(frozen=True)
class FeedbackRow:
    """One vote on one answer."""

    id: int
    created_at: str
    question: str
    answer: str
    answered: bool
    sources: list[str]
    vote: int
    comment: str


class FeedbackStore:
    """Votes (1 up, 0 down) with the question, answer and sources, in data_dir/feedback.sqlite3."""

    def __init__(self, data_dir: Path) -> None:
        """Create the database when it is missing."""
        data_dir.mkdir(parents=True, exist_ok=True)
        self.path = data_dir / "feedback.sqlite3"
        with closing(self._connect()) as db, db:
            db.execute(SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        """A connection to the database."""
        return sqlite3.connect(self.path, timeout=10)

    def record(
        self, question: str, answer: str, answered: bool, sources: list[str], vote: int, comment: str = ""
    ) -> int:
        """Store a vote and return its id."""
        with closing(self._connect()) as db, db:
            cursor = db.execute(
                "INSERT INTO feedback (created_at, question, answer, answered, sources, vote, comment)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (now_iso(), question, answer, int(answered), json.dumps(sources, ensure_ascii=False), vote, comment),
            )
            return int(cursor.lastrowid or 0)

    def update(self, row_id: int, vote: int | None = None, comment: str | None = None) -> None:
        """Change the vote or the comment of a stored row."""
        with closing(self._connect()) as db, db:
            if vote is not None:
                db.execute("UPDATE feedback SET vote = ? WHERE id = ?", (vote, row_id))
            if comment is not None:
                db.execute("UPDATE feedback SET comment = ? WHERE id = ?", (comment, row_id))

    def rows(self, vote: int | None = None) -> list[FeedbackRow]:
        """Stored rows, newest first, optionally only one vote."""
        query = "SELECT id, created_at, question, answer, answered, sources, vote, comment FROM feedback"
        args: tuple[int, ...] = ()
        if vote is not None:
            query += " WHERE vote = ?"
            args = (vote,)
        with closing(self._connect()) as db:
            found = db.execute(query + " ORDER BY id DESC", args).fetchall()
        return [FeedbackRow(r[0], r[1], r[2], r[3], bool(r[4]), json.loads(r[5]), r[6], r[7]) for r in found]


def to_eval_jsonl(rows: list[FeedbackRow]) -> str:
    """Negative feedback as `eval` cases, for staff to complete with the expected answer."""
    lines = []
    for row in rows:
        case = {
            "question": row.question,
            "answerable": True,
            "expect_any": [],
            "source": row.sources[0] if row.sources else None,
            "comment": row.comment,
            "answer_given": row.answer,
        }
        lines.append(json.dumps(case, ensure_ascii=False))
    return "\n".join(lines) + ("\n" if lines else "")
