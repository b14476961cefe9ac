"""Asking: analyze the question once, retrieve, and answer or refuse."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from kbchat.ask.answer import Answer
from kbchat.ask.answering import compose_answer
from kbchat.ask.retrieval import Retriever
from kbchat.ask.small_talk import small_talk_reply
from kbchat.config import AnswerPolicy
from kbchat.text.courtesy import small_talk

RANKED_FOR_EVALUATION = 10


def answer_question(retriever: Retriever, question: str, history: Sequence[str], policy: AnswerPolicy) -> Answer:
    """Retrieve for the question, with the earlier questions it leans on when a follow-up, and compose the answer.

    A message that asks nothing (« Bonjour », « Merci ») gets its reply, without a search.
    """
    kind = small_talk(question)
    if kind is not None:
        return small_talk_reply(question, kind, retriever.indexes.topics)
    query = retriever.analyze(question, history)
    ranked = retriever.search(query, RANKED_FOR_EVALUATION)
    indexes = retriever.indexes
    answer = compose_answer(
        query,
        ranked[: policy.top_k],
        indexes.lexical.idf,
        retriever.acronyms,
        policy,
        topics=indexes.topics,
        known=indexes.lexical.doc_freq,
    )
    return replace(answer, ranked=ranked, corrected=query.corrections)
