"""The one interface of language-model backends, and the LangChain adapter that the shipped backends share."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol

from kbchat.config import LlmConfig
from kbchat.errors import ConfigError, GenerationError

if TYPE_CHECKING:  # LangChain's chat models take 0.5 s to import: only a configured backend pays for them
    from langchain_core.language_models import BaseChatModel

TIMEOUT, UNREACHABLE, HTTP_ERROR = "timeout", "unreachable", "http"
_SUFFIX = "_backend"


@dataclass(frozen=True)
class Message:
    """One chat message sent to a model."""

    role: Literal["system", "user", "assistant"]
    content: str


class ChatBackend(Protocol):
    """A language model that streams its reply; failures of its server raise GenerationError."""

    name: str

    def stream(self, messages: Sequence[Message]) -> Iterator[str]:
        """Yield the reply's text as the model writes it."""
        ...


def timed_out() -> GenerationError:
    """The server did not answer within the timeout."""
    return GenerationError("le serveur du modèle n'a pas répondu à temps", TIMEOUT)


def unreachable() -> GenerationError:
    """The server could not be reached."""
    return GenerationError("le serveur du modèle est injoignable", UNREACHABLE)


def http_error(status: int | str) -> GenerationError:
    """The server answered with an HTTP error."""
    return GenerationError(f"le serveur du modèle a renvoyé l'erreur HTTP {status}", HTTP_ERROR)


def unreadable(exc: Exception) -> GenerationError:
    """The server's reply could not be read."""
    return GenerationError(f"le serveur du modèle a renvoyé une réponse illisible ({exc})", HTTP_ERROR)


def complete(backend: ChatBackend, messages: Sequence[Message]) -> str:
    """The whole reply at once."""
    return "".join(backend.stream(messages))


def available_backends() -> list[str]:
    """The backends shipped: one module kbchat.generation.<name>_backend each, with a create(config) function."""
    package = importlib.import_module(__package__ or "kbchat.generation")
    names = [m.name for m in pkgutil.iter_modules(package.__path__)]
    return sorted(n.removesuffix(_SUFFIX) for n in names if n.endswith(_SUFFIX))


def make_backend(config: LlmConfig) -> ChatBackend:
    """The backend that KBCHAT_LLM names; ConfigError when no such backend exists."""
    if config.backend not in available_backends():
        known = ", ".join(available_backends())
        raise ConfigError(f"KBCHAT_LLM={config.backend} : backend inconnu (backends disponibles : {known}).")
    module = importlib.import_module(f"{__package__}.{config.backend}{_SUFFIX}")
    return module.create(config)


@dataclass
class LangChainBackend:
    """A LangChain chat model; translate turns its client's exceptions into GenerationError (or None).

    With streaming off (for servers or proxies without server-sent events), the whole reply comes as one piece.
    """

    name: str
    model: BaseChatModel
    translate: Callable[[Exception], GenerationError | None]
    streaming: bool = True

    def stream(self, messages: Sequence[Message]) -> Iterator[str]:
        """Yield the text of each chunk the model streams."""
        from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

        types = {"system": SystemMessage, "user": HumanMessage, "assistant": AIMessage}
        sent = [types[m.role](content=m.content) for m in messages]
        try:
            chunks = self.model.stream(sent) if self.streaming else [self.model.invoke(sent)]
            for chunk in chunks:
                if isinstance(chunk.content, str) and chunk.content:
                    yield chunk.content
        except GenerationError:
            raise
        except Exception as exc:
            error = self.translate(exc)
            if error is None:
                raise
            raise error from exc
