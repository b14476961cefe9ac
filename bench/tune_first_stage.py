"""Tune the first stage's fusion weights on PIAF dev: BM25 on stems, 4-gram BM25, soft matching and dense similarity.

python bench/tune_first_stage.py [--ngrams 0 0.1 0.2 0.3] [--soft 0 0.1 0.2 0.3 0.4] [--dense 0.1 0.2 0.3]
(`--ngrams 0 --soft 1 --dense 0` gives soft matching alone, `--ngrams 1 --soft 0 --dense 0` 4-gram BM25 alone.)
Fusion alone, before reranking: one JSON line per weighting with both halves' metrics and how many gold paragraphs
reach the reranker's candidates, best first by half 0 (hit@5, then MRR@10). Half 0 chooses, half 1 confirms.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kbchat.config import PROJECT_ROOT, Settings  # noqa: E402
from kbchat.evaluation import build_squad_index, dev_half, rank_metrics, rank_of, squad_items  # noqa: E402
from kbchat.fusion import top_by_group  # noqa: E402
from kbchat.knowledge_base import open_knowledge_base  # noqa: E402
from kbchat.retrieval import FusionWeights  # noqa: E402

PIAF = PROJECT_ROOT.parent / "shared/benchmarks/piaf/piaf-v1.0-dev.json"


def main() -> None:
    """Collect the four rankings of every question once, then fuse them with each weighting."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--ngrams", type=float, nargs="+", default=[0, 0.1, 0.2, 0.3])
    parser.add_argument("--soft", type=float, nargs="+", default=[0, 0.1, 0.2, 0.3, 0.4])
    parser.add_argument("--dense", type=float, nargs="+", default=[0.1, 0.2, 0.3])
    args = parser.parse_args()
    settings = Settings.from_env()
    documents, items = squad_items(PIAF)
    half_of = dev_half(items)
    with tempfile.TemporaryDirectory() as tmp:
        kb = open_knowledge_base(build_squad_index(documents, settings, Path(tmp)), load_model=False)
        retriever = kb.retriever
        rankings = [
            (
                retriever.lexical_scores(retriever.query_terms(item.question)),
                retriever.ngram_scores(item.question),
                retriever.soft_scores(item.question),
                retriever.dense_scores(item.question),
            )
            for item in items
        ]
        group_of = {key: chunk.source for key, chunk in retriever.by_id.items()}
        kb.close()
    rows = []
    for ngrams, soft, dense in itertools.product(args.ngrams, args.soft, args.dense):
        weights = FusionWeights(dense, ngrams, soft)
        if weights.lexical < -1e-9:
            continue
        ranks: dict[int, list[int | None]] = {0: [], 1: []}
        reached = {0: 0, 1: 0}
        for item, scores in zip(items, rankings, strict=True):
            half = half_of[(item.source or "")[:5]]
            ranked = [source for source, _ in top_by_group(weights.fuse(*scores)[: settings.rerank_depth], group_of)]
            ranks[half].append(rank_of(ranked, item.source or ""))
            reached[half] += (item.source or "") in ranked
        rows.append(
            {
                "weights (stems, 4-grams, soft, dense)": [round(weights.lexical, 6), ngrams, soft, dense],
                "tune": rank_metrics(ranks[0]),
                "confirm": rank_metrics(ranks[1]),
                "gold among the candidates": reached,
            }
        )
    for row in sorted(rows, key=lambda r: (-(r["tune"]["hit@5"] or 0), -(r["tune"]["mrr@10"] or 0))):
        print(json.dumps(row))


if __name__ == "__main__":
    main()
