"""Chunks to a published snapshot and back: the snapshot folder, the stores, the encoders and ingest."""
