"""The Streamlit pages: the chat and the staff console."""
