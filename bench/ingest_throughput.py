"""Ingest throughput on the Code civil, side by side: kbchat, the raw encoder, and the LangChain tutorial recipe.

python bench/ingest_throughput.py [--kb ../shared/corpora/code-civil] [--rounds 3]
In one process and one run: (1) kbchat's full index (a fresh `sync`, on its configured encoder engine); (2) the raw
`encode` of the same chunk texts, in one call, by kbchat's engine and by sentence-transformers in fp32 (the model's
limit here); (3) the tutorial recipe: every file split by RecursiveCharacterTextSplitter(1000, 200), embedded by the
same model in fp32 through sentence-transformers, written by `Chroma.from_documents`.
Then a profiled kbchat index says where its time goes, and the reindex figures: a no-op run, and one changed file.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from kbchat.config import PROJECT_ROOT, Settings
from kbchat.index.dense_store import embedded_client
from kbchat.index.embedding import SentenceEmbeddings
from kbchat.index.ingest import sync
from kbchat.index.snapshot import read_chunks, require_snapshot

STAGES = {  # where kbchat's time goes: function names as cProfile reports them
    "read and parse files": "load_document",
    "chunking (incl. term analysis)": "chunk_blocks",
    "encoder (chunks and sentences, one pass)": "encode_with_sentences",
    "Chroma writes": "add",  # chromadb's Collection.add
    "BM25 on stems": "build",
    "BM25 on 4-grams": "ngram_index",
    "chunk records": "write_chunks",
}


def tutorial(kb: Path, encoder: SentenceEmbeddings, folder: Path) -> tuple[float, int]:
    """The LangChain tutorial recipe on every file: its time and its chunk count."""
    from langchain_chroma import Chroma
    from langchain_core.documents import Document
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    start = time.perf_counter()
    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
    documents = [
        Document(page_content=p.read_text(encoding="utf-8"), metadata={"source": str(p)})
        for p in sorted(kb.rglob("*.md"))
    ]
    pieces = splitter.split_documents(documents)
    Chroma.from_documents(pieces, encoder, client=embedded_client(folder))
    return time.perf_counter() - start, len(pieces)


def profiled_stages(settings: Settings) -> dict[str, float]:
    """Seconds per stage of one fresh kbchat index under cProfile (shares, not absolute times)."""
    profile = cProfile.Profile()
    profile.enable()
    sync(settings, rebuild=True)
    profile.disable()
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    found: dict[str, float] = {}
    for label, name in STAGES.items():
        keys = [k for k in stats if k[2] == name and ("chromadb" in k[0]) == (name == "add")]
        if name == "build":
            keys = [k for k in keys if k[0].endswith("lexical_store.py")]
        found[label] = sum(stats[k][3] for k in keys)
    found["whole sync"] = max(v[3] for k, v in stats.items() if k[2] == "sync")
    return found


def main() -> None:
    """Print the side-by-side table, the breakdown and the reindex figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--kb", default=str(PROJECT_ROOT.parent / "shared/corpora/code-civil"))
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    kb = Path(args.kb)
    if not kb.is_dir():
        raise SystemExit(f"{kb} is absent: nothing to measure")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        settings = Settings.from_env(kb_dir=kb, index_dir=root / "index")
        encoder = SentenceEmbeddings(settings.embedding_model, settings.engine)
        fp32 = SentenceEmbeddings(settings.embedding_model, "torch")
        encoder.encode(["échauffement"]), fp32.encode(["échauffement"])
        ours, raw, raw_fp32, recipe = [], [], [], []
        for n in range(args.rounds):
            start = time.perf_counter()
            report = sync(settings, rebuild=True)
            ours.append(time.perf_counter() - start)
            texts = [c.context_text() for c in read_chunks(require_snapshot(settings.index_dir))]
            start = time.perf_counter()
            encoder.encode(texts)
            raw.append(time.perf_counter() - start)
            start = time.perf_counter()
            fp32.encode(texts)
            raw_fp32.append(time.perf_counter() - start)
            seconds, pieces = tutorial(kb, fp32, root / f"tutorial-{n}")
            recipe.append(seconds)
        ours_s, raw_s, fp32_s, recipe_s = (statistics.median(v) for v in (ours, raw, raw_fp32, recipe))
        print(
            f"Code civil: {report.chunks:,} kbchat chunks, {pieces:,} tutorial chunks; medians of {args.rounds} "
            f"rounds; kbchat's encoder engine: {settings.engine}\n"
        )
        print("| way | seconds | chunks/s | ratio to the tutorial |\n| --- | --- | --- | --- |")
        rows = [
            ("kbchat full index", ours_s, report.chunks),
            (f"raw encode of kbchat's chunks ({settings.engine})", raw_s, report.chunks),
            ("raw encode of kbchat's chunks (sentence-transformers, fp32)", fp32_s, report.chunks),
            ("tutorial recipe", recipe_s, pieces),
        ]
        for label, seconds, count in rows:
            print(f"| {label} | {seconds:.1f} | {count / seconds:.1f} | {seconds / recipe_s:.2f} |")
        stages = profiled_stages(settings)
        whole = stages.pop("whole sync")
        print("\n| kbchat stage (profiled run) | share |\n| --- | --- |")
        for label, seconds in stages.items():
            print(f"| {label} | {seconds / whole:.1%} |")
        start = time.perf_counter()
        sync(settings)
        noop = time.perf_counter() - start
        changed = next(iter(sorted(kb.rglob("*.md"))))
        copy_kb = root / "kb"
        shutil.copytree(kb, copy_kb)
        moved = settings.with_(kb_dir=copy_kb)
        sync(moved)  # same hashes: nothing embedded
        target = copy_kb / changed.relative_to(kb)
        target.write_text(target.read_text(encoding="utf-8") + "\nUne phrase ajoutée pour le banc d'essai.\n")
        start = time.perf_counter()
        one = sync(moved)
        single = time.perf_counter() - start
        print(f"\n| reindex | seconds |\n| --- | --- |\n| no-op | {noop:.2f} |")
        print(f"| one changed file ({one.embedded} chunk embedded) | {single:.2f} |")


if __name__ == "__main__":
    main()
