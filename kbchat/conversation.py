"""Conversation helpers for the chat page: follow-ups, safe rendering, Markdown export. Pure functions."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from kbchat.analyzer import analyze_query, fold_accents

ANAPHORA = frozenset("il elle ils elles lui eux celui-ci celle-ci ceux-ci celles-ci it they them".split())
# Inverted subject pronouns (« a-t-elle », « sont-ils ») belong to the question's own subject.
_INVERSION = re.compile(r"-(?:t-)?(?:il|elle|ils|elles|on)\b", re.IGNORECASE)
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
    plain = _INVERSION.sub("", question)
    if any(w in ANAPHORA for w in re.findall(r"[\w-]+", plain.lower())):
        return True
    return len(analyze_query(plain)) <= MAX_FOLLOW_UP_TERMS - 1


def retrieval_context(question: str, previous_questions: Sequence[str]) -> str:
    """The earlier question a follow-up needs for retrieval, or '' for a standalone question."""
    if previous_questions and is_follow_up(question):
        return previous_questions[-1]
    return ""


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
