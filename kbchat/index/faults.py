"""Fault injection for the crash tests: with KBCHAT_FAULT_POINT=<name>, ingest kills itself at that point."""

from __future__ import annotations

import os
import signal

FAULT_VARIABLE = "KBCHAT_FAULT_POINT"
POINTS = ("loaded", "copied", "embedding", "lexical", "chunks", "manifest", "published")


def fault_point(name: str) -> None:
    """SIGKILL this process here when the environment names this point (never set outside tests)."""
    if os.environ.get(FAULT_VARIABLE) == name:
        os.kill(os.getpid(), signal.SIGKILL)
