"""`make bench`: run the performance benches and write docs/benchmarks.md, with a plot of cost against size.

python bench/report.py [--out docs] [--work bench/out]
Each section is one bench script's own table, printed as it measured it (side by side in one run, medians where the
script says so). The Code civil index the scale bench grows from is built first into --work, never committed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from kbchat.config import PROJECT_ROOT  # noqa: E402

CODE_CIVIL = PROJECT_ROOT.parent / "shared/corpora/code-civil"
SECTIONS = [
    ("Ingest throughput and reindexing (Code civil)", ["bench/ingest_throughput.py"]),
    ("Scale: open, memory and ask latency by stage", ["bench/scale.py", "--index", "{index}", "--out", "{work}/scale"]),
    ("Ingest memory by size", ["bench/ingest_memory.py"]),
    (
        "Cold start and memory of the chat page",
        ["bench/chat_cold_start.py", "--index", "{index},{work}/scale/size-30000,{work}/scale/size-100000"],
    ),
    ("Server mode against the embedded store (Code civil)", ["bench/server_mode.py"]),
    ("Concurrent users (DCI questions, one process)", ["bench/concurrency.py"]),
]


def shown(command: list[str]) -> str:
    """A bench command as the report shows it, with paths relative to the project."""
    return "python " + " ".join(command).replace(f"{PROJECT_ROOT}/", "")


def run(command: list[str]) -> str:
    """A bench's standard output; its standard error when it fails."""
    done = subprocess.run([sys.executable, *command], cwd=PROJECT_ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        return f"(failed with exit status {done.returncode})\n\n```\n{done.stderr[-2000:]}\n```"
    return done.stdout.strip()


def plot(scale: Path, out: Path) -> None:
    """Open time, peak RSS and ask p50/p95 against the number of chunks."""
    rows = json.loads(scale.read_text())
    chunks = [r["chunks"] for r in rows]
    figure, (left, middle, right) = plt.subplots(1, 3, figsize=(13, 3.6))
    left.plot(chunks, [r["stages"]["whole ask"][0] for r in rows], "o-", label="ask p50")
    left.plot(chunks, [r["stages"]["whole ask"][1] for r in rows], "o-", label="ask p95")
    left.axhline(50, ls=":", c="grey")
    left.axhline(150, ls="--", c="grey")
    left.set(xlabel="chunks", ylabel="ms", title="ask latency (targets 50 / 150 ms)")
    left.legend()
    middle.plot(chunks, [r["peak_rss_mb"] for r in rows], "o-")
    middle.axhline(1536, ls="--", c="grey")
    middle.set(xlabel="chunks", ylabel="MB", title="peak RSS of the asking process")
    right.plot(chunks, [r["open_s"] for r in rows], "o-")
    right.set(xlabel="chunks", ylabel="s", title="open (cold process)")
    for axis in (left, middle, right):
        axis.set_xscale("log")
    figure.tight_layout()
    figure.savefig(out / "benchmarks.png", dpi=100)


def section(title: str, command: list[str], work: Path, out: Path) -> str:
    """One bench's output; the scale bench's with its plot."""
    text = run(command)
    if title.startswith("Scale") and (work / "scale/scale.json").is_file():
        plot(work / "scale/scale.json", out)
        text += "\n\n![cost against size](benchmarks.png)"
    return text


def rerun(report: Path, only: str, index: Path, work: Path, started: str) -> None:
    """Re-measure the sections of an existing report whose command names only; keep the others as they were."""
    text = report.read_text(encoding="utf-8")
    for title, command in SECTIONS:
        if only not in command[0]:
            continue
        filled = [part.format(index=index, work=work) for part in command]
        head, _, rest = text.partition(f"## {title}\n")
        tail = rest[rest.find("\n## ") :] if "\n## " in rest else "\n"
        note = f"Re-measured on {started} by `python bench/report.py --only {only}`."
        body = section(title, filled, work, report.parent)
        text = f"{head}## {title}\n\n`{shown(filled)}`\n\n{note}\n\n{body}\n{tail}"
    report.write_text(text, encoding="utf-8")
    print(f"rewrote {report}")


def main() -> None:
    """Build the base index, run every bench, write the report."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(PROJECT_ROOT / "docs"))
    parser.add_argument("--work", default=str(PROJECT_ROOT / "bench/out"))
    parser.add_argument("--only", default="", help="re-measure the sections whose bench script names this")
    args = parser.parse_args()
    out, work = Path(args.out), Path(args.work)
    if not CODE_CIVIL.is_dir():
        raise SystemExit(f"{CODE_CIVIL} is absent: nothing to measure")
    index = work / "code-civil-index"
    env = os.environ | {"KBCHAT_KB_DIR": str(CODE_CIVIL), "KBCHAT_INDEX_DIR": str(index)}
    subprocess.run([sys.executable, "-m", "kbchat", "ingest"], cwd=PROJECT_ROOT, env=env, check=True)
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    if args.only:
        rerun(out / "benchmarks.md", args.only, index, work, started)
        return
    parts = [
        "# Benchmarks",
        f"Written by `make bench` (`python bench/report.py`) on {started}, on {os.cpu_count()} cores "
        f"({platform.processor() or platform.machine()}), Python {platform.python_version()}. Timings are noisy "
        "here: compare the figures of one table, which were measured side by side in one run.",
    ]
    for title, command in SECTIONS:
        filled = [part.format(index=index, work=work) for part in command]
        print(f"running {' '.join(filled)}", flush=True)
        parts += [f"## {title}", f"`{shown(filled)}`", section(title, filled, work, out)]
    (out / "benchmarks.md").write_text("\n\n".join(parts) + "\n", encoding="utf-8")
    print(f"wrote {out / 'benchmarks.md'}")


if __name__ == "__main__":
    main()
