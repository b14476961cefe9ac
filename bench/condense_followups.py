"""Follow-ups: the extractive follow-up rule against condensation into a standalone question.

python bench/condense_followups.py
The follow-up items of evals/dci_frozen.jsonl (class followup) asked of the DCI base three ways:
- extractive: the question with its history, through the extractive follow-up rule (the default);
- oracle: the hand-written standalone rewrite of bench/followup_rewrites.jsonl, asked alone: what a perfect
  condensation would give (an upper bound, not a model's figure);
- model: when KBCHAT_LLM configures a model, its condensation, then its answer (`eval --llm` on the class).
"""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

from kbchat.config import PROJECT_ROOT, Settings
from kbchat.evaluation.datasets import DCI_FROZEN, EvalItem, read_questions
from kbchat.evaluation.metrics import by_category, format_table
from kbchat.evaluation.runner import run_items
from kbchat.generation.answerer import answerer_for
from kbchat.index.ingest import sync
from kbchat.knowledge_base import open_knowledge_base

REWRITES = Path(__file__).with_name("followup_rewrites.jsonl")


def rewritten(items: list[EvalItem]) -> list[EvalItem]:
    """Each follow-up replaced by its hand-written standalone question, with no history."""
    lines = [json.loads(line) for line in REWRITES.read_text("utf-8").splitlines() if line.strip()]
    standalone = {(tuple(r["history"]), r["question"]): r["standalone"] for r in lines}
    return [replace(item, question=standalone[item.history, item.question], history=()) for item in items]


def main() -> None:
    """Print handled_right and answer accuracy of each way."""
    items = [i for i in read_questions(DCI_FROZEN) if i.category == "followup"]
    settings = Settings.from_env()
    with tempfile.TemporaryDirectory() as tmp:
        local = settings.with_(kb_dir=Path(tmp) / "kb", index_dir=Path(tmp) / "index")
        shutil.copytree(PROJECT_ROOT / "kb", local.kb_dir)
        sync(local)
        kb = open_knowledge_base(local)
        ways = {"extractive": run_items(kb, items), "oracle": run_items(kb, rewritten(items))}
        if local.llm_config is not None:
            ways["model"] = run_items(answerer_for(kb, local), items)
        for name, results in ways.items():
            print(f"\n{name} ({len(results)} follow-ups)\n{format_table(by_category(results)['followup'])}")
        kb.close()


if __name__ == "__main__":
    main()
