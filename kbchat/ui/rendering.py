"""What the pages show: inert rendering of document text, highlighted quotes, the Markdown export. Pure functions."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from kbchat.ask.answer import Source
from kbchat.text.analyzer import fold_accents

# Markdown and HTML characters Streamlit would interpret (« :red[…] » colours included), rendered as entities.
_SPECIAL = {c: f"&#{ord(c)};" for c in "\\`*_{}[]()#+-.!|~<>$&\"':\u2060"}
# Streamlit links bare addresses in the text it renders, whatever their escaping: a word joiner breaks them.
_JOINER = "\u2060"
_LINKABLE = re.compile(r"(?i)(?<=https:)(?=//)|(?<=http:)(?=//)|(?<=\bwww)(?=\.)|(?<=@)")


@dataclass
class Turn:
    """One exchange of the conversation."""

    question: str
    answer: str
    answered: bool
    sources: list[Source] = field(default_factory=list)


def escape_text(text: str) -> str:
    """Text from a document made inert for st.markdown: no HTML, no Markdown syntax, no address made a link."""
    breaks = {m.start() for m in _LINKABLE.finditer(text)}
    out = [(_JOINER if i in breaks else "") + _SPECIAL.get(c, c) for i, c in enumerate(text)]
    return ("".join(out) + (_JOINER if len(text) in breaks else "")).replace("\n", "<br>")


def markdown_text(text: str) -> str:
    """Text made inert in a Markdown file for any viewer: syntax backslash-escaped, HTML as entities, one line."""
    escaped = re.sub(r"([\\`*_{}\[\]()#+\-.!|~:$])", r"\\\1", " ".join(text.split()))
    return escaped.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


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
        lines += [
            f"**Question :** {markdown_text(turn.question)}",
            "",
            f"**Réponse :** {markdown_text(turn.answer)}",
            "",
        ]
        for number, source in enumerate(turn.sources, start=1):
            lines.append(f"- {markdown_text(source.label(number))} ({markdown_text(source.source)})")
            lines.append(f"  > {markdown_text(source.text)}")
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
    """Unescape entities and drop the word joiners, for tests and downloads."""
    return html.unescape(text.replace(_JOINER, "").replace("<br>", "\n"))
