"""The Ollama backend through LangChain's ChatOllama."""

from __future__ import annotations

import httpx
import ollama
from langchain_ollama import ChatOllama

from kbchat.config import LlmConfig
from kbchat.errors import GenerationError
from kbchat.generation.backend import (
    ChatBackend,
    LangChainBackend,
    http_error,
    timed_out,
    unreachable,
    unreadable,
)

DEFAULT_URL = "http://127.0.0.1:11434"


def translate(exc: Exception) -> GenerationError | None:
    """The Ollama client's failures (it lets httpx's through when streaming) as GenerationError."""
    if isinstance(exc, httpx.TimeoutException):
        return timed_out()
    if isinstance(exc, ConnectionError | httpx.TransportError):
        return unreachable()
    if isinstance(exc, ollama.ResponseError):
        return http_error(exc.status_code)
    return unreadable(exc) if isinstance(exc, ollama.RequestError | httpx.HTTPError | ValueError) else None


def create(config: LlmConfig) -> ChatBackend:
    """A ChatOllama on the configured server (Ollama's default address when none is set)."""
    model = ChatOllama(
        model=config.model,
        base_url=config.base_url or DEFAULT_URL,
        temperature=config.temperature,
        num_predict=config.max_tokens,
        client_kwargs={"timeout": config.timeout},
    )
    return LangChainBackend(f"{config.model} (Ollama)", model, translate, config.stream)
