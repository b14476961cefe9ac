"""Generated answers on the real index through a scripted server on loopback: each scripted case as specified."""

from __future__ import annotations

import pytest
from llm_server import LlmServer, Scripted

from kbchat.config import LlmConfig
from kbchat.generation.answerer import EXTRACTED, ExtractiveAnswerer, GenerativeAnswerer
from kbchat.generation.backend import make_backend
from kbchat.knowledge_base import KnowledgeBase

pytestmark = [pytest.mark.model, pytest.mark.chroma, pytest.mark.spacy]

QUESTION = "En quelle année la DCI a-t-elle été créée ?"
OUT_OF_SCOPE = "Quelle est la recette de la ratatouille niçoise ?"
GOOD = "La DCI a été créée en 2010 [1]."


@pytest.fixture
def kb3(dci_kb: KnowledgeBase) -> KnowledgeBase:
    """The session's index, answering from its three best passages."""
    return dci_kb.configured(dci_kb.settings.with_(top_k=3))


def answerer(kb: KnowledgeBase, server: LlmServer, backend: str = "openai", timeout: float = 5.0) -> GenerativeAnswerer:
    url = server.url if backend == "openai" else server.root
    return GenerativeAnswerer(kb, make_backend(LlmConfig(backend, url, "modele-de-test", timeout=timeout)))


@pytest.mark.parametrize("backend", ["openai", "ollama"])
def test_good_answer_streams_and_cites_the_passages_it_was_given(
    kb3: KnowledgeBase, llm_server: LlmServer, backend: str
) -> None:
    llm_server.script(GOOD)
    reply = answerer(kb3, llm_server, backend).reply(QUESTION)
    pieces = list(reply)
    answer = reply.answer
    assert len(pieces) > 1 and "".join(pieces) == GOOD
    assert answer.answered and answer.answer == GOOD and answer.generated.startswith("modele-de-test")
    assert not answer.note and len(answer.cited) == 1
    extractive = kb3.ask(QUESTION)
    assert answer.cited[0].chunk_id == extractive.ranked[0].chunk.chunk_id
    assert [s.chunk_id for s in answer.sources] == [p.chunk.chunk_id for p in extractive.ranked[:3]]


def test_a_generated_answer_keeps_the_words_read_otherwise(kb3: KnowledgeBase, llm_server: LlmServer) -> None:
    llm_server.script(GOOD)
    answer = answerer(kb3, llm_server).ask("Que vise la coopération tecnique ?")
    assert answer.generated and answer.corrected == (("tecnique", "technique"),)


def test_a_generated_answer_to_two_questions_reads_both_parts_passages(
    kb3: KnowledgeBase, llm_server: LlmServer
) -> None:
    llm_server.script(GOOD)
    answer = answerer(kb3, llm_server).ask("En quelle année la DCI a-t-elle été créée et quel est son budget ?")
    assert answer.generated and answer.unanswered == ("Quel est son budget ?",)
    ((_, user),) = [r["messages"] for r in llm_server.requests]
    assert "Créée en 2010" in user["content"]


def test_request_fences_the_passages_and_puts_the_question_last(kb3: KnowledgeBase, llm_server: LlmServer) -> None:
    llm_server.script(GOOD)
    answerer(kb3, llm_server).ask(QUESTION)
    (request,) = llm_server.requests
    system, user = request["messages"]
    assert system["role"] == "system" and "uniquement à partir des documents" in system["content"]
    assert user["role"] == "user" and user["content"].rstrip().endswith(f"Question : {QUESTION}")
    passages = kb3.ask(QUESTION).ranked[:3]
    for number, passage in enumerate(passages, start=1):
        opening = user["content"].index(f'<document numéro="{number}"')
        assert user["content"].index(passage.chunk.text.strip(), opening) > opening
    assert user["content"].count("</document>") == 3 and '<document numéro="4"' not in user["content"]


def test_a_marker_to_no_passage_is_removed(kb3: KnowledgeBase, llm_server: LlmServer) -> None:
    llm_server.script("La DCI a été créée en 2010 [7], par une fusion de services [2].")
    answer = answerer(kb3, llm_server).ask(QUESTION)
    assert answer.answered and answer.generated and not answer.note
    assert answer.answer == "La DCI a été créée en 2010, par une fusion de services [1]."
    assert answer.cited[0].chunk_id == kb3.ask(QUESTION).ranked[1].chunk.chunk_id


