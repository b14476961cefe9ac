"""Overview questions (« Qu'est-ce que la DCI ? », « À quoi sert… ») and the sentences that say what a subject is."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from kbchat.text.analyzer import analyze_query, fold_accents, stem, words
from kbchat.text.answer_types import asks_for_list, without_opener
from kbchat.text.matching import term_matched

# « X est… », « X, …, désigne… »: a verb saying what the subject is, at most COPULA_REACH words after one of its words.
COPULAS = frozenset(
    "est sont etait etaient fut furent designe designent constitue constituent represente representent".split()
)
COPULA_REACH = 6
_ASKS = re.compile(
    r"^(?:qu'est-ce que|qu'est ce que|qu'est-ce qu'|qu'est ce qu'|c'est quoi|que sont|qui est|qui sont"
    r"|que represente(?:nt)?|que (?:fait|font)|a quoi (?:sert|servent)|de quoi s'occupe(?:nt)?"
    r"|quel(?:le)?s? (?:est|sont) (?:le |la |les |l')?(?:role|mission|fonction|objectif|activite)s? (?:de |d'|du |des )"
    r"|(?:parlez|parle|presentez|presente|decrivez|decris)(?:-moi|-nous)?(?: des| du| de| d')?"
    r"|what (?:is|are) (?:the )?(?:role|goal|aim|purpose|mission|job|function)s? of|what (?:is|are)|what's"
    r"|tell me about|describe)\s*"
)
_ASKED_LAST = re.compile(r"\s*,?\s*c'est quoi$")
_DOES = re.compile(r"^what (?:does|do) (.+) do$")
# « Qui est Médine ? » asks what a name is; « Qui est le gouverneur ? », « Qui est proclamé… », for a person.
_WHO = re.compile(r"^\s*qui\s+(?:est|sont)\s+(\S)", re.IGNORECASE)
_ARTICLE = re.compile(r"^(?:le |la |les |l'|un |une |des |the |an )")
# A word that narrows the question to one side of its subject (« Que fait la DCI en Europe ? »): no overview.
_QUALIFIERS = frozenset(
    "a au aux dans en pour avec contre sur chez entre depuis pendant durant lors hors par vers selon sans apres avant "
    "quand comment comme ont est sont etait etaient pourrait pourraient peut peuvent doit doivent fait font va vont "
    "pourquoi ou combien in for with on at against to from about by when how why where".split()
)
MAX_SUBJECT_WORDS = 8
_PREPOSITIONS = frozenset("a au aux de en par pour avec sur dans chez entre of in to for with by".split())
_CONTRACTED = frozenset(("du", "des"))
_ARTICLES = frozenset("le la les l un une the".split())
_CLAUSE = re.compile(r"[,;:()«»\[\]]")
# The words that may join a subject's own within one mention (« direction générale de la police nationale »).
_LINKS = frozenset("de d du des la le les l of the".split())


def overview_subject(question: str) -> str | None:
    """The subject of a question that asks only what it is or does (« Qu'est-ce que la DCI ? » -> « dci »), or None."""
    question = without_opener(question)
    text = fold_accents(question.lower()).replace("’", "'").strip().rstrip("?.! ").strip()
    does = _DOES.match(text)
    if does is not None:
        text = f"what is {does.group(1)}"
    asked = _ASKS.match(text)
    who = _WHO.match(question)
    if who is not None and not who.group(1).isupper():
        return None
    rest = text[asked.end() :] if asked else text
    last = _ASKED_LAST.search(rest)
    if last is not None:
        rest = rest[: last.start()]
    elif asked is None:
        return None
    subject = _ARTICLE.sub("", rest.strip(" ,"))
    found = words(subject)
    if not found or len(found) > MAX_SUBJECT_WORDS or any(w in _QUALIFIERS for w in found):
        return None
    return subject


def overview_terms(question: str) -> tuple[str, ...]:
    """The analyzed terms of an overview question's subject (none for any other, and for one that asks for a list).

    « Quelles sont les missions de la DCI ? » asks for the list of its missions, not for what it is.
    """
    subject = None if asks_for_list(question) else overview_subject(question)
    return tuple(analyze_query(subject)) if subject else ()


def _named(subject: Sequence[str], acronyms: Mapping[str, list[str]]) -> set[str]:
    """The subject's terms and the terms its acronyms stand for."""
    return {t for term in subject for t in (term, *acronyms.get(term, ()))}


def _naming(sentence: str, subject: Sequence[str], acronyms: Mapping[str, list[str]]) -> tuple[list[str], list[str]]:
    """The sentence's folded words and their stems when it names every subject term, else two empty lists."""
    folded = [fold_accents(w) for w in words(sentence)]
    stems = [stem(w) for w in folded]
    if not subject or not all(term_matched(t, set(stems), acronyms) for t in subject):
        return [], []
    return folded, stems


def defines(sentence: str, subject: Sequence[str], acronyms: Mapping[str, list[str]]) -> bool:
    """True when the sentence names the subject and a copula follows one of its words closely (« La DCI est… »).

    A subject named only after a preposition is not what the copula speaks of (« les savoir-faire du ministère… sont »).
    """
    folded, stems = _naming(sentence, subject, acronyms)
    named = _named(subject, acronyms)
    return any(
        any(w in COPULAS for w in folded[i + 1 : i + 1 + COPULA_REACH]) for i, s in enumerate(stems) if s in named
    ) and not only_mentions(sentence, subject, acronyms)


def _mentions(sentence: str, subject: Sequence[str], acronyms: Mapping[str, list[str]]) -> list[bool]:
    """For each place a clause of the sentence names the whole subject, whether a preposition comes before it.

    A mention is a run of the subject's words joined by « de », « la »… (not « et »: « la police nationale et la
    gendarmerie » names no « gendarmerie nationale » after « police »). Articles and numbers before it are skipped
    (« dans les 74 services »); « du », « des » are prepositions after a word (« le domaine des affaires »), articles
    when they open the clause (« Des modèles… »).
    """
    named = _named(subject, acronyms)
    found: list[bool] = []
    for clause in _CLAUSE.split(sentence):
        folded = [fold_accents(w) for w in words(clause)]
        stems = [stem(w) for w in folded]
        for i, s in enumerate(stems):
            end = i
            while end < len(stems) and (stems[end] in named or folded[end] in _LINKS):
                end += 1
            if s not in named or not all(term_matched(t, set(stems[i:end]), acronyms) for t in subject):
                continue
            before = i - 1
            while before >= 0 and (folded[before] in _ARTICLES or folded[before].isdigit()):
                before -= 1
            word = folded[before] if before >= 0 else ""
            found.append(word in _PREPOSITIONS or (word in _CONTRACTED and before > 0))
    return found


def only_mentions(sentence: str, subject: Sequence[str], acronyms: Mapping[str, list[str]]) -> bool:
    """True when the sentence names the subject, each time after a preposition (« experts en sécurité civile »)."""
    mentions = _mentions(sentence, subject, acronyms) if subject else []
    return bool(mentions) and all(mentions)


def heads(subject: Sequence[str], title: str, headings: Sequence[str], acronyms: Mapping[str, list[str]]) -> bool:
    """True when the subject heads the section: its deepest heading is the first of the path that names all of it.

    « Les coopérations opérationnelles » heads « coopération opérationnelle », but not « direction de la coopération
    internationale », which the title already names: that subject heads the document.
    """
    if not subject:
        return False
    for depth in range(len(headings) + 1):
        path = set(analyze_query(" ".join((title, *headings[:depth]))))
        if all(term_matched(t, path, acronyms) for t in subject):
            return depth == len(headings)
    return False
