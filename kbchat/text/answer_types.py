"""Answer types: what kind of answer a question asks for (date, number, place…) and whether a sentence holds one."""

from __future__ import annotations

import re

from kbchat.text.analyzer import analyze, analyze_query, fold_accents, stem, words

PRECISE_TYPES = ("date", "since", "number")
# « un », « une » are left out: mostly articles, they would make nearly every sentence hold a number.
_NUMBER_WORDS = (
    r"(?:deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|vingt|trente|quarante|cinquante|soixante"
    r"|cent|cents|mille|milliers?|millions?|milliards?|dizaines?|centaines?|douzaines?)"
)
_MONTHS = r"(?:janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|novembre|decembre)"
# « Dans quel X » asks where, or in which named thing (a book, a theatre), unless X is an aim, a field or a frame.
_NOT_PLACES = r"(?:but|objectif|domaine|secteur|cadre|contexte|sens|ordre|moment|esprit|genre|style|type|registre)"
ANSWER_TYPES: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {
    "date": (
        re.compile(
            r"\b(quand|quelle annee|quelle date|quel siecle|en quelle (?:saison|periode|epoque|decennie)|depuis quand"
            r"|jusqu'a quand|(?:date|annee) (?:de|d'|du|des)"
            r"|when|what year|what date)\b"
        ),
        re.compile(rf"\b(1\d{{3}}|20\d{{2}}|{_MONTHS}|siecle|annees? \d)\b"),
    ),
    # « Depuis combien de temps… » is answered by a date (« Créée en 2010 ») or by a length (« onze millénaires »).
    "since": (
        re.compile(r"\bdepuis combien (?:de temps|d'annees|de siecles|de mois|de jours)\b"),
        re.compile(
            rf"\b(?:1\d{{3}}|20\d{{2}}|{_MONTHS}|siecles?"
            rf"|(?:\d+|{_NUMBER_WORDS}) (?:ans|annees|decennies|siecles|millenaires|mois|semaines|jours))\b"
        ),
    ),
    "number": (
        re.compile(r"\b(combien|quel nombre|quelle quantite|nombre de|how many|how much|what number)\b"),
        re.compile(rf"\d|\b{_NUMBER_WORDS}\b"),
    ),
    "place": (
        re.compile(
            r"(\bou\b(?!\s+(bien|non)\b)|\bquel pays\b|\bquelle ville\b|\bquelle region\b|\bwhere\b"
            rf"|\bdans quel\b(?! {_NOT_PLACES}\b))"
        ),
        re.compile(r"\b(a|au|aux|en|dans|pres de)\s+(l'|la |le |les )?[A-Z]"),
    ),
    "definition": (
        re.compile(
            r"\b(qu'est-ce que|qu'est ce que|c'est quoi|c est quoi|que signifie|que designe|definition"
            r"|what is|what are)\b"
        ),
        re.compile(r"\b(est|sont|designe|designent|consiste|signifie|vise|represente)\b"),
    ),
    "person": (
        re.compile(r"^(qui\b|par qui\b|who\b)"),
        re.compile(r"\b[A-Z][a-z]+ [A-Z][a-z]+"),
    ),
}
# A year after « en », « depuis »… dates an event: it is no count (« Créée en 2010 » does not say how many).
_YEAR = re.compile(r"\b(?:en|depuis|des|jusqu'en|avant|apres|vers|in|since) (?:1\d{3}|20\d{2})\b")
MEASURES = frozenset(
    "temps fois personne personnes gens people time times an ans annee annees jour jours semaine semaines mois heure "
    "heures minute minutes seconde secondes siecle siecles euro euros dollar dollars franc francs metre metres "
    "kilometre kilometres km kilo kilos kilogramme kilogrammes tonne tonnes litre litres pour-cent years days".split()
)
# What is counted: a noun, and its complement when a preposition ties one to it (« experts en cybersécurité »).
_COUNTED = re.compile(
    r"\b(?:combien d'|combien de |nombre d'|nombre de |how many )([a-z-]{3,})"
    r"(?: (?:(?:en|de|du|des|pour|in|of|for) (?:la |le |les |l')?|d'|de l')([a-z-]{3,}))?"
)

# A place or partner the question names (« en Afrique », « à Dakar », « avec le Canada », « chez Renault »): a
# capitalized word after one of these, not an acronym (the documents spell those out). A word in lower case counts
# only after the prepositions of countries (« en afrique », « au maroc »): « à soigner », « dans la proposition ».
_PLACED = re.compile(
    r"(?<!^)\b(en|au|aux|à|a|dans|avec|chez|in|with)\s+(?:l['’]|la |le |les |the )?([^\W\d_][\w-]{3,})"
)
_LOWER_CASE_PLACED = frozenset({"en", "au", "aux"})

