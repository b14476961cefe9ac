"""The evaluation report (`make eval`): metrics beside baselines, ablations, hit@k plot and sampled failures."""

from __future__ import annotations

import random
import shutil
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from kbchat.config import BUNDLED_E5, BUNDLED_MODEL, PROJECT_ROOT, Settings
from kbchat.evaluation.datasets import DCI_FROZEN, DCI_QUESTIONS, EvalItem, dev_half, half_of, read_questions
from kbchat.evaluation.metrics import METRIC_KEYS, ItemResult, answer_correct, by_category, rank_of, summarize
from kbchat.evaluation.runner import run_items, squad_knowledge_base
from kbchat.index.ingest import sync
from kbchat.knowledge_base import KnowledgeBase, open_knowledge_base

FAILURES_SHOWN = 10
ENCODERS = (BUNDLED_E5, BUNDLED_MODEL)

# Each row of the report is the shipped settings with these changed: KBCHAT_<NAME>=<value> gives the same row.
RETRIEVERS: dict[str, Mapping[str, object]] = {
    "kbchat (hybrid)": {},
    "BM25 French alone": {"dense_weight": 0.0, "ngram_weight": 0.0, "soft_weight": 0.0, "rerank_depth": 0},
    "dense alone": {"dense_weight": 1.0, "ngram_weight": 0.0, "soft_weight": 0.0, "rerank_depth": 0},
}
ABLATIONS: dict[str, Mapping[str, object]] = {
    "without reranking": {"rerank_depth": 0},
    "reranking the 30 best fused only (no other ranking's best 10)": {"rerank_depth": 30, "rerank_each": 0},
    "without sentence vectors in the reranker": {"sentence_vectors": False},
    "without dense retrieval in the first stage": {"dense_weight": 0.0},
    "without 4-gram BM25 in the first stage": {"ngram_weight": 0.0},
    "without soft matching in the first stage": {"soft_weight": 0.0},
    "without acronym expansion": {"expand_acronyms": False},
    "without spelling correction": {"correct_spelling": False},
    "without answer-type preference": {"answer_prefer_typed": False, "answer_type_weight": 0.0},
    "without retrieval rank in sentence choice": {"answer_rank_weight": 0.0},
    "one sentence only": {"answer_max_sentences": 1},
    "without refusal": {"refusal_threshold": -1.0},
}


def environment(changes: Mapping[str, object]) -> str:
    """The KBCHAT_* variables that give a row's settings."""
    words = [f"KBCHAT_{k.upper()}={str(v).lower() if isinstance(v, bool) else v}" for k, v in changes.items()]
    return " ".join(words) or "(defaults)"


def variant(kb: KnowledgeBase, changes: Mapping[str, object]) -> KnowledgeBase:
    """The knowledge base asked with some settings changed (the reranker is not refitted)."""
    return kb.configured(replace(kb.settings, **changes))


@dataclass
class Run:
    """The results of one configuration on one question set."""

    label: str
    results: list[ItemResult]

    def metrics(self, keep: Callable[[ItemResult], bool] = lambda r: True) -> dict[str, float | int | None]:
        """The metrics of the results that keep() accepts."""
        return summarize([r for r in self.results if keep(r)])


def hit_at_k(results: Sequence[ItemResult], k: int) -> float:
    """Share of questions whose expected source is among the first k."""
    ranks = [rank_of(r.ranked_sources, r.item.source or "") for r in results if r.item.source]
    return sum(1 for r in ranks if r is not None and r <= k) / max(len(ranks), 1)


def _table(rows: list[tuple[str, dict[str, float | int | None]]], keys: Sequence[str] = METRIC_KEYS) -> str:
    """A Markdown table of metrics, one row per configuration."""
    head = "| configuration | " + " | ".join(keys) + " |"
    rule = "| --- |" + " --- |" * len(keys)
    body = [f"| {label} | " + " | ".join("—" if m[k] is None else f"{m[k]}" for k in keys) + " |" for label, m in rows]
    return "\n".join([head, rule, *body])


def _plot(runs: Sequence[Run], path: Path) -> None:
    """hit@k for k = 1..10, one line per retriever."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ks = list(range(1, 11))
    figure, axis = plt.subplots(figsize=(7, 4.5), dpi=110)
    for run in runs:
        axis.plot(ks, [hit_at_k(run.results, k) for k in ks], marker="o", label=run.label)
    axis.set_xlabel("k")
    axis.set_ylabel("hit@k (gold paragraph in the first k)")
    axis.set_title("PIAF dev: hit@k by retriever")
    axis.set_xticks(ks)
    axis.set_ylim(0, 1)
    axis.grid(alpha=0.3)
    axis.legend()
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)


def _failures(run: Run, documents: dict[str, str], seed: int = 7) -> str:
    """Ten sampled wrong answers with the expected paragraph and what came back."""
    wrong = [
        r
        for r in run.results
        if not (r.answered and r.item.expect_any and answer_correct(r.answer, r.item.expect_any, r.item.expect_all))
    ]
    sample = random.Random(seed).sample(wrong, min(FAILURES_SHOWN, len(wrong)))
    blocks = []
    for number, result in enumerate(sample, start=1):
        expected = documents.get(result.item.source or "", "").split("\n", 2)[-1].strip()
        returned = result.ranked_sources[0] if result.ranked_sources else "(rien)"
        rank = rank_of(result.ranked_sources, result.item.source or "")
        blocks.append(
            f"{number}. **{result.item.question}** — attendu : « {result.item.expect_any[0]} » "
            f"dans `{result.item.source}` (rang {rank or '> 10'}), premier renvoyé : `{returned}`\n"
            f"   - paragraphe attendu : {_clip(expected)}\n"
            f"   - réponse : {_clip(result.answer) if result.answered else '(refus) ' + _clip(result.answer, 80)}"
        )
    return "\n".join(blocks)


def _clip(text: str, limit: int = 300) -> str:
    """One line, at most limit characters."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _encoder_runs(piaf: Path, settings: Settings, items: Sequence[EvalItem]) -> dict[str, Run]:
    """Dense alone and the fusion without reranking, with one encoder (its own index of the same paragraphs)."""
    rows = {"dense alone": RETRIEVERS["dense alone"], "fused, not reranked": ABLATIONS["without reranking"]}
    with squad_knowledge_base(piaf, settings, load_model=False) as (kb, _, _):
        return {label: Run(label, run_items(variant(kb, changes), items)) for label, changes in rows.items()}


