"""Asking: analyze the question once, retrieve, and answer or refuse."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from kbchat.ask.answer import Answer
from kbchat.ask.answering import compose_answer, refusal
from kbchat.ask.merging import merged_answer
from kbchat.ask.retrieval import Retriever
from kbchat.ask.small_talk import small_talk_reply
from kbchat.config import AnswerPolicy
from kbchat.text.courtesy import small_talk
from kbchat.text.question_parts import question_parts

RANKED_FOR_EVALUATION = 10


def answer_question(retriever: Retriever, question: str, history: Sequence[str], policy: AnswerPolicy) -> Answer:
    """Answer each question the message asks, each part after the first asked as if after the ones before it.

    « Quand a-t-elle été créée et combien d'experts compte-t-elle ? » gets both answers in one, and the parts the
    documents do not answer are named. A part that asks nothing (« Ça va ? ») is left out.
    """
    parts = [p for p in question_parts(question) if small_talk(p) is None] or [question]
    if len(parts) == 1:
        return answer_one(retriever, parts[0], history, policy)
    answers = [answer_one(retriever, part, [*history, *parts[:i]], policy) for i, part in enumerate(parts)]
    return merged_answer(parts, answers, policy.top_k)


def answer_one(retriever: Retriever, question: str, history: Sequence[str], policy: AnswerPolicy) -> Answer:
    """Retrieve for the question, with the earlier questions it leans on when a follow-up, and compose the answer.

    A message that asks nothing (« Bonjour », « Merci ») gets its reply, without a search.
    """
    kind = small_talk(question)
    if kind is not None:
        return small_talk_reply(question, kind, retriever.indexes.topics)
    query = retriever.analyze(question, history)
    indexes = retriever.indexes
    named = set(indexes.named_chunks(query.named))
    if query.named and not named:
        # « Que dit l'article 9999 ? » of a base whose articles stop before it.
        return replace(refusal(indexes.topics), corrected=query.corrections)
    ranked = retriever.search(query, RANKED_FOR_EVALUATION)
    if named:
        # The heading the question names is its evidence: its passage answers, whatever words the question uses.
        policy = replace(policy, refusal_threshold=0.0)
    answer = compose_answer(
        query,
        [p for p in ranked if p.chunk.chunk_id in named] or ranked[: policy.top_k],
        indexes.lexical.idf,
        retriever.acronyms,
        policy,
        topics=indexes.topics,
        known=indexes.lexical.doc_freq,
    )
    return replace(answer, ranked=ranked, corrected=query.corrections)
