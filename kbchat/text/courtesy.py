"""Courtesy: the greetings, thanks and request phrases around a question, and messages that hold nothing else."""

from __future__ import annotations

import re

from kbchat.text.question_parts import ASKS_AT_START

_GREETINGS = r"bonjour|bonsoir|salut|coucou|hello|hi|hey|good (?:morning|afternoon|evening)"
_THANKS = (
    r"merci(?: beaucoup| bien| infiniment)?(?: pour (?:(?:ta|votre|cette) (?:aide|réponse|reponse)|tout))?"
    r"|thanks|thank you"
)
# Said before a question in a conversation; only with a mark after them, so that no question loses its first word.
_ACKNOWLEDGEMENTS = r"ok|okay|d'accord|très bien|tres bien|parfait|super|génial|genial|entendu|je vois|ah|oh"
_LEADING = re.compile(
    rf"^\s*(?:(?:(?:{_GREETINGS})(?:\s+(?:à tous|a tous|madame|monsieur|à vous|a vous))?|{_THANKS})\b\s*[,.!;:]*\s*"
    rf"|(?:{_ACKNOWLEDGEMENTS})\s*[,.!;:]+\s*)+",
    re.IGNORECASE,
)
_ASKING = (
    r"(?:me |m'|m’|nous )?(?:dire|expliquer|indiquer|préciser|preciser|rappeler|présenter|presenter|donner|communiquer)"
)
_REQUEST = re.compile(
    r"^\s*(?:(?:je |j'|j’)(?:voudrais|souhaiterais|souhaite|aimerais|veux|cherche à|cherche a) "
    r"(?:savoir|connaître|connaitre|comprendre|apprendre)"
    rf"|(?:est-ce que )?(?:(?:pouvez|pourriez|peux|pourrais)-(?:vous|tu)|(?:vous|tu) (?:pouvez|pourriez|peux|pourrais))"
    rf" {_ASKING}"
    # An order that only asks (« Donne-moi la date… », « Explique-moi le rôle… »); « Parle-moi de », « Présente-moi »
    # and « Décris » ask for an overview of what follows, and « Cite » for a list: they stay.
    r"|(?:dites|dis|donne|donnez|indique|indiquez|précise|précisez|precise|precisez|rappelle|rappelez|explique"
    r"|expliquez)-(?:moi|nous)|(?:could|can) you tell me|i (?:would like|want) to know)\b\s*,?\s*",
    re.IGNORECASE,
)
_TRAILING = re.compile(
    r"(?:\s*[,.]?\s*(?:s'il (?:vous|te) pla[iî]t|svp|stp|please|merci(?: beaucoup| d'avance| par avance)?))+"
    r"(?=\s*[?!.]*\s*$)",
    re.IGNORECASE,
)
_YOUR = r"(?:tes|vos|ta|votre|ton)"
_ON_ITSELF = (  # what the assistant is, where its answers come from, what it can be asked
    rf"(?:quel(?:le)?s? (?:sont|est) {_YOUR} sources?|{_YOUR} sources?|(?:c'est )?quoi {_YOUR} sources?"
    rf"|d'o[uù] (?:viennent|proviennent) {_YOUR} (?:informations|infos|réponses|reponses|données|donnees)"
    r"|sur quoi (?:te bases-tu|vous basez-vous|tu te bases|vous vous basez)"
    r"|sur quels? (?:documents?|textes?|sources?) (?:te bases-tu|vous basez-vous|tu te bases|vous vous basez)"
    rf"|(?:est-ce que )?{_YOUR} (?:réponses|reponses|informations|infos) sont(?:-elles)?"
    r" (?:fiables|exactes|vraies|à jour|a jour)"
    r"|(?:es-tu|êtes-vous|etes-vous|tu es|vous êtes|vous etes) (?:un |une )?"
    r"(?:robot|bot|chatbot|ia|intelligence artificielle|humain|humaine|vraie personne|personne|fiables?)"
    r"|(?:are you (?:a |an )?(?:bot|robot|human|ai|reliable))|what are your sources"
    r"|where (?:does|do) your (?:information|answers) come from"
    # What it can be asked: « De quoi parles-tu ? », « Quels sujets couvres-tu ? », « Comment t'utiliser ? ».
    r"|de quoi (?:parles-tu|parlez-vous|tu parles|vous parlez)|tu (?:parles|connais|sais) quoi"
    r"|(?:sur )?quels? (?:sujets?|thèmes?|themes?|domaines?) (?:couvres-tu|couvrez-vous|connais-tu|connaissez-vous"
    r"|(?:puis-je|peut-on|pouvons-nous) (?:t'|vous )?(?:interroger|aborder|poser des questions))"
    r"|quelles? (?:questions?|sortes? de questions?) (?:puis-je|peut-on) (?:te |vous )?poser"
    r"|que (?:peux-tu|pouvez-vous) me dire|comment (?:t'utiliser|vous utiliser|(?:ça|ca) fonctionne)"
    r"|what do you know(?: about)?|what can i ask(?: you)?)"
)
_SMALL_TALK = {
    "greeting": re.compile(
        rf"^(?:{_GREETINGS}|(?:comment )?(?:ça|ca) va|comment (?:allez-vous|vas-tu)|how are you)$", re.IGNORECASE
    ),
    "thanks": re.compile(rf"^(?:{_THANKS})$", re.IGNORECASE),
    "acknowledgement": re.compile(rf"^(?:{_ACKNOWLEDGEMENTS}|c'est noté|c'est note|compris)$", re.IGNORECASE),
    "farewell": re.compile(
        r"^(?:au revoir|bonne (?:journée|journee|soirée|soiree)|à bientôt|a bientot|à plus|bye|goodbye)$",
        re.IGNORECASE,
    ),
    "help": re.compile(
        r"^(?:aide|help|qui es-tu|qui êtes-vous|qui etes-vous|tu es qui|vous êtes qui|who are you"
        r"|que (?:sais|peux)-tu faire|que (?:savez|pouvez)-vous faire|what can you do|comment (?:ça|ca) marche"
        # What the assistant itself is and where its answers come from: « Quelles sont tes sources ? »,
        # « Tu es un robot ? », « Tes réponses sont-elles fiables ? » (not « les sources de financement de la DCI »).
        rf"|{_ON_ITSELF})$",
        re.IGNORECASE,
    ),
}
_ENDS = " \t\n?!.,;:…"


