"""Index the Code civil (2,802 articles), then run ingest again with nothing changed, and time both.

python bench/reindex_code_civil.py
Both runs are the real CLI (`python ingest.py`) in a subprocess, side by side, into a temporary index.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CODE_CIVIL = ROOT.parent / "shared/corpora/code-civil"


def timed_ingest(index: Path) -> tuple[float, str]:
    """Run ingest.py on the Code civil; return the wall time and its summary line."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "ingest.py", "--kb", str(CODE_CIVIL), "--index", str(index)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return time.perf_counter() - start, done.stdout.strip().splitlines()[-1]


def main() -> None:
    """Print both timings and their ratio."""
    if not CODE_CIVIL.is_dir():
        sys.exit(f"{CODE_CIVIL} not found")
    with tempfile.TemporaryDirectory() as tmp:
        first, first_summary = timed_ingest(Path(tmp) / "index")
        second, second_summary = timed_ingest(Path(tmp) / "index")
    print(f"first ingest:  {first:7.1f} s  {first_summary}")
    print(f"second ingest: {second:7.1f} s  {second_summary}")
    print(f"ratio: {first / second:.0f}x")


if __name__ == "__main__":
    main()
