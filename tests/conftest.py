"""Shared fixtures: real model, real Chroma, temporary folders."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from kbchat.config import PROJECT_ROOT, Settings
from kbchat.ingest import sync
from kbchat.knowledge_base import KnowledgeBase, open_knowledge_base

os.environ.setdefault("HF_HUB_OFFLINE", "1")
SHARED = PROJECT_ROOT.parent / "shared"
PIAF = SHARED / "benchmarks" / "piaf" / "piaf-v1.0-dev.json"
CODE_CIVIL = SHARED / "corpora" / "code-civil"
DCI_QUESTIONS = Path(__file__).parent / "dci_questions.jsonl"


def make_settings(root: Path, **changes: object) -> Settings:
    """Settings whose folders all live under root, ignoring the caller's KBCHAT_* variables."""
    base = Settings.from_env(env={})
    return base.with_(kb_dir=root / "kb", index_dir=root / "embeddings", data_dir=root / "data", **changes)


def index_project_kb(root: Path) -> Settings:
    """The project's kb/ copied under root and indexed there; the settings to reach it."""
    result = make_settings(root)
    shutil.copytree(PROJECT_ROOT / "kb", result.kb_dir)
    sync(result)
    return result


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Empty kb/ and embeddings/ folders in a temporary directory."""
    result = make_settings(tmp_path)
    result.kb_dir.mkdir()
    return result


@pytest.fixture(scope="session")
def dci_kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    """The project's kb/ indexed into a temporary folder, opened for questions."""
    kb = open_knowledge_base(index_project_kb(tmp_path_factory.mktemp("dci")))
    yield kb
    kb.close()
