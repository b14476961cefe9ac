"""Shared fixtures: real model, real Chroma, temporary folders; one index of the project's kb/ per session."""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from chroma_server import ChromaServer
from llm_server import LlmServer

from kbchat.config import PROJECT_ROOT, Settings
from kbchat.evaluation.datasets import PIAF_DEV
from kbchat.knowledge_base import KnowledgeBase, open_knowledge_base

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def digest(folder: Path) -> dict[str, tuple[int, str]]:
    """Every file under folder with its size and content hash."""
    return {
        p.relative_to(folder).as_posix(): (p.stat().st_size, hashlib.sha256(p.read_bytes()).hexdigest())
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def without_file_capabilities() -> list[str]:
    """As root, the command prefix that drops the capabilities that bypass file modes (so chmod counts)."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("setpriv is missing: as root, file modes cannot be made to count")
    caps = "-dac_override,-dac_read_search"
    return ["setpriv", "--inh-caps", caps, "--bounding-set", caps]


def settings_under(root: Path, **changes: object) -> Settings:
    """Settings whose folders all live under root, ignoring the caller's KBCHAT_* variables."""
    base = Settings.from_env(env={})
    return base.with_(kb_dir=root / "kb", index_dir=root / "embeddings", data_dir=root / "data", **changes)


@pytest.fixture(scope="session")
def make_settings() -> Callable[..., Settings]:
    """settings_under, for tests that need folders of their own."""
    return settings_under


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Empty kb/ and embeddings/ folders in a temporary directory."""
    result = settings_under(tmp_path)
    result.kb_dir.mkdir()
    return result


@pytest.fixture(scope="session")
def dci_index(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The project's kb/ copied and indexed once per session: tests read it, and copy it before changing it."""
    from kbchat.index.ingest import sync

    result = settings_under(tmp_path_factory.mktemp("dci"))
    shutil.copytree(PROJECT_ROOT / "kb", result.kb_dir)
    sync(result)
    return result


@pytest.fixture(scope="session")
def copy_dci_index(dci_index: Settings) -> Callable[[Path], Settings]:
    """A function that copies the indexed kb/ under a folder, for tests that change documents or the index."""

    def copy(root: Path) -> Settings:
        result = settings_under(root)
        shutil.copytree(dci_index.kb_dir, result.kb_dir)
        shutil.copytree(dci_index.index_dir, result.index_dir)
        return result

    return copy


@pytest.fixture
def dci_copy(copy_dci_index: Callable[[Path], Settings], tmp_path: Path) -> Settings:
    """A private copy of the indexed kb/ for one test."""
    return copy_dci_index(tmp_path)


@pytest.fixture(scope="session")
def dci_kb(dci_index: Settings) -> Iterator[KnowledgeBase]:
    """The session's index of kb/, opened for questions."""
    kb = open_knowledge_base(dci_index)
    yield kb
    kb.close()


@pytest.fixture(scope="session")
def piaf_path() -> Path:
    """PIAF dev from ../shared; the test is skipped where it is absent."""
    if not PIAF_DEV.is_file():
        pytest.skip(f"PIAF benchmark not found at {PIAF_DEV}")
    return PIAF_DEV


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[ChromaServer]:
    """A Chroma server of this test only, on a free loopback port."""
    server = ChromaServer(tmp_path / "chroma-server")
    yield server
    server.stop()


@pytest.fixture
def llm_server() -> Iterator[LlmServer]:
    """A scripted OpenAI- and Ollama-compatible server on a free loopback port, for this test."""
    server = LlmServer().start()
    yield server
    server.stop()


HOSTILE_HTML = """<html><head><title>t</title></head><body>
<h1>Le piège [lien](https://evil.example/x) ![image](https://evil.example/i.png)</h1>
<h2>:red[Section rouge] &lt;img src="https://evil.example/y.png"&gt;</h2>
<p>Le fromage bleu d'Auvergne se voit [ici](https://evil.example/z) et ![logo](https://evil.example/l.png) :blue[bleu]
&lt;b&gt;gras&lt;/b&gt; &lt;a href="https://evil.example/a"&gt;là&lt;/a&gt;.</p>
</body></html>
"""
HOSTILE_QUESTION = "Où se voit le fromage bleu d'Auvergne ?"


@pytest.fixture(scope="session")
def hostile_index(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """An index of one HTML page whose title, section and text hold links, images, colours and HTML."""
    from kbchat.index.ingest import sync

    result = settings_under(tmp_path_factory.mktemp("hostile"))
    result.kb_dir.mkdir()
    (result.kb_dir / "piège [x](y).html").write_text(HOSTILE_HTML, encoding="utf-8")
    sync(result)
    return result
