"""Evaluation datasets: JSONL question sets, SQuAD-format files, and PIAF's two halves of articles."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from kbchat.config import PROJECT_ROOT
from kbchat.errors import KbchatError

SHARED = PROJECT_ROOT.parent / "shared"
PIAF_DEV = SHARED / "benchmarks" / "piaf" / "piaf-v1.0-dev.json"
CODE_CIVIL = SHARED / "corpora" / "code-civil"
DCI_QUESTIONS = PROJECT_ROOT / "tests" / "dci_questions.jsonl"
DCI_FROZEN = PROJECT_ROOT / "evals" / "dci_frozen.jsonl"
CODE_CIVIL_FROZEN = PROJECT_ROOT / "evals" / "code_civil_frozen.jsonl"


@dataclass(frozen=True)
class EvalItem:
    """One question with what a good answer looks like."""

    question: str
    answerable: bool = True
    source: str | None = None
    expect_any: tuple[str, ...] = ()
    expect_all: tuple[str, ...] = ()
    history: tuple[str, ...] = ()
    category: str = ""


def dev_half(items: Sequence[EvalItem]) -> dict[str, int]:
    """Article prefix -> half (0 tunes, 1 confirms), alternating over the articles that have questions."""
    articles = sorted({i.source[:5] for i in items if i.source})
    return {a: n % 2 for n, a in enumerate(articles)}


def half_of(item: EvalItem, halves: dict[str, int]) -> int | None:
    """The half of PIAF dev an item's article belongs to (None for an item without a source)."""
    return halves.get((item.source or "")[:5])


def parse_item(raw: dict) -> EvalItem:
    """An EvalItem from one JSONL object."""
    if not isinstance(raw.get("question"), str):
        raise KbchatError('Every evaluation line needs a "question" string.')
    return EvalItem(
        question=raw["question"],
        answerable=bool(raw.get("answerable", True)),
        source=raw.get("source"),
        expect_any=tuple(raw.get("expect_any") or ()),
        expect_all=tuple(raw.get("expect_all") or ()),
        history=tuple(raw.get("history") or ()),
        category=str(raw.get("class") or ""),
    )


def read_questions(path: Path) -> list[EvalItem]:
    """Read a JSONL question set."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise KbchatError(f"The question file {path} could not be read ({exc.strerror}).") from exc
    items = []
    for number, line in enumerate(lines, start=1):
        if line.strip():
            try:
                items.append(parse_item(json.loads(line)))
            except json.JSONDecodeError as exc:
                raise KbchatError(f"Line {number} of {path} is not valid JSON.") from exc
    return items


def squad_items(path: Path) -> tuple[dict[str, str], list[EvalItem]]:
    """Documents (file name -> Markdown) and questions of a SQuAD-format file, one document per paragraph."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))["data"]
    except (OSError, ValueError, KeyError) as exc:
        raise KbchatError(f"{path} is not a readable SQuAD-format file.") from exc
    documents: dict[str, str] = {}
    items: list[EvalItem] = []
    for a, article in enumerate(data):
        for p, paragraph in enumerate(article["paragraphs"]):
            name = f"a{a:04d}-p{p:03d}.md"
            documents[name] = f"# {article.get('title', '').replace('_', ' ')}\n\n{paragraph['context']}\n"
            for qa in paragraph["qas"]:
                answers = tuple(dict.fromkeys(a["text"] for a in qa.get("answers", [])))
                items.append(EvalItem(qa["question"], True, name, answers))
    return documents, items
