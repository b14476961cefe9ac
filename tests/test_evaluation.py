"""Evaluation metrics on hand-made results."""

import json
from pathlib import Path

import pytest

from kbchat.errors import KbchatError
from kbchat.evaluation.datasets import EvalItem, parse_item, read_questions, squad_items
from kbchat.evaluation.metrics import ItemResult, answer_correct, by_category, summarize, token_recall


@pytest.mark.parametrize(
    ("answer", "expect_any", "expect_all", "expected"),
    [
        ("Créée en 2010 [1]", ["2010"], [], True),
        ("CRÉÉE EN 2010", [], ["créée"], True),
        ("la securite diplomatique", ["sécurité diplomatique"], [], True),
        ("police nationale", [], ["police nationale", "gendarmerie nationale"], False),
        ("l’étranger", ["l'étranger"], [], True),
        ("rien", ["2010", "2011"], [], False),
    ],
)
def test_answer_correct(answer: str, expect_any: list, expect_all: list, expected: bool) -> None:
    assert answer_correct(answer, expect_any, expect_all) is expected


def result(item: EvalItem, ranked: tuple, answer: str, answered: bool, ms: float, quotes: tuple = ()) -> ItemResult:
    return ItemResult(item, ranked, answer, answered, (), ms, True, quotes)


def test_summarize() -> None:
    results = [
        result(EvalItem("q1", True, "a.md", ("x",)), ("a.md", "b.md"), "x", True, 10, (("a.md", "x"),)),
        result(
            EvalItem("q2", True, "b.md", ("y",)), ("a.md", "dir/b.md"), "z", True, 20, (("a.md", "z"), ("b.md", "w"))
        ),
        result(EvalItem("q3", True, "c.md", ("z",)), ("a.md",), "refus", False, 30),
        result(EvalItem("q4", False), ("a.md",), "refus", False, 40),
        result(EvalItem("q5", False), ("a.md",), "oops", True, 50),
    ]
    metrics = summarize(results)
    assert metrics == {
        "questions": 5,
        "hit@1": round(1 / 3, 4),
        "hit@5": round(2 / 3, 4),
        "mrr@10": round((1 + 0.5) / 3, 4),
        "answer_accuracy": round(1 / 3, 4),
        "answer_precision": 0.75,  # q1 quotes only its source, q2 half of its pieces
        "first_sentence_accuracy": round(1 / 3, 4),
        "answer_token_recall": round(1 / 3, 4),
        "refusal_accuracy": 0.5,
        "false_refusal_rate": round(1 / 3, 4),
        "handled_right": 0.4,  # q1 and q4
        "p50_ms": 30.0,
        "p95_ms": 50.0,
    }


def test_empty_metrics_are_none() -> None:
    metrics = summarize([result(EvalItem("q", False), (), "", False, 5)])
    assert metrics["hit@1"] is None and metrics["answer_accuracy"] is None and metrics["refusal_accuracy"] == 1.0


@pytest.mark.parametrize(
    ("quotes", "expected", "accuracy"),
    [
        ((("a.md", "Créée en 2010."), ("b.md", "Autre.")), 0.5, 1.0),
        ((("b.md", "Autre."), ("a.md", "Créée en 2010.")), 0.5, 0.0),  # right, but not first
        ((("a.md", "Créée en 2010."),), 1.0, 1.0),
    ],
)
def test_precision_and_first_sentence(quotes: tuple, expected: float, accuracy: float) -> None:
    item = EvalItem("Quand ?", True, "a.md", ("2010",))
    metrics = summarize([result(item, ("a.md",), " ".join(q for _, q in quotes), True, 1, quotes)])
    assert metrics["answer_precision"] == expected and metrics["first_sentence_accuracy"] == accuracy


@pytest.mark.parametrize(
    ("answer", "expected", "recall"),
    [
        ("Elle coordonne les positions du ministère.", ["coordonne les positions du ministère"], 1.0),
        ("Elle coordonne.", ["coordonne les positions du ministère"], 1 / 3),
        ("Rien à voir.", ["coordonne les positions"], 0.0),
        ("Les positions.", ["coordonne", "les positions"], 1.0),
    ],
)
def test_token_recall(answer: str, expected: list[str], recall: float) -> None:
    assert token_recall(answer, expected) == pytest.approx(recall)


def test_metrics_by_class() -> None:
    results = [
        result(EvalItem("q1", True, "a.md", ("x",), category="paraphrase"), ("a.md",), "x", True, 1),
        result(EvalItem("q2", False, category="out_of_scope"), (), "refus", False, 1),
        result(EvalItem("q3", False, category="out_of_scope"), (), "oops", True, 1),
        result(EvalItem("q4", False), (), "refus", False, 1),
    ]
    classes = by_category(results)
    assert list(classes) == ["out_of_scope", "paraphrase"]
    assert classes["out_of_scope"]["handled_right"] == 0.5 and classes["paraphrase"]["handled_right"] == 1.0


def test_read_questions(tmp_path: Path) -> None:
    path = tmp_path / "q.jsonl"
    path.write_text(
        '{"question": "A ?", "answerable": false}\n\n{"question": "B ?", "history": ["A ?"], "expect_any": ["x"]}\n'
    )
    items = read_questions(path)
    assert items == [EvalItem("A ?", False), EvalItem("B ?", True, None, ("x",), (), ("A ?",))]
    path.write_text('{"question": "C ?", "class": "english"}\n')
    assert read_questions(path)[0].category == "english"
    path.write_text("{not json\n")
    with pytest.raises(KbchatError, match="Line 1"):
        read_questions(path)
    with pytest.raises(KbchatError):
        parse_item({"answerable": True})


def test_squad_items(tmp_path: Path) -> None:
    squad = {
        "data": [
            {
                "title": "Sport",
                "paragraphs": [
                    {"context": "Texte.", "qas": [{"question": "Q ?", "answers": [{"text": "T"}, {"text": "T"}]}]}
                ],
            }
        ]
    }
    path = tmp_path / "s.json"
    path.write_text(json.dumps(squad))
    documents, items = squad_items(path)
    assert documents == {"a0000-p000.md": "# Sport\n\nTexte.\n"}
    assert items == [EvalItem("Q ?", True, "a0000-p000.md", ("T",))]
