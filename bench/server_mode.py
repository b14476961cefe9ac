"""Server mode against the embedded store, side by side on one corpus: ingest, open, and asking.

python bench/server_mode.py [--kb ../shared/corpora/code-civil] [--questions evals/code_civil_frozen.jsonl]
    [--rounds 3] [--url http://127.0.0.1:8000]
Indexes the corpus into a temporary folder (embedded Chroma) and into a Chroma server (started on a free loopback port
unless --url names one), then times, medians of the rounds, opening each (the server's replica derives both BM25
indexes from the chunk records it reads) and asking every question of the set, warm, in one process.
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from kbchat.config import PROJECT_ROOT, Settings
from kbchat.index.dense_store import DenseStore
from kbchat.index.ingest import sync
from kbchat.index.lexical_store import LexicalIndex, ngram_index
from kbchat.index.server_snapshot import connect, served_version
from kbchat.knowledge_base import open_knowledge_base


def start_server(folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    """`chroma run` on a free loopback port; its process and URL once it answers."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    chroma = str(Path(sys.executable).parent / "chroma")
    command = [chroma, "run", "--path", str(folder), "--host", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            connect(url).close()
            return process, url
        except Exception:  # noqa: BLE001 - not up yet
            time.sleep(0.2)
    process.kill()
    raise SystemExit("chroma run did not start")


def timed_opens(settings: Settings, questions: list[str], rounds: int) -> dict[str, float]:
    """Median open time, and p50/p95 of asking every question on the last open, in ms."""
    opens: list[float] = []
    latencies: list[float] = []
    for n in range(rounds):
        start = time.perf_counter()
        kb = open_knowledge_base(settings)
        opens.append(time.perf_counter() - start)
        if n == rounds - 1:
            for question in questions:
                start = time.perf_counter()
                kb.ask(question)
                latencies.append(time.perf_counter() - start)
        kb.close()
    return {
        "open": statistics.median(opens) * 1000,
        "p50": float(np.percentile(latencies, 50)) * 1000,
        "p95": float(np.percentile(latencies, 95)) * 1000,
    }


def derive_cost(url: str, settings: Settings, rounds: int) -> dict[str, float]:
    """What a replica spends reading the chunk records and building both BM25 indexes from them, in ms."""
    reads, builds = [], []
    for _ in range(rounds):
        client = connect(url)
        store = DenseStore(client, None, "", 0, served_version(client), records=True)
        start = time.perf_counter()
        chunks = store.chunks()
        reads.append(time.perf_counter() - start)
        start = time.perf_counter()
        ids = [c.chunk_id for c in chunks]
        LexicalIndex.build(ids, [c.terms for c in chunks], settings.bm25_k1, settings.bm25_b)
        ngram_index(ids, chunks, settings.bm25_k1, settings.bm25_b)
        builds.append(time.perf_counter() - start)
        store.close()
    return {"read records": statistics.median(reads) * 1000, "build BM25": statistics.median(builds) * 1000}


def main() -> None:
    """Print one table: the embedded store and the server, side by side."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--kb", default=str(PROJECT_ROOT.parent / "shared/corpora/code-civil"))
    parser.add_argument("--questions", default=str(PROJECT_ROOT / "evals/code_civil_frozen.jsonl"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--url", default="")
    args = parser.parse_args()
    if not Path(args.kb).is_dir():
        raise SystemExit(f"{args.kb} is absent: nothing to measure")
    questions = [json.loads(line)["question"] for line in Path(args.questions).read_text().splitlines() if line]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        process, url = (None, args.url) if args.url else start_server(root / "server")
        try:
            rows: dict[str, dict[str, float]] = {}
            for name, chroma_url in (("embedded", ""), ("server", url)):
                settings = Settings.from_env(
                    kb_dir=Path(args.kb), index_dir=root / name / "index", chroma_url=chroma_url
                )
                start = time.perf_counter()
                report = sync(settings)
                rows[name] = {"ingest": (time.perf_counter() - start) * 1000}
                rows[name] |= timed_opens(settings, questions, args.rounds)
            derived = derive_cost(url, settings, args.rounds)
        finally:
            if process is not None:
                process.terminate()
                process.wait()
    print(f"{report.chunks} chunks, {len(questions)} questions; medians of {args.rounds} opens\n")
    print("| | embedded | server | server / embedded |\n| --- | --- | --- | --- |")
    for key in ("ingest", "open", "p50", "p95"):
        a, b = rows["embedded"][key], rows["server"][key]
        print(f"| {key} | {a:,.0f} ms | {b:,.0f} ms | {b / a:.2f} |")
    for key, value in derived.items():
        print(f"| server open: {key} | | {value:,.0f} ms | {value / rows['server']['open']:.0%} of it |")


if __name__ == "__main__":
    main()
