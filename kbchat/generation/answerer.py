"""Answerers behind one interface: quoted (extractive, the default) or written by a language model and checked."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from kbchat.ask.answer import Answer, Source
from kbchat.ask.answering import source_of
from kbchat.config import Settings
from kbchat.errors import GenerationError
from kbchat.generation.backend import ChatBackend, complete, make_backend
from kbchat.generation.prompting import answer_messages, condense_messages, standalone_question
from kbchat.generation.verification import NOT_FRENCH, check_answer
from kbchat.knowledge_base import KnowledgeBase
from kbchat.text.courtesy import small_talk

EXTRACTED = "voici la réponse extraite directement des documents."
REJECTED = {NOT_FRENCH: "La réponse rédigée par le modèle n'était pas en français"}
UNCITED = "La réponse rédigée par le modèle ne citait aucun des passages fournis"


class Reply:
    """An answer as it is written: iterate for its text as it comes, then read .answer (checked, or the fallback)."""

    def __init__(self, tokens: Iterable[str], finish: Callable[[str, GenerationError | None], Answer]) -> None:
        self._tokens, self._finish = tokens, finish
        self._answer: Answer | None = None

    @classmethod
    def of(cls, answer: Answer) -> Reply:
        """A reply already known: an extractive answer (or small talk) streamed word by word, or a refusal."""
        words = [] if answer.refused else answer.answer.split(" ")
        reply = cls([w if i == 0 else f" {w}" for i, w in enumerate(words)], lambda _, __: answer)
        reply._answer = answer
        return reply

    @property
    def known(self) -> bool:
        """True when the answer was decided before any text streamed (quoted, or refused)."""
        return self._answer is not None

    @property
    def refused(self) -> bool:
        """True when the reply is already known to be a refusal (there is nothing to stream)."""
        return self._answer is not None and self._answer.refused

    def __iter__(self) -> Iterator[str]:
        """Yield the text as the answerer writes it; a failure of the model ends the stream and decides the answer."""
        if self._answer is not None:
            yield from self._tokens
            return
        parts: list[str] = []
        try:
            for token in self._tokens:
                parts.append(token)
                yield token
        except GenerationError as exc:
            self._answer = self._finish("".join(parts), exc)
            return
        self._answer = self._finish("".join(parts), None)

    @property
    def answer(self) -> Answer:
        """The final answer, once the whole text is in."""
        if self._answer is None:
            for _ in self:
                pass
        assert self._answer is not None
        return self._answer


class Answerer(Protocol):
    """Answers a question, given the earlier questions of the conversation."""

    label: str

    def reply(self, question: str, history: Sequence[str] = ()) -> Reply:
        """The reply, to stream."""
        ...

    def ask(self, question: str, history: Sequence[str] = ()) -> Answer:
        """The final answer at once."""
        ...


@dataclass
class ExtractiveAnswerer:
    """Quotes the documents' sentences that answer (the default, offline)."""

    kb: KnowledgeBase
    label: str = "Réponses extraites des documents (sans modèle de langue)"

    def reply(self, question: str, history: Sequence[str] = ()) -> Reply:
        """The quoted answer or the refusal."""
        return Reply.of(self.kb.ask(question, history))

    def ask(self, question: str, history: Sequence[str] = ()) -> Answer:
        """The quoted answer or the refusal."""
        return self.kb.ask(question, history)


def fallback(extractive: Answer, reason: str) -> Answer:
    """The extractive answer, with the one line that tells why the model's is not shown."""
    return replace(extractive, note=f"{reason} : {EXTRACTED}")


def generated_answer(extractive: Answer, sources: Sequence[Source], text: str, name: str) -> Answer:
    """The model's text with checked, renumbered citations, or the extractive answer when the checks fail.

    The extractive answer's evidence, ranking and notes (words read otherwise, parts unanswered) stay.
    """
    checked = check_answer(text, len(sources))
    if checked.problem:
        return fallback(extractive, REJECTED.get(checked.problem, UNCITED))
    cited = [replace(sources[i], cited=True) for i in checked.cited]
    others = [s for i, s in enumerate(sources) if i not in checked.cited]
    return replace(extractive, answer=checked.text, sources=cited + others, generated=name)


@dataclass
class GenerativeAnswerer:
    """A language model writes the answer from the passages that the extractive answerer would answer from."""

    kb: KnowledgeBase
    backend: ChatBackend

    @property
    def label(self) -> str:
        """What the chat page shows of the active answerer."""
        return f"Réponses rédigées par le modèle {self.backend.name}, citations vérifiées"

    def standalone(self, question: str, history: Sequence[str]) -> tuple[str, Sequence[str]]:
        """The question rewritten by the model to stand alone, or as is with its history if the model fails.

        A message that asks nothing (« Merci ») is not rewritten: it would become the question before it.
        """
        if not history or small_talk(question) is not None:
            return question, history
        try:
            rewritten = standalone_question(complete(self.backend, condense_messages(history, question)))
        except GenerationError:
            return question, history
        return (rewritten, ()) if rewritten else (question, history)

    def reply(self, question: str, history: Sequence[str] = ()) -> Reply:
        """Refuse as the extractive answerer would, without asking the model; else stream the model's answer."""
        asked, context = self.standalone(question, history)
        extractive = self.kb.ask(asked, context)
        if not extractive.answered:
            return Reply.of(extractive)
        sources = [source_of(p) for p in extractive.ranked[: self.kb.settings.answer_policy.top_k]]

        def finish(text: str, error: GenerationError | None) -> Answer:
            if error is not None:
                return fallback(extractive, f"Le modèle de langue n'a pas pu répondre ({error})")
            return generated_answer(extractive, sources, text, self.backend.name)

        return Reply(self.backend.stream(answer_messages(asked, sources)), finish)

    def ask(self, question: str, history: Sequence[str] = ()) -> Answer:
        """The checked answer, or the fallback, at once."""
        return self.reply(question, history).answer


def answerer_for(kb: KnowledgeBase, settings: Settings) -> Answerer:
    """The answerer the settings ask for: KBCHAT_LLM's backend, else extractive."""
    config = settings.llm_config
    if config is None:
        return ExtractiveAnswerer(kb)
    return GenerativeAnswerer(kb, make_backend(config))
