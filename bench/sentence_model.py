"""Would a sentence scorer fitted on PIAF pick the answering sentence more often than the hand-weighed score?

python bench/sentence_model.py [--l2 0.001]
Retrieval once. Every sentence of each question's passages gets the shipped score and its parts, and more: its
neighbours' share of the question's terms, its length, the share of its terms the question lacks, its place. A linear
model is fitted listwise on half 0 (softmax over each question's sentences; gold: the sentence holds an answer span).
Prints, per half, the share of questions whose top sentence holds the answer, by the shipped score and by the model,
over every question with an answering sentence among its passages and over those whose first passage is the gold one.
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from kbchat.ask.query import Query
from kbchat.ask.retrieval import Passage
from kbchat.ask.selection import ScoredSentence, score_sentences
from kbchat.config import Settings
from kbchat.evaluation.datasets import PIAF_DEV, EvalItem, dev_half, half_of
from kbchat.evaluation.metrics import answer_correct
from kbchat.evaluation.runner import squad_knowledge_base
from kbchat.evaluation.training import fit_softmax
from kbchat.text.analyzer import analyze
from kbchat.text.answer_types import has_answer_type

FEATURES = (
    "shipped score",
    "answer terms",
    "previous sentence's answer terms",
    "next sentence's answer terms",
    "passage score",
    "meaning less the closest",
    "answer type",
    "first of its passage",
    "log length",
    "terms the question lacks",
    "first passage",
    "answer terms per length",
)


@dataclass(frozen=True)
class Sentences:
    """One question's scored sentences: feature rows, which hold the answer, and whether its first passage is gold."""

    half: int
    rows: np.ndarray
    labels: np.ndarray
    gold_first: bool


def sentence_rows(query: Query, passages: Sequence[Passage], scored: Sequence[ScoredSentence]) -> np.ndarray:
    """The FEATURES of each scored sentence, in the order of scored."""
    top = max(p.score for p in passages) or 1.0
    answers = {(c.passage_index, c.sentence_index): c.answers for c in scored}
    closest = max(c.meaning for c in scored)
    asked = set(analyze(query.question))
    rows = []
    for c in scored:
        terms = set(analyze(c.sentence))
        length = len(terms)
        rows.append(
            [
                c.score,
                c.answers,
                answers.get((c.passage_index, c.sentence_index - 1), 0.0),
                answers.get((c.passage_index, c.sentence_index + 1), 0.0),
                passages[c.passage_index].score / top,
                c.meaning - closest,
                float(has_answer_type(c.sentence, query.kind)),
                float(c.sentence_index == 0),
                math.log1p(length),
                len(terms - asked) / max(1, length),
                float(c.passage_index == 0),
                c.answers / math.sqrt(1 + length),
            ]
        )
    return np.asarray(rows)


def top_holds(questions: Sequence[Sentences], weights: np.ndarray, mean: np.ndarray, scale: np.ndarray) -> float:
    """The share of questions whose best sentence by the standardized rows times weights holds the answer."""
    hits = [q.labels[int(np.argmax(((q.rows - mean) / scale) @ weights))] for q in questions]
    return round(float(np.mean(hits)), 4) if hits else 0.0


def collect(settings: Settings) -> list[Sentences]:
    """Every PIAF dev question's scored sentences, as the answerer would score them."""
    policy = settings.answer_policy
    found = []
    with squad_knowledge_base(PIAF_DEV, settings) as (kb, _, items):
        retriever, indexes = kb.retriever, kb.indexes
        halves = dev_half(items)
        for item in items:
            query = retriever.analyze(item.question)
            passages = retriever.search(query, policy.top_k)
            scored = score_sentences(query, passages, indexes.lexical.idf, retriever.acronyms, policy)
            if scored:
                found.append(question_sentences(item, half_of(item, halves) or 0, query, passages, scored))
    return [q for q in found if q.labels.any()]


def question_sentences(
    item: EvalItem, half: int, query: Query, passages: Sequence[Passage], scored: Sequence[ScoredSentence]
) -> Sentences:
    """One question's rows and labels."""
    labels = [float(answer_correct(c.sentence, item.expect_any, item.expect_all)) for c in scored]
    return Sentences(
        half, sentence_rows(query, passages, scored), np.asarray(labels), passages[0].chunk.source == item.source
    )


def main() -> None:
    """Print the shipped score's and the fitted model's rates per half."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--l2", type=float, default=0.001, help="L2 penalty of the weights")
    args = parser.parse_args()
    questions = collect(Settings.from_env())
    fitted = [q for q in questions if q.half == 0]
    mean, scale, weights = fit_softmax([q.rows for q in fitted], [q.labels for q in fitted], args.l2)
    shipped = np.eye(len(FEATURES))[0]
    zero, one = np.zeros(len(FEATURES)), np.ones(len(FEATURES))
    for half in (0, 1):
        for label, kept in (("all", lambda q: True), ("gold first passage", lambda q: q.gold_first)):
            part = [q for q in questions if q.half == half and kept(q)]
            line = {"questions": len(part), "shipped": top_holds(part, shipped, zero, one)}
            line["fitted on half 0"] = top_holds(part, weights, mean, scale)
            print(f"half {half}, {label:<18} {json.dumps(line)}", flush=True)
    print(json.dumps(dict(zip(FEATURES, weights.round(3).tolist(), strict=True)), ensure_ascii=False))


if __name__ == "__main__":
    main()
