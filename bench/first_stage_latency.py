"""Time retrieval on PIAF dev, side by side: as shipped, with two BLAS threads, and each first-stage ranking left out.

python bench/first_stage_latency.py [--questions 300] [--rounds 2]
Also times opening the index, and building its 4-gram BM25 and soft index again. Compare the rows as ratios: each
round measures every configuration on the same questions, one after the other.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from kbchat.ask.indexes import Indexes
from kbchat.config import Settings
from kbchat.evaluation.datasets import PIAF_DEV, squad_items
from kbchat.evaluation.runner import build_squad_index
from kbchat.index.lexical_store import ngram_index
from kbchat.index.word_vectors import load_word_vectors
from kbchat.knowledge_base import KnowledgeBase, open_knowledge_base


def percentiles(kb: KnowledgeBase, questions: list[str]) -> str:
    """p50 and p95 of one analysis and search per question, in milliseconds."""
    times = []
    for question in questions:
        start = time.perf_counter()
        kb.retriever.search(kb.retriever.analyze(question), 10)
        times.append(time.perf_counter() - start)
    return f"p50 {np.percentile(times, 50) * 1000:6.1f} ms   p95 {np.percentile(times, 95) * 1000:6.1f} ms"


def main() -> None:
    """Print the opening time and one line per configuration and round."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    if not PIAF_DEV.is_file():
        sys.exit(f"{PIAF_DEV} not found")
    documents, items = squad_items(PIAF_DEV)
    questions = [item.question for item in items[: args.questions]]
    with tempfile.TemporaryDirectory() as tmp:
        settings = build_squad_index(documents, Settings.from_env(), Path(tmp))
        start = time.perf_counter()
        kb = open_knowledge_base(settings)
        print(f"opening the index: {time.perf_counter() - start:.2f} s")
        indexes = kb.indexes
        chunks = list(indexes.by_id.values())
        start = time.perf_counter()
        ngrams = ngram_index(indexes.lexical.ids, chunks, settings.bm25_k1, settings.bm25_b)
        print(f"of which building the 4-gram BM25 of {len(chunks)} chunks: {time.perf_counter() - start:.2f} s")
        start = time.perf_counter()
        Indexes.build(chunks, indexes.lexical, ngrams, indexes.dense, indexes.embeddings, {}, None, load_word_vectors())
        print(f"and building their soft index: {time.perf_counter() - start:.2f} s")
        percentiles(kb, questions)  # warm the chunk profiles' cache
        for round_ in range(1, args.rounds + 1):
            print(f"as shipped (one BLAS thread), round {round_}:".ljust(44), percentiles(kb, questions))
            with threadpool_limits(2, user_api="blas"):
                print(f"two BLAS threads, round {round_}:".ljust(44), percentiles(kb, questions))
            for name in ("soft_weight", "ngram_weight"):
                other = kb.configured(replace(settings, **{name: 0.0}))
                print(f"without {name}, round {round_}:".ljust(44), percentiles(other, questions))
        kb.close()


if __name__ == "__main__":
    main()
