"""Process-wide resources of the pages: the knowledge base, loaded once per index version."""

from __future__ import annotations

import streamlit as st

from kbchat.ask.answer import Answer
from kbchat.config import Settings
from kbchat.generation.answerer import Answerer, answerer_for
from kbchat.index.snapshot import snapshot_version
from kbchat.knowledge_base import KnowledgeBase, open_knowledge_base
from kbchat.ui.rendering import example_questions

MAX_EXAMPLES = 4


def current_settings() -> Settings:
    """Settings from the environment, with the admin password also read from st.secrets."""
    settings = Settings.from_env()
    if not settings.admin_password:
        try:
            secret = st.secrets.get("admin_password", "")
        except Exception:  # noqa: BLE001 - a missing or malformed secrets.toml must not break the chat
            secret = ""
        if secret:
            settings = settings.with_(admin_password=str(secret))
    return settings


@st.cache_resource(max_entries=2, show_spinner="Chargement du modèle et de l'index…")
def _load(settings: Settings, version: str) -> KnowledgeBase:
    """Open the snapshot named by version (cached per settings and version)."""
    return open_knowledge_base(settings)


def knowledge_base(settings: Settings) -> KnowledgeBase:
    """The served knowledge base, reloaded when ingest has published a new snapshot."""
    return _load(settings, snapshot_version(settings.index_dir))


@st.cache_resource(max_entries=2, show_spinner=False)
def _answerer(_kb: KnowledgeBase, settings: Settings, version: str) -> Answerer:
    """The configured answerer over the snapshot named by version."""
    return answerer_for(_kb, settings)


def answerer(kb: KnowledgeBase, settings: Settings) -> Answerer:
    """The answerer the settings ask for (extractive, or a language model's), over the served knowledge base."""
    return _answerer(kb, settings, kb.version)


@st.cache_data(max_entries=4, show_spinner=False)
def examples(_kb: KnowledgeBase, version: str) -> list[str]:
    """Up to four example questions from the section headings that the knowledge base does answer."""
    found: list[str] = []
    for question in example_questions(_kb.topics()[1:] + _kb.topics()[:1]):
        answer: Answer = _kb.ask(question)
        if answer.answered:
            found.append(question)
        if len(found) == MAX_EXAMPLES:
            break
    return found
