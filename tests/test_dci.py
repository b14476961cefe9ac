"""The DCI question set: every answerable question answered, correct and cited; every other refused."""

from __future__ import annotations

import pytest

from kbchat.ask.citations import citations_grounded
from kbchat.evaluation.datasets import DCI_QUESTIONS, read_questions
from kbchat.evaluation.metrics import answer_correct
from kbchat.knowledge_base import KnowledgeBase

pytestmark = [pytest.mark.model, pytest.mark.chroma, pytest.mark.spacy]

ITEMS = read_questions(DCI_QUESTIONS)


@pytest.mark.parametrize("item", ITEMS, ids=[i.question for i in ITEMS])
def test_dci_question(dci_kb: KnowledgeBase, item) -> None:
    answer = dci_kb.ask(item.question, list(item.history))
    if not item.answerable:
        assert not answer.answered, answer.answer
        return
    assert answer.answered, f"refused (evidence {answer.evidence.value(dci_kb.settings.answer_policy):.2f})"
    assert answer_correct(answer.answer, item.expect_any, item.expect_all), answer.answer
    assert len(answer.answer) <= 350 and "[1]" in answer.answer
    assert answer.sources[0].source == item.source
    assert citations_grounded(answer), answer.answer
    for source in answer.sources:
        assert all(q in source.text for q in source.quotes)


def test_set_covers_required_kinds() -> None:
    assert sum(not i.answerable for i in ITEMS) >= 5
    assert any(i.history for i in ITEMS)
    assert any(i.question.startswith("When") for i in ITEMS if i.answerable)
