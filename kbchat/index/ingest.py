"""Incremental ingest: sync the index snapshot with the documents in the knowledge-base folder."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from kbchat.config import Settings
from kbchat.corpus.chunking import Chunk, chunk_blocks
from kbchat.corpus.inspection import read_checked
from kbchat.corpus.loading import LoadedDocument, list_documents, load_document
from kbchat.errors import DocumentError, KbchatError, ModelMismatchError
from kbchat.index.dense_store import DenseStore
from kbchat.index.embedding import SentenceEmbeddings, base_model, ensure_same_model, model_identity
from kbchat.index.faults import fault_point
from kbchat.index.locations import Location, location_for
from kbchat.index.snapshot import FORMAT, DocumentEntry, Manifest, ingest_lock, now_iso
from kbchat.text.acronyms import acronym_terms, spelled_acronyms

ProgressCallback = Callable[[float, float], None]  # (done, total): documents read, then chunks embedded
LOAD_SHARE = 0.3
SUMMARY_WORDS = {
    "en": ("Dry run, would apply: ", "added", "updated", "removed", "unchanged", "failed", "; {} chunks in the index."),
    "fr": (
        "Simulation : ",
        "ajouté(s)",
        "mis à jour",
        "retiré(s)",
        "inchangé(s)",
        "en échec",
        " ; {} passages dans l'index.",
    ),
}
INGEST_BATCH = 64  # chunks embedded and written per step: the unit of the progress bar


@dataclass(frozen=True)
class SyncPlan:
    """Which documents an ingest run adds, replaces, removes and leaves alone."""

    added: list[str]
    changed: list[str]
    removed: list[str]
    unchanged: list[str]

    @property
    def has_changes(self) -> bool:
        """True when the run has anything to do."""
        return bool(self.added or self.changed or self.removed)


@dataclass
class SyncReport:
    """What an ingest run did (or, with dry_run, would do)."""

    plan: SyncPlan
    chunks: int
    embedded: int = 0
    dry_run: bool = False
    errors: dict[str, str] = field(default_factory=dict)

    def summary(self, language: str = "en") -> str:
        """One line: added, updated, removed, unchanged (failed), chunks; in English or French ("fr")."""
        words = SUMMARY_WORDS[language]
        counts = (len(self.plan.added), len(self.plan.changed), len(self.plan.removed), len(self.plan.unchanged))
        line = ", ".join(f"{n} {w}" for n, w in zip(counts, words[1:5], strict=True))
        if self.errors:
            line += f", {len(self.errors)} {words[5]}"
        return f"{words[0] if self.dry_run else ''}{line}{words[6].format(self.chunks)}"


def plan_sync(current: Mapping[str, str], previous: Mapping[str, str]) -> SyncPlan:
    """Compare document hashes now and at the last run."""
    return SyncPlan(
        added=sorted(s for s in current if s not in previous),
        changed=sorted(s for s in current if s in previous and previous[s] != current[s]),
        removed=sorted(s for s in previous if s not in current),
        unchanged=sorted(s for s in current if s in previous and previous[s] == current[s]),
    )


def hash_documents(kb_dir: Path, max_bytes: int) -> tuple[dict[str, tuple[str, int]], dict[str, str]]:
    """SHA-256 and size of every document that passes the file checks, and why each other one does not."""
    if not kb_dir.is_dir():
        raise KbchatError(f"Le dossier de la base de connaissances {kb_dir} n'existe pas.")
    out: dict[str, tuple[str, int]] = {}
    errors: dict[str, str] = {}
    for path in list_documents(kb_dir):
        source = path.relative_to(kb_dir).as_posix()
        try:
            data = read_checked(path, kb_dir, max_bytes)
        except DocumentError as exc:
            errors[source] = str(exc)
            continue
        out[source] = (hashlib.sha256(data).hexdigest(), len(data))
    return out, errors


def _previous_hashes(manifest: Manifest | None, settings: Settings, model: str) -> dict[str, str]:
    """Hashes of the last run; another chunk size, index format or model precision makes every document stale."""
    if manifest is None:
        return {}
    stale = (
        manifest.chunk_tokens != settings.chunk_tokens or manifest.format != FORMAT or manifest.embedding_model != model
    )
    return {s: ("" if stale else e.sha256) for s, e in manifest.documents.items()}


def sync(
    settings: Settings,
    *,
    dry_run: bool = False,
    rebuild: bool = False,
    show_progress: bool = False,
    on_progress: ProgressCallback | None = None,
) -> SyncReport:
    """Bring the index in line with the documents; only changed documents are embedded."""
    with ingest_lock(settings.index_dir):
        location = location_for(settings)
        if not dry_run:
            location.clean_leftovers()
        hashes, unreadable = hash_documents(settings.kb_dir, settings.max_file_bytes)
        manifest = None if rebuild else location.served_manifest()
        model = model_identity(settings.embedding_model, settings.engine)
        if manifest is not None:
            ensure_same_model(base_model(manifest.embedding_model), base_model(model))
        before = _previous_hashes(manifest, settings, model)
        # A document that fails the checks now keeps what the index holds of it, until it is fixed or removed.
        kept = {s: before[s] for s in unreadable if s in before}
        plan = plan_sync({s: h for s, (h, _) in hashes.items()} | kept, before)
        old_count = manifest.chunk_count if manifest else 0
        # An index written before acronym phrases were kept is rewritten once to keep them.
        stale = manifest is not None and bool(manifest.acronyms) and not manifest.acronym_phrases
        if dry_run or (manifest is not None and not plan.has_changes and not stale):
            return SyncReport(plan, old_count, dry_run=dry_run, errors=unreadable)
        return _apply(settings, location, plan, hashes, unreadable, manifest, show_progress, on_progress)


def _load_all(
    kb_dir: Path, sources: list[str], max_bytes: int, on_progress: ProgressCallback | None
) -> tuple[dict[str, LoadedDocument], dict[str, str]]:
    """Load documents, collecting per-file errors instead of stopping; reading is the first LOAD_SHARE of progress."""
    loaded: dict[str, LoadedDocument] = {}
    errors: dict[str, str] = {}
    for done, source in enumerate(sources):
        if on_progress is not None:
            on_progress(LOAD_SHARE * done / max(len(sources), 1), 1.0)
        try:
            loaded[source] = load_document(kb_dir / source, kb_dir, max_bytes)
        except DocumentError as exc:
            errors[source] = str(exc)
    return loaded, errors


def _apply(
    settings: Settings,
    location: Location,
    plan: SyncPlan,
    hashes: dict[str, tuple[str, int]],
    unreadable: dict[str, str],
    manifest: Manifest | None,
    show_progress: bool,
    on_progress: ProgressCallback | None,
) -> SyncReport:
    """Write a new snapshot with the plan applied, then publish it."""
    embeddings = SentenceEmbeddings(settings.embedding_model, settings.engine)
    if manifest is not None and manifest.dimension != embeddings.dimension:
        raise ModelMismatchError(
            "L'index contient des vecteurs d'une autre dimension : lancez `python ingest.py --rebuild`."
        )
    loaded, errors = _load_all(settings.kb_dir, plan.added + plan.changed, settings.max_file_bytes, on_progress)
    errors = unreadable | errors
    draft = location.draft(copy=manifest is not None)
    fault_point("loaded")
    dense: DenseStore | None = None
    try:
        dense = draft.open_dense(embeddings)
        chunks = location.served_chunks() if manifest is not None else []
        documents = dict(manifest.documents) if manifest is not None else {}
        dropped = set(plan.removed) | set(loaded)
        dense.delete([c.chunk_id for c in chunks if c.source in dropped])
        chunks = [c for c in chunks if c.source not in dropped]
        for source in dropped:
            documents.pop(source, None)
        new_chunks: list[Chunk] = []
        for source, doc in loaded.items():
            doc_chunks = chunk_blocks(source, doc.title, doc.blocks, settings.chunk_tokens, embeddings.count_tokens)
            new_chunks.extend(doc_chunks)
            sha, size = hashes[source]
            documents[source] = DocumentEntry(sha, doc.title, size, [c.chunk_id for c in doc_chunks], now_iso())
        _embed(dense, new_chunks, show_progress, on_progress)
        chunks = sorted(chunks + new_chunks, key=lambda c: (c.source, c.position))
        if dense.ids() != {c.chunk_id for c in chunks}:
            raise KbchatError(
                "Les index dense et lexical ne contiennent pas les mêmes passages : "
                "lancez `python ingest.py --rebuild`."
            )
        phrases = _acronyms(chunks)
        new_manifest = Manifest(
            embedding_model=embeddings.name,
            dimension=embeddings.dimension,
            chunk_tokens=settings.chunk_tokens,
            documents=dict(sorted(documents.items())),
            acronyms=acronym_terms(phrases),
            acronym_phrases=phrases,
            failures=dict(sorted(errors.items())),
        )
        draft.write(chunks, new_manifest, settings, {c.chunk_id for c in new_chunks})
        dense.close()
        dense = None
        fault_point("manifest")
        draft.publish()
    except BaseException:
        if dense is not None:
            dense.close()
        draft.discard()
        raise
    failed = set(errors)
    plan = SyncPlan(
        added=[s for s in plan.added if s not in failed],
        changed=[s for s in plan.changed if s not in failed],
        removed=plan.removed,
        unchanged=plan.unchanged,
    )
    return SyncReport(plan, len(chunks), embedded=len(new_chunks), errors=errors)


def _acronyms(chunks: list[Chunk]) -> dict[str, str]:
    """Acronyms each document spells out, merged over documents (the first definition wins)."""
    by_source: dict[str, list[str]] = {}
    for chunk in chunks:
        by_source.setdefault(chunk.source, [chunk.title]).append(chunk.text)
    merged: dict[str, str] = {}
    for texts in by_source.values():
        for acronym, phrase in spelled_acronyms(texts).items():
            merged.setdefault(acronym, phrase)
    return merged


def _embed(dense: DenseStore, chunks: list[Chunk], show_progress: bool, on_progress: ProgressCallback | None) -> None:
    """Embed and store chunks in batches, reporting progress."""
    from tqdm import tqdm

    # By length, so that each batch pads little: the encoder's cost is its longest text times the batch's size.
    chunks = sorted(chunks, key=lambda c: len(c.context_text()))
    with tqdm(total=len(chunks), desc="Embedding", unit="chunk", disable=not show_progress or not chunks) as bar:
        for start in range(0, len(chunks), INGEST_BATCH):
            batch = chunks[start : start + INGEST_BATCH]
            dense.add(batch)
            fault_point("embedding")
            bar.update(len(batch))
            if on_progress is not None:
                on_progress(LOAD_SHARE + (1 - LOAD_SHARE) * (start + len(batch)) / len(chunks), 1.0)
