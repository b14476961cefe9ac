"""BM25-only PIAF retrieval (whole paragraphs) under analyzer variants and BM25 parameters.

python bench/analyzer_variants.py
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from kbchat import analyzer  # noqa: E402
from kbchat.evaluation import squad_items  # noqa: E402
from kbchat.lexical_store import LexicalIndex  # noqa: E402

PIAF = Path(__file__).resolve().parent.parent.parent / "shared/benchmarks/piaf/piaf-v1.0-dev.json"


def no_stem(text: str, stopwords: frozenset[str]) -> list[str]:
    """Accent-folded words, no stemming."""
    return [analyzer.fold_accents(w) for w in analyzer.words(text) if analyzer.fold_accents(w) not in stopwords]


def run(
    label: str, doc_fn: Callable[[str], list[str]], query_fn: Callable[[str], list[str]], k1: float, b: float
) -> None:
    """Print hit@1, hit@5, MRR@10 for one variant."""
    documents, items = squad_items(PIAF)
    names = list(documents)
    index = LexicalIndex.build(names, [doc_fn(documents[n]) for n in names], k1, b)
    h1 = h5 = mrr = 0.0
    for item in items:
        order = np.argsort(-index.scores(query_fn(item.question)))[:10]
        ranked = [names[i] for i in order]
        if item.source in ranked:
            rank = ranked.index(item.source) + 1
            h1 += rank == 1
            h5 += rank <= 5
            mrr += 1 / rank
    n = len(items)
    print(f"{label:<40} k1={k1} b={b}  hit@1 {h1 / n:.4f}  hit@5 {h5 / n:.4f}  mrr@10 {mrr / n:.4f}", flush=True)


def main() -> None:
    """Compare the variants side by side."""
    sw, qsw = analyzer.STOPWORDS, analyzer.QUERY_STOPWORDS
    run("current", analyzer.analyze, analyzer.analyze_query, 0.9, 0.4)
    run("no stemming", lambda t: no_stem(t, sw), lambda t: no_stem(t, qsw), 0.9, 0.4)
    run("no question-word removal", analyzer.analyze, analyzer.analyze, 0.9, 0.4)
    for k1, b in ((1.2, 0.75), (0.7, 0.3), (0.9, 0.3), (1.2, 0.4), (0.9, 0.6)):
        run("current", analyzer.analyze, analyzer.analyze_query, k1, b)


if __name__ == "__main__":
    main()
