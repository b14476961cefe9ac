"""The evaluation runner: index a dataset with the regular ingest, ask every question, record what came back."""

from __future__ import annotations

import re
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from kbchat.ask.citations import citations_grounded
from kbchat.ask.fusion import top_by_group
from kbchat.config import Settings
from kbchat.evaluation.datasets import EvalItem, dev_half, half_of, squad_items
from kbchat.evaluation.metrics import ItemResult
from kbchat.generation.answerer import Answerer, answerer_for
from kbchat.index.ingest import sync
from kbchat.knowledge_base import KnowledgeBase, open_knowledge_base


def run_items(asked: KnowledgeBase | Answerer, items: Iterable[EvalItem]) -> list[ItemResult]:
    """Ask every question (of the knowledge base, or through an answerer) and record what came back."""
    results = []
    for item in items:
        start = time.perf_counter()
        answer = asked.ask(item.question, list(item.history))
        elapsed = (time.perf_counter() - start) * 1000
        group_of = {p.chunk.chunk_id: p.chunk.source for p in answer.ranked}
        ranked = tuple(s for s, _ in top_by_group([(p.chunk.chunk_id, p.score) for p in answer.ranked], group_of))
        results.append(
            ItemResult(
                item,
                ranked,
                answer.answer,
                answer.answered,
                tuple(s.source for s in answer.sources),
                elapsed,
                citations_grounded(answer),
                answer.quoted,
            )
        )
    return results


def build_squad_index(documents: dict[str, str], settings: Settings, workdir: Path) -> Settings:
    """Write the paragraphs as documents and index them with the regular ingest; return the settings to ask them."""
    kb_dir, index_dir = workdir / "kb", workdir / "index"
    kb_dir.mkdir(parents=True, exist_ok=True)
    for name, text in documents.items():
        (kb_dir / name).write_text(text, encoding="utf-8")
    squad_settings = settings.with_(kb_dir=kb_dir, index_dir=index_dir)
    sync(squad_settings, show_progress=True)
    return squad_settings


@contextmanager
def squad_workdir(path: Path, settings: Settings) -> Iterator[Path]:
    """Where a SQuAD file's index lives: under settings.squad_cache_dir, kept per model and chunk size, else temporary.

    A kept index is brought up to date by the regular incremental ingest, so a second run embeds nothing.
    """
    if settings.squad_cache_dir:
        model = re.sub(r"[^\w.-]+", "-", settings.embedding_model).strip("-")
        folder = Path(settings.squad_cache_dir).expanduser() / f"{path.stem}-{model}-{settings.chunk_tokens}"
        folder.mkdir(parents=True, exist_ok=True)
        yield folder
        return
    with tempfile.TemporaryDirectory(prefix="kbchat-squad-") as tmp:
        yield Path(tmp)


@contextmanager
def squad_knowledge_base(
    path: Path, settings: Settings, load_model: bool = True
) -> Iterator[tuple[KnowledgeBase, dict[str, str], list[EvalItem]]]:
    """A SQuAD file's paragraphs indexed (see squad_workdir) and opened, with its documents and questions."""
    documents, items = squad_items(path)
    with squad_workdir(path, settings) as workdir:
        kb = open_knowledge_base(build_squad_index(documents, settings, workdir), load_model=load_model)
        try:
            yield kb, documents, items
        finally:
            kb.close()


def evaluate_squad(
    path: Path, settings: Settings, limit: int | None = None, half: int | None = None
) -> list[ItemResult]:
    """Index a SQuAD file's paragraphs in a temporary folder and ask its questions (through KBCHAT_LLM's model).

    With half, only the questions of that half of the articles are asked (see dev_half); every paragraph is indexed.
    """
    with squad_knowledge_base(path, settings) as (kb, _, items):
        if half is not None:
            halves = dev_half(items)
            items = [item for item in items if half_of(item, halves) == half]
        return run_items(answerer_for(kb, settings), items[:limit] if limit else items)
