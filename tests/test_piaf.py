"""A floor on a fixed PIAF dev subset, so that a retrieval or answer regression fails CI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kbchat.evaluation import evaluate_squad, summarize

from .conftest import PIAF, make_settings

ARTICLES = 24  # the first 24 articles that have questions: 504 questions


@pytest.fixture(scope="module")
def piaf_subset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not PIAF.is_file():
        pytest.skip(f"PIAF benchmark not found at {PIAF}")
    data = json.loads(PIAF.read_text(encoding="utf-8"))["data"]
    with_questions = [a for a in data if any(p["qas"] for p in a["paragraphs"])][:ARTICLES]
    path = tmp_path_factory.mktemp("piaf") / "subset.json"
    path.write_text(json.dumps({"data": with_questions}), encoding="utf-8")
    return path


def test_piaf_subset_floor(piaf_subset: Path, tmp_path: Path) -> None:
    metrics = summarize(evaluate_squad(piaf_subset, make_settings(tmp_path)))
    print(json.dumps(metrics))
    assert metrics["questions"] >= 200
    assert metrics["hit@1"] >= FLOORS["hit@1"]
    assert metrics["hit@5"] >= FLOORS["hit@5"]
    assert metrics["mrr@10"] >= FLOORS["mrr@10"]
    assert metrics["answer_accuracy"] >= FLOORS["answer_accuracy"]


FLOORS = {"hit@1": 0.70, "hit@5": 0.88, "mrr@10": 0.78, "answer_accuracy": 0.52}
