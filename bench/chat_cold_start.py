"""Cold start and memory of the chat page: `streamlit run` to the first answer, in headless Chromium, by base size.

python bench/chat_cold_start.py --index INDEX_DIR[,INDEX_DIR…] [--rounds 2] [--questions FILE] [--asked 10]
Serves the app on each existing index (in `make bench`, the Code civil's and the bases the scale bench grew), as a
person would use it: medians of rounds from `streamlit run` to the first answer on screen, then, in the last round,
more questions in the same conversation and the peak RSS of the streamlit process, read from /proc.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

from peak_memory import peak_rss_mb

from kbchat.config import PROJECT_ROOT, Settings
from kbchat.evaluation.browser import CHROMIUM, CHROMIUM_ARGS, ask, serve
from kbchat.index.snapshot import read_manifest, require_snapshot


def streamlit_pid() -> int:
    """The pid of this process's streamlit child."""
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
            command = (status.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields.get("PPid", "0")) == os.getpid() and b"streamlit" in command:
            return int(status.parent.name)
    raise SystemExit("no streamlit process found")


def measure(index: Path, questions: list[str], rounds: int) -> tuple[list[float], float]:
    """Cold starts to the first answer, and the server's peak RSS after the questions of the last round."""
    from playwright.sync_api import expect, sync_playwright

    times, peak = [], 0.0
    for n in range(rounds):
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            settings = Settings.from_env(index_dir=index, data_dir=root / "data")
            started = time.perf_counter()
            with serve(settings, root / "streamlit.log") as url, sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
                page = browser.new_page(viewport={"width": 1280, "height": 1000}, locale="fr-FR")
                page.goto(url, wait_until="domcontentloaded")
                expect(ask(page, questions[0], 1)).to_contain_text("[1]", timeout=120_000)
                times.append(time.perf_counter() - started)
                if n == rounds - 1:
                    for turn, question in enumerate(questions[1:], start=2):
                        ask(page, question, turn)
                    peak = peak_rss_mb(streamlit_pid()) or 0.0
                browser.close()
    return times, peak


def main() -> None:
    """Print one row per index."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--index", required=True)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--questions", default=str(PROJECT_ROOT / "evals/code_civil_frozen.jsonl"))
    parser.add_argument("--asked", type=int, default=10)
    args = parser.parse_args()
    lines = Path(args.questions).read_text(encoding="utf-8").splitlines()
    questions = [json.loads(line)["question"] for line in lines if line][: args.asked]
    print(
        f"Medians of {args.rounds} rounds from `streamlit run` to the first answer on screen; peak RSS of the "
        f"streamlit process after {len(questions)} questions in one conversation.\n"
    )
    print("| chunks | cold start to first answer | rounds | peak RSS of the chat process |")
    print("| --- | --- | --- | --- |")
    for index in map(Path, args.index.split(",")):
        times, peak = measure(index, questions, args.rounds)
        rounds = ", ".join(f"{t:.1f} s" for t in times)
        chunks = read_manifest(require_snapshot(index)).chunk_count
        print(f"| {chunks:,} | {statistics.median(times):.1f} s | {rounds} | {peak:,.0f} MB |", flush=True)


if __name__ == "__main__":
    main()
