"""Tune answer selection on PIAF: retrieval once, then every answer policy on the same passages.

python bench/tune_answers.py
Prints answer accuracy with refusal off (the ceiling) and at the configured threshold, on both halves.
Each variant is the shipped settings with some KBCHAT_ANSWER_* fields changed.
"""

from __future__ import annotations

import math
from dataclasses import replace

from kbchat.ask.answering import compose_answer
from kbchat.config import Settings
from kbchat.evaluation.datasets import PIAF_DEV, dev_half, half_of
from kbchat.evaluation.metrics import answer_correct
from kbchat.evaluation.runner import squad_knowledge_base

VARIANTS: dict[str, dict[str, object]] = {
    "default": {},
    "no typed preference": {"answer_prefer_typed": False},
    "no type weight": {"answer_type_weight": 0.0},
    "no rank weight": {"answer_rank_weight": 0.0},
    "rank 0.2": {"answer_rank_weight": 0.2},
    "rank 0.4": {"answer_rank_weight": 0.4},
    "rank 1.5": {"answer_rank_weight": 1.5},
    "two sentences": {"answer_max_sentences": 2},
    "four sentences": {"answer_max_sentences": 4},
    "one sentence": {"answer_max_sentences": 1},
    "no room sharing": {"answer_share_ratio": math.inf},
    "share above 0.85": {"answer_share_ratio": 0.85},
    "share above 0.95": {"answer_share_ratio": 0.95},
}


def main() -> None:
    """Print one line per policy."""
    settings = Settings.from_env()
    with squad_knowledge_base(PIAF_DEV, settings) as (kb, _, items):
        retriever, indexes = kb.retriever, kb.indexes
        cached = []
        for item in items:
            query = retriever.analyze(item.question)
            cached.append((item, query, retriever.search(query, settings.top_k)))
        halves = dev_half(items)
        for label, changes in VARIANTS.items():
            policy = replace(settings, **changes).answer_policy
            ceiling = replace(policy, refusal_threshold=-1.0)
            scores = {0: [0, 0, 0], 1: [0, 0, 0]}
            for item, query, passages in cached:
                answer = compose_answer(
                    query, passages, indexes.lexical.idf, retriever.acronyms, ceiling, known=indexes.lexical.doc_freq
                )
                ok = answer_correct(answer.answer, item.expect_any, ())
                half = scores[half_of(item, halves) or 0]
                half[0] += 1
                half[1] += ok
                half[2] += ok and answer.evidence.value(policy) >= policy.refusal_threshold
            line = "  ".join(
                f"half{h}: ceiling {s[1] / s[0]:.4f} at-threshold {s[2] / s[0]:.4f}" for h, s in scores.items()
            )
            print(f"{label:<44} {line}", flush=True)


if __name__ == "__main__":
    main()
