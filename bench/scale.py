"""Asking at scale: open time, memory and per-stage latency on bases of 3k, 30k and 100k chunks.

python bench/scale.py --index INDEX_DIR [--sizes 30000,100000] [--out bench/out/scale] [--questions FILE]
INDEX_DIR is a built index (the Code civil's: `KBCHAT_KB_DIR=../shared/corpora/code-civil KBCHAT_INDEX_DIR=… kbchat
ingest`). Larger bases are grown from it reproducibly, never committed: copies of its chunks under distinct ids and
sources, 10 % of their longer words swapped for other words of the corpus (seeded), their chunk and sentence vectors
copied with Gaussian noise (σ 0.02, renormalized) rather than re-encoded, and their analyzed terms kept. Each base is
then opened in a fresh process, which reports its open time, its peak RSS, and p50/p95 of each stage over the
questions (default: the frozen Code civil set), warm.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from peak_memory import peak_rss_mb

from kbchat.ask.first_stage import best_scores, soft_ranking
from kbchat.ask.fusion import fuse
from kbchat.ask.reranking import rerank
from kbchat.config import PROJECT_ROOT, Settings
from kbchat.corpus.chunking import Chunk
from kbchat.corpus.profiles import content_words
from kbchat.corpus.word_layout import word_layout
from kbchat.index.dense_store import DenseStore, embedded_client
from kbchat.index.lexical_store import LexicalIndex, ngram_index
from kbchat.index.private_copy import private_copy
from kbchat.index.snapshot import (
    FORMAT,
    DocumentEntry,
    new_snapshot,
    now_iso,
    publish,
    read_chunks,
    read_manifest,
    read_word_layout,
    require_snapshot,
    write_chunks,
    write_manifest,
    write_sentence_vectors,
    write_word_layout,
)
from kbchat.knowledge_base import open_knowledge_base
from kbchat.text.sentences import split_sentences

STAGES = ("analysis", "bm25 stems", "bm25 4-grams", "dense", "soft", "fusion", "features", "rerank", "whole ask")
BATCH = 2000


def stored_vectors(store: DenseStore) -> tuple[dict[str, list[float]], dict[str, np.ndarray]]:
    """Every chunk's vector, and its sentence vectors."""
    chunks: dict[str, list[float]] = {}
    for batch in store._pages(store.store, ["embeddings"]):
        chunks.update(zip(batch["ids"], batch["embeddings"], strict=True))
    return chunks, store.sentence_vectors()


def perturbed(text: str, words: list[str], rng: random.Random) -> str:
    """text with a tenth of its lowercase words of 4+ letters swapped for corpus words, sentences kept."""
    out = [
        rng.choice(words) if w.isalpha() and w.islower() and len(w) > 3 and rng.random() < 0.1 else w
        for w in text.split(" ")
    ]
    changed = " ".join(out)
    return changed if len(split_sentences(changed)) == len(split_sentences(text)) else text


