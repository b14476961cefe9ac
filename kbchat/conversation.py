"""Conversation helpers for the chat page: follow-ups, safe rendering, Markdown export. Pure functions."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from kbchat.analyzer import analyze_query, fold_accents, words

ANAPHORA = frozenset(
    "il elle ils elles lui leur leurs ce cet cette ces celui celle ceux celles y en it they their its".split()
)
FOLLOW_UP_OPENERS = ("et ", "and ", "aussi", "puis ", "alors ")
MAX_FOLLOW_UP_TERMS = 2
# Markdown and HTML characters Streamlit would interpret, rendered as entities so they show as text.
_SPECIAL = {c: f"&#{ord(c)};" for c in "\\`*_{}[]()#+-.!|~<>$&\"'"}


@dataclass
class Turn:
    """One exchange of the conversation."""

    question: str
    answer: str
    answered: bool
    sources: list[dict[str, str]] = field(default_factory=list)


def is_follow_up(question: str) -> bool:
    """True when a question leans on the previous one (« Et combien d'experts ? »)."""
    folded = fold_accents(question.strip().lower())
    if folded.startswith(FOLLOW_UP_OPENERS):
        return True
    if any(fold_accents(w) in ANAPHORA for w in words(question)):
        return True
    return len(analyze_query(question)) <= MAX_FOLLOW_UP_TERMS - 1


def retrieval_context(question: str, previous_questions: Sequence[str]) -> str:
    """The earlier question a follow-up needs for retrieval, or '' for a standalone question."""
    if previous_questions and is_follow_up(question):
        return previous_questions[-1]
    return ""


def escape_text(text: str) -> str:
    """Text from a document made inert for st.markdown: no HTML, no Markdown syntax."""
    return "".join(_SPECIAL.get(c, c) for c in text).replace("\n", "<br>")


def highlight(passage: str, quote: str) -> str:
    """The escaped passage with the quoted sentence wrapped in <mark>."""
    if not quote or quote not in passage:
        return escape_text(passage)
    start = passage.index(quote)
    before, after = passage[:start], passage[start + len(quote) :]
    return f"{escape_text(before)}<mark>{escape_text(quote)}</mark>{escape_text(after)}"


def conversation_markdown(turns: Sequence[Turn], title: str = "Conversation avec l'assistant DCI") -> str:
    """The whole conversation as a Markdown document, each answer with its numbered sources."""
    lines = [f"# {title}", ""]
    for turn in turns:
        lines += [f"**Question :** {turn.question}", "", f"**Réponse :** {turn.answer}", ""]
        for number, source in enumerate(turn.sources, start=1):
            where = f" — {source['section']}" if source.get("section") else ""
            lines.append(f"{number}. {source['title']}{where} (`{source['source']}`)")
            lines.append(f"   > {source['text']}".replace("\n", " "))
        lines.append("")
    return "\n".join(lines)


def example_questions(sections: Sequence[str]) -> list[str]:
    """Candidate example questions built from section headings (the page keeps those that get answered)."""
    out = []
    for section in sections:
        clean = re.sub(r"\s+", " ", section).strip(" :")
        if not clean:
            continue
        lowered = clean[0].lower() + clean[1:]
        if lowered.startswith(("les ", "des ")):
            out.append(f"Que sont {lowered} ?")
        elif fold_accents(lowered[0]) in "aeiouy":
            out.append(f"Qu'est-ce qu'{lowered} ?")
        else:
            out.append(f"Qu'est-ce que {lowered} ?")
    return out


def plain_text(text: str) -> str:
    """Unescape entities, for tests and downloads."""
    return html.unescape(text.replace("<br>", "\n"))
