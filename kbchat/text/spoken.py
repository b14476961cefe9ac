"""Spoken word order: a question whose frame comes after its subject, put back in written order."""

from __future__ import annotations

import re

_PRONOUN = r"(?:ça|ca|cela|il|elle|ils|elles|on)"
_END = r"\s*[?.!]*\s*$"
# « Les partenariats, ça sert à quoi ? », « …, c'est pour faire quoi ? », « Ça sert à quoi, les partenariats ? »,
# « La DCI, elle fait quoi ? »: the subject set apart by a comma, the frame after it or before it.
_WHAT_FOR_AFTER = re.compile(
    rf"^\s*(?P<subject>[^,?]+?)\s*,\s*(?:(?:{_PRONOUN}\s+)?(?:sert|servent)\s+[àa]\s+quoi"
    rf"|c'est\s+pour\s+(?:faire\s+)?quoi){_END}",
    re.IGNORECASE,
)
_WHAT_FOR_BEFORE = re.compile(
    rf"^\s*(?:ça|ca|cela)\s+sert\s+[àa]\s+quoi\s*,?\s+(?P<subject>[^,?]+?){_END}", re.IGNORECASE
)
_PLURALS = frozenset("les des ses leurs ces mes tes nos vos".split())
_DETERMINERS = _PLURALS | frozenset("le la l un une son sa leur ce cet cette mon ma ton ta notre votre".split())
_WHAT_DOES = re.compile(rf"^\s*(?P<subject>[^,?]+?)\s*,\s*{_PRONOUN}\s+(?:fait|font)\s+quoi{_END}", re.IGNORECASE)


def in_written_order(question: str) -> str:
    """The question in written order when spoken French set its subject apart (« X, ça sert à quoi ? »), else as is.

    « Les partenariats, ça sert à quoi ? » -> « À quoi servent les partenariats ? »; « La DCI, elle fait quoi ? » ->
    « Que fait la DCI ? ». Its words are those of the written question, so frames and stopwords read it the same way.
    """
    for pattern, frame in (
        (_WHAT_FOR_AFTER, "À quoi {verb}"),
        (_WHAT_FOR_BEFORE, "À quoi {verb}"),
        (_WHAT_DOES, "Que {does}"),
    ):
        match = pattern.match(question)
        if match is not None:
            subject = match.group("subject").strip()
            first = re.split(r"[\s'’]", subject.lower(), maxsplit=1)[0]
            subject = subject[0].lower() + subject[1:] if first in _DETERMINERS else subject  # not « DCI »
            verb, does = ("servent", "font") if first in _PLURALS else ("sert", "fait")
            return f"{frame.format(verb=verb, does=does)} {subject} ?"
    return question
