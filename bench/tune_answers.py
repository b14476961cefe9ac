"""Tune answer selection on PIAF: retrieval once, then every answer policy on the same passages.

python bench/tune_answers.py
Prints answer accuracy with refusal off (the ceiling) and at the configured threshold, on both halves.
"""

from __future__ import annotations

import math
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kbchat.answering import DEFAULT_POLICY, AnswerPolicy, compose_answer  # noqa: E402
from kbchat.config import PROJECT_ROOT, Settings  # noqa: E402
from kbchat.evaluation import answer_correct, build_squad_index, dev_half, squad_items  # noqa: E402
from kbchat.knowledge_base import open_knowledge_base  # noqa: E402

PIAF = PROJECT_ROOT.parent / "shared/benchmarks/piaf/piaf-v1.0-dev.json"
VARIANTS: dict[str, AnswerPolicy] = {
    "default": DEFAULT_POLICY,
    "no typed preference": replace(DEFAULT_POLICY, prefer_typed=False),
    "no type weight": replace(DEFAULT_POLICY, type_weight=0.0),
    "no rank weight": replace(DEFAULT_POLICY, rank_weight=0.0),
    "rank 0.2": replace(DEFAULT_POLICY, rank_weight=0.2),
    "rank 0.4": replace(DEFAULT_POLICY, rank_weight=0.4),
    "rank 1.5": replace(DEFAULT_POLICY, rank_weight=1.5),
    "two sentences": replace(DEFAULT_POLICY, max_sentences=2),
    "four sentences": replace(DEFAULT_POLICY, max_sentences=4),
    "one sentence": replace(DEFAULT_POLICY, max_sentences=1),
    "extra above 0.3": replace(DEFAULT_POLICY, extra_ratio=0.3),
    "extra above 0.5": replace(DEFAULT_POLICY, extra_ratio=0.5),
    "other passages above 0.75": replace(DEFAULT_POLICY, other_passage_ratio=0.75),
    "extra above 0.5, other passages above 0.75": replace(DEFAULT_POLICY, extra_ratio=0.5, other_passage_ratio=0.75),
    "no room sharing": replace(DEFAULT_POLICY, share_ratio=math.inf),
    "share above 0.85": replace(DEFAULT_POLICY, share_ratio=0.85),
    "share above 0.95": replace(DEFAULT_POLICY, share_ratio=0.95),
}


def main() -> None:
    """Print one line per policy."""
    settings = Settings.from_env()
    documents, items = squad_items(PIAF)
    half_of = dev_half(items)
    with tempfile.TemporaryDirectory() as tmp:
        kb = open_knowledge_base(build_squad_index(documents, settings, Path(tmp)))
        retriever = kb.retriever
        cached = [(item, retriever.search(item.question, settings.top_k)) for item in items]
        for label, policy in VARIANTS.items():
            scores = {0: [0, 0, 0], 1: [0, 0, 0]}
            for item, passages in cached:
                answer = compose_answer(
                    item.question,
                    passages,
                    retriever.lexical.idf,
                    retriever.acronyms,
                    threshold=-1.0,
                    max_chars=settings.max_answer_chars,
                    policy=policy,
                    known=retriever.lexical.doc_freq,
                )
                ok = answer_correct(answer.answer, item.expect_any, ())
                half = scores[half_of[(item.source or "")[:5]]]
                half[0] += 1
                half[1] += ok
                half[2] += ok and answer.evidence.value(policy) >= settings.refusal_threshold
            line = "  ".join(
                f"half{h}: ceiling {s[1] / s[0]:.4f} at-threshold {s[2] / s[0]:.4f}" for h, s in scores.items()
            )
            print(f"{label:<44} {line}", flush=True)
        kb.close()


if __name__ == "__main__":
    main()
