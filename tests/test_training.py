"""The reranker's training: a listwise fit that finds the separating feature, and a model load_ranker accepts."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import torch

from kbchat.ask.features import FEATURES
from kbchat.ask.reranker import load_ranker
from kbchat.evaluation.datasets import DCI_QUESTIONS, read_questions
from kbchat.evaluation.training import (
    TrainingQuestion,
    collect,
    fit_listwise,
    half_metrics,
    listwise_loss,
    write_ranker,
)
from kbchat.knowledge_base import KnowledgeBase

SIGNAL = FEATURES.index("best_sentence")


def synthetic(n: int, seed: int) -> list[TrainingQuestion]:
    """Questions of five candidates whose gold one (first, then shuffled) stands out on one feature only."""
    rng = np.random.default_rng(seed)
    questions = []
    for q in range(n):
        rows = rng.normal(size=(5, len(FEATURES)))
        rows[0, SIGNAL] += 3.0
        order = rng.permutation(5)
        sources = tuple("gold.md" if i == 0 else f"other{i}.md" for i in order)
        questions.append(
            TrainingQuestion(q % 2, "gold.md", tuple(f"c{i}" for i in order), sources, np.zeros(5), rows[order])
        )
    return questions


def test_the_fit_finds_the_feature_that_separates_gold_and_ranks_it_first() -> None:
    train, held_out = synthetic(200, 1), synthetic(100, 2)
    model = fit_listwise(train, l2=0.003)
    weights = np.abs(np.asarray(model.weights))
    assert int(np.argmax(weights)) == SIGNAL and model.weights[SIGNAL] > 0
    for half in (0, 1):
        metrics = half_metrics(held_out, lambda q: model.score(q.rows), half)
        assert metrics["hit@1"] >= 0.9
        unranked = half_metrics(held_out, lambda q: q.fused, half)
        assert unranked["hit@1"] < metrics["hit@1"]


@pytest.mark.parametrize(
    ("scores", "labels", "group", "expected"),
    [
        ([0.0, 0.0, 0.0, 0.0], [1, 0, 0, 0], [0, 0, 0, 0], math.log(4)),  # even scores: one gold of four
        ([0.0, 0.0, 5.0, 5.0], [1, 0, 1, 0], [0, 0, 1, 1], math.log(2)),  # two lists of two, each even
        ([0.0, 0.0], [1, 1], [0, 0], 0.0),  # every candidate gold
        ([2.0, 0.0], [0, 1], [0, 0], math.log(1 + math.exp(2.0)) - 0.0),  # the gold one scored lower
        ([1000.0, 0.0], [1, 0], [0, 0], 0.0),  # large scores do not overflow
    ],
)
def test_the_listwise_loss_is_the_negative_log_softmax_of_each_lists_gold(
    scores: list[float], labels: list[int], group: list[int], expected: float
) -> None:
    loss = listwise_loss(
        torch.tensor(scores, dtype=torch.float64),
        torch.tensor(labels, dtype=torch.float64),
        torch.tensor(group),
        max(group) + 1,
    )
    assert float(loss) == pytest.approx(expected, abs=1e-9)


def test_a_written_model_is_what_load_ranker_reads(tmp_path: Path) -> None:
    model = fit_listwise(synthetic(40, 3), l2=0.01)
    path = tmp_path / "reranker.json"
    write_ranker(model, path)
    assert load_ranker(path) == model


def test_a_model_fitted_without_some_features_is_refused_by_the_product(tmp_path: Path) -> None:
    model = fit_listwise(synthetic(40, 4), l2=0.01, features=FEATURES[:-1])
    write_ranker(model, tmp_path / "reranker.json")
    with pytest.raises(Exception, match="ne correspond pas"):
        load_ranker(tmp_path / "reranker.json")


@pytest.mark.model
@pytest.mark.chroma
@pytest.mark.spacy
def test_collect_gives_each_question_its_pool_as_the_product_reranks_it(dci_kb: KnowledgeBase) -> None:
    items = [i for i in read_questions(DCI_QUESTIONS) if i.answerable][:5]
    questions = collect(dci_kb, items, {})
    assert len(questions) == 5
    for item, question in zip(items, questions, strict=True):
        retriever = dci_kb.retriever
        query = retriever.analyze(item.question, item.history)
        head = retriever.pool(retriever.rankings(query))
        assert question.ids == tuple(k for k, _ in head) and question.rows.shape == (len(head), len(FEATURES))
        assert question.labels.sum() == len(head)  # the DCI base has one document: every candidate is gold
