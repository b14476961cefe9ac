"""The golden test: a refactor keeps every answer, evidence, ranking and score of a fixed question set identical.

`python tests/test_golden.py --record` rewrites tests/golden.json from the code as it is; the test compares with it.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

from kbchat.config import PROJECT_ROOT, Settings
from kbchat.evaluation.datasets import read_questions, squad_items
from kbchat.evaluation.runner import build_squad_index
from kbchat.index.ingest import sync
from kbchat.knowledge_base import open_knowledge_base

pytestmark = [pytest.mark.model, pytest.mark.chroma, pytest.mark.spacy]
GOLDEN = Path(__file__).parent / "golden.json"
PIAF = PROJECT_ROOT.parent / "shared" / "benchmarks" / "piaf" / "piaf-v1.0-dev.json"
DCI_QUESTIONS = Path(__file__).parent / "dci_questions.jsonl"
PIAF_ARTICLES = 14  # the first fourteen articles that have questions
SCORE_TOLERANCE = 2e-6


def _settings(root: Path) -> Settings:
    base = Settings.from_env(env={})
    return base.with_(kb_dir=root / "kb", index_dir=root / "embeddings", data_dir=root / "data")


def _record(kb, question: str, history: list[str]) -> dict:
    answer = kb.ask(question, history)
    evidence = answer.evidence
    return {
        "question": question,
        "history": history,
        "answered": answer.answered,
        "answer": answer.answer,
        "evidence": [round(evidence.matched, 6), round(evidence.missing_known, 6), bool(evidence.typed)],
        "ranked": [[p.chunk.chunk_id, round(p.score, 6)] for p in answer.ranked],
    }


def collect(root: Path) -> dict[str, list[dict]]:
    """Every question of the DCI set and of the PIAF slice asked of its own index."""
    dci_settings = _settings(root / "dci")
    shutil.copytree(PROJECT_ROOT / "kb", dci_settings.kb_dir)
    sync(dci_settings)
    kb = open_knowledge_base(dci_settings)
    dci = [_record(kb, i.question, list(i.history)) for i in read_questions(DCI_QUESTIONS)]
    kb.close()
    data = json.loads(PIAF.read_text(encoding="utf-8"))["data"]
    articles = [a for a in data if any(p["qas"] for p in a["paragraphs"])][:PIAF_ARTICLES]
    (root / "slice.json").write_text(json.dumps({"data": articles}), encoding="utf-8")
    documents, items = squad_items(root / "slice.json")
    kb = open_knowledge_base(build_squad_index(documents, _settings(root / "piaf"), root / "piaf"))
    piaf = [_record(kb, i.question, []) for i in items]
    kb.close()
    return {"dci": dci, "piaf": piaf}


@pytest.fixture(scope="module")
def current(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict]]:
    if not PIAF.is_file():
        pytest.skip(f"PIAF benchmark not found at {PIAF}")
    return collect(tmp_path_factory.mktemp("golden"))


@pytest.mark.parametrize("name", ["dci", "piaf"])
def test_golden(current: dict[str, list[dict]], name: str) -> None:
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))[name]
    found = current[name]
    assert len(found) == len(expected) and (name == "dci" or len(found) >= 200)
    for got, want in zip(found, expected, strict=True):
        label = want["question"]
        assert (got["question"], got["answered"], got["answer"]) == (want["question"], want["answered"], want["answer"])
        assert got["evidence"][2] == want["evidence"][2], label
        assert got["evidence"][:2] == pytest.approx(want["evidence"][:2], abs=SCORE_TOLERANCE), label
        assert [k for k, _ in got["ranked"]] == [k for k, _ in want["ranked"]], label
        scores = [s for _, s in got["ranked"]]
        assert scores == pytest.approx([s for _, s in want["ranked"]], abs=SCORE_TOLERANCE), label


if __name__ == "__main__" and sys.argv[1:] == ["--record"]:
    with tempfile.TemporaryDirectory() as tmp:
        GOLDEN.write_text(json.dumps(collect(Path(tmp)), ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"wrote {GOLDEN}")
