"""Tune answer selection on PIAF: retrieval once, then every answer policy on the same passages.

python bench/tune_answers.py [--set NAME=VALUE ...]
Prints, per policy and half, answer accuracy with refusal off (the ceiling) and at the configured threshold, answer
precision and first-sentence accuracy. Each variant is the shipped settings with some fields changed.
"""

from __future__ import annotations

import argparse
import json
import math
from dataclasses import replace

from kbchat.ask.answering import compose_answer
from kbchat.config import Settings
from kbchat.evaluation.datasets import PIAF_DEV, dev_half, half_of
from kbchat.evaluation.metrics import ItemResult, summarize
from kbchat.evaluation.runner import squad_knowledge_base

VARIANTS: dict[str, dict[str, object]] = {
    "default": {},
    "no typed preference": {"answer_prefer_typed": False},
    "no rank weight": {"answer_rank_weight": 0.0},
    "rank 0.4": {"answer_rank_weight": 0.4},
    "rank 1.5": {"answer_rank_weight": 1.5},
    "two sentences": {"answer_max_sentences": 2},
    "one sentence": {"answer_max_sentences": 1},
    "no room sharing": {"answer_share_ratio": math.inf},
    "no meaning": {"answer_meaning_weight": 0.0},
    "meaning 0.5": {"answer_meaning_weight": 0.5},
    "meaning 1": {"answer_meaning_weight": 1.0},
    "meaning 2": {"answer_meaning_weight": 2.0},
    "meaning 4": {"answer_meaning_weight": 4.0},
    "meaning 2, two sentences": {"answer_meaning_weight": 2.0, "answer_max_sentences": 2},
    "text order": {"answer_lead_with_best": False},
    "text order, meaning 2": {"answer_lead_with_best": False, "answer_meaning_weight": 2.0},
    "no floor on extras": {"answer_extra_min_ratio": 0.0},
    "extras at 0.3 of best": {"answer_extra_min_ratio": 0.3},
    "extras at 0.4 of best": {"answer_extra_min_ratio": 0.4},
    "extras at 0.6 of best": {"answer_extra_min_ratio": 0.6},
    "extras at 0.7 of best": {"answer_extra_min_ratio": 0.7},
    "extras at 0.8 of best": {"answer_extra_min_ratio": 0.8},
    "no refusal of the uncounted": {"refuse_uncounted": False},
}
KEYS = ("answer_accuracy", "answer_precision", "first_sentence_accuracy", "answer_token_recall")


def main() -> None:
    """Print one line per policy and half."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", nargs="*", default=None, help="variant labels to run")
    args = parser.parse_args()
    settings = Settings.from_env()
    with squad_knowledge_base(PIAF_DEV, settings) as (kb, _, items):
        retriever, indexes = kb.retriever, kb.indexes
        cached = []
        for item in items:
            query = retriever.analyze(item.question)
            cached.append((item, query, retriever.search(query, settings.top_k)))
    halves = dev_half(items)
    for label, changes in VARIANTS.items():
        if args.only and label not in args.only:
            continue
        policy = replace(settings, **changes).answer_policy
        ceiling = replace(policy, refusal_threshold=-1e9)
        results: dict[str, list[ItemResult]] = {"ceiling": [], "at threshold": []}
        for item, query, passages in cached:
            answer = compose_answer(
                query, passages, indexes.lexical.idf, retriever.acronyms, ceiling, known=indexes.lexical.doc_freq
            )
            result = ItemResult(item, (), answer.answer, True, (), 0.0, True, answer.quoted)
            results["ceiling"].append(result)
            kept = answer.evidence.value(policy) >= policy.refusal_threshold
            results["at threshold"].append(replace(result, answered=kept))
        for half in (0, 1):
            line = {
                name: {k: summarize([r for r in found if half_of(r.item, halves) == half])[k] for k in KEYS}
                for name, found in results.items()
            }
            print(f"{label:<28} half {half}: {json.dumps(line)}", flush=True)


if __name__ == "__main__":
    main()
