"""Concurrent users: the DCI question set asked by one thread, then by 20 threads at once, against one process.

python bench/concurrency.py [--threads 20] [--rounds 3]
Prints throughput (questions per second) and latency p50/p95 of each way, measured side by side in one run, and
checks that every concurrent answer is the single-threaded one.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from kbchat.config import PROJECT_ROOT, Settings
from kbchat.evaluation.datasets import DCI_QUESTIONS, read_questions
from kbchat.index.ingest import sync
from kbchat.knowledge_base import KnowledgeBase, open_knowledge_base


def timed(kb: KnowledgeBase, question: str, history: tuple[str, ...]) -> tuple[dict, float]:
    """One answer and its latency in milliseconds."""
    start = time.perf_counter()
    answer = kb.ask(question, list(history)).to_json()
    return answer, (time.perf_counter() - start) * 1000


def percentile(values: list[float], share: float) -> float:
    """The value below which share of values lie."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    """Run both ways for several rounds and print the table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    items = read_questions(DCI_QUESTIONS)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings.from_env().with_(kb_dir=Path(tmp) / "kb", index_dir=Path(tmp) / "index")
        shutil.copytree(PROJECT_ROOT / "kb", settings.kb_dir)
        sync(settings)
        kb = open_knowledge_base(settings)
        expected = [timed(kb, i.question, i.history)[0] for i in items]  # also the warm-up
        rows: dict[str, list[tuple[float, list[float]]]] = {"1 thread": [], f"{args.threads} threads": []}
        for _ in range(args.rounds):
            for label, workers in (("1 thread", 1), (f"{args.threads} threads", args.threads)):
                start = time.perf_counter()
                with ThreadPoolExecutor(max_workers=workers) as pool:
                    done = list(pool.map(lambda i: timed(kb, i.question, i.history), items))
                wall = time.perf_counter() - start
                assert [a for a, _ in done] == expected, f"{label}: an answer differs from the single-threaded one"
                rows[label].append((len(items) / wall, [ms for _, ms in done]))
        kb.close()
    print(f"{len(items)} questions x {args.rounds} rounds, medians over rounds; every answer identical to 1 thread\n")
    print("| way | questions/s | p50 ms | p95 ms |\n| --- | --- | --- | --- |")
    for label, runs in rows.items():
        rate = statistics.median(r for r, _ in runs)
        p50 = statistics.median(percentile(ms, 0.5) for _, ms in runs)
        p95 = statistics.median(percentile(ms, 0.95) for _, ms in runs)
        print(f"| {label} | {rate:.1f} | {p50:.0f} | {p95:.0f} |")


if __name__ == "__main__":
    main()
