"""Calibrate the refusal threshold: evidence of in-scope, out-of-scope and PIAF questions.

python bench/calibrate_refusal.py [--piaf-limit N]
Prints, for each threshold, the DCI false-refusal rate, the refusal accuracy on DCI
unanswerable questions and on PIAF questions asked of the DCI index, and the answer
accuracy on PIAF asked of its own index.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kbchat.config import PROJECT_ROOT, Settings  # noqa: E402
from kbchat.evaluation import answer_correct, build_squad_index, read_questions, squad_items  # noqa: E402
from kbchat.ingest import sync  # noqa: E402
from kbchat.knowledge_base import open_knowledge_base  # noqa: E402

PIAF = PROJECT_ROOT.parent / "shared/benchmarks/piaf/piaf-v1.0-dev.json"


def evidences(settings: Settings, items: list) -> list[tuple[float, bool]]:
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
    documents, piaf = squad_items(PIAF)
    piaf = piaf[: args.piaf_limit] if args.piaf_limit else piaf
    dci_items = read_questions(PROJECT_ROOT / "tests/dci_questions.jsonl")
    with tempfile.TemporaryDirectory() as tmp:
        dci = base.with_(kb_dir=Path(tmp) / "kb", index_dir=Path(tmp) / "index")
        shutil.copytree(PROJECT_ROOT / "kb", dci.kb_dir)
        sync(dci)
        inscope = evidences(dci, [i for i in dci_items if i.answerable])
        unanswerable = evidences(dci, [i for i in dci_items if not i.answerable])
        piaf_on_dci = evidences(dci, piaf)
        piaf_on_piaf = evidences(build_squad_index(documents, base, Path(tmp) / "piaf"), piaf)
    print("threshold  dci_false_refusal  dci_refusal_acc  piaf_on_dci_refusal_acc  piaf_answer_acc")
    for step in range(0, 21):
        t = step / 20
        fr = sum(e < t for e, _ in inscope) / len(inscope)
        ra = sum(e < t for e, _ in unanswerable) / len(unanswerable)
        pr = sum(e < t for e, _ in piaf_on_dci) / len(piaf_on_dci)
        pa = sum(e >= t and ok for e, ok in piaf_on_piaf) / len(piaf_on_piaf)
        print(f"{t:9.2f}  {fr:17.3f}  {ra:15.3f}  {pr:23.3f}  {pa:15.3f}")


if __name__ == "__main__":
    main()
