"""The prompts, kept as files: retrieved passages numbered and fenced as data, the question last."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from importlib import resources
from string import Template

from kbchat.ask.answer import Source
from kbchat.generation.backend import Message

# A passage must not be able to close its fence, or open a new one, and pass its text off as instructions.
_FENCE = re.compile(r"<\s*/?\s*document", re.IGNORECASE)
MAX_HISTORY = 4


@cache
def prompt(name: str) -> Template:
    """A prompt file of kbchat/generation/prompts, as a template."""
    text = resources.files(__package__ or "kbchat.generation").joinpath("prompts", f"{name}.md").read_text("utf-8")
    return Template(text.strip())


def inert(text: str) -> str:
    """Passage text that cannot break out of its fence."""
    return _FENCE.sub(lambda m: m.group(0).replace("<", "‹"), text)


def fence(number: int, source: Source) -> str:
    """One numbered passage fenced as data, with its title and section as attributes."""
    title = inert(source.title).replace('"', "'")
    section = inert(source.section).replace('"', "'")
    return f'<document numéro="{number}" titre="{title}" section="{section}">\n{inert(source.text)}\n</document>'


def answer_messages(question: str, sources: Sequence[Source]) -> list[Message]:
    """The instructions, then the numbered passages and the question, last."""
    documents = "\n\n".join(fence(n, s) for n, s in enumerate(sources, start=1))
    user = prompt("answer_user").substitute(documents=documents, question=question.strip())
    return [Message("system", prompt("answer_system").template), Message("user", user)]


def condense_messages(history: Sequence[str], question: str) -> list[Message]:
    """Ask for the last question rewritten to stand alone, given the earlier ones."""
    earlier = "\n".join(f"- {q.strip()}" for q in history[-MAX_HISTORY:])
    user = prompt("condense_user").substitute(history=earlier, question=question.strip())
    return [Message("system", prompt("condense_system").template), Message("user", user)]


def standalone_question(reply: str, limit: int = 300) -> str:
    """The model's rewritten question, or '' when its reply is not one line of question."""
    lines = [line.strip(' \t"«»') for line in reply.strip().splitlines() if line.strip()]
    if len(lines) != 1 or len(lines[0]) > limit:
        return ""
    return lines[0].removeprefix("Question autonome :").strip()
