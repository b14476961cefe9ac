"""The Streamlit app: `streamlit run chat_app.py` serves the chat page and the staff console."""

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import streamlit as st  # noqa: E402

from kbchat.ui import chat_page, console_page  # noqa: E402


def chat_at_its_own_address() -> None:
    """The chat page again at /chat (the default page is served at the root only)."""
    chat_page.render()


st.set_page_config(page_title="Assistant DCI", page_icon="💬", layout="centered")
pages = [
    st.Page(chat_page.render, title="Assistant", icon=":material/chat:", url_path="assistant", default=True),
    st.Page(console_page.render, title="Console de gestion", icon=":material/folder_managed:", url_path="console"),
    st.Page(chat_at_its_own_address, title="Assistant", url_path="chat", visibility="hidden"),
]
st.navigation(pages).run()
