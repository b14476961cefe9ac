"""The index folder on disk: snapshots, the CURRENT pointer, the manifest, chunk records and the lock."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from kbchat.corpus.chunking import Chunk
from kbchat.corpus.word_layout import WordLayout
from kbchat.errors import IndexBusyError, IndexMissingError
from kbchat.index.faults import fault_point

FORMAT = 7  # 2: sentence vectors beside the chunk vectors; 3: pooled within their chunk; 4: colon lists; 5: « -ée »;
# 6: numbers in words read as digits; 7: ordinals in digits end in « e »
POINTER = "CURRENT"
SNAPSHOTS = "snapshots"


@dataclass
class DocumentEntry:
    """What the index knows about one document."""

    sha256: str
    title: str
    size: int
    chunk_ids: list[str]
    indexed_at: str


@dataclass
class Manifest:
    """The index's description: model, chunking and documents."""

    embedding_model: str
    dimension: int
    chunk_tokens: int
    documents: dict[str, DocumentEntry] = field(default_factory=dict)
    acronyms: dict[str, list[str]] = field(default_factory=dict)
    acronym_phrases: dict[str, str] = field(default_factory=dict)  # each acronym as the documents spell it
    failures: dict[str, str] = field(default_factory=dict)  # why each document of kb/ left out could not be read
    updated_at: str = ""
    format: int = FORMAT

    @property
    def chunk_count(self) -> int:
        """Number of chunks over all documents."""
        return sum(len(d.chunk_ids) for d in self.documents.values())

    def to_json(self) -> str:
        """Serialize to JSON."""
        return json.dumps(asdict(self), ensure_ascii=False, indent=1)

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        """Parse a manifest written by to_json."""
        raw = json.loads(text)
        raw["documents"] = {k: DocumentEntry(**v) for k, v in raw.get("documents", {}).items()}
        return cls(**raw)


def now_iso() -> str:
    """The current UTC time, to the second."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def current_snapshot(index_dir: Path) -> Path | None:
    """The snapshot folder the CURRENT pointer names, or None without an index."""
    pointer = index_dir / POINTER
    if not pointer.is_file():
        return None
    folder = index_dir / SNAPSHOTS / pointer.read_text().strip()
    return folder if (folder / "manifest.json").is_file() else None


def require_snapshot(index_dir: Path) -> Path:
    """The current snapshot folder; raise IndexMissingError when there is none."""
    folder = current_snapshot(index_dir)
    if folder is None:
        raise IndexMissingError(f"Aucun index dans {index_dir} : lancez d'abord `python ingest.py`.")
    return folder


def snapshot_version(index_dir: Path) -> str:
    """A token that changes whenever ingest switches the index."""
    pointer = index_dir / POINTER
    return pointer.read_text().strip() if pointer.is_file() else ""


def read_manifest(folder: Path) -> Manifest:
    """The manifest of a snapshot."""
    return Manifest.from_json((folder / "manifest.json").read_text(encoding="utf-8"))


def snapshot_name() -> str:
    """A new snapshot's name: sortable by time, unique."""
    return f"{datetime.now(UTC).strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"


def new_snapshot(index_dir: Path) -> Path:
    """Create an empty, not yet current, snapshot folder."""
    folder = index_dir / SNAPSHOTS / snapshot_name()
    folder.mkdir(parents=True)
    return folder


