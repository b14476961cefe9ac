"""Sync the index in embeddings/ with the documents in kb/: `python ingest.py [--dry-run] [--rebuild]`."""

from kbchat.cli import ingest_main

if __name__ == "__main__":
    ingest_main()
