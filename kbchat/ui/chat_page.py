"""The chat page: questions, cited answers, sources, refusals, feedback and export."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict

import streamlit as st

from kbchat.ask.answer import Answer, Source
from kbchat.config import Settings
from kbchat.errors import IndexMissingError, KbchatError
from kbchat.generation.answerer import Answerer
from kbchat.index.ingest import sync
from kbchat.knowledge_base import KnowledgeBase
from kbchat.ui.feedback import FeedbackStore
from kbchat.ui.rendering import Turn, conversation_markdown, escape_text, highlight
from kbchat.ui.resources import answerer, current_settings, examples, knowledge_base

WELCOME = (
    "Bonjour ! Je réponds à vos questions sur la **Direction de la coopération internationale** (DCI) "
    "du ministère de l'Intérieur, uniquement à partir des documents de la base de connaissances, "
    "et je cite mes sources. Si les documents ne contiennent pas la réponse, je vous le dis."
)
STREAM_DELAY_SECONDS = 0.01


def _turns() -> list[dict]:
    """The conversation, kept in session state."""
    return st.session_state.setdefault("turns", [])


def _stream(tokens: Iterable[str], delay: float) -> Iterator[str]:
    """Yield an answer's pieces escaped, for st.write_stream; a quoted answer, already known, is paced by delay."""
    for token in tokens:
        yield escape_text(token)
        time.sleep(delay)


def _source(stored: dict) -> Source:
    """A source as stored in session state, back to its type."""
    return Source(**{**stored, "quotes": tuple(stored.get("quotes", ()))})


def _render_sources(turn: dict) -> None:
    """The cited sources, numbered as in the answer, each in an expander with the quoted sentence highlighted."""
    for number, source in enumerate(turn["sources"], start=1):
        if not source.get("cited"):
            break
        with st.expander(_source(source).label(number)):
            st.markdown(highlight(source["text"], source["quotes"]), unsafe_allow_html=True)
            st.caption(f"Fichier : {source['source']}")


def _render_refusal(turn: dict) -> None:
    """A refusal, set apart from answers: the same text the export and the feedback store keep."""
    st.info(escape_text(turn["answer"]), icon=":material/search_off:")


def _record_vote(store: FeedbackStore, index: int) -> None:
    """Store (or change) the vote given to the answer of turn index."""
    turn = _turns()[index]
    vote = st.session_state.get(f"vote-{index}")
    if vote is None:
        return
    if turn.get("feedback_id"):
        store.update(turn["feedback_id"], vote=int(vote))
    else:
        sources = [s["source"] for s in turn["sources"]]
        turn["feedback_id"] = store.record(turn["question"], turn["answer"], turn["answered"], sources, int(vote))


def _record_comment(store: FeedbackStore, index: int) -> None:
    """Attach the comment typed under an answer to its stored vote."""
    turn = _turns()[index]
    if turn.get("feedback_id"):
        store.update(turn["feedback_id"], comment=st.session_state.get(f"comment-{index}", ""))


def _render_feedback(store: FeedbackStore, index: int) -> None:
    """Thumbs up/down and, once voted, an optional comment."""
    st.feedback("thumbs", key=f"vote-{index}", on_change=_record_vote, args=(store, index))
    if _turns()[index].get("feedback_id"):
        st.text_input(
            "Un commentaire ? (facultatif)",
            key=f"comment-{index}",
            on_change=_record_comment,
            args=(store, index),
            placeholder="Qu'attendiez-vous comme réponse ?",
        )


def _render_turn(turn: dict, index: int, store: FeedbackStore) -> None:
    """One past exchange."""
    with st.chat_message("user"):
        st.markdown(escape_text(turn["question"]), unsafe_allow_html=True)
    with st.chat_message("assistant"):
        if turn["answered"]:
            st.markdown(escape_text(turn["answer"]), unsafe_allow_html=True)
            _render_origin(turn)
            _render_sources(turn)
        else:
            _render_refusal(turn)
        _render_feedback(store, index)


