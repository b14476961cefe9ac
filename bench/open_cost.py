"""What opening a knowledge base costs, stage by stage: the private copy of Chroma against the whole open.

python bench/open_cost.py --index INDEX_DIR [--rounds 5]
Serving opens the snapshot's Chroma store from a private copy (so that it never writes into the index folder); this
times that copy, side by side with the whole open and the first answer, in one process, medians of the rounds.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from kbchat.config import Settings
from kbchat.index.snapshot import require_snapshot
from kbchat.knowledge_base import open_knowledge_base


def main() -> None:
    """Print the medians and the copy's share of the open."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--index", required=True)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    settings = Settings.from_env(index_dir=Path(args.index))
    chroma = require_snapshot(settings.index_dir) / "chroma"
    size = sum(p.stat().st_size for p in chroma.rglob("*") if p.is_file())
    copies, opens, firsts = [], [], []
    open_knowledge_base(settings).close()  # the model and word vectors in the page cache
    for _ in range(args.rounds):
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            shutil.copytree(chroma, Path(tmp) / "chroma", copy_function=shutil.copyfile)
            copies.append(time.perf_counter() - start)
        start = time.perf_counter()
        kb = open_knowledge_base(settings)
        opens.append(time.perf_counter() - start)
        start = time.perf_counter()
        kb.ask("Quel âge faut-il avoir pour se marier ?")
        firsts.append(time.perf_counter() - start)
        kb.close()
    copy, whole, first = (statistics.median(v) for v in (copies, opens, firsts))
    print(f"Chroma store: {size / 2**20:.1f} MB; medians of {args.rounds} rounds")
    print(f"| private copy | {copy * 1000:.0f} ms | {copy / whole:.1%} of the open |")
    print(f"| whole open (copy included) | {whole * 1000:.0f} ms | |")
    print(f"| first answer | {first * 1000:.0f} ms | |")


if __name__ == "__main__":
    main()
