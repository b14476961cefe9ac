"""The OpenAI-compatible backend (vLLM, llama.cpp's server, Albert, OpenAI…) through LangChain's ChatOpenAI."""

from __future__ import annotations

import openai
from langchain_openai import ChatOpenAI

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

NO_KEY = "none"  # local servers want no key, but the client requires one


def translate(exc: Exception) -> GenerationError | None:
    """The OpenAI client's failures as GenerationError."""
    if isinstance(exc, openai.APITimeoutError):
        return timed_out()
    if isinstance(exc, openai.APIConnectionError):
        return unreachable()
    if isinstance(exc, openai.APIStatusError):
        return http_error(exc.status_code)
    return unreadable(exc) if isinstance(exc, openai.APIError) else None


def create(config: LlmConfig) -> ChatBackend:
    """A streaming ChatOpenAI on the configured server, without retries: a failure falls back at once."""
    model = ChatOpenAI(
        model=config.model,
        base_url=config.base_url or None,
        api_key=config.api_key or NO_KEY,
        timeout=config.timeout,
        max_retries=0,
        temperature=config.temperature,
        max_tokens=config.max_tokens,
    )
    return LangChainBackend(f"{config.model} (serveur compatible OpenAI)", model, translate, config.stream)
