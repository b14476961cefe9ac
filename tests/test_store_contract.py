"""One contract, two stores: the embedded Chroma folder and a real Chroma server give the same behaviour."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from chroma_server import ChromaServer, free_port

from kbchat.config import PROJECT_ROOT, Settings
from kbchat.corpus.chunking import Chunk
from kbchat.errors import IndexMissingError, StoreUnreachableError
from kbchat.index.dense_store import EF_SEARCH, DenseStore, embedded_client
from kbchat.index.embedding import SentenceEmbeddings
from kbchat.index.ingest import sync
from kbchat.index.locations import Draft, location_for
from kbchat.index.server_snapshot import connect
from kbchat.index.snapshot import Manifest
from kbchat.knowledge_base import open_knowledge_base
from kbchat.text.sentences import split_sentences

pytestmark = [pytest.mark.model, pytest.mark.chroma, pytest.mark.spacy]

QUESTION = "En quelle année la DCI a-t-elle été créée ?"
NEW_QUESTION = "Combien de ruches le rucher pédagogique compte-t-il ?"
NEW_DOCUMENT = "# Le rucher pédagogique\n\nLe rucher pédagogique du ministère compte douze ruches depuis 2021.\n"
CHUNKS = [
    Chunk("a#0", "a.md", "Ruches", ("Rucher",), "Le rucher compte douze ruches. Il date de 2021.", 0, ("ruch", "douz")),
    Chunk("a#1", "a.md", "Ruches", ("Miel",), "Le miel est récolté en août.", 1, ("miel", "récolt")),
    Chunk("b#0", "b.md", "Vélos", (), "Le garage abrite vingt vélos de service.", 0, ("garag", "vélo")),
]


@pytest.fixture(params=["embedded", "server"])
def mode_settings(request: pytest.FixtureRequest, settings: Settings) -> Settings:
    """Empty folders, with KBCHAT_CHROMA_URL set to a fresh server in server mode."""
    if request.param == "server":
        return settings.with_(chroma_url=request.getfixturevalue("chroma_server").url)
    return settings


@pytest.fixture(scope="module")
def encoder() -> SentenceEmbeddings:
    """The configured encoder, loaded once."""
    return SentenceEmbeddings(Settings.from_env(env={}).embedding_model)


def new_store(settings: Settings, encoder: SentenceEmbeddings, snapshot: str) -> DenseStore:
    """A dense store in this mode: a Chroma folder, or collections on the server (with the chunk records)."""
    if settings.chroma_url:
        return DenseStore(connect(settings.chroma_url), encoder, encoder.name, encoder.dimension, snapshot, True)
    client = embedded_client(settings.index_dir / snapshot)
    return DenseStore(client, encoder, encoder.name, encoder.dimension, records=True)


def test_dense_store_contract(mode_settings: Settings, encoder: SentenceEmbeddings) -> None:
    store = new_store(mode_settings, encoder, "one")
    try:
        store.add(CHUNKS)
        assert store.ids() == {"a#0", "a#1", "b#0"}
        assert store.chunks() == CHUNKS and [c.terms for c in store.chunks()] == [c.terms for c in CHUNKS]
        assert store.metadata()["embedding_model"] == encoder.name and store.search_breadth == EF_SEARCH
        vectors = store.sentence_vectors()
        assert {k: len(v) for k, v in vectors.items()} == {c.chunk_id: len(split_sentences(c.text)) for c in CHUNKS}
        query = encoder.embed_query("Combien de vélos dans le garage ?")
        hits = store.search(query, 3)
        assert hits[0][0] == "b#0" and hits[0][1] == pytest.approx(
            float(np.dot(query, encoder.embed_documents([CHUNKS[2].context_text()])[0])), abs=1e-4
        )
        copy = new_store(mode_settings, encoder, "two")
        copy.copy_from(store)
        assert copy.ids() == store.ids() and copy.chunks() == CHUNKS
        assert all(np.allclose(copy.sentence_vectors()[k], v) for k, v in vectors.items())
        copy.delete(["a#0"])
        assert copy.ids() == {"a#1", "b#0"} and "a#0" not in copy.sentence_vectors()
        assert store.ids() == {"a#0", "a#1", "b#0"}
        copy.set_metadata({"note": "x"})
        assert copy.metadata()["note"] == "x" and copy.metadata()["embedding_model"] == encoder.name
        copy.close()
    finally:
        store.close()


def draft_of(settings: Settings, encoder: SentenceEmbeddings, chunks: list[Chunk], copy: bool = True) -> Draft:
    """Write a complete but unpublished snapshot holding chunks (added to the served ones)."""
    location = location_for(settings)
    draft = location.draft(copy=copy)
    dense = draft.open_dense(encoder)
    dense.add(chunks)
    held = sorted(location.served_chunks() + chunks, key=lambda c: (c.source, c.position)) if copy else chunks
    draft.write(held, Manifest(encoder.name, encoder.dimension, 256), settings, {c.chunk_id for c in chunks})
    dense.close()
    return draft


def test_publication_contract(mode_settings: Settings, encoder: SentenceEmbeddings) -> None:
    location = location_for(mode_settings)
    assert location.served_version() == "" and location.served_manifest() is None
    with pytest.raises(IndexMissingError):
        location.open(mode_settings, lambda manifest: encoder)
    first = draft_of(mode_settings, encoder, CHUNKS[:2], copy=False)
    assert location.served_version() == ""  # complete, not yet published: invisible
    first.publish()
    version = location.served_version()
    assert version and location.served_chunks() == CHUNKS[:2]
    second = draft_of(mode_settings, encoder, CHUNKS[2:])
    assert location.served_version() == version
    second.publish()
    served = location.open(mode_settings, lambda manifest: encoder)
    try:
        assert served.version != version and served.chunks == CHUNKS
        assert served.dense.ids() == {"a#0", "a#1", "b#0"}
        assert served.lexical.ids == ["a#0", "a#1", "b#0"] and served.ngrams.ids == served.lexical.ids
        assert served.lexical.scores(["vélo"]).argmax() == 2
    finally:
        served.dense.close()
    unfinished = location.draft(copy=True)  # a run killed while embedding: no manifest
    unfinished.open_dense(encoder).close()
    assert location.clean_leftovers() == [unfinished.name]
    assert location.served_version() == served.version and location.served_chunks() == CHUNKS
    third = draft_of(mode_settings, encoder, [])
    third.publish()
    assert location.served_version() == third.name and location.served_chunks() == CHUNKS
    discarded = draft_of(mode_settings, encoder, [])
    discarded.discard()
    assert location.clean_leftovers() == [] and location.served_version() == third.name


def test_ingest_and_ask_end_to_end(mode_settings: Settings) -> None:
    shutil.copytree(PROJECT_ROOT / "kb", mode_settings.kb_dir, dirs_exist_ok=True)
    report = sync(mode_settings)
    assert report.embedded == report.chunks > 0
    kb = open_knowledge_base(mode_settings)
    try:
        first = kb.version
        answer = kb.ask(QUESTION)
        assert answer.answered and "2010" in answer.answer
        assert not kb.ask("Quelle est la capitale de l'Australie ?").answered
        assert not kb.ask(NEW_QUESTION).answered
        assert sync(mode_settings).plan.has_changes is False  # a no-op run publishes nothing
        (mode_settings.kb_dir / "rucher.md").write_text(NEW_DOCUMENT, encoding="utf-8")
        added = sync(mode_settings)
        assert added.plan.added == ["rucher.md"] and added.embedded == 1 and added.chunks == report.chunks + 1
        answer = kb.ask(NEW_QUESTION)  # the long-lived reader follows the publication
        assert kb.version != first and answer.answered and "douze" in answer.answer
        (mode_settings.kb_dir / "rucher.md").unlink()
        assert sync(mode_settings).plan.removed == ["rucher.md"]
        assert not kb.ask(NEW_QUESTION).answered and kb.indexes.dense.ids() == set(kb.indexes.by_id)
    finally:
        kb.close()


def test_both_stores_give_the_same_answers(make_settings, tmp_path: Path, chroma_server: ChromaServer) -> None:  # noqa: ANN001
    questions = [QUESTION, "Combien de policiers et gendarmes compte le réseau ?", "Que fait la DCI ?"]
    answers = []
    for name, url in (("embedded", ""), ("server", chroma_server.url)):
        settings = make_settings(tmp_path / name, chroma_url=url)
        shutil.copytree(PROJECT_ROOT / "kb", settings.kb_dir)
        sync(settings)
        kb = open_knowledge_base(settings)
        try:
            answers.append([(a.answer, [s.chunk_id for s in a.sources]) for a in map(kb.ask, questions)])
        finally:
            kb.close()
    assert answers[0] == answers[1]


def cli(*args: str, url: str, root: Path) -> subprocess.CompletedProcess[str]:
    """Run a command of the project with server mode set."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KBCHAT_")}
    env |= {"KBCHAT_CHROMA_URL": url, "KBCHAT_KB_DIR": str(root / "kb"), "KBCHAT_INDEX_DIR": str(root / "index")}
    return subprocess.run(
        [sys.executable, *args], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def test_ingest_script_and_ask_in_server_mode(chroma_server: ChromaServer, tmp_path: Path) -> None:
    shutil.copytree(PROJECT_ROOT / "kb", tmp_path / "kb")
    assert cli("ingest.py", url=chroma_server.url, root=tmp_path).returncode == 0
    done = cli("-m", "kbchat", "ask", QUESTION, url=chroma_server.url, root=tmp_path)
    assert done.returncode == 0 and "2010" in done.stdout, done.stderr
    assert not (tmp_path / "index" / "snapshots").exists()  # the snapshot lives on the server only


def test_an_unreachable_server_is_one_sentence(tmp_path: Path) -> None:
    (tmp_path / "kb").mkdir()
    url = f"http://127.0.0.1:{free_port()}"
    for command in (["ingest.py"], ["-m", "kbchat", "ask", QUESTION]):
        done = cli(*command, url=url, root=tmp_path)
        assert done.returncode == 1 and "Traceback" not in done.stderr
        hint = "démarrez-le (`make chroma`) ou corrigez KBCHAT_CHROMA_URL."
        assert done.stderr.strip().splitlines() == [f"kbchat: Le serveur Chroma {url} ne répond pas : {hint}"]
    with pytest.raises(StoreUnreachableError):
        connect("ftp://nowhere")
