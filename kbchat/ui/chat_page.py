"""The chat page: questions, cited answers, sources, refusals, feedback and export."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict

import streamlit as st

from kbchat.ask.answer import Answer, Source
from kbchat.errors import IndexMissingError, KbchatError
from kbchat.generation.answerer import Answerer
from kbchat.knowledge_base import KnowledgeBase
from kbchat.ui.feedback import FeedbackStore
from kbchat.ui.rendering import Turn, conversation_markdown, escape_text, highlight
from kbchat.ui.resources import answerer, current_settings, examples, feedback_store, knowledge_base

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
        with st.expander(escape_text(_source(source).label(number))):
            st.markdown(highlight(source["text"], source["quotes"]), unsafe_allow_html=True)
            st.caption(f"Fichier : {escape_text(source['source'])}")


def _render_refusal(turn: dict) -> None:
    """A refusal, set apart from answers: the same text the export and the feedback store keep."""
    st.info(escape_text(turn["answer"]), icon=":material/search_off:")


def _record_vote(store: FeedbackStore, index: int) -> None:
    """Store (or change) the vote given to the answer of turn index."""
    turn = _turns()[index]
    vote = st.session_state.get(f"vote-{index}")
    if vote is None:
        return
    try:
        if turn.get("feedback_id"):
            store.update(turn["feedback_id"], vote=int(vote))
        else:
            sources = [s["source"] for s in turn["sources"]]
            turn["feedback_id"] = store.record(turn["question"], turn["answer"], turn["answered"], sources, int(vote))
    except KbchatError:
        st.toast("Votre avis n'a pas pu être enregistré ; réessayez plus tard.", icon=":material/warning:")


def _record_comment(store: FeedbackStore, index: int) -> None:
    """Attach the comment typed under an answer to its stored vote."""
    turn = _turns()[index]
    if not turn.get("feedback_id"):
        return
    try:
        store.update(turn["feedback_id"], comment=st.session_state.get(f"comment-{index}", ""))
    except KbchatError:
        st.toast("Votre commentaire n'a pas pu être enregistré ; réessayez plus tard.", icon=":material/warning:")


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


def _render_turn(turn: dict, index: int, store: FeedbackStore | None) -> None:
    """One past exchange."""
    with st.chat_message("user"):
        st.markdown(escape_text(turn["question"]), unsafe_allow_html=True)
    with st.chat_message("assistant"):
        if turn["answered"]:
            st.markdown(escape_text(turn["answer"]), unsafe_allow_html=True)
            _render_origin(turn)
            _render_sources(turn)
        elif turn.get("small_talk"):
            st.markdown(escape_text(turn["answer"]), unsafe_allow_html=True)
        else:
            _render_refusal(turn)
        if turn.get("unanswered"):
            st.caption(f":material/search_off: {escape_text(turn['unanswered'])}")
        if turn.get("spelling"):
            st.caption(f":material/spellcheck: {escape_text(turn['spelling'])}")
        if store is not None and not turn.get("small_talk"):
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
        "small_talk": answer.small_talk,
        "spelling": answer.spelling_note,
        "unanswered": answer.unanswered_note,
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
        if reply.answer.refused:
            _render_refusal(turn)
    _turns().append(turn)
    st.rerun()


def _no_index() -> None:
    """The index is missing: only staff can build it (the chat page changes neither kb/ nor the index)."""
    st.warning(
        "L'index n'existe pas encore : l'équipe qui gère la base doit le construire "
        "(`python ingest.py`, ou « Réindexer » dans la console de gestion)."
    )


def _sidebar(kb: KnowledgeBase, chosen: Answerer, keeps_feedback: bool) -> None:
    """Conversation controls: new conversation and Markdown download."""
    with st.sidebar:
        st.subheader("Conversation")
        if st.button("Nouvelle conversation", width="stretch"):
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
            width="stretch",
        )
        st.caption(f"Index : {kb.manifest.chunk_count} passages, {len(kb.manifest.documents)} document(s).")
        st.caption(escape_text(chosen.label))
        if not keeps_feedback:
            st.caption(":material/warning: Les avis ne peuvent pas être enregistrés pour le moment.")


def render() -> None:
    """The chat page."""
    st.title("Assistant DCI")
    try:
        settings = current_settings()
        kb = knowledge_base(settings)
        chosen = answerer(kb, settings)
    except IndexMissingError:
        _no_index()
        return
    except KbchatError as exc:
        st.error(escape_text(str(exc)))
        return
    store = feedback_store(settings)
    _sidebar(kb, chosen, store is not None)
    turns = _turns()
    clicked = None
    if not turns:
        with st.chat_message("assistant"):
            st.markdown(WELCOME)
            starters = examples(kb, kb.version)
            if starters:
                st.markdown("Quelques questions pour commencer :")
            for number, question in enumerate(starters):
                if st.button(escape_text(question), key=f"example-{number}"):
                    clicked = question
    for index, turn in enumerate(turns):
        _render_turn(turn, index, store)
    question = st.chat_input("Posez votre question sur la DCI…")
    if clicked or question:
        _ask(chosen, (clicked or question or "").strip())
