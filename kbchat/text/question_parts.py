"""Compound questions: a message that asks several things, split into one question per thing."""

from __future__ import annotations

import re

_WH = (
    r"(?:quand|combien|qui|quoi|o[uù]|pourquoi|comment|quel(?:le)?s?|que|qu['’]|lequel|laquelle|lesquel(?:le)?s"
    r"|est-ce|when|how|who|what|where|why|which)"
)
_PREPOSITION = r"(?:[aà]|au|aux|avec|dans|de|d['’]|du|des|en|par|pour|sur|contre|depuis|chez|with|in|for|from|to|by|on)"
_ASKS = rf"(?=(?:{_PREPOSITION}\s+)?{_WH}(?![\w-]))"  # an interrogative, maybe after a preposition (« à quelle »)
ASKS_AT_START = re.compile(rf"^\s*{_ASKS}", re.IGNORECASE)
# « et » that opens another question, and a comma that does in a list of them (« Quand…, combien… et où… ? »).
_JOIN = re.compile(rf",?\s+(?:et|and)\s+{_ASKS}", re.IGNORECASE)
_SEPARATOR = re.compile(rf"((?:,\s*|\s+)(?:et|and)\s+|,\s+){_ASKS}", re.IGNORECASE)
# « Quand et où… », « Combien et où… »: two interrogatives that share the rest of the question.
_SHARED = re.compile(
    r"^\s*(?P<a>quand|combien|o[uù]|pourquoi|comment|when|where|why|how)\s*,?\s+(?:et|and)\s+"
    r"(?P<b>quand|combien|o[uù]|pourquoi|comment|when|where|why|how)\s+(?P<rest>.+)$",
    re.IGNORECASE,
)
# A question mark that more words follow: the message asks another question.
_NEXT = re.compile(r"(?<=\?)\s+(?=\S)")
_END = r"\s*[?.!]*\s*$"
_OTHER = r"(?!de |d['’]|du )"  # « la coopération technique de sécurité et de gouvernance » names one thing
# « la différence entre A et B », « comparer A et B », « en quoi A diffère-t-il de B ».
_COMPARED = (
    re.compile(rf"diff[ée]rences?\s+entre\s+(?P<a>.+?)\s+et\s+{_OTHER}(?P<b>.+?){_END}", re.IGNORECASE),
    re.compile(rf"^\s*compar(?:e|ez|er)\s+(?P<a>.+?)\s+(?:et|avec|à|a)\s+{_OTHER}(?P<b>.+?){_END}", re.IGNORECASE),
    re.compile(
        r"^\s*en quoi\s+(?P<a>.+?)\s+(?:diff[èe]re(?:nt)?|se distingue(?:nt)?)(?:-t)?(?:-(?:il|elle|ils|elles))?"
        rf"\s+(?P<of>de la |de l['’]|des |du |de |d['’])(?P<b>.+?){_END}",
        re.IGNORECASE,
    ),
)
# « diffère des partenariats »: « les partenariats »
_ARTICLE_AFTER_DE = {"des ": "les ", "du ": "le ", "de la ": "la ", "de l'": "l'", "de l’": "l’"}
MIN_PART_WORDS = 3  # « Quels experts et quels agents… » asks one thing


def question_parts(message: str) -> tuple[str, ...]:
    """The questions a message asks, in order; the message alone when it asks one thing."""
    parts: list[str] = []
    for sentence in _NEXT.split(message.strip()):
        parts += _compared(sentence) or _shared(sentence) or _joined(sentence)
    mark = "?" if re.search(r"\w\?", message) else " ?"  # the message's own spacing: « créée ? », « created? »
    return tuple(_as_question(p, mark) for p in parts) if len(parts) > 1 else (message,)


def _joined(sentence: str) -> list[str]:
    """The questions of a sentence that joins several with « et », and with commas before it."""
    if not _JOIN.search(sentence):
        return [sentence]
    pieces = _SEPARATOR.split(sentence)
    parts = [pieces[0]]
    for separator, piece in zip(pieces[1::2], pieces[2::2], strict=True):
        if len(parts[-1].split()) >= MIN_PART_WORDS and len(piece.split()) >= MIN_PART_WORDS:
            parts.append(piece)
        else:
            parts[-1] += separator + piece
    return parts


def _shared(sentence: str) -> list[str]:
    """« Quand X ? » and « Où X ? » for « Quand et où X ? »; none for another sentence."""
    match = _SHARED.search(sentence)
    return [f"{match['a']} {match['rest']}", f"{match['b']} {match['rest']}"] if match else []


def _compared(sentence: str) -> list[str]:
    """« Qu'est-ce que A ? », « Qu'est-ce que B ? » for a sentence that asks how A and B differ; none otherwise."""
    for pattern in _COMPARED:
        match = pattern.search(sentence)
        if match:
            other = _ARTICLE_AFTER_DE.get((match.groupdict().get("of") or "").lower(), "") + match["b"]
            return [f"Qu'est-ce que {match['a']}", f"Qu'est-ce que {other}"]
    return []


def _as_question(part: str, mark: str) -> str:
    """A part as a question of its own: capitalized, ending with its question mark."""
    part = re.sub(_END, "", part.strip())
    return f"{part[:1].upper()}{part[1:]}{mark}"
