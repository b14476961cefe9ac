"""Replies to messages that ask nothing (greetings, thanks, help): no search, and the subjects the base covers."""

from __future__ import annotations

from collections.abc import Sequence

from kbchat.ask.answer import Answer
from kbchat.ask.answering import covered_subjects

REPLIES = {
    "greeting": "{hello} ! Je réponds aux questions sur les documents de la base, en citant les passages d'où vient "
    "chaque réponse.{covered} Quelle est votre question ?",
    "thanks": "Je vous en prie. Avez-vous une autre question ?",
    "acknowledgement": "Avez-vous une autre question ?",
    "farewell": "Au revoir, et à bientôt !",
    "help": "Je réponds aux questions sur les documents de la base : chaque réponse cite les passages d'où elle vient, "
    "et je le dis quand les documents ne donnent pas la réponse.{covered} Posez votre question en une phrase.",
}


def small_talk_reply(message: str, kind: str, topics: Sequence[str]) -> Answer:
    """The reply to a message of that kind of small talk, with the subjects the base covers; nothing is answered."""
    covered = covered_subjects(topics)
    text = REPLIES[kind].format(
        hello="Bonsoir" if "bonsoir" in message.lower() else "Bonjour",
        covered=f" La base couvre notamment : {covered}." if covered else "",
    )
    return Answer(text, False, small_talk=kind)
