"""Process-wide resources of the pages: the knowledge base, loaded once per index version."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from kbchat.ask.answer import Answer
from kbchat.config import Settings
from kbchat.errors import KbchatError
from kbchat.generation.answerer import Answerer, answerer_for
from kbchat.index.locations import location_for
from kbchat.knowledge_base import KnowledgeBase, open_knowledge_base
from kbchat.ui.feedback import FeedbackStore
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
def _load(settings: Settings) -> KnowledgeBase:
    """Open the current snapshot, once per process and settings."""
    return open_knowledge_base(settings, follow=True)


def knowledge_base(settings: Settings) -> KnowledgeBase:
    """The served knowledge base, moved to the snapshot ingest last published (it follows publishes itself)."""
    if not location_for(settings).served_version():
        _load.clear()  # the index was removed: say so rather than serve from memory
    kb = _load(settings)
    kb.follow()
    return kb


@st.cache_resource(max_entries=2, show_spinner=False)
def _answerer(_kb: KnowledgeBase, settings: Settings, version: str) -> Answerer:
    """The configured answerer over the snapshot named by version."""
    return answerer_for(_kb, settings)


def answerer(kb: KnowledgeBase, settings: Settings) -> Answerer:
    """The answerer the settings ask for (extractive, or a language model's), over the served knowledge base."""
    return _answerer(kb, settings, kb.version)


@st.cache_resource(max_entries=4, show_spinner=False)
def _feedback(data_dir: Path) -> FeedbackStore:
    """The feedback store of a data folder, opened once per process."""
    return FeedbackStore(data_dir)


def feedback_store(settings: Settings) -> FeedbackStore | None:
    """The feedback store, or None when the data folder cannot hold it: the chat works without it."""
    try:
        return _feedback(settings.data_dir)
    except KbchatError:
        return None


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
