"""Would a nonlinear reranker rank better than the linear one, on the same features and candidates?

python bench/reranker_nonlinear.py [--hidden 8 16] [--l2 0.001 0.01]
The reranker's candidates and features of every PIAF dev question (kbchat.evaluation.training.collect); the linear
model as `kbchat train-reranker` fits it, and a linear part plus one hidden layer of tanh units, fitted the same way
(listwise, L-BFGS, on half 0). Prints hit@1 / hit@5 / MRR@10 of each on both halves.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Sequence

import numpy as np
import torch

from kbchat.config import Settings
from kbchat.evaluation.datasets import PIAF_DEV, dev_half
from kbchat.evaluation.runner import squad_knowledge_base
from kbchat.evaluation.training import StandardizedLists, TrainingQuestion, collect, fit_listwise, half_metrics

L2 = 0.003  # the shipped reranker's


def fit_hidden_layer(
    questions: Sequence[TrainingQuestion], hidden: int, l2: float
) -> Callable[[TrainingQuestion], np.ndarray]:
    """A linear part plus one hidden layer of tanh units, fitted listwise; returns the scorer of a question."""
    torch.manual_seed(0)
    kept = [q for q in questions if q.labels.any()]
    lists = StandardizedLists.of([q.rows for q in kept], [q.labels for q in kept])
    width = lists.x.shape[1]
    inner = (torch.randn(width, hidden, dtype=torch.float64) * 0.1).requires_grad_()
    bias = torch.zeros(hidden, dtype=torch.float64, requires_grad=True)
    outer = (torch.randn(hidden, dtype=torch.float64) * 0.1).requires_grad_()
    linear = torch.zeros(width, dtype=torch.float64, requires_grad=True)
    params = [inner, bias, outer, linear]
    optimizer = torch.optim.LBFGS(params, max_iter=500, line_search_fn="strong_wolfe")

    def score(values: torch.Tensor) -> torch.Tensor:
        return values @ linear + torch.tanh(values @ inner + bias) @ outer

    def loss_fn() -> torch.Tensor:
        optimizer.zero_grad()
        loss = lists.loss(score(lists.x)) + l2 * sum((p**2).sum() for p in params)
        loss.backward()
        return loss

    optimizer.step(loss_fn)

    def scorer(question: TrainingQuestion) -> np.ndarray:
        with torch.no_grad():
            return score(lists.standardized(question.rows)).numpy()

    return scorer


def main() -> None:
    """Print the linear and the nonlinear rerankers' figures on both halves."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--hidden", type=int, nargs="+", default=[8, 16], help="hidden units to try")
    parser.add_argument("--l2", type=float, nargs="+", default=[0.001, 0.01], help="L2 penalties to try")
    args = parser.parse_args()
    with squad_knowledge_base(PIAF_DEV, Settings.from_env(), load_model=False) as (kb, _, items):
        questions = collect(kb, items, dev_half(items))
    fitted = [q for q in questions if q.half == 0]
    linear = fit_listwise(fitted, L2)
    models = {f"linear, L2 {L2}": lambda q: linear.score(q.rows)}
    for hidden in args.hidden:
        for l2 in args.l2:
            models[f"{hidden} tanh units, L2 {l2}"] = fit_hidden_layer(fitted, hidden, l2)
    for label, scorer in models.items():
        line = {f"half {h}": half_metrics(questions, scorer, h) for h in (0, 1)}
        print(f"{label:<28} {json.dumps(line)}", flush=True)


if __name__ == "__main__":
    main()