def noisy(vectors: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Vectors with Gaussian noise, renormalized."""
    moved = vectors + rng.normal(0.0, 0.02, vectors.shape)
    return moved / np.linalg.norm(moved, axis=-1, keepdims=True)


def complete_layout(index_dir: Path) -> None:
    """Give a snapshot written before ingest stored the word layout its layout (as ingest now would)."""
    folder = require_snapshot(index_dir)
    if read_word_layout(folder) is None:
        chunks = read_chunks(folder)
        layout = word_layout([content_words(c.context_text()) for c in chunks], [c.chunk_id for c in chunks])
        write_word_layout(folder, layout)


def grow(base: Settings, size: int, target: Path) -> Settings:
    """A published snapshot of size chunks grown from base's (see the module's docstring)."""
    settings = base.with_(index_dir=target)
    if (target / "CURRENT").is_file():
        complete_layout(target)
        return settings
    folder = require_snapshot(base.index_dir)
    chunks, manifest = read_chunks(folder), read_manifest(folder)
    private = private_copy(folder / "chroma")
    source = DenseStore(embedded_client(private / "chroma"), None, "", 0)
    vectors, sentences = stored_vectors(source)
    source.close()
    words = sorted({w for c in chunks for w in c.text.split() if w.isalpha() and w.islower() and len(w) > 3})
    rng, nrng = random.Random(0), np.random.default_rng(0)
    grown: list[Chunk] = []
    grown_sentences: dict[str, np.ndarray] = {}
    out = new_snapshot(target)
    dense = DenseStore(embedded_client(out / "chroma"), None, manifest.embedding_model, manifest.dimension)
    pending: list[tuple[Chunk, np.ndarray, np.ndarray]] = []
    for n in range(size):
        copy, original = divmod(n, len(chunks))
        c = chunks[original]
        if copy:
            c = Chunk(
                f"{c.chunk_id}~{copy}",
                f"copie-{copy}/{c.source}",
                c.title,
                c.headings,
                perturbed(c.text, words, rng),
                c.position,
                c.terms,
            )
        chunk_vector = np.asarray(vectors[chunks[original].chunk_id])
        sentence_rows = sentences.get(chunks[original].chunk_id, np.zeros((0, len(chunk_vector))))
        if copy:
            chunk_vector, sentence_rows = noisy(chunk_vector, nrng), noisy(sentence_rows, nrng)
        grown.append(c)
        grown_sentences[c.chunk_id] = sentence_rows
        pending.append((c, chunk_vector, sentence_rows))
        if len(pending) == BATCH or n == size - 1:
            _write(dense, pending)
            pending = []
    dense.close()
    ids = [c.chunk_id for c in grown]
    LexicalIndex.build(ids, [c.terms for c in grown], settings.bm25_k1, settings.bm25_b).save(out / "lexical")
    ngram_index(ids, grown, settings.bm25_k1, settings.bm25_b).save(out / "ngrams")
    write_sentence_vectors(out, grown_sentences, ids)
    write_word_layout(out, word_layout([content_words(c.context_text()) for c in grown], ids))
    write_chunks(out, grown)
    documents: dict[str, list[str]] = {}
    for c in grown:
        documents.setdefault(c.source, []).append(c.chunk_id)
    manifest.documents = {s: DocumentEntry("", s, 0, keys, now_iso()) for s, keys in documents.items()}
    manifest.format = FORMAT
    write_manifest(out, manifest)
    publish(target, out)
    return settings


def _write(dense: DenseStore, pending: list[tuple[Chunk, np.ndarray, np.ndarray]]) -> None:
    """Store chunks and sentences with the given vectors, without encoding."""
    dense.store._collection.add(
        ids=[c.chunk_id for c, _, _ in pending],
        embeddings=[v.tolist() for _, v, _ in pending],
        documents=[c.context_text() for c, _, _ in pending],
        metadatas=[{"source": c.source, "title": c.title, "section": c.section} for c, _, _ in pending],
    )
    rows = [
        (c.chunk_id, n, s, v)
        for c, _, vs in pending
        for n, (s, v) in enumerate(zip(split_sentences(c.text), vs, strict=True))
    ]
    dense.sentences._collection.add(
        ids=[f"{key}:{n}" for key, n, _, _ in rows],
        embeddings=[v.tolist() for *_, v in rows],
        documents=[s for _, _, s, _ in rows],
        metadatas=[{"chunk": key, "position": n} for key, n, _, _ in rows],
    )


def measure(index_dir: Path, questions: list[str]) -> dict[str, object]:
    """In this (fresh) process: open time, peak RSS, and p50/p95 per stage in ms."""
    settings = Settings.from_env(index_dir=index_dir)
    start = time.perf_counter()
    kb = open_knowledge_base(settings)
    opened = time.perf_counter() - start
    start = time.perf_counter()
    kb.ask(questions[0])
    first = time.perf_counter() - start
    retriever, indexes, config = kb.retriever, kb.indexes, settings.retrieval
    ids, k = indexes.lexical.ids, config.first_stage_k
    times: dict[str, list[float]] = {stage: [] for stage in STAGES}

    @contextmanager
    def clock(stage: str) -> Iterator[None]:
        begin = time.perf_counter()
        yield
        times[stage].append((time.perf_counter() - begin) * 1000)

    for question in questions * 2:
        with clock("analysis"):
            query = retriever.analyze(question)
        with clock("bm25 stems"):
            lexical = best_scores(indexes.lexical.scores(query.terms), ids, k)
        with clock("bm25 4-grams"):
            ngrams = best_scores(indexes.ngrams.scores(query.ngrams), ids, k)
        with clock("dense"):
            dense = dict(indexes.dense.search(query.vector.tolist(), min(k, len(ids))))
        with clock("soft"):
            soft = soft_ranking(indexes, query, k, None if config.soft_every_chunk else (*lexical, *ngrams, *dense))
        with clock("fusion"):
            fused = fuse(config.weights, lexical, ngrams, soft, dense)
        rankings = retriever.rankings(query)
        if [key for key, _ in fused[:5]] != [key for key, _ in rankings.fused[:5]]:
            raise SystemExit("the timed stages do not reproduce the retriever's fusion")
        head = retriever.pool(rankings)
        with clock("features"):
            rows = retriever.features(query, rankings, head)
        with clock("rerank"):
            rerank(retriever.ranker, rows, head)
        with clock("whole ask"):
            kb.ask(question)
    kb.close()
    return {
        "chunks": len(ids),
        "open_s": opened,
        "first_answer_s": first,
        "peak_rss_mb": peak_rss_mb(),
        "stages": {s: (float(np.percentile(v, 50)), float(np.percentile(v, 95))) for s, v in times.items()},
    }


def main() -> None:
    """Grow the bases, measure each in a fresh process, print one table and write it as JSON."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--index", required=True)
    parser.add_argument("--sizes", default="30000,100000")
    parser.add_argument("--out", default=str(PROJECT_ROOT / "bench/out/scale"))
    parser.add_argument("--questions", default=str(PROJECT_ROOT / "evals/code_civil_frozen.jsonl"))
    parser.add_argument("--measure", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    questions = [json.loads(line)["question"] for line in Path(args.questions).read_text().splitlines() if line]
    if args.measure:
        print(json.dumps(measure(Path(args.measure), questions)))
        return
    base = Settings.from_env(index_dir=Path(args.index))
    out = Path(args.out)
    results = []
    for size in [0, *map(int, args.sizes.split(","))]:
        if size == 0:
            complete_layout(base.index_dir)
        settings = base if size == 0 else grow(base, size, out / f"size-{size}")
        command = [sys.executable, __file__, "--index", args.index, "--questions", args.questions]
        done = subprocess.run([*command, "--measure", str(settings.index_dir)], capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(done.stderr)
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
        env = os.environ | {"KBCHAT_INDEX_DIR": str(settings.index_dir)}
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "kbchat", "ask", questions[0]], env=env, capture_output=True, check=True)
        results[-1]["cold_cli_ask_s"] = time.perf_counter() - start
        print(json.dumps(results[-1]), file=sys.stderr, flush=True)
    (out / "scale.json").write_text(json.dumps(results, indent=1))
    print("Stages: p50 / p95 in ms, warm, over the questions asked twice; open, first answer and peak RSS in the")
    print("measuring process; cold CLI: `kbchat ask` in a new process, from start to exit.\n")
    print("| chunks | open | first answer | cold CLI | peak RSS | " + " | ".join(STAGES) + " |")
    print("| --- " * (len(STAGES) + 5) + "|")
    for r in results:
        cells = " | ".join(f"{p50:.1f} / {p95:.1f}" for p50, p95 in r["stages"].values())
        print(
            f"| {r['chunks']:,} | {r['open_s']:.1f} s | {r['first_answer_s'] * 1000:.0f} ms | "
            f"{r['cold_cli_ask_s']:.1f} s | {r['peak_rss_mb']:,.0f} MB | {cells} |"
        )


if __name__ == "__main__":
    main()
