"""The staff console: documents, upload, removal, reindexing and negative feedback."""

from __future__ import annotations

import time
from dataclasses import asdict

import streamlit as st

from kbchat.config import Settings
from kbchat.corpus.loading import SUPPORTED_SUFFIXES
from kbchat.errors import KbchatError
from kbchat.index.ingest import sync
from kbchat.index.locations import location_for
from kbchat.ui.auth import LoginGuard, password_matches
from kbchat.ui.feedback import FeedbackStore, to_eval_jsonl
from kbchat.ui.kb_files import UploadError, document_rows, format_time, remove_document, save_document
from kbchat.ui.rendering import escape_text
from kbchat.ui.resources import current_settings

# Streamlit's uploader has no setting for its English texts: hide them, and name the button in French.
UPLOADER_IN_FRENCH = """<style>
[data-testid="stFileUploaderDropzoneInstructions"] { display: none; }
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p { display: none; }
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"]::after { content: "Parcourir"; }
</style>"""


def _login(settings: Settings) -> bool:
    """Ask for the console password; True once the session is signed in. Failures count per address, server-side."""
    if st.session_state.get("console_ok"):
        return True
    try:
        guard = LoginGuard(settings.data_dir)
    except KbchatError as exc:
        st.error(f"{escape_text(str(exc))} La connexion est refusée tant que les tentatives ne peuvent être comptées.")
        return False
    address = st.context.ip_address  # None on localhost
    client = address if isinstance(address, str) and address else "local"
    with st.form("console-login", clear_on_submit=True):
        password = st.text_input("Mot de passe de la console", type="password", key="console-password")
        submitted = st.form_submit_button("Se connecter")
    if not submitted:
        return False
    wait = guard.wait(client, time.time())
    if wait > 0:
        st.error(f"Trop de tentatives : réessayez dans {int(wait) + 1} secondes.")
        return False
    if password_matches(password, settings.admin_password):
        guard.succeeded(client)
        st.session_state["console_ok"] = True
        st.rerun()
    guard.failed(client, time.time())
    st.error("Mot de passe incorrect.")
    return False


def _state_panel(settings: Settings) -> None:
    """The index's state and the documents table."""
    try:
        manifest = location_for(settings).served_manifest()
    except KbchatError as exc:
        st.error(escape_text(str(exc)))
        return
    if manifest:
        cols = st.columns(2)
        cols[0].metric("Passages indexés", manifest.chunk_count)
        cols[1].metric("Documents indexés", len(manifest.documents))
        st.caption(
            f"Dernière indexation : {format_time(manifest.updated_at)} — modèle d'embedding : "
            f"{escape_text(manifest.embedding_model)} (dimension {manifest.dimension})"
        )
    else:
        st.warning("Aucun index : lancez une réindexation ci-dessous.")
    rows = document_rows(settings.kb_dir, manifest)
    st.dataframe(
        [asdict(r) for r in rows],
        column_config={
            "title": st.column_config.TextColumn("Titre", width="medium"),
            "file": st.column_config.TextColumn("Fichier", width="medium"),
            "size": st.column_config.TextColumn("Taille", width="small"),
            "chunks": st.column_config.NumberColumn("Passages", width="small"),
            "state": st.column_config.TextColumn("État", width="large"),
        },
        hide_index=True,
        width="stretch",
    )


def _upload_panel(settings: Settings) -> None:
    """Add or replace documents."""
    st.subheader("Ajouter ou remplacer des documents")
    st.markdown(UPLOADER_IN_FRENCH, unsafe_allow_html=True)
    files = st.file_uploader(
        f"Formats acceptés : {', '.join(SUPPORTED_SUFFIXES)} — {settings.max_file_mb} Mo au plus par fichier",
        type=[s.lstrip(".") for s in SUPPORTED_SUFFIXES],
        accept_multiple_files=True,
        key=f"upload-{st.session_state.get('upload_round', 0)}",
        max_upload_size=settings.max_file_mb,
    )
    if files and st.button("Enregistrer dans la base", type="primary"):
        for file in files:
            try:
                path, replaced = save_document(settings.kb_dir, file.name, file.getvalue(), settings.max_file_bytes)
            except UploadError as exc:
                st.error(escape_text(str(exc)))
                continue
            st.success(f"« {escape_text(path.name)} » {'remplacé' if replaced else 'ajouté'}. Pensez à réindexer.")
        st.session_state["upload_round"] = st.session_state.get("upload_round", 0) + 1


