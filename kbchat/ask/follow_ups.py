"""Follow-ups: whether a question leans on the ones before, which of them, and what of them it replaces."""

from __future__ import annotations

import re
from collections.abc import Sequence

from kbchat.corpus.profiles import content_words
from kbchat.text.analyzer import QUERY_STOPWORDS, analyze_query, fold_accents, stem

ANAPHORA = frozenset("il elle ils elles lui eux celui-ci celle-ci ceux-ci celles-ci it they them".split())
# Inverted subject pronouns (« a-t-elle », « sont-ils ») belong to the question's own subject.
_INVERSION = re.compile(r"-(?:t-)?(?:il|elle|ils|elles|on)\b", re.IGNORECASE)
FOLLOW_UP_OPENERS = ("et ", "and ", "aussi", "puis ", "alors ")
MAX_FOLLOW_UP_TERMS = 2
MAX_CHAIN = 3  # the most earlier questions a chain of follow-ups reaches back over
CAPITALIZED = re.compile(r"(?<!^)\b[A-ZÀ-ÖØ-Þ][\w-]+")
_NAMED = re.compile(rf"{CAPITALIZED.pattern}|\b[A-Z]{{2,}}\b")  # a proper name, or an acronym anywhere


def is_follow_up(question: str) -> bool:
    """True when a question leans on the previous one (« Et combien d'experts ? »)."""
    folded = fold_accents(question.strip().lower())
    if folded.startswith(FOLLOW_UP_OPENERS):
        return True
    plain = _INVERSION.sub("", question)
    if any(w in ANAPHORA for w in re.findall(r"[\w-]+", plain.lower())):
        return True
    # An ellipsis (« Combien d'experts ? ») names at most one thing; a question that names its subject is complete.
    return len(analyze_query(plain)) <= MAX_FOLLOW_UP_TERMS - 1 and not _NAMED.search(plain)


def earlier_questions(question: str, previous_questions: Sequence[str]) -> tuple[str, ...]:
    """The earlier questions a follow-up leans on, nearest first: the one before, and further back while each leans.

    « Combien d'experts ? », « Et de policiers ? », « Où sont-ils affectés ? »: the third needs the first two.
    """
    if not previous_questions or not is_follow_up(question):
        return ()
    chain = [previous_questions[-1]]
    for earlier in reversed(previous_questions[-MAX_CHAIN:-1]):
        if not is_follow_up(chain[-1]):
            break
        chain.append(earlier)
    return tuple(chain)


def _content(question: str) -> list[tuple[str, str]]:
    """The question's content words, each with its stem, in order."""
    return [(w, stem(fold_accents(w))) for w in content_words(question, QUERY_STOPWORDS)]


def replaced_words(question: str, earlier: str) -> frozenset[str]:
    """The earlier question's content words a follow-up replaces when it changes subject, or none.

    A follow-up that names a word of the earlier question again, beside words of its own, names its whole subject:
    « Et la coopération opérationnelle ? » after « Qu'est-ce que la coopération technique ? » replaces « technique ».
    The earlier question's frame (« qu'est-ce que », « combien ») stays.
    """
    own = {term for _, term in _content(question)}
    before = _content(earlier)
    shared = own & {term for _, term in before}
    if not shared or own <= shared:
        return frozenset()
    return frozenset(word for word, term in before if term not in shared)


def without_replaced(question: str, earlier: str) -> str:
    """The earlier question less the words the follow-up replaces (« technique », by « opérationnelle »)."""
    text = earlier
    for word in replaced_words(question, earlier):
        text = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", "", text, flags=re.IGNORECASE)
    return re.sub(r"\s{2,}", " ", text)
