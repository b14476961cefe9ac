"""Tune the first stage's fusion weights on PIAF dev: BM25 on stems, 4-gram BM25, soft matching and dense similarity.

python bench/tune_first_stage.py [--ngrams 0 0.1 0.2 0.3] [--soft 0 0.1 0.2 0.3 0.4] [--dense 0.1 0.2 0.3] [--rrf]
(`--ngrams 0 --soft 1 --dense 0` gives soft matching alone, `--ngrams 1 --soft 0 --dense 0` 4-gram BM25 alone;
--rrf adds weighted reciprocal rank fusion of BM25 and dense.)
Fusion alone, before reranking: one JSON line per weighting with both halves' metrics and how many gold paragraphs
reach the reranker's candidates, best first by half 0 (hit@5, then MRR@10). Half 0 chooses, half 1 confirms.
"""

from __future__ import annotations

import argparse
import itertools
import json
from dataclasses import replace

from kbchat.ask.fusion import fuse, reciprocal_rank_fusion, top_by_group
from kbchat.config import FusionWeights, Settings
from kbchat.evaluation.datasets import PIAF_DEV, dev_half, half_of
from kbchat.evaluation.metrics import rank_metrics, rank_of
from kbchat.evaluation.runner import squad_knowledge_base


def main() -> None:
    """Collect the four rankings of every question once, then fuse them with each weighting."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--ngrams", type=float, nargs="+", default=[0, 0.1, 0.2, 0.3])
    parser.add_argument("--soft", type=float, nargs="+", default=[0, 0.1, 0.2, 0.3, 0.4])
    parser.add_argument("--dense", type=float, nargs="+", default=[0.1, 0.2, 0.3])
    parser.add_argument("--rrf", action="store_true")
    args = parser.parse_args()
    settings = Settings.from_env()
    # Every ranking has weight here, so that each is computed once per question.
    every = replace(settings, dense_weight=0.25, ngram_weight=0.25, soft_weight=0.25)
    with squad_knowledge_base(PIAF_DEV, every, load_model=False) as (kb, _, items):
        retriever = kb.retriever
        rankings = [retriever.rankings(retriever.analyze(item.question)) for item in items]
        group_of = {key: chunk.source for key, chunk in kb.indexes.by_id.items()}
    halves = dev_half(items)
    fusions = {
        str([round(1 - n - s - d, 6), n, s, d]): FusionWeights(d, n, s)
        for n, s, d in itertools.product(args.ngrams, args.soft, args.dense)
        if n + s + d <= 1 + 1e-9
    }
    rows = []
    for label, weights in [*fusions.items(), *([(f"rrf dense={w}", w) for w in (0.25, 0.5, 1.0)] if args.rrf else [])]:
        ranks: dict[int, list[int | None]] = {0: [], 1: []}
        reached = {0: 0, 1: 0}
        for item, found in zip(items, rankings, strict=True):
            if isinstance(weights, FusionWeights):
                fused = fuse(weights, found.lexical, found.ngrams, found.soft, found.dense)
            else:
                order = [sorted(r, key=lambda k, r=r: -r[k]) for r in (found.lexical, found.dense)]
                fused = reciprocal_rank_fusion(order, [1.0, weights])
            ranked = [source for source, _ in top_by_group(fused[: settings.rerank_depth], group_of)]
            half = half_of(item, halves) or 0
            ranks[half].append(rank_of(ranked, item.source or ""))
            reached[half] += (item.source or "") in ranked
        rows.append(
            {
                "weights (stems, 4-grams, soft, dense)": label,
                "tune": rank_metrics(ranks[0]),
                "confirm": rank_metrics(ranks[1]),
                "gold among the candidates": reached,
            }
        )
    for row in sorted(rows, key=lambda r: (-(r["tune"]["hit@5"] or 0), -(r["tune"]["mrr@10"] or 0))):
        print(json.dumps(row))


if __name__ == "__main__":
    main()
