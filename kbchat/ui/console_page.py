"""The staff console: documents, upload, removal, reindexing and negative feedback."""

from __future__ import annotations

import time
from dataclasses import asdict

import streamlit as st

from kbchat.config import Settings
from kbchat.corpus.loading import SUPPORTED_SUFFIXES
from kbchat.errors import KbchatError
from kbchat.index.ingest import sync
from kbchat.index.snapshot import current_snapshot, read_manifest
from kbchat.ui.auth import lockout_seconds, password_matches
from kbchat.ui.feedback import FeedbackStore, to_eval_jsonl
from kbchat.ui.kb_files import UploadError, document_rows, remove_document, save_document
from kbchat.ui.resources import current_settings


def _login(settings: Settings) -> bool:
    """Ask for the console password; True once the session is signed in."""
    if st.session_state.get("console_ok"):
        return True
    state = st.session_state.setdefault("console_failures", {"count": 0, "until": 0.0})
    wait = state["until"] - time.time()
    with st.form("console-login"):
        password = st.text_input("Mot de passe de la console", type="password")
        submitted = st.form_submit_button("Se connecter")
    if submitted and wait > 0:
        st.error(f"Trop de tentatives : réessayez dans {int(wait) + 1} secondes.")
        return False
    if submitted:
        if password_matches(password, settings.admin_password):
            st.session_state["console_ok"] = True
            state.update(count=0, until=0.0)
            st.rerun()
        state["count"] += 1
        state["until"] = time.time() + lockout_seconds(state["count"])
        st.error("Mot de passe incorrect.")
    return False


def _state_panel(settings: Settings) -> None:
    """The index's state and the documents table."""
    folder = current_snapshot(settings.index_dir)
    manifest = read_manifest(folder) if folder else None
    if manifest:
        cols = st.columns(2)
        cols[0].metric("Passages indexés", manifest.chunk_count)
        cols[1].metric("Documents indexés", len(manifest.documents))
        st.caption(
            f"Dernière indexation : {manifest.updated_at.replace('T', ' ')[:16]} UTC — modèle d'embedding : "
            f"{manifest.embedding_model} (dimension {manifest.dimension})"
        )
    else:
        st.warning("Aucun index : lancez une réindexation ci-dessous.")
    rows = document_rows(settings.kb_dir, manifest)
    st.dataframe(
        [asdict(r) for r in rows],
        column_config={
            "title": "Titre",
            "file": "Fichier",
            "size_kb": st.column_config.NumberColumn("Taille (Ko)"),
            "chunks": "Passages",
            "indexed_at": "Dernière indexation",
        },
        hide_index=True,
        use_container_width=True,
    )


def _upload_panel(settings: Settings) -> None:
    """Add or replace documents."""
    st.subheader("Ajouter ou remplacer des documents")
    files = st.file_uploader(
        "Formats acceptés : " + ", ".join(SUPPORTED_SUFFIXES),
        type=[s.lstrip(".") for s in SUPPORTED_SUFFIXES],
        accept_multiple_files=True,
        key=f"upload-{st.session_state.get('upload_round', 0)}",
        max_upload_size=settings.max_upload_mb,
    )
    if files and st.button("Enregistrer dans la base", type="primary"):
        for file in files:
            try:
                path, replaced = save_document(
                    settings.kb_dir, file.name, file.getvalue(), settings.max_upload_mb << 20
                )
            except UploadError as exc:
                st.error(str(exc))
                continue
            st.success(f"« {path.name} » {'remplacé' if replaced else 'ajouté'}. Pensez à réindexer.")
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
            st.error(str(exc))
        else:
            st.success(f"« {choice} » retiré. Pensez à réindexer.")


def _reindex_panel(settings: Settings) -> None:
    """Preview the changes, then reindex with a progress bar."""
    st.subheader("Réindexer")
    try:
        plan = sync(settings, dry_run=True).plan
    except KbchatError as exc:
        st.error(str(exc))
        return
    changes = [("ajouter", plan.added), ("mettre à jour", plan.changed), ("retirer", plan.removed)]
    if not plan.has_changes:
        st.info("L'index est à jour : aucun changement à appliquer.")
    for label, sources in changes:
        for source in sources:
            st.markdown(f"- À {label} : `{source}`")
    if st.button("Réindexer", type="primary", disabled=not plan.has_changes):
        bar = st.progress(0.0, text="Indexation…")
        try:
            report = sync(
                settings, on_progress=lambda done, total: bar.progress(done / max(total, 1), text="Indexation…")
            )
        except KbchatError as exc:
            st.error(str(exc))
            return
        bar.progress(1.0, text="Terminé")
        st.success(report.summary("fr"))
        for message in report.errors.values():
            st.error(message)


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
        use_container_width=True,
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
        st.error(str(exc))
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
