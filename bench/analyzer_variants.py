"""BM25-only PIAF retrieval (whole paragraphs) under analyzer variants, BM25 parameters, title context and PRF.

python bench/analyzer_variants.py
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import numpy as np

from kbchat.evaluation.datasets import PIAF_DEV, squad_items
from kbchat.index.lexical_store import LexicalIndex
from kbchat.text import analyzer

DOCUMENTS, ITEMS = squad_items(PIAF_DEV)


def no_stem(text: str, stopwords: frozenset[str]) -> list[str]:
    """Accent-folded words, no stemming."""
    folded = (analyzer.fold_accents(w) for w in analyzer.words(text))
    return [w for w in folded if w not in stopwords]


def body(document: str) -> str:
    """The paragraph without its title line."""
    return document.split("\n", 1)[1]


def expanded(index: LexicalIndex, tokens: list[list[str]], query: list[str], docs: int, terms: int) -> list[str]:
    """Pseudo-relevance feedback: the best tf-idf terms of the top documents, not already in the query."""
    counts: Counter[str] = Counter()
    for i in np.argsort(-index.scores(query))[:docs]:
        for term, count in Counter(tokens[i]).items():
            counts[term] += count * index.idf(term)
    return [t for t, _ in counts.most_common(terms + len(query)) if t not in query][:terms]


def run(
    label: str,
    doc_fn: Callable[[str], list[str]],
    query_fn: Callable[[str], list[str]],
    k1: float = 0.9,
    b: float = 0.4,
    prf: tuple[float, int, int] | None = None,
) -> None:
    """Print hit@1, hit@5, MRR@10 for one variant."""
    names = list(DOCUMENTS)
    tokens = [doc_fn(DOCUMENTS[n]) for n in names]
    index = LexicalIndex.build(names, tokens, k1, b)
    h1 = h5 = mrr = 0.0
    for item in ITEMS:
        query = query_fn(item.question)
        scores = index.scores(query)
        if prf is not None:
            weight, docs, terms = prf
            extra = index.scores(expanded(index, tokens, query, docs, terms))
            scores = scores / (scores.max() or 1) + weight * extra / (extra.max() or 1)
        ranked = [names[i] for i in np.argsort(-scores)[:10]]
        if item.source in ranked:
            rank = ranked.index(item.source) + 1
            h1 += rank == 1
            h5 += rank <= 5
            mrr += 1 / rank
    n = len(ITEMS)
    print(f"{label:<44} k1={k1} b={b}  hit@1 {h1 / n:.4f}  hit@5 {h5 / n:.4f}  mrr@10 {mrr / n:.4f}", flush=True)


def main() -> None:
    """Compare the variants side by side."""
    sw, qsw = analyzer.STOPWORDS, analyzer.QUERY_STOPWORDS
    run("current", analyzer.analyze, analyzer.analyze_query)
    run("no stemming", lambda t: no_stem(t, sw), lambda t: no_stem(t, qsw))
    run("no question-word removal", analyzer.analyze, analyzer.analyze)
    run("no title line in the indexed text", lambda t: analyzer.analyze(body(t)), analyzer.analyze_query)
    for k1, b in ((1.2, 0.75), (0.7, 0.3), (0.9, 0.3), (1.2, 0.4), (0.9, 0.6)):
        run("current", analyzer.analyze, analyzer.analyze_query, k1, b)
    for prf in ((0.1, 3, 10), (0.2, 5, 20), (0.3, 3, 10)):
        run(f"pseudo-relevance feedback {prf}", analyzer.analyze, analyzer.analyze_query, prf=prf)


if __name__ == "__main__":
    main()
