"""A scripted language-model server on loopback: OpenAI's chat completions (JSON and SSE) and Ollama's /api/chat.

Tests queue replies (text, HTTP status, delay); the server records every request body it received.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CREATED_AT = "2026-12-02T00:00:00Z"


@dataclass(frozen=True)
class Scripted:
    """One reply: its text streamed in word pieces pace seconds apart, after delay seconds; or an HTTP error."""

    text: str = ""
    status: int = 200
    delay: float = 0.0
    pace: float = 0.0

    def pieces(self) -> list[str]:
        """The text cut as a model streams it."""
        words = self.text.split(" ")
        return [w if i == 0 else f" {w}" for i, w in enumerate(words)]


class _Handler(BaseHTTPRequestHandler):
    server: LlmServer

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        return

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        self.server.requests.append({"path": self.path, **body})
        self.server.headers.append({k.lower(): v for k, v in self.headers.items()})
        script = self.server.next_reply()
        time.sleep(script.delay)
        if script.status != 200:
            self._json(script.status, {"error": {"message": "scripted failure", "type": "server_error"}})
        elif self.path.endswith("/chat/completions"):
            self._openai(body, script)
        elif self.path == "/api/chat":
            self._ollama(body, script)
        else:
            self._json(404, {"error": {"message": f"no route {self.path}"}})

    def _json(self, status: int, payload: dict) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _openai(self, body: dict, script: Scripted) -> None:
        model, common = body.get("model", ""), {"id": "chatcmpl-1", "created": 0}
        if not body.get("stream"):
            message = {"role": "assistant", "content": script.text}
            choice = {"index": 0, "message": message, "finish_reason": "stop"}
            usage = {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}
            self._json(
                200, {**common, "object": "chat.completion", "model": model, "choices": [choice], "usage": usage}
            )
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        chunk = {**common, "object": "chat.completion.chunk", "model": model}
        for piece in script.pieces():
            choice = {"index": 0, "delta": {"content": piece}, "finish_reason": None}
            self._send(f"data: {json.dumps({**chunk, 'choices': [choice]})}\n\n")
            time.sleep(script.pace)
        self._send(
            f"data: {json.dumps({**chunk, 'choices': [{'index': 0, 'delta': {}, 'finish_reason': 'stop'}]})}\n\n"
        )
        self._send("data: [DONE]\n\n")

    def _ollama(self, body: dict, script: Scripted) -> None:
        common = {"model": body.get("model", ""), "created_at": CREATED_AT}
        counts = {"total_duration": 1, "prompt_eval_count": 1, "eval_count": 1, "eval_duration": 1}
        if body.get("stream") is False:
            message = {"role": "assistant", "content": script.text}
            self._json(200, {**common, "message": message, "done": True, "done_reason": "stop"} | counts)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/x-ndjson")
        self.end_headers()
        for piece in script.pieces():
            self._send(json.dumps({**common, "message": {"role": "assistant", "content": piece}, "done": False}) + "\n")
            time.sleep(script.pace)
        last = {**common, "message": {"role": "assistant", "content": ""}, "done": True, "done_reason": "stop"}
        self._send(json.dumps(last | counts) + "\n")

    def _send(self, text: str) -> None:
        self.wfile.write(text.encode())
        self.wfile.flush()


class LlmServer(ThreadingHTTPServer):
    """The server, on a free loopback port, serving from a thread of its own."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: list[dict] = []
        self.headers: list[dict[str, str]] = []
        self.replies: deque[Scripted] = deque()
        self.default = Scripted("Je n'ai rien à dire.")
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """The base URL of OpenAI's routes; Ollama's live at the root."""
        return f"http://127.0.0.1:{self.server_address[1]}/v1"

    @property
    def root(self) -> str:
        """The server's root URL."""
        return f"http://127.0.0.1:{self.server_address[1]}"

    def script(self, *replies: Scripted | str) -> None:
        """Queue the next replies, in order; after them, the default one."""
        self.replies.extend(Scripted(r) if isinstance(r, str) else r for r in replies)

    def next_reply(self) -> Scripted:
        """The next queued reply."""
        with self._lock:
            return self.replies.popleft() if self.replies else self.default

    def start(self) -> LlmServer:
        """Serve in the background."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        self.shutdown()
        self.server_close()


if __name__ == "__main__":
    # A manual check: `python tests/llm_server.py` serves the default reply until interrupted.
    server = LlmServer().start()
    print(server.url, flush=True)
    try:
        while True:
            time.sleep(1)
    except KeyboardInterrupt:
        server.stop()
