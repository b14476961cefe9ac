"""Time retrieval on PIAF dev, side by side: as shipped, with two BLAS threads, and each first-stage ranking left out.

python bench/first_stage_latency.py [--questions 300] [--rounds 2]
Also times opening the index, and building its 4-gram BM25 and soft index again. Compare the rows as ratios: each
round measures every configuration on the same questions, one after the other.
"""

from __future__ import annotations

import argparse
import copy
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kbchat.config import PROJECT_ROOT, Settings  # noqa: E402
from kbchat.evaluation import build_squad_index, squad_items  # noqa: E402
from kbchat.knowledge_base import ngram_index, open_knowledge_base  # noqa: E402
from kbchat.retrieval import Retriever  # noqa: E402
from kbchat.word_vectors import load_word_vectors  # noqa: E402

PIAF = PROJECT_ROOT.parent / "shared/benchmarks/piaf/piaf-v1.0-dev.json"


def percentiles(retriever: Retriever, questions: list[str]) -> str:
    """p50 and p95 of one search per question, in milliseconds."""
    times = []
    for question in questions:
        start = time.perf_counter()
        retriever.search(question, 10)
        times.append(time.perf_counter() - start)
    return f"p50 {np.percentile(times, 50) * 1000:6.1f} ms   p95 {np.percentile(times, 95) * 1000:6.1f} ms"


def without(retriever: Retriever, **weights: float) -> Retriever:
    """A copy of the retriever with some first-stage weights set."""
    changed = copy.copy(retriever)
    changed.weights = replace(retriever.weights, **weights)
    return changed


def main() -> None:
    """Print the opening time and one line per configuration and round."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    if not PIAF.is_file():
        sys.exit(f"{PIAF} not found")
    documents, items = squad_items(PIAF)
    questions = [item.question for item in items[: args.questions]]
    with tempfile.TemporaryDirectory() as tmp:
        settings = build_squad_index(documents, Settings.from_env(), Path(tmp))
        start = time.perf_counter()
        kb = open_knowledge_base(settings)
        print(f"opening the index: {time.perf_counter() - start:.2f} s")
        retriever = kb.retriever
        chunks = list(retriever.by_id.values())
        start = time.perf_counter()
        ngram_index(retriever.lexical.ids, chunks, settings)
        print(f"of which building the 4-gram BM25 of {len(chunks)} chunks: {time.perf_counter() - start:.2f} s")
        start = time.perf_counter()
        retriever.use_word_vectors(load_word_vectors())
        print(f"and building their soft index: {time.perf_counter() - start:.2f} s")
        for question in questions:
            retriever.search(question, 10)  # warm the chunk profiles' cache
        for round_ in range(1, args.rounds + 1):
            print(f"as shipped (one BLAS thread), round {round_}:".ljust(44), percentiles(retriever, questions))
            with threadpool_limits(2, user_api="blas"):
                print(f"two BLAS threads, round {round_}:".ljust(44), percentiles(retriever, questions))
            for name in ("soft", "ngrams"):
                print(
                    f"without {name}, round {round_}:".ljust(44),
                    percentiles(without(retriever, **{name: 0.0}), questions),
                )
        kb.close()


if __name__ == "__main__":
    main()
