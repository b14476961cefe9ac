"""Incremental ingest against a real Chroma and the real model, in temporary folders."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from kbchat.ask.soft_matching import SoftIndex
from kbchat.config import Settings
from kbchat.corpus.profiles import content_words
from kbchat.errors import IndexMissingError, KbchatError, ModelMismatchError
from kbchat.index import dense_store
from kbchat.index.ingest import plan_sync, sync
from kbchat.index.snapshot import FORMAT, current_snapshot, read_manifest, snapshot_version
from kbchat.knowledge_base import open_knowledge_base
from kbchat.text.sentences import split_sentences

RESEAU = "# Réseau\n\nSon réseau compte près de 300 policiers et gendarmes.\n"
MISSIONS = "# Missions\n\nLa coopération opérationnelle lutte contre la criminalité internationale.\n"


def store_ids(settings: Settings) -> tuple[set[str], set[str], set[str]]:
    """Chunk ids held by Chroma, by the lexical index, and by the manifest."""
    folder = current_snapshot(settings.index_dir)
    assert folder is not None
    kb = open_knowledge_base(settings)
    dense = kb.indexes.dense.ids()
    kb.close()
    lexical = set(json.loads((folder / "lexical" / "ids.json").read_text()))
    manifest = {i for d in read_manifest(folder).documents.values() for i in d.chunk_ids}
    return dense, lexical, manifest


def sentences_stored(settings: Settings) -> tuple[dict[str, int], dict[str, int]]:
    """Sentence vectors held per chunk id, and the sentences each indexed chunk has."""
    kb = open_knowledge_base(settings)
    stored = {key: len(vectors) for key, vectors in kb.indexes.sentence_vectors.items()}
    expected = {key: len(split_sentences(c.text)) for key, c in kb.indexes.by_id.items()}
    kb.close()
    return stored, expected


def write(settings: Settings, name: str, text: str) -> None:
    path = settings.kb_dir / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.mark.parametrize(
    ("now", "before", "expected"),
    [
        ({"a": "1", "b": "2"}, {}, (["a", "b"], [], [], [])),
        ({"a": "1", "b": "3"}, {"a": "1", "b": "2"}, ([], ["b"], [], ["a"])),
        ({"a": "1"}, {"a": "1", "c": "9"}, ([], [], ["c"], ["a"])),
        ({}, {}, ([], [], [], [])),
    ],
)
def test_plan_sync(now: dict, before: dict, expected: tuple) -> None:
    plan = plan_sync(now, before)
    assert (plan.added, plan.changed, plan.removed, plan.unchanged) == expected


@pytest.mark.model
@pytest.mark.chroma
def test_add_modify_delete_and_unchanged(settings: Settings) -> None:
    write(settings, "reseau.md", RESEAU)
    write(settings, "missions.md", MISSIONS)
    first = sync(settings)
    assert (first.plan.added, first.embedded) == (["missions.md", "reseau.md"], first.chunks)
    dense, lexical, manifest = store_ids(settings)
    assert dense == lexical == manifest and len(dense) == first.chunks
    stored, expected = sentences_stored(settings)
    assert stored == expected and set(stored) == dense

    version = snapshot_version(settings.index_dir)
    again = sync(settings)
    assert again.embedded == 0 and again.plan.unchanged == ["missions.md", "reseau.md"]
    assert snapshot_version(settings.index_dir) == version

    missions_ids = set(read_manifest(current_snapshot(settings.index_dir)).documents["missions.md"].chunk_ids)
    write(settings, "reseau.md", RESEAU.replace("300", "310"))
    changed = sync(settings)
    assert changed.plan.changed == ["reseau.md"] and changed.plan.unchanged == ["missions.md"]
    assert changed.embedded == len(read_manifest(current_snapshot(settings.index_dir)).documents["reseau.md"].chunk_ids)
    dense, lexical, manifest = store_ids(settings)
    assert dense == lexical == manifest and missions_ids <= dense
    stored, expected = sentences_stored(settings)
    assert stored == expected and set(stored) == dense
    kb = open_knowledge_base(settings)
    assert "310" in kb.ask("Combien de policiers et gendarmes compte le réseau ?").answer
    kb.close()

    (settings.kb_dir / "missions.md").unlink()
    removed = sync(settings)
    assert removed.plan.removed == ["missions.md"] and removed.embedded == 0
    dense, lexical, manifest = store_ids(settings)
    assert dense == lexical == manifest and not (missions_ids & dense)
    stored, expected = sentences_stored(settings)
    assert stored == expected and set(stored) == dense
    assert removed.summary() == "0 added, 0 updated, 1 removed, 1 unchanged; 1 chunks in the index."


@pytest.mark.model
@pytest.mark.chroma
def test_dry_run_changes_nothing(settings: Settings) -> None:
    write(settings, "reseau.md", RESEAU)
    sync(settings)
    version = snapshot_version(settings.index_dir)
    before = sorted(p.relative_to(settings.index_dir) for p in settings.index_dir.rglob("*"))
    write(settings, "missions.md", MISSIONS)
    (settings.kb_dir / "reseau.md").unlink()
    report = sync(settings, dry_run=True)
    assert (report.plan.added, report.plan.removed, report.dry_run) == (["missions.md"], ["reseau.md"], True)
    assert report.summary().startswith("Dry run, would apply: 1 added, 0 updated, 1 removed")
    assert snapshot_version(settings.index_dir) == version
    assert sorted(p.relative_to(settings.index_dir) for p in settings.index_dir.rglob("*")) == before


@pytest.mark.model
@pytest.mark.chroma
def test_dry_run_without_index_creates_nothing(settings: Settings) -> None:
    write(settings, "reseau.md", RESEAU)
    assert sync(settings, dry_run=True).plan.added == ["reseau.md"]
    assert current_snapshot(settings.index_dir) is None
    with pytest.raises(IndexMissingError):
        open_knowledge_base(settings)


@pytest.mark.model
@pytest.mark.chroma
def test_rebuild_embeds_everything(settings: Settings) -> None:
    write(settings, "reseau.md", RESEAU)
    first = sync(settings)
    rebuilt = sync(settings, rebuild=True)
    assert rebuilt.plan.added == ["reseau.md"] and rebuilt.embedded == first.chunks
    assert len(list((settings.index_dir / "snapshots").iterdir())) <= 2


@pytest.mark.model
@pytest.mark.chroma
def test_index_of_an_older_format_is_refused_then_rebuilt_by_a_sync(settings: Settings) -> None:
    write(settings, "reseau.md", RESEAU)
    first = sync(settings)
    manifest_path = current_snapshot(settings.index_dir) / "manifest.json"
    raw = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest_path.write_text(json.dumps(raw | {"format": FORMAT - 1}), encoding="utf-8")
    with pytest.raises(IndexMissingError, match="python ingest.py"):
        open_knowledge_base(settings)
    again = sync(settings)
    assert again.plan.changed == ["reseau.md"] and again.embedded == first.chunks
    stored, expected = sentences_stored(settings)
    assert stored == expected and len(stored) == first.chunks


@pytest.mark.model
@pytest.mark.chroma
def test_other_model_is_refused(settings: Settings) -> None:
    write(settings, "reseau.md", RESEAU)
    sync(settings)
    other = settings.with_(embedding_model=str(settings.kb_dir))
    with pytest.raises(ModelMismatchError, match="--rebuild"):
        sync(other)
    with pytest.raises(ModelMismatchError, match="--rebuild"):
        open_knowledge_base(other)


@pytest.mark.model
@pytest.mark.chroma
@pytest.mark.spacy
def test_another_precision_is_refused_when_serving_then_re_embedded_by_a_sync(settings: Settings) -> None:
    write(settings, "reseau.md", RESEAU)
    fp32, int8 = settings.with_(encoder_engine="onnx"), settings.with_(encoder_engine="onnx-int8")
    first = sync(fp32)
    assert sync(settings.with_(encoder_engine="torch")).embedded == 0  # torch and onnx give the same fp32 vectors
    with pytest.raises(ModelMismatchError, match="`python ingest.py`, qui le recalcule"):
        open_knowledge_base(int8)
    again = sync(int8)
    assert again.plan.changed == ["reseau.md"] and again.embedded == first.chunks
    assert read_manifest(current_snapshot(settings.index_dir)).embedding_model.endswith(" (int8)")
    kb = open_knowledge_base(int8)
    assert kb.ask("Combien de policiers compte le réseau ?").answered
    kb.close()


@pytest.mark.model
@pytest.mark.chroma
def test_crash_half_way_keeps_previous_index(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    write(settings, "reseau.md", RESEAU)
    sync(settings)
    version = snapshot_version(settings.index_dir)
    for i in range(3):
        write(settings, f"doc{i}.md", MISSIONS.replace("Missions", f"Missions {i}") + "\n\n" + "Texte. " * 200)
    calls = {"n": 0}
    original = dense_store.DenseStore.add

    def failing_add(self: dense_store.DenseStore, chunks: list) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        original(self, chunks)

    monkeypatch.setattr(dense_store.DenseStore, "add", failing_add)
    monkeypatch.setattr("kbchat.index.ingest.INGEST_BATCH", 1)
    with pytest.raises(RuntimeError):
        sync(settings)
    assert snapshot_version(settings.index_dir) == version
    assert [p.name for p in (settings.index_dir / "snapshots").iterdir()] == [version]
    kb = open_knowledge_base(settings)
    assert kb.ask("Combien de policiers compte le réseau ?").answered
    kb.close()


@pytest.mark.model
@pytest.mark.chroma
def test_unreadable_file_reported_others_indexed(settings: Settings) -> None:
    write(settings, "reseau.md", RESEAU)
    (settings.kb_dir / "casse.pdf").write_bytes(b"%PDF-1.4 not really")
    report = sync(settings)
    assert list(report.errors) == ["casse.pdf"] and report.plan.added == ["reseau.md"]
    assert "1 failed" in report.summary()
    assert sync(settings, dry_run=True).plan.added == ["casse.pdf"]


@pytest.mark.model
@pytest.mark.chroma
def test_missing_kb_folder(tmp_path: Path) -> None:
    settings = Settings.from_env(env={}).with_(kb_dir=tmp_path / "absent", index_dir=tmp_path / "index")
    with pytest.raises(KbchatError, match="n'existe pas"):
        sync(settings)


@pytest.mark.model
@pytest.mark.chroma
def test_chroma_default_embedding_function_never_runs(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    from chromadb.api.types import DefaultEmbeddingFunction
    from chromadb.utils.embedding_functions.onnx_mini_lm_l6_v2 import ONNXMiniLM_L6_V2

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("Chroma's default embedding function ran")

    monkeypatch.setattr(DefaultEmbeddingFunction, "__call__", forbidden)
    monkeypatch.setattr(ONNXMiniLM_L6_V2, "__call__", forbidden)
    write(settings, "reseau.md", RESEAU)
    sync(settings)
    kb = open_knowledge_base(settings)
    assert kb.ask("Combien de policiers et gendarmes compte le réseau ?").answered
    assert kb.indexes.dense.metadata()["embedding_model"] == kb.manifest.embedding_model
    kb.close()


def test_progress_moves_by_document_then_by_batch_to_the_end(settings: Settings) -> None:
    for n in range(5):
        write(settings, f"doc{n}.md", f"# Document {n}\n\nLe document {n} traite du sujet {n}.\n")
    seen: list[float] = []
    sync(settings, on_progress=lambda done, total: seen.append(done / total))
    assert seen == sorted(seen) and seen[-1] == 1.0 and all(0.0 <= x <= 1.0 for x in seen)
    assert len({x for x in seen if x < 0.3}) == 5  # one step per document read
    assert read_manifest(current_snapshot(settings.index_dir)).failures == {}
    (settings.kb_dir / "doc4.md").write_bytes(b"\x7fELF" + bytes(100))
    report = sync(settings)
    failures = read_manifest(current_snapshot(settings.index_dir)).failures
    assert list(report.errors) == list(failures) == ["doc4.md"] and "exécutable" in failures["doc4.md"]


def test_the_four_gram_index_is_stored_by_ingest_and_scores_as_one_derived_at_open(settings: Settings) -> None:
    from kbchat.index.lexical_store import LexicalIndex, ngram_index
    from kbchat.index.snapshot import read_chunks
    from kbchat.text.analyzer import ngram_terms

    write(settings, "reseau.md", RESEAU)
    write(settings, "missions.md", MISSIONS)
    sync(settings)
    folder = current_snapshot(settings.index_dir)
    stored = LexicalIndex.load(folder / "ngrams")
    derived = ngram_index(stored.ids, read_chunks(folder), settings.bm25_k1, settings.bm25_b)
    query = ngram_terms("policiers et gendarmes du réseau")
    assert stored.ids == derived.ids and stored.doc_freq == derived.doc_freq
    assert stored.scores(query).tolist() == derived.scores(query).tolist()


def test_sentence_vectors_are_mapped_from_the_snapshot_as_chroma_holds_them(settings: Settings) -> None:
    write(settings, "reseau.md", RESEAU)
    write(settings, "missions.md", MISSIONS + "Elle forme des policiers. Elle conseille des États.\n")
    sync(settings)
    (settings.kb_dir / "reseau.md").unlink()
    sync(settings)
    kb = open_knowledge_base(settings)
    try:
        mapped = kb.indexes.sentence_vectors
        stored = kb.indexes.dense.sentence_vectors()
        assert isinstance(next(iter(mapped.values())), np.memmap)
        assert mapped.keys() == stored.keys() == set(kb.indexes.by_id)
        assert all(np.array_equal(mapped[key], stored[key]) for key in stored)
        assert [len(v) for v in mapped.values()] == [len(split_sentences(c.text)) for c in kb.indexes.by_id.values()]
    finally:
        kb.close()


def test_the_word_layout_written_at_ingest_gives_the_soft_index_of_the_chunks(settings: Settings) -> None:
    write(settings, "reseau.md", RESEAU)
    write(settings, "missions.md", MISSIONS)
    sync(settings)
    write(settings, "court.md", "# Court\n\nUn la le.\n")  # added by a second run: the layout covers every chunk
    sync(settings)
    assert (current_snapshot(settings.index_dir) / "words.json").is_file()
    kb = open_knowledge_base(settings)
    try:
        indexes = kb.indexes
        derived = SoftIndex.build(
            [content_words(indexes.by_id[i].context_text()) for i in indexes.lexical.ids], indexes.word_vectors
        )
        stored = indexes.soft_index
        assert stored is not None and stored.stem_index == derived.stem_index
        for name in ("vectors", "stem_ids", "columns", "starts"):
            assert np.array_equal(getattr(stored, name), getattr(derived, name)), name
    finally:
        kb.close()


@pytest.mark.model
@pytest.mark.chroma
@pytest.mark.spacy
def test_acronym_phrases_are_kept_and_an_older_index_gains_them_once(settings: Settings) -> None:
    write(settings, "dci.md", "# DCI\n\nLa direction de la coopération internationale (DCI) agit.\n")
    sync(settings)
    folder = current_snapshot(settings.index_dir)
    assert read_manifest(folder).acronym_phrases == {"DCI": "direction de la coopération internationale"}
    older = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    del older["acronym_phrases"]  # as written before phrases were kept
    (folder / "manifest.json").write_text(json.dumps(older), encoding="utf-8")
    assert read_manifest(folder).acronym_phrases == {}
    again = sync(settings)
    assert again.embedded == 0 and current_snapshot(settings.index_dir) != folder
    published = current_snapshot(settings.index_dir)
    assert read_manifest(published).acronym_phrases == {"DCI": "direction de la coopération internationale"}
    sync(settings)
    assert current_snapshot(settings.index_dir) == published  # then a no-op again


def narrow_search(settings: Settings) -> Path:
    """Set the snapshot's graph-search breadth back to Chroma's default, as in snapshots written before EF_SEARCH."""
    folder = current_snapshot(settings.index_dir)
    assert folder is not None
    client = dense_store.embedded_client(folder / "chroma")
    client.get_collection(dense_store.COLLECTION).modify(configuration={"hnsw": {"ef_search": 100}})
    client.close()
    return folder


def test_an_older_snapshot_is_searched_as_broadly_and_left_as_it_is(dci_copy: Settings) -> None:
    from conftest import digest

    folder = narrow_search(dci_copy)
    before = digest(folder)
    kb = open_knowledge_base(dci_copy)
    try:
        assert kb.indexes.dense.search_breadth == dense_store.EF_SEARCH
        assert kb.ask("En quelle année la DCI a-t-elle été créée ?").answered
    finally:
        kb.close()
    assert digest(folder) == before


@pytest.mark.parametrize(("refusals", "breadth"), [(1, dense_store.EF_SEARCH), (dense_store.WIDEN_ATTEMPTS, 100)])
def test_a_locked_widening_is_tried_again_and_never_stops_serving(
    dci_copy: Settings, monkeypatch: pytest.MonkeyPatch, refusals: int, breadth: int
) -> None:
    from chromadb.api.models.Collection import Collection
    from chromadb.errors import InternalError

    narrow_search(dci_copy)
    modify, calls = Collection.modify, []

    def locked_at_first(self: Collection, **changes: object) -> None:
        """Chroma's answer seen once in about 130 opens, for the first refusals calls; then the real change."""
        calls.append(changes)
        if len(calls) <= refusals:
            raise InternalError("Database error: error returned from database: (code: 5) database is locked")
        modify(self, **changes)

    monkeypatch.setattr(Collection, "modify", locked_at_first)
    kb = open_knowledge_base(dci_copy)
    try:
        assert kb.indexes.dense.search_breadth == breadth and len(calls) == min(
            refusals + 1, dense_store.WIDEN_ATTEMPTS
        )
        assert kb.ask("En quelle année la DCI a-t-elle été créée ?").answered
    finally:
        kb.close()