def _render_origin(turn: dict) -> None:
    """Who wrote the answer, and why the model's answer gave way to the quoted one, when it did."""
    if turn.get("note"):
        st.caption(f":material/info: {escape_text(turn['note'])}")
    elif turn.get("generated"):
        st.caption(f":material/edit_note: Réponse rédigée par le modèle {escape_text(turn['generated'])}.")


def _answer_turn(question: str, answer: Answer) -> dict:
    """The session-state form of an exchange."""
    return {
        "question": question,
        "answer": answer.answer,
        "answered": answer.answered,
        "sources": [asdict(s) for s in answer.sources],
        "generated": answer.generated,
        "note": answer.note,
    }


def _ask(chosen: Answerer, question: str) -> None:
    """Answer a new question, streaming the answer as it is written, and add it to the conversation."""
    previous = [t["question"] for t in _turns()]
    with st.chat_message("user"):
        st.markdown(escape_text(question), unsafe_allow_html=True)
    with st.chat_message("assistant"):
        reply = chosen.reply(question, previous)
        if not reply.refused:
            st.write_stream(_stream(reply, STREAM_DELAY_SECONDS if reply.known else 0.0))
        turn = _answer_turn(question, reply.answer)
        if not turn["answered"]:
            _render_refusal(turn)
    _turns().append(turn)
    st.rerun()


def _build_index(settings: Settings) -> None:
    """Offer to build the missing index, with a progress bar."""
    st.warning("L'index n'existe pas encore : lancez `python ingest.py`, ou construisez-le ici.")
    if st.button("Construire l'index", type="primary"):
        bar = st.progress(0.0, text="Indexation des documents…")
        try:
            report = sync(settings, on_progress=lambda done, total: bar.progress(done / max(total, 1)))
        except KbchatError as exc:
            st.error(str(exc))
            return
        bar.progress(1.0, text=report.summary("fr"))
        st.rerun()


def _sidebar(kb: KnowledgeBase, chosen: Answerer) -> None:
    """Conversation controls: new conversation and Markdown download."""
    with st.sidebar:
        st.subheader("Conversation")
        if st.button("Nouvelle conversation", use_container_width=True):
            st.session_state["turns"] = []
            for key in [k for k in st.session_state if str(k).startswith(("vote-", "comment-"))]:
                del st.session_state[key]
            st.rerun()
        turns = [
            Turn(t["question"], t["answer"], t["answered"], [_source(s) for s in t["sources"] if s.get("cited")])
            for t in _turns()
        ]
        st.download_button(
            "Télécharger la conversation (Markdown)",
            data=conversation_markdown(turns),
            file_name="conversation-dci.md",
            mime="text/markdown",
            disabled=not turns,
            use_container_width=True,
        )
        st.caption(f"Index : {kb.manifest.chunk_count} passages, {len(kb.manifest.documents)} document(s).")
        st.caption(escape_text(chosen.label))


def render() -> None:
    """The chat page."""
    st.title("Assistant DCI")
    try:
        settings = current_settings()
        kb = knowledge_base(settings)
        chosen = answerer(kb, settings)
    except IndexMissingError:
        _build_index(settings)
        return
    except KbchatError as exc:
        st.error(str(exc))
        return
    store = FeedbackStore(settings.data_dir)
    _sidebar(kb, chosen)
    turns = _turns()
    clicked = None
    if not turns:
        with st.chat_message("assistant"):
            st.markdown(WELCOME)
            st.markdown("Quelques questions pour commencer :")
            for number, question in enumerate(examples(kb, kb.version)):
                if st.button(question, key=f"example-{number}"):
                    clicked = question
    for index, turn in enumerate(turns):
        _render_turn(turn, index, store)
    question = st.chat_input("Posez votre question sur la DCI…")
    if clicked or question:
        _ask(chosen, (clicked or question or "").strip())