# The words that frame a question on what its subject does or is for (« Quel est le rôle de la DCI ? », « Que
# fait-elle ? », « Parle-moi de… », « Quelle différence entre… »): any sentence on the subject answers it, so a
# passage need not hold them.
_ROLES = r"(?:role|mission|fonction|attribution|activite|tache|competence|objectif|finalite)s?"
_FRAME = re.compile(
    r"^\s*(?:(?:ce )?que (?:fait|font)|a quoi (?:sert|servent)|de quoi s'occupe(?:nt)?"
    rf"|quel(?:le)?s? (?:(?:est|sont|etait|etaient) (?:le|la|les|l'|sa|son|ses|leurs?) ?)?{_ROLES}"
    # The same asked as a noun phrase, after an order (« [Explique-moi] le rôle de la coopération technique »).
    rf"|(?:le|la|les|l'|sa|son|ses|leurs?) ?{_ROLES} (?=de |d'|du |des )"
    r"|(?:quelle est la |quelles sont les |quelles? )?differences?(?: entre)?"
    r"|(?:parle|parlez|presente|presentez|explique|expliquez)(?:-moi|-nous)?(?: de)?"
    r"|(?:en|a) quoi consiste(?:nt)?|que (?:signifie|signifient|veut dire|veulent dire)"
    r"|what (?:does|do)|tell me about"
    r"|what (?:is|are) (?:the|its|their) (?:role|mission|function|job|purpose|aim|goal)s?)\b"
)
# Phrases that only say what the question is about (« en matière de cybersécurité »), or that it asks for a date
# (« date de création »): its subject follows them.
_ABOUT = re.compile(
    r"\b(?:en matiere d|au sujet d|a propos d|en ce qui concerne|date (?=de |d'|du |des )|annee (?=de |d'|du |des ))"
)


# « Et que fait… ? », « And what does… »: a follow-up's opener before a whole question's frame.
_OPENER = re.compile(r"^\s*(?:et|and|puis|alors|mais|but)\b[\s,]*", re.IGNORECASE)


def without_opener(question: str) -> str:
    """The question without the word that opens a follow-up (« Et », « And », « Puis »…)."""
    return _OPENER.sub("", question, count=1)


def _folded(question: str) -> str:
    """Lower case, accents folded, typographic apostrophes unified."""
    return fold_accents(question.lower()).replace("’", "'")


def question_type(question: str) -> str | None:
    """The kind of answer a question asks for: date, number, place, definition, person, or None."""
    folded = _folded(question)
    for name, (asks, _) in ANSWER_TYPES.items():
        if asks.search(folded):
            return name
    return None


# Spoken French puts « combien » after what it counts: « son budget, c'est combien ? » counts the budget, « ils
# gagnent combien ? » what they earn; « ils sont combien ? » counts the subject, which the evidence already holds.
_COUNTED_BEFORE = re.compile(
    r"\b(?:son|sa|ses|leur|leurs|le|la|les|l')\s*([a-z-]{3,}),? (?:c'est|ca fait) combien\b"
    r"|\b(?:il|elle|ils|elles|on|ca|cela) ([a-z-]{3,}) combien\b"
)
_BEING = frozenset("est sont etait etaient sera seront a ont avait avaient".split())


def counted_terms(question: str) -> tuple[str, ...]:
    """The analyzed terms of what a « combien de … » question counts: its noun and complement, or none.

    A measure (« combien de temps », « de fois », « de personnes ») names the answer's unit, not a subject: none.
    Without « combien de », the noun or the verb just before « combien » (see _COUNTED_BEFORE).
    """
    folded = _folded(question)
    match = _COUNTED.search(folded)
    if match is None:
        before = _COUNTED_BEFORE.search(folded)
        found = before and next(w for w in before.groups() if w)
        return tuple(analyze(found)[:1]) if found and found not in _BEING else ()
    if match.group(1) in MEASURES:
        return ()
    return tuple(t for words in match.groups() if words for t in analyze(words)[:1])