# Words that only stress a question (« c'est quoi exactement ? », « What does it actually do? »).
_FILLERS = re.compile(
    r"\s*(?<![\w-])(?:exactement|concr[eè]tement|pr[eé]cis[eé]ment|vraiment|au juste"
    r"|actually|exactly|really|precisely)(?![\w-])",
    re.IGNORECASE,
)


def without_courtesy(question: str) -> str:
    """The question without the greetings, thanks, request phrases and stressing words around it (« Bonjour… »)."""
    text = _LEADING.sub("", question)
    text = _REQUEST.sub("", text)
    text = _TRAILING.sub("", text)
    text = _FILLERS.sub("", text)
    return text.strip() if re.search(r"\w", text) else question.strip()


# Who asks, or why, said before the question: « Je suis étudiant… », « Je travaille dans une préfecture », « En tant
# qu'élu », « Dans le cadre de mon mémoire », « Ma fille veut devenir policière », « Petite question : ». Not a
# situation the question is about (« Mon conjoint m'a trompé, puis-je… »).
_ABOUT_ASKER = re.compile(
    r"^\s*(?:"
    r"(?:je suis|nous sommes|je travaille|nous travaillons|je bosse|je m'int[eé]resse|je me renseigne"
    r"|je cherche des (?:informations|renseignements)|je pr[eé]pare|nous pr[eé]parons|je r[eé]dige|j'[eé]cris"
    r"|je dirige|je fais (?:un|une|des) (?:exposé|expose|mémoire|memoire|thèse|these|stage|étude|etude|recherches?))\b"
    r"|en tant qu(?:e|')|dans le cadre d(?:e|')\s*(?:mon|ma|mes|notre|nos)\b"
    r"|(?:mon|ma) (?:fils|fille|enfant|fr[eè]re|s(?:oe|œ)ur|ami|amie|coll[eè]gue|cousin|cousine|neveu|ni[eè]ce)"
    r" (?:veut|voudrait|souhaite|aimerait|envisage de|pense) "
    r"|(?:(?:une|petite|ma|simple|autre|derni[eè]re|rapide)\s+)*question(?:\s+(?:rapide|simple|courte))?\s*$"
    r"|j'ai une question\s*$"
    r")",
    re.IGNORECASE,
)
_BREAK = re.compile(r"\s*[:;.,]\s+|\s+[—–]\s+")
MIN_ASKED_WORDS = 3


def split_preamble(message: str) -> tuple[str, str]:
    """A clause about who asks or why (« Je suis étudiant »), and the question after it with no request phrase.

    The clause must say who asks or why (_ABOUT_ASKER) and ask nothing itself, and what follows must ask: open on an
    interrogative (« quand », « à quelle »), or end with a question mark. ("", message) otherwise.
    """
    for match in _BREAK.finditer(message):
        head, tail = message[: match.start()], without_courtesy(message[match.end() :])
        if ASKS_AT_START.match(head) or head.rstrip().endswith("?"):
            break
        asks = ASKS_AT_START.match(tail) or (tail.rstrip().endswith("?") and len(tail.split()) >= MIN_ASKED_WORDS)
        if _ABOUT_ASKER.match(head.replace("’", "'")) and tail and asks:
            return head, tail
    return "", message


def small_talk(message: str) -> str | None:
    """What a message that asks nothing is: greeting, thanks, acknowledgement, farewell or help; None for a question."""
    text = message.strip(_ENDS)
    rest = _LEADING.sub("", text + " ").strip(_ENDS)  # « Bonjour, comment ça va ? » leaves « comment ça va »
    if not rest:
        if re.search(r"\b(?:merci|thank)", text, re.IGNORECASE):
            return "thanks"
        return "greeting" if re.search(rf"\b(?:{_GREETINGS})\b", text, re.IGNORECASE) else "acknowledgement"
    return next((kind for kind, pattern in _SMALL_TALK.items() if pattern.match(rest)), None)
