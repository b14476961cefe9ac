"""A floor on a fixed PIAF dev subset, so that a retrieval or answer regression fails CI."""

from __future__ import annotations

import json

import pytest

from kbchat.evaluation.datasets import squad_items
from kbchat.evaluation.metrics import ItemResult, summarize
from kbchat.evaluation.runner import build_squad_index, run_items
from kbchat.knowledge_base import open_knowledge_base

pytestmark = [pytest.mark.model, pytest.mark.chroma, pytest.mark.spacy]

ARTICLES = 24  # the first 24 articles that have questions: 504 questions
FLOORS = {
    "hit@1": 0.75,
    "hit@5": 0.93,
    "mrr@10": 0.825,
    "answer_accuracy": 0.56,
    "answer_precision": 0.80,
    "first_sentence_accuracy": 0.46,
}
# Measured: 0.754, 0.9345, 0.83, then answers 0.5774, precision 0.8149, first sentence 0.4722 since the best sentence
# leads and extras score at least half of it (answers 0.5893 before, for precision 0.73 and first sentence 0.38 on
# the full dev set).
# Trimming a long sentence around the stretch that holds the most question words took the full dev set's answers
# from 0.6321 to 0.6415 and this subset's from 0.5734 to 0.5694 (two questions), hence 0.56.


@pytest.fixture(scope="module")
def piaf_results(piaf_path, make_settings, tmp_path_factory: pytest.TempPathFactory) -> list[ItemResult]:
    """Every question of the subset asked once, of an index of the subset's paragraphs."""
    data = json.loads(piaf_path.read_text(encoding="utf-8"))["data"]
    with_questions = [a for a in data if any(p["qas"] for p in a["paragraphs"])][:ARTICLES]
    root = tmp_path_factory.mktemp("piaf")
    (root / "subset.json").write_text(json.dumps({"data": with_questions}), encoding="utf-8")
    documents, items = squad_items(root / "subset.json")
    kb = open_knowledge_base(build_squad_index(documents, make_settings(root), root))
    try:
        return run_items(kb, items)
    finally:
        kb.close()


def test_piaf_subset_floor(piaf_results: list[ItemResult]) -> None:
    metrics = summarize(piaf_results)
    print(json.dumps(metrics))
    assert metrics["questions"] == 504
    for key, floor in FLOORS.items():
        assert metrics[key] >= floor, (key, metrics[key])


def test_every_citation_is_grounded(piaf_results: list[ItemResult]) -> None:
    bad = [r.answer for r in piaf_results if not r.grounded]
    assert not bad, bad[:3]
    assert sum(r.answered for r in piaf_results) > len(piaf_results) / 2
    assert all(len(r.answer) <= 350 for r in piaf_results if r.answered)
