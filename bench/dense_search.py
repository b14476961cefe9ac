"""Chroma's graph search against exact search: recall of the top k, agreement of two opens, time per query.

python bench/dense_search.py --index INDEX_DIR [--questions FILE] [--ef 100 200 500] [--k 50]
INDEX_DIR is a built index (`KBCHAT_INDEX_DIR`); FILE is a JSONL question set or a SQuAD-format file (default: the
frozen Code civil set). For each breadth (ef_search), two private copies of the snapshot's Chroma store are opened
and asked every question; recall is the share of the exact k nearest chunks (every vector scored) that the first
copy returns, and agreement counts the questions whose k ids come out the same from both. Times are per query, taken
on the second copy, one breadth after the other in one run: compare them as ratios.
"""

from __future__ import annotations

import argparse
import shutil
import time
from pathlib import Path
from typing import Any

import numpy as np

from kbchat.config import PROJECT_ROOT
from kbchat.evaluation.datasets import read_questions, squad_items
from kbchat.index import snapshot
from kbchat.index.dense_store import COLLECTION, embedded_client
from kbchat.index.embedding import SentenceEmbeddings, base_model
from kbchat.index.private_copy import private_copy


def open_copy(folder: Path, ef: int) -> tuple[Any, Path]:
    """The chunk collection of a private copy of the snapshot's store, searched with breadth ef."""
    private = private_copy(folder / "chroma")
    collection = embedded_client(private / "chroma").get_collection(COLLECTION, embedding_function=None)
    collection.modify(configuration={"hnsw": {"ef_search": ef}})
    return collection, private


def questions_of(path: Path) -> list[str]:
    """The questions of a JSONL set or a SQuAD-format file."""
    items = squad_items(path)[1] if path.suffix == ".json" else read_questions(path)
    return [item.question for item in items]


def main() -> None:
    """Print one line per breadth."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--questions", type=Path, default=PROJECT_ROOT / "evals" / "code_civil_frozen.jsonl")
    parser.add_argument("--ef", type=int, nargs="+", default=[100, 200, 500])
    parser.add_argument("--k", type=int, default=50)
    args = parser.parse_args()
    folder = snapshot.require_snapshot(args.index)
    manifest = snapshot.read_manifest(folder)
    model = base_model(manifest.embedding_model)
    encoder = SentenceEmbeddings(model, "onnx" if model == manifest.embedding_model else "onnx-int8")
    asked = np.asarray([encoder.embed_query(q) for q in questions_of(args.questions)], dtype=np.float32)
    reference, private = open_copy(folder, args.ef[0])
    stored = reference.get(include=["embeddings"])
    ids, matrix = np.asarray(stored["ids"]), np.asarray(stored["embeddings"], dtype=np.float32)
    shutil.rmtree(private, ignore_errors=True)
    exact = [set(ids[np.argsort(-(matrix @ q))[: args.k]]) for q in asked]
    print(f"{len(ids)} chunks, {len(asked)} questions, top {args.k}")
    for ef in args.ef:
        (first, one), (second, other) = open_copy(folder, ef), open_copy(folder, ef)
        found = [first.query(query_embeddings=[q.tolist()], n_results=args.k)["ids"][0] for q in asked]
        start = time.perf_counter()
        again = [second.query(query_embeddings=[q.tolist()], n_results=args.k)["ids"][0] for q in asked]
        per_query = (time.perf_counter() - start) / len(asked) * 1000
        recall = np.mean([len(set(f) & e) / len(e) for f, e in zip(found, exact, strict=True)])
        differ = sum(f != a for f, a in zip(found, again, strict=True))
        print(f"ef_search {ef:4d}: recall {recall:.5f}   opens disagree on {differ:4d}   {per_query:6.2f} ms per query")
        for path in (one, other):
            shutil.rmtree(path, ignore_errors=True)


if __name__ == "__main__":
    main()
