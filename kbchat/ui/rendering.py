"""What the pages show: inert rendering of document text, highlighted quotes, the Markdown export. Pure functions."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from kbchat.ask.answer import Source
from kbchat.text.analyzer import fold_accents

# Markdown and HTML characters Streamlit would interpret, rendered as entities so they show as text.
_SPECIAL = {c: f"&#{ord(c)};" for c in "\\`*_{}[]()#+-.!|~<>$&\"'"}


@dataclass
class Turn:
    """One exchange of the conversation."""

    question: str
    answer: str
    answered: bool
    sources: list[Source] = field(default_factory=list)


def escape_text(text: str) -> str:
    """Text from a document made inert for st.markdown: no HTML, no Markdown syntax."""
    return "".join(_SPECIAL.get(c, c) for c in text).replace("\n", "<br>")


def highlight(passage: str, quotes: Sequence[str]) -> str:
    """The escaped passage with each quoted sentence wrapped in <mark>."""
    spans = sorted((passage.index(q), passage.index(q) + len(q)) for q in quotes if q and q in passage)
    out, cursor = [], 0
    for start, end in spans:
        if start < cursor:
            continue
        out += [escape_text(passage[cursor:start]), f"<mark>{escape_text(passage[start:end])}</mark>"]
        cursor = end
    return "".join(out) + escape_text(passage[cursor:])


def conversation_markdown(turns: Sequence[Turn], title: str = "Conversation avec l'assistant DCI") -> str:
    """The whole conversation as a Markdown document, each answer with its numbered sources."""
    lines = [f"# {title}", ""]
    for turn in turns:
        lines += [f"**Question :** {turn.question}", "", f"**Réponse :** {turn.answer}", ""]
        for number, source in enumerate(turn.sources, start=1):
            lines.append(f"- {source.label(number)} (`{source.source}`)")
            lines.append(f"  > {source.text}".replace("\n", " "))
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