def _remove_panel(settings: Settings) -> None:
    """Remove one document."""
    st.subheader("Retirer un document")
    sources = [r.file for r in document_rows(settings.kb_dir, None)]
    if not sources:
        st.caption("La base ne contient aucun document.")
        return
    choice = st.selectbox("Document", sources, index=None, placeholder="Choisir un document")
    if choice and st.button("Retirer ce document"):
        try:
            remove_document(settings.kb_dir, choice)
        except UploadError as exc:
            st.error(escape_text(str(exc)))
        else:
            st.success(f"« {escape_text(choice)} » retiré. Pensez à réindexer.")


def _reindex_panel(settings: Settings) -> None:
    """Preview the changes, then reindex with a progress bar."""
    st.subheader("Réindexer")
    _last_reindex()
    try:
        plan = sync(settings, dry_run=True).plan
    except KbchatError as exc:
        st.error(escape_text(str(exc)))
        return
    changes = [("ajouter", plan.added), ("mettre à jour", plan.changed), ("retirer", plan.removed)]
    if not plan.has_changes:
        st.info("L'index est à jour : aucun changement à appliquer.")
    for label, sources in changes:
        for source in sources:
            st.markdown(f"- À {label} : {escape_text(source)}")
    if st.button("Réindexer", type="primary", disabled=not plan.has_changes):
        bar = st.progress(0.0, text="Indexation…")
        try:
            report = sync(
                settings,
                on_progress=lambda done, total: bar.progress(min(1.0, done / max(total, 1e-9)), text="Indexation…"),
            )
        except KbchatError as exc:
            st.error(escape_text(str(exc)))
            return
        # Shown after the page is drawn again, so that every figure above it tells the new state.
        st.session_state["last_reindex"] = (report.summary("fr"), list(report.errors.values()))
        st.rerun()


def _last_reindex() -> None:
    """What the last reindex of this session did, and each file it could not read."""
    summary, errors = st.session_state.pop("last_reindex", (None, []))
    if summary:
        st.success(escape_text(summary))
    for message in errors:
        st.error(escape_text(message))


def _feedback_panel(settings: Settings) -> None:
    """Negative feedback, exportable as evaluation cases."""
    st.subheader("Avis négatifs")
    rows = FeedbackStore(settings.data_dir).rows(vote=0)
    if not rows:
        st.caption("Aucun avis négatif pour l'instant.")
        return
    st.dataframe(
        [{"date": r.created_at, "question": r.question, "réponse": r.answer, "commentaire": r.comment} for r in rows],
        hide_index=True,
        width="stretch",
    )
    st.download_button(
        "Exporter en cas d'évaluation (JSONL)",
        data=to_eval_jsonl(rows),
        file_name="avis-negatifs.jsonl",
        mime="application/jsonl",
    )


def render() -> None:
    """The staff console page."""
    st.title("Console de gestion")
    try:
        settings = current_settings()
    except KbchatError as exc:
        st.error(escape_text(str(exc)))
        return
    if not settings.admin_password:
        st.warning(
            "La console est désactivée : définissez la variable d'environnement `KBCHAT_ADMIN_PASSWORD` "
            "(ou `admin_password` dans `.streamlit/secrets.toml`), puis relancez l'application."
        )
        return
    if not _login(settings):
        return
    _state_panel(settings)
    _upload_panel(settings)
    _remove_panel(settings)
    _reindex_panel(settings)
    _feedback_panel(settings)