# The words that ask for a list without naming what it lists, left out of the evidence: « Liste des… » opening the
# question (« les couleurs de la liste » names a thing), a verb that asks to list, « types de… ».
_LIST_FRAME = (
    r"^\s*(?:la |une )?liste d(?:e\b|es\b|u\b|')"
    r"|\b(?:listez|lister|enumere|enumerez|enumerer|citer)\b|^\s*(?:cite|citez)\b"  # not « la cité »
    r"|\b(?:types?|sortes?|formes?|genres?|categories?) d(?:e\b|')"
)
# Generic verbs of carrying out (« Quelles coopérations la DCI mène-t-elle ? »): asked of a list, they say only that
# the subject does the things listed, which a page says with its own verb (« anime, coordonne et met en œuvre : »).
# Exact forms, so that a noun that shares a stem keeps counting (« assurances », « pratiques »).
_CARRYING_OUT = re.compile(
    r"\b(?:(?:met|mettent|mettre|mis|mise|mises)(?:-t)?(?:-(?:il|elle|ils|elles|on))?\s+en\s+oeuvre"
    r"|(?:prend|prennent|prendre|pris|prise|prises)(?:-t)?(?:-(?:il|elle|ils|elles|on))?\s+en\s+charge"
    r"|(?:a|ont|avoir)\s+(?:la\s+)?charge"
    r"|(?:mene|menent|mener|menee|menees|menes|menait|menaient|mena)"
    r"|(?:conduit|conduits|conduisent|conduire|conduisait|conduisaient)"
    r"|(?:realise|realisent|realiser|realisee|realisees|realises|realisait)"
    r"|(?:effectue|effectuent|effectuer|effectuee|effectuees|effectues)"
    r"|(?:assure|assurent|assurer|assuree|assurees|assures)"
    r"|(?:exerce|exercent|exercer|exercee|exercees|exerces)"
    r"|(?:accomplit|accomplissent|accomplir|accompli|accomplie|accomplies|accomplis)"
    r"|(?:gere|gerent|gerer|geree|gerees|geres)"
    r"|(?:occupe|occupent|occuper)"
    r"|(?:intervient|interviennent|intervenir|intervenu|intervenue|intervenus))\b"
)
# A question whose answer is a list: a plural interrogative, « liste », « types de » (« Quelles coopérations… »), an
# overview of things in the plural (« Présente-moi les coopérations… », not « Parle-moi des partenariats »).
_LIST = re.compile(
    r"\b(?:quels|quelles|lesquels|lesquelles|liste|which|what (?:types|kinds))\b"
    rf"|^\s*(?:presente|presentez|decris|decrivez)(?:-moi|-nous)? les\b|{_LIST_FRAME}"
)


def asks_for_list(question: str) -> bool:
    """True when the question asks for several things (« Quelles coopérations la DCI met-elle en œuvre ? »)."""
    return bool(_LIST.search(_folded(question)))


def named_places(question: str) -> tuple[tuple[str, bool], ...]:
    """The analyzed term of each place or partner the question names, with True when it is capitalized (a name).

    A word in lower case may be a common noun (« en poste »): the caller counts it only when the base lacks it.
    """
    found = []
    for preposition, word in _PLACED.findall(question):
        named = word[0].isupper()
        if word.isupper() or not (named or preposition.lower() in _LOWER_CASE_PLACED):
            continue
        found += [(term, named) for term in analyze_query(word)[:1]]  # not « en quelle année »
    return tuple(found)


def has_answer_type(sentence: str, kind: str | None) -> bool:
    """True when the sentence holds the kind of answer asked for."""
    if kind is None:
        return False
    pattern = ANSWER_TYPES[kind][1]
    text = sentence if kind in ("place", "person") else fold_accents(sentence.lower()).replace("’", "'")
    if kind == "number":
        text = _YEAR.sub(" ", text)
    return bool(pattern.search(fold_accents(text)))


# « Qui a créé… », « Qui dirige… », « Par qui fut fondée… »: the action whose agent the question asks for.
_ACTION = re.compile(
    r"^\s*(?i:(?:par )?qui (?:a |ont |avait |avaient |aura |auront |eut |fut |a-t-il |a-t-elle )?(?:ete )?)"
    r"([a-z]{4,})"  # in lower case: a verb, not a name (« Qui Elizabeth veut-elle prévenir ? »)
)
_IDENTITY = frozenset("est sont etait etaient sera seront etre".split())  # « Qui est Maria Kirilenko ? »


def agent_action(question: str) -> str | None:
    """The stem of the action whose agent a « qui … » question asks for, or None."""
    match = _ACTION.search(fold_accents(question))
    return stem(match.group(1)) if match and match.group(1) not in _IDENTITY else None


def names_agent(sentence: str, action: str) -> bool:
    """False when the sentence holds the action (a stem) only opening a clause, with no « par » after it.

    « Créée en 2010, la DCI est… » says when the DCI was created, not who created it; « La DCI assure… » and
    « Fondée par Jean, … » name who acts. True when the sentence does not hold the action.
    """
    opening = [stem(w) for w in words(re.split(r"[,;:()]", sentence)[0])]
    return not opening or opening[0] != action or "par" in opening[1:4] or "by" in opening[1:4]


def framing_terms(question: str) -> tuple[str, ...]:
    """The analyzed terms of the words that frame a question (its role frame, « en matière de », « liste des »…)."""
    return frame_terms(question) + listing_terms(question)


def frame_terms(question: str) -> tuple[str, ...]:
    """The analyzed terms of a question's role frame and of what says what it is about, without its listing words."""
    folded = _folded(without_opener(question))
    match = _FRAME.search(folded)
    framing = [match.group(0)] if match else []
    return tuple(t for phrase in framing + _ABOUT.findall(folded) for t in analyze(phrase))


def listing_terms(question: str) -> tuple[str, ...]:
    """The analyzed terms of the words that only ask for a list (« Liste des… », « types de », « mène-t-elle »)."""
    folded = _folded(without_opener(question))
    listing = [m.group(0) for m in re.finditer(_LIST_FRAME, folded)]
    if asks_for_list(question):
        listing += _CARRYING_OUT.findall(folded)
    return tuple(t for phrase in listing for t in analyze(phrase))
