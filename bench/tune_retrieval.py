"""Tune chunk size and fusion on PIAF dev: tune on one half of the articles, confirm on the other.

python bench/tune_retrieval.py [--chunk-tokens 128 200 256] [--weights 0 0.1 ...]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kbchat.config import Settings  # noqa: E402
from kbchat.evaluation import build_squad_index, dev_half, rank_metrics, rank_of, squad_items  # noqa: E402
from kbchat.fusion import (  # noqa: E402
    convex_fusion,
    normalize_max,
    normalize_minmax,
    reciprocal_rank_fusion,
    top_by_group,
)
from kbchat.knowledge_base import open_knowledge_base  # noqa: E402

PIAF = Path(__file__).resolve().parent.parent.parent / "shared/benchmarks/piaf/piaf-v1.0-dev.json"


def main() -> None:
    """Print one JSON line per (chunk size, fusion) with both halves' metrics."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--chunk-tokens", type=int, nargs="+", default=[128, 200, 256])
    parser.add_argument("--weights", type=float, nargs="+", default=[0, 0.1, 0.2, 0.3, 0.4, 0.5, 1.0])
    parser.add_argument("--fetch-k", type=int, default=100)
    args = parser.parse_args()
    documents, items = squad_items(PIAF)
    half_of = dev_half(items)
    for size in args.chunk_tokens:
        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings.from_env().with_(chunk_tokens=size, dense_fetch_k=args.fetch_k)
            kb = open_knowledge_base(build_squad_index(documents, settings, Path(tmp)))
            retriever = kb.retriever
            group_of = {cid: c.source for cid, c in retriever.by_id.items()}
            per_question = []
            for item in items:
                lexical = retriever.lexical_scores(retriever.query_terms(item.question))
                dense = retriever.dense_scores(item.question)
                per_question.append((item, lexical, dense))
            configs: dict[str, object] = {f"convex w={w}": w for w in args.weights}
            configs |= {f"rrf dense={w}": ("rrf", w) for w in (0.25, 0.5, 1.0)}
            for label, config in configs.items():
                ranks: dict[int, list[int | None]] = {0: [], 1: []}
                for item, lexical, dense in per_question:
                    if isinstance(config, tuple):
                        lex_rank = sorted(lexical, key=lambda k: -lexical[k])
                        den_rank = sorted(dense, key=lambda k: -dense[k])
                        fused = reciprocal_rank_fusion([lex_rank, den_rank], [1.0, config[1]])
                    else:
                        fused = convex_fusion(
                            [normalize_max(lexical), normalize_minmax(dense)], [1 - float(config), float(config)]
                        )
                    ranked = [s for s, _ in top_by_group(fused, group_of)]
                    ranks[half_of[(item.source or "")[:5]]].append(rank_of(ranked, item.source))
                row = {
                    "chunk_tokens": size,
                    "fusion": label,
                    "tune": rank_metrics(ranks[0]),
                    "confirm": rank_metrics(ranks[1]),
                }
                print(json.dumps(row), flush=True)
            kb.close()


if __name__ == "__main__":
    main()
