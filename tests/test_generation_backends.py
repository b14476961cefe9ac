"""Both backends against a real HTTP server on loopback: streamed and whole replies, and every failure typed."""

from __future__ import annotations

import pytest
from llm_server import LlmServer, Scripted

from kbchat.config import LlmConfig
from kbchat.errors import GenerationError
from kbchat.generation.backend import HTTP_ERROR, TIMEOUT, UNREACHABLE, Message, complete, make_backend

MESSAGES = [Message("system", "Répondez en français."), Message("user", "Quand la DCI a-t-elle été créée ?")]
REPLY = "La DCI a été créée en 2010 [1]."
BACKENDS = ("openai", "ollama")


def config(server: LlmServer, backend: str, **changes: object) -> LlmConfig:
    url = server.url if backend == "openai" else server.root
    return LlmConfig(backend, url, "modele-de-test", "cle-de-test", **({"timeout": 5.0} | changes))


@pytest.mark.parametrize("backend", BACKENDS)
def test_streamed_reply_comes_in_pieces(llm_server: LlmServer, backend: str) -> None:
    llm_server.script(REPLY)
    pieces = list(make_backend(config(llm_server, backend)).stream(MESSAGES))
    assert "".join(pieces) == REPLY and len(pieces) == len(REPLY.split(" "))
    request = llm_server.requests[-1]
    assert request["stream"] is True and request["model"] == "modele-de-test"
    assert [m["role"] for m in request["messages"]] == ["system", "user"]
    assert request["messages"][-1]["content"] == MESSAGES[-1].content


def test_openai_whole_reply_without_streaming(llm_server: LlmServer) -> None:
    llm_server.script(REPLY)
    pieces = list(make_backend(config(llm_server, "openai", stream=False)).stream(MESSAGES))
    assert pieces == [REPLY]
    assert llm_server.requests[-1]["stream"] is False and llm_server.requests[-1]["path"] == "/v1/chat/completions"


def test_openai_sends_the_api_key(llm_server: LlmServer) -> None:
    llm_server.script(REPLY)
    assert complete(make_backend(config(llm_server, "openai")), MESSAGES) == REPLY
    assert llm_server.headers[-1]["authorization"] == "Bearer cle-de-test"


@pytest.mark.parametrize("backend", BACKENDS)
def test_http_error_is_typed(llm_server: LlmServer, backend: str) -> None:
    llm_server.script(Scripted(status=500))
    with pytest.raises(GenerationError, match="HTTP 500") as raised:
        complete(make_backend(config(llm_server, backend)), MESSAGES)
    assert raised.value.reason == HTTP_ERROR


@pytest.mark.parametrize("backend", BACKENDS)
def test_slow_reply_times_out(llm_server: LlmServer, backend: str) -> None:
    llm_server.script(Scripted(REPLY, delay=2.0))
    with pytest.raises(GenerationError, match="à temps") as raised:
        complete(make_backend(config(llm_server, backend, timeout=0.5)), MESSAGES)
    assert raised.value.reason == TIMEOUT


@pytest.mark.parametrize("backend", BACKENDS)
def test_refused_connection_is_typed(llm_server: LlmServer, backend: str) -> None:
    closed = config(llm_server, backend)
    llm_server.stop()
    with pytest.raises(GenerationError, match="injoignable") as raised:
        complete(make_backend(closed), MESSAGES)
    assert raised.value.reason == UNREACHABLE
