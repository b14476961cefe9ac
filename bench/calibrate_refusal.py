"""Calibrate the refusal: the evidence of every question with refusal off, then thresholds and weights swept.

python bench/calibrate_refusal.py [--piaf-limit N] [--code-civil] [--meaning-weights 0 2 4] [--floors 0.8 0.85]
Tune data only: the DCI set of tests/ (answerable, in-domain unanswerable), PIAF asked of the DCI base (out of scope)
and PIAF asked of its own index (answer accuracy at the threshold, by half). The frozen sets of evals/ are not read.
Prints one line per (known-term weight, meaning weight, meaning floor, threshold), best first: the lowest DCI false
refusal, then DCI refusal accuracy, PIAF-on-DCI refusal, and PIAF half 0 answer accuracy.
"""

from __future__ import annotations

import argparse
import itertools
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

from kbchat.ask.answer import Evidence
from kbchat.config import PROJECT_ROOT, AnswerPolicy, Settings
from kbchat.evaluation.datasets import CODE_CIVIL, DCI_QUESTIONS, PIAF_DEV, EvalItem, dev_half, half_of, read_questions
from kbchat.evaluation.metrics import answer_correct
from kbchat.evaluation.runner import squad_knowledge_base
from kbchat.index.ingest import sync
from kbchat.knowledge_base import KnowledgeBase, open_knowledge_base


def evidences(kb: KnowledgeBase, items: list[EvalItem]) -> list[tuple[Evidence, bool]]:
    """(evidence, correct-if-answered) of each item, with refusal switched off."""
    open_kb = kb.configured(replace(kb.settings, refusal_threshold=-1e9))
    out = []
    for item in items:
        answer = open_kb.ask(item.question, list(item.history))
        out.append((answer.evidence, answer_correct(answer.answer, item.expect_any, item.expect_all)))
    return out


def refused(found: list[tuple[Evidence, bool]], policy: AnswerPolicy) -> float:
    """The share of items the policy refuses."""
    return sum(e.value(policy) < policy.refusal_threshold for e, _ in found) / max(len(found), 1)


def main() -> None:
    """Print the sweep."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--piaf-limit", type=int, default=None)
    parser.add_argument("--code-civil", action="store_true", help="also with the Code civil beside the DCI page")
    parser.add_argument("--known-weights", type=float, nargs="+", default=[0.2])
    parser.add_argument("--meaning-weights", type=float, nargs="+", default=[0.0, 2.0, 4.0, 6.0])
    parser.add_argument("--floors", type=float, nargs="+", default=[0.78, 0.8, 0.82, 0.84])
    parser.add_argument("--thresholds", type=float, nargs="+", default=[0.3, 0.35, 0.4, 0.45, 0.5])
    args = parser.parse_args()
    base = Settings.from_env()
    dci_items = read_questions(DCI_QUESTIONS)
    answerable = [i for i in dci_items if i.answerable]
    not_answerable = [i for i in dci_items if not i.answerable]
    with squad_knowledge_base(PIAF_DEV, base) as (piaf_kb, _, piaf):
        piaf = piaf[: args.piaf_limit] if args.piaf_limit else piaf
        piaf_on_piaf = evidences(piaf_kb, piaf)
    halves = dev_half(piaf)
    piaf_half = [half_of(i, halves) for i in piaf]
    ood = [replace(i, answerable=False, source=None, expect_any=()) for i in piaf]
    with tempfile.TemporaryDirectory() as tmp:
        dci = base.with_(kb_dir=Path(tmp) / "kb", index_dir=Path(tmp) / "index")
        shutil.copytree(PROJECT_ROOT / "kb", dci.kb_dir)
        sync(dci)
        kb = open_knowledge_base(dci)
        sets = {"inscope": evidences(kb, answerable), "unanswerable": evidences(kb, not_answerable)}
        sets["piaf_on_dci"] = evidences(kb, ood)
        kb.close()
        if args.code_civil:
            shutil.copytree(CODE_CIVIL, dci.kb_dir / "code-civil")
            sync(dci)
            kb = open_knowledge_base(dci)
            sets["inscope_cc"], sets["unanswerable_cc"] = evidences(kb, answerable), evidences(kb, not_answerable)
            kb.close()
    rows = []
    grid = itertools.product(args.known_weights, args.meaning_weights, args.floors, args.thresholds)
    for known, meaning, floor, threshold in grid:
        policy = replace(
            base.answer_policy,
            known_term_weight=known,
            evidence_meaning_weight=meaning,
            evidence_meaning_floor=floor,
            refusal_threshold=threshold,
        )
        accuracy = [
            sum(
                e.value(policy) >= threshold and ok
                for (e, ok), h in zip(piaf_on_piaf, piaf_half, strict=True)
                if h == half
            )
            / max(piaf_half.count(half), 1)
            for half in (0, 1)
        ]
        row = {
            "known": known,
            "meaning": meaning,
            "floor": floor,
            "threshold": threshold,
            "dci_false_refusal": round(refused(sets["inscope"], policy), 3),
            "dci_refusal": round(refused(sets["unanswerable"], policy), 3),
            "piaf_on_dci_refusal": round(refused(sets["piaf_on_dci"], policy), 4),
            "piaf_answers_half0": round(accuracy[0], 4),
            "piaf_answers_half1": round(accuracy[1], 4),
        }
        if args.code_civil:
            row["cc_false_refusal"] = round(refused(sets["inscope_cc"], policy), 3)
            row["cc_refusal"] = round(refused(sets["unanswerable_cc"], policy), 3)
        rows.append(row)
    rows.sort(
        key=lambda r: (r["dci_false_refusal"], -r["dci_refusal"], -r["piaf_on_dci_refusal"], -r["piaf_answers_half0"])
    )
    for row in rows:
        print(" ".join(f"{k}={v}" for k, v in row.items()), flush=True)


if __name__ == "__main__":
    main()
