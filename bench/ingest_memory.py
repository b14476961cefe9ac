"""Peak memory of ingest by size: `python ingest.py` on copies of the Code civil, a full index then one changed file.

python bench/ingest_memory.py [--kb ../shared/corpora/code-civil] [--copies 1,10,32]
Each size is a knowledge base of that many copies of the corpus, every copy after the first under its own folder
with a tenth of its longer words swapped for other words of the corpus (seeded), so that no two files are alike.
Each run is `python ingest.py` in a new process on the configured encoder engine; its peak RSS is read from /proc.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
from pathlib import Path

from peak_memory import run_with_peak

from kbchat.config import PROJECT_ROOT
from kbchat.index.snapshot import read_manifest, require_snapshot


def perturbed(text: str, words: list[str], rng: random.Random) -> str:
    """text with a tenth of its lowercase words of 4+ letters swapped for corpus words, lines kept."""
    return "\n".join(
        " ".join(
            rng.choice(words) if w.isalpha() and w.islower() and len(w) > 3 and rng.random() < 0.1 else w
            for w in line.split(" ")
        )
        for line in text.split("\n")
    )


def copies_of(kb: Path, copies: int, target: Path) -> None:
    """Write copies of kb's Markdown files into target (see the module's docstring)."""
    files = sorted(kb.rglob("*.md"))
    texts = [p.read_text(encoding="utf-8") for p in files]
    words = sorted({w for t in texts for w in t.split() if w.isalpha() and w.islower() and len(w) > 3})
    rng = random.Random(0)
    for copy in range(copies):
        for path, text in zip(files, texts, strict=True):
            out = target / (f"copie-{copy}" if copy else "") / path.relative_to(kb)
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(perturbed(text, words, rng) if copy else text, encoding="utf-8")


def main() -> None:
    """Print one row per size."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--kb", default=str(PROJECT_ROOT.parent / "shared/corpora/code-civil"))
    parser.add_argument("--copies", default="1,10,32")
    args = parser.parse_args()
    kb = Path(args.kb)
    if not kb.is_dir():
        raise SystemExit(f"{kb} is absent: nothing to measure")
    rows = []
    for copies in map(int, args.copies.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            copies_of(kb, copies, root / "kb")
            env = os.environ | {"KBCHAT_KB_DIR": str(root / "kb"), "KBCHAT_INDEX_DIR": str(root / "index")}
            command = [sys.executable, str(PROJECT_ROOT / "ingest.py")]
            full = run_with_peak(command, env, PROJECT_ROOT)
            chunks = read_manifest(require_snapshot(root / "index")).chunk_count
            changed = next(iter(sorted((root / "kb").rglob("*.md"))))
            changed.write_text(changed.read_text(encoding="utf-8") + "\nUne phrase ajoutée pour le banc d'essai.\n")
            one = run_with_peak(command, env, PROJECT_ROOT)
            rows.append((copies, chunks, full, one))
            print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    print("`python ingest.py` in a new process; peak RSS read from /proc every 50 ms.\n")
    print("| copies | files | chunks | full index | its peak RSS | one changed file | its peak RSS |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    files = len(list(kb.rglob("*.md")))
    for copies, chunks, (full_s, full_mb), (one_s, one_mb) in rows:
        print(
            f"| {copies} | {copies * files:,} | {chunks:,} | {full_s:.0f} s | {full_mb:,.0f} MB | {one_s:.1f} s | "
            f"{one_mb:,.0f} MB |"
        )


if __name__ == "__main__":
    main()
