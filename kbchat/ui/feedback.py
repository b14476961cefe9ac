"""Feedback on answers, stored in SQLite outside kb/ and embeddings/."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from kbchat.index.snapshot import now_iso
from kbchat.ui.storage import open_database, run

WHAT = "Avis des utilisateurs"
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
);
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
        """Create the database when it is missing; StorageError when it cannot be."""
        self.path = open_database(data_dir, "feedback.sqlite3", SCHEMA, WHAT)

    def record(
        self, question: str, answer: str, answered: bool, sources: list[str], vote: int, comment: str = ""
    ) -> int:
        """Store a vote and return its id."""
        row = (now_iso(), question, answer, int(answered), json.dumps(sources, ensure_ascii=False), vote, comment)
        insert = (
            "INSERT INTO feedback (created_at, question, answer, answered, sources, vote, comment)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)"
        )
        return run(self.path, lambda db: int(db.execute(insert, row).lastrowid or 0), WHAT)

    def update(self, row_id: int, vote: int | None = None, comment: str | None = None) -> None:
        """Change the vote or the comment of a stored row."""
        if vote is not None:
            run(self.path, lambda db: db.execute("UPDATE feedback SET vote = ? WHERE id = ?", (vote, row_id)), WHAT)
        if comment is not None:
            change = "UPDATE feedback SET comment = ? WHERE id = ?"
            run(self.path, lambda db: db.execute(change, (comment, row_id)), WHAT)

    def rows(self, vote: int | None = None) -> list[FeedbackRow]:
        """Stored rows, newest first, optionally only one vote."""
        query = "SELECT id, created_at, question, answer, answered, sources, vote, comment FROM feedback"
        args: tuple[int, ...] = ()
        if vote is not None:
            query += " WHERE vote = ?"
            args = (vote,)
        found = run(self.path, lambda db: db.execute(query + " ORDER BY id DESC", args).fetchall(), WHAT)
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
