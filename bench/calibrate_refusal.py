"""Calibrate refusal: the threshold and the weight of known but missing terms, on in-scope, out-of-scope and PIAF.

python bench/calibrate_refusal.py [--piaf-limit N]
Prints, for each weight and threshold, the DCI false-refusal rate, the refusal accuracy on DCI
unanswerable questions and on PIAF questions asked of the DCI index, and the answer accuracy
on PIAF asked of its own index, on each half of its articles (half 0 tunes, half 1 confirms).
The last two columns repeat the DCI set on a bigger base: the DCI document beside the 2,802 Code civil articles.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

from kbchat.ask.answer import Evidence
from kbchat.config import PROJECT_ROOT, Settings
from kbchat.evaluation.datasets import (
    CODE_CIVIL,
    DCI_QUESTIONS,
    PIAF_DEV,
    dev_half,
    half_of,
    read_questions,
    squad_items,
)
from kbchat.evaluation.metrics import answer_correct
from kbchat.evaluation.runner import build_squad_index
from kbchat.index.ingest import sync
from kbchat.knowledge_base import open_knowledge_base

WEIGHTS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5)


def evidences(settings: Settings, items: list) -> list[tuple[Evidence, bool]]:
    """(evidence, correct-if-answered) of each item, with refusal switched off."""
    kb = open_knowledge_base(settings.with_(refusal_threshold=-1.0))
    out = []
    for item in items:
        answer = kb.ask(item.question, list(item.history))
        out.append((answer.evidence, answer_correct(answer.answer, item.expect_any, item.expect_all)))
    kb.close()
    return out


def main() -> None:
    """Print the threshold sweep."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--piaf-limit", type=int, default=None)
    args = parser.parse_args()
    base = Settings.from_env()
    documents, piaf = squad_items(PIAF_DEV)
    piaf = piaf[: args.piaf_limit] if args.piaf_limit else piaf
    dci_items = read_questions(DCI_QUESTIONS)
    with tempfile.TemporaryDirectory() as tmp:
        dci = base.with_(kb_dir=Path(tmp) / "kb", index_dir=Path(tmp) / "index")
        shutil.copytree(PROJECT_ROOT / "kb", dci.kb_dir)
        sync(dci)
        answerable = [i for i in dci_items if i.answerable]
        not_answerable = [i for i in dci_items if not i.answerable]
        inscope = evidences(dci, answerable)
        unanswerable = evidences(dci, not_answerable)
        piaf_on_dci = evidences(dci, piaf)
        piaf_on_piaf = evidences(build_squad_index(documents, base, Path(tmp) / "piaf"), piaf)
        shutil.copytree(CODE_CIVIL, dci.kb_dir / "code-civil")
        sync(dci)
        inscope_big = evidences(dci, answerable)
        unanswerable_big = evidences(dci, not_answerable)
    article_halves = dev_half(piaf)
    halves = [half_of(i, article_halves) for i in piaf]
    print(
        "weight  threshold  dci_false_refusal  dci_refusal_acc  piaf_on_dci_refusal_acc  piaf_answer_acc_half0  half1"
        "  with_code_civil: dci_false_refusal  dci_refusal_acc"
    )
    for weight in WEIGHTS:
        policy = replace(base.answer_policy, known_term_weight=weight)
        for step in range(6, 13):
            t = step / 20
            fr, ra, pr, fr_big, ra_big = (
                sum(e.value(policy) < t for e, _ in found) / len(found)
                for found in (inscope, unanswerable, piaf_on_dci, inscope_big, unanswerable_big)
            )
            pa = [
                sum(e.value(policy) >= t and ok for (e, ok), h in zip(piaf_on_piaf, halves, strict=True) if h == half)
                / halves.count(half)
                for half in (0, 1)
            ]
            print(
                f"{weight:6.1f}  {t:9.2f}  {fr:17.3f}  {ra:15.3f}  {pr:23.3f}  {pa[0]:21.3f}  {pa[1]:5.3f}"
                f"  {fr_big:34.3f}  {ra_big:15.3f}"
            )


if __name__ == "__main__":
    main()