def _settings_table() -> str:
    """The environment that reproduces each row of the report."""
    rows = [f"| {label} | `{environment(c)}` |" for label, c in {**RETRIEVERS, **ABLATIONS}.items()]
    return "\n".join(["| row | environment |", "| --- | --- |", *rows])


def write_report(piaf: Path, out_dir: Path, settings: Settings, limit: int | None = None) -> Path:
    """Run every configuration on PIAF and the DCI sets and write out_dir/evaluation.md."""
    started = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    with squad_knowledge_base(piaf, settings) as (kb, documents, items):
        items = items[:limit] if limit else items
        retriever_runs = [Run(label, run_items(variant(kb, c), items)) for label, c in RETRIEVERS.items()]
        ablation_runs = [Run(label, run_items(variant(kb, c), items)) for label, c in ABLATIONS.items()]
    encoder_rows = [
        (f"{model}, {label}", run.metrics())
        for model in ENCODERS
        for label, run in _encoder_runs(piaf, settings.with_(embedding_model=model), items).items()
    ]
    halves = dev_half(items)
    with tempfile.TemporaryDirectory(prefix="kbchat-report-") as tmp:
        dci_settings = settings.with_(kb_dir=Path(tmp) / "dci-kb", index_dir=Path(tmp) / "dci-index")
        shutil.copytree(PROJECT_ROOT / "kb", dci_settings.kb_dir)
        sync(dci_settings)
        dci = open_knowledge_base(dci_settings)
        dci_run = Run("DCI question set", run_items(dci, read_questions(DCI_QUESTIONS)))
        frozen_run = Run("frozen DCI set (evals/)", run_items(dci, read_questions(DCI_FROZEN)))
        ood_items = [replace(i, answerable=False, source=None, expect_any=()) for i in items]
        ood_run = Run("PIAF asked of the DCI knowledge base", run_items(dci, ood_items))
        dci.close()
    main = retriever_runs[0]
    _plot(retriever_runs, out_dir / "hit_at_k.png")
    in_half = {h: (lambda r, h=h: half_of(r.item, halves) == h) for h in (0, 1)}
    text = f"""# Evaluation

Written by `make eval` (`python -m kbchat report`) in {time.perf_counter() - started:.0f} s on this machine.
PIAF v1.0 dev: {len(documents)} paragraphs indexed (one document per paragraph), {len(items)} questions.
Embedding model: `{settings.embedding_model}`. Every row below was measured in the same run, on the same index.

## PIAF dev, full

{_table([(r.label, r.metrics()) for r in retriever_runs])}

## Encoders side by side

Each encoder indexes the same paragraphs; the reranker was fitted for the shipped encoder, so both are compared
before reranking.

{_table(encoder_rows)}

## PIAF dev, by half (half 0 tuned the weights and trained the reranker, half 1 confirms)

{
        _table(
            [
                ("kbchat, half 0 (tune)", main.metrics(in_half[0])),
                ("kbchat, half 1 (confirm)", main.metrics(in_half[1])),
                ("BM25 alone, half 0", retriever_runs[1].metrics(in_half[0])),
                ("BM25 alone, half 1", retriever_runs[1].metrics(in_half[1])),
            ]
        )
    }

## Ablations (each component switched off in turn)

A first-stage ranking switched off gives its weight to BM25 on stems; the reranker is not refitted.

{
        _table(
            [
                (main.label, main.metrics()),
                *[(r.label, r.metrics()) for r in ablation_runs],
            ]
        )
    }

## Settings of each row

Every row above is the shipped configuration with these variables set (`KBCHAT_…` as in the README):

{_settings_table()}

## Refusals and the DCI question set

{
        _table(
            [
                (dci_run.label, dci_run.metrics()),
                (frozen_run.label, frozen_run.metrics()),
                (ood_run.label, ood_run.metrics()),
            ]
        )
    }

The frozen DCI set by class (written before tuning, never edited; `evals/README.md`):

{_table([(f"class {c}", m) for c, m in by_category(frozen_run.results).items()])}

## Citations

Every citation marker of every PIAF answer points to a returned source that contains the quoted text:
{sum(r.grounded for r in main.results)} of {len(main.results)} answers checked,
{sum(not r.grounded for r in main.results)} violations.

## hit@k

![hit@k for k = 1..10](hit_at_k.png)

## Ten sampled failures (kbchat)

{_failures(main, documents)}
"""
    path = out_dir / "evaluation.md"
    path.write_text(text, encoding="utf-8")
    return path
