"""Helpers to serve the app with `streamlit run` on loopback and drive it in headless Chromium."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kbchat.config import PROJECT_ROOT, Settings

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def browser_missing_reason() -> str | None:
    """Why the browser test cannot run here, or None."""
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        return "Chromium is not installed (apt-get install chromium chromium-driver)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed"
    return None


@contextmanager
def serve(settings: Settings, log: Path, extra_env: dict[str, str] | None = None) -> Iterator[str]:
    """Run `streamlit run chat_app.py` on a free loopback port; yield its URL once healthy."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KBCHAT_")}
    env |= {
        "KBCHAT_KB_DIR": str(settings.kb_dir),
        "KBCHAT_INDEX_DIR": str(settings.index_dir),
        "KBCHAT_DATA_DIR": str(settings.data_dir),
        "HF_HUB_OFFLINE": "1",
        **(extra_env or {}),
    }
    command = [
        sys.executable, "-m", "streamlit", "run", str(PROJECT_ROOT / "chat_app.py"),
        "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"streamlit did not start: {log.read_text()[-2000:]}") from None
                time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def ask(page: object, question: str, turn: int, timeout_ms: int = 120_000) -> object:
    """Send the turn-th question of the conversation and return its settled assistant message."""
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill(question)
    box.press("Enter")
    page.wait_for_function(
        """n => document.querySelectorAll('[data-testid="stChatMessage"]').length === 2 * n
            && document.querySelectorAll('[role="radiogroup"]').length >= n""",
        arg=turn,
        timeout=timeout_ms,
    )
    return page.get_by_test_id("stChatMessage").nth(2 * turn - 1)