def write_chunks(folder: Path, chunks: list[Chunk]) -> None:
    """Write the chunk records (text, metadata, analyzed terms as "tokens")."""
    with (folder / "chunks.jsonl").open("w", encoding="utf-8") as out:
        for c in chunks:
            record = {
                "chunk_id": c.chunk_id,
                "source": c.source,
                "title": c.title,
                "headings": list(c.headings),
                "text": c.text,
                "position": c.position,
                "tokens": list(c.terms),
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def read_chunks(folder: Path) -> list[Chunk]:
    """Read the chunk records of a snapshot, with the terms ingest analyzed."""
    chunks: list[Chunk] = []
    path = folder / "chunks.jsonl"
    if not path.is_file():
        return chunks
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            record["terms"] = tuple(map(sys.intern, record.pop("tokens")))  # a few distinct terms, repeated
            record["headings"] = tuple(record["headings"])
            chunks.append(Chunk(**record))
    return chunks


def write_sentence_vectors(folder: Path, vectors: dict[str, np.ndarray], order: list[str]) -> None:
    """Every chunk's sentence vectors as one float32 matrix, chunk after chunk in order, with each chunk's row count."""
    rows = [np.asarray(vectors.get(key, np.zeros((0, 0))), dtype=np.float32) for key in order]
    width = max((r.shape[1] for r in rows if r.size), default=0)
    matrix = np.vstack([r for r in rows if r.size]) if width else np.zeros((0, 0), dtype=np.float32)
    np.save(folder / "sentences.npy", matrix)
    counts = {"ids": order, "counts": [len(r) if r.size else 0 for r in rows]}
    (folder / "sentences.json").write_text(json.dumps(counts), encoding="utf-8")


def read_sentence_vectors(folder: Path) -> dict[str, np.ndarray] | None:
    """The sentence vectors ingest wrote, memory-mapped (views of one matrix); None for a snapshot without them."""
    if not (folder / "sentences.json").is_file():
        return None
    layout = json.loads((folder / "sentences.json").read_text(encoding="utf-8"))
    matrix = np.load(folder / "sentences.npy", mmap_mode="r")
    ends = np.cumsum(layout["counts"]).tolist()
    return {
        key: matrix[end - count : end]
        for key, count, end in zip(layout["ids"], layout["counts"], ends, strict=True)
        if count
    }


def write_word_layout(folder: Path, layout: WordLayout) -> None:
    """The chunks' content words laid out for soft matching, so that opening does not work them out again."""
    text = json.dumps({"ids": list(layout.ids), "vocabulary": layout.vocabulary}, ensure_ascii=False)
    (folder / "words.json").write_text(text, encoding="utf-8")
    np.savez(folder / "words.npz", columns=layout.columns, starts=layout.starts)


def read_word_layout(folder: Path) -> WordLayout | None:
    """The layout ingest wrote; None for a snapshot without it."""
    if not (folder / "words.json").is_file():
        return None
    arrays = np.load(folder / "words.npz")
    stored = json.loads((folder / "words.json").read_text(encoding="utf-8"))
    if isinstance(stored, list):  # written before the layout named its chunks
        stored = {"ids": [], "vocabulary": stored}
    return WordLayout(stored["vocabulary"], arrays["columns"], arrays["starts"], tuple(stored["ids"]))


def write_manifest(folder: Path, manifest: Manifest) -> None:
    """Write the manifest, last, so that a snapshot with a manifest is complete."""
    manifest.updated_at = now_iso()
    tmp = folder / "manifest.json.tmp"
    tmp.write_text(manifest.to_json(), encoding="utf-8")
    os.replace(tmp, folder / "manifest.json")


def publish(index_dir: Path, folder: Path) -> None:
    """Atomically make folder the served snapshot, then drop all but it and its predecessor."""
    previous = snapshot_version(index_dir)
    tmp = index_dir / f"{POINTER}.tmp"
    tmp.write_text(folder.name)
    with tmp.open() as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, index_dir / POINTER)
    fault_point("published")
    keep = {folder.name, previous}
    for other in (index_dir / SNAPSHOTS).iterdir():
        if other.name not in keep:
            shutil.rmtree(other, ignore_errors=True)


def clean_leftovers(index_dir: Path) -> list[str]:
    """Remove what killed runs left (unpublished snapshots, a half-written pointer); return the names removed.

    Called under the ingest lock: no other run is writing. A snapshot with a manifest was complete, so the served
    one and its predecessor (which a reader may still be opening) are the only ones kept.
    """
    snapshots = index_dir / SNAPSHOTS
    (index_dir / f"{POINTER}.tmp").unlink(missing_ok=True)
    if not snapshots.is_dir():
        return []
    served = snapshot_version(index_dir)
    complete = sorted(f.name for f in snapshots.iterdir() if (f / "manifest.json").is_file() and f.name != served)
    keep = {served, *complete[-1:]}
    removed = sorted(f.name for f in snapshots.iterdir() if f.name not in keep)
    for name in removed:
        shutil.rmtree(snapshots / name, ignore_errors=True)
    return removed


def discard(folder: Path) -> None:
    """Remove an unpublished snapshot."""
    shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def ingest_lock(index_dir: Path) -> Iterator[None]:
    """Hold the index folder's lock for one ingest run."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with (index_dir / ".lock").open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise IndexBusyError(f"Une indexation est déjà en cours sur {index_dir}.") from exc
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