@pytest.mark.parametrize(
    ("reply", "note"),
    [
        ("La DCI a été créée en 2010 [7].", "ne citait aucun des passages"),
        ("La DCI a été fondée par Napoléon en 1804 pour surveiller les ports.", "ne citait aucun des passages"),
        ("The DCI was created in 2010 by merging two services [1].", "n'était pas en français"),
        (Scripted(status=500), "erreur HTTP 500"),
        (Scripted(GOOD, delay=2.0), "pas répondu à temps"),
    ],
)
def test_a_failed_answer_falls_back_to_the_extractive_one_with_a_note(
    kb3: KnowledgeBase, llm_server: LlmServer, reply: Scripted | str, note: str
) -> None:
    llm_server.script(reply)
    answer = answerer(kb3, llm_server, timeout=0.5).ask(QUESTION)
    extractive = kb3.ask(QUESTION)
    assert answer.answered and not answer.generated
    assert answer.answer == extractive.answer and answer.sources == extractive.sources
    assert note in answer.note and answer.note.endswith(EXTRACTED)


def test_an_unreachable_server_falls_back(kb3: KnowledgeBase, llm_server: LlmServer) -> None:
    chosen = answerer(kb3, llm_server)
    llm_server.stop()
    answer = chosen.ask(QUESTION)
    assert answer.answer == kb3.ask(QUESTION).answer and "injoignable" in answer.note


def test_the_model_is_never_asked_what_the_documents_cannot_support(kb3: KnowledgeBase, llm_server: LlmServer) -> None:
    reply = answerer(kb3, llm_server).reply(OUT_OF_SCOPE)
    assert reply.refused and list(reply) == []
    assert reply.answer == kb3.ask(OUT_OF_SCOPE)
    assert llm_server.requests == []


def test_a_follow_up_is_condensed_before_retrieval(kb3: KnowledgeBase, llm_server: LlmServer) -> None:
    llm_server.script("En quelle année la direction de la coopération internationale a-t-elle été créée ?", GOOD)
    answer = answerer(kb3, llm_server).ask("Et en quelle année ?", ["Qu'est-ce que la DCI ?"])
    condense, generate = llm_server.requests
    assert "- Qu'est-ce que la DCI ?" in condense["messages"][-1]["content"]
    assert "Et en quelle année ?" in condense["messages"][-1]["content"]
    assert (
        generate["messages"][-1]["content"]
        .rstrip()
        .endswith("Question : En quelle année la direction de la coopération internationale a-t-elle été créée ?")
    )
    assert answer.generated and answer.answer == GOOD


def test_small_talk_is_neither_condensed_nor_sent_to_the_model(kb3: KnowledgeBase, llm_server: LlmServer) -> None:
    reply = answerer(kb3, llm_server).reply("Merci !", ["Qu'est-ce que la DCI ?"])
    assert reply.known and not reply.refused
    assert "".join(reply) == reply.answer.answer == "Je vous en prie. Avez-vous une autre question ?"
    assert reply.answer.small_talk == "thanks" and llm_server.requests == []


def test_a_failed_condensation_keeps_the_extractive_follow_up_rule(kb3: KnowledgeBase, llm_server: LlmServer) -> None:
    history = ["Combien de policiers et gendarmes compte le réseau de la DCI ?"]
    llm_server.script(Scripted(status=500), "Le réseau compte 18 experts [1].")
    answer = answerer(kb3, llm_server).ask("Et combien d'experts ?", history)
    assert answer.answered and answer.answer == "Le réseau compte 18 experts [1]."
    assert answer.ranked == kb3.ask("Et combien d'experts ?", history).ranked
    assert "Et combien d'experts ?" in llm_server.requests[-1]["messages"][-1]["content"]


def test_the_extractive_answerer_streams_its_known_answer(dci_kb: KnowledgeBase) -> None:
    reply = ExtractiveAnswerer(dci_kb).reply(QUESTION)
    assert reply.known and not reply.refused
    assert "".join(reply) == reply.answer.answer == dci_kb.ask(QUESTION).answer
