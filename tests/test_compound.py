"""Messages that ask several things: split into questions (a table), their answers merged (tables), and end to end."""

from __future__ import annotations

import pytest

from kbchat.ask.answer import Answer, Source
from kbchat.ask.citations import citations_grounded
from kbchat.ask.merging import interleaved, merged_answer, without_quoted
from kbchat.ask.retrieval import Passage
from kbchat.corpus.chunking import Chunk
from kbchat.knowledge_base import KnowledgeBase
from kbchat.text.question_parts import question_parts


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (
            "Quand la DCI a-t-elle été créée et combien d'experts compte-t-elle ?",
            ("Quand la DCI a-t-elle été créée ?", "Combien d'experts compte-t-elle ?"),
        ),
        (
            "Que vise la coopération technique, et à quoi servent les partenariats ?",
            ("Que vise la coopération technique ?", "À quoi servent les partenariats ?"),
        ),
        (
            "Quand a-t-elle été créée ? Où sont affectés ses policiers ?",
            ("Quand a-t-elle été créée ?", "Où sont affectés ses policiers ?"),
        ),
        (
            "When was it created and how many experts does it have?",
            ("When was it created?", "How many experts does it have?"),
        ),
        (
            "Quelle est la différence entre la coopération technique et les partenariats ?",
            ("Qu'est-ce que la coopération technique ?", "Qu'est-ce que les partenariats ?"),
        ),
        (
            "En quoi la coopération technique diffère-t-elle des partenariats ?",
            ("Qu'est-ce que la coopération technique ?", "Qu'est-ce que les partenariats ?"),
        ),
        ("Compare la police et la gendarmerie.", ("Qu'est-ce que la police ?", "Qu'est-ce que la gendarmerie ?")),
        (
            "Quand et où la DCI a-t-elle été créée ?",
            ("Quand la DCI a-t-elle été créée ?", "Où la DCI a-t-elle été créée ?"),
        ),
        (
            "Quand a-t-elle été créée, combien d'experts compte-t-elle et à qui est-elle rattachée ?",
            ("Quand a-t-elle été créée ?", "Combien d'experts compte-t-elle ?", "À qui est-elle rattachée ?"),
        ),
        # One thing asked: the message stays as it is.
        ("Quand il est arrivé, qui l'a accueilli ?", ("Quand il est arrivé, qui l'a accueilli ?",)),
        (
            "Combien de policiers et de gendarmes compte le réseau ?",
            ("Combien de policiers et de gendarmes compte le réseau ?",),
        ),
        (
            "Quels experts et quels agents composent le réseau ?",
            ("Quels experts et quels agents composent le réseau ?",),
        ),
        ("Qui a écrit ce livre et quand ?", ("Qui a écrit ce livre et quand ?",)),
        (
            "Quel est le but de la coopération de sécurité et de gouvernance ?",
            ("Quel est le but de la coopération de sécurité et de gouvernance ?",),
        ),
        (
            "Quelle différence entre sécurité intérieure et de gouvernance ?",
            ("Quelle différence entre sécurité intérieure et de gouvernance ?",),
        ),
        ("Bonjour ! Quand a-t-elle été créée ?", ("Bonjour ! Quand a-t-elle été créée ?",)),
        ("Quand a-t-elle été créée ?", ("Quand a-t-elle été créée ?",)),
    ],
)
def test_question_parts(message: str, expected: tuple[str, ...]) -> None:
    assert question_parts(message) == expected


@pytest.mark.parametrize(
    ("text", "quoted", "expected"),
    [
        ("A. B.", (), ("A. B.", ("A. B.",))),
        ("A. B.", ("A. B. C.",), ("", ())),
        ("A. … C.", ("A. B.",), ("C.", ("C.",))),
        ("A. … C.", ("C.",), ("A.", ("A.",))),
        ("A. … B. … C.", ("B.",), ("A. … C.", ("A.", "C."))),
        ("… A … B.", ("B.",), ("… A …", ("A",))),
        ("… A … B.", ("A",), ("B.", ("B.",))),
    ],
)
def test_without_quoted(text: str, quoted: tuple[str, ...], expected: tuple[str, tuple[str, ...]]) -> None:
    assert without_quoted(text, quoted) == expected


def source(chunk_id: str, text: str, quotes: tuple[str, ...] = ()) -> Source:
    return Source(f"{chunk_id}.md", "Titre", "", chunk_id, 1.0, text, quotes, bool(quotes))


def ranked(*chunk_ids: str) -> list[Passage]:
    return [Passage(Chunk(c, f"{c}.md", "Titre", (), c, 0), 1.0) for c in chunk_ids]


FIRST = Answer(
    "A1. [1] B1. [2]",
    True,
    [source("a", "A1. A2.", ("A1.",)), source("b", "B1.", ("B1.",)), source("c", "C.")],
    ranked=ranked("a", "b", "c"),
)
SECOND = Answer(
    "B1. … B2. [1]", True, [source("b", "B1. B2.", ("B1.", "B2.")), source("d", "D.")], ranked=ranked("b", "d")
)
AGAIN = Answer("A1. [1]", True, [source("a", "A1. A2.", ("A1.",))], ranked=ranked("a"))
REFUSED = Answer("Je n'ai pas trouvé.", False, ranked=ranked("e"), corrected=(("tecnique", "technique"),))


def test_merged_answers_renumber_their_sources_and_quote_nothing_twice() -> None:
    merged = merged_answer(["q1", "q2"], [FIRST, SECOND], top_k=4)
    assert merged.answer == "A1. [1] B1. [2] B2. [2]"
    assert [(s.chunk_id, s.quotes, s.cited) for s in merged.sources] == [
        ("a", ("A1.",), True),
        ("b", ("B1.", "B2."), True),
        ("c", (), False),
        ("d", (), False),
    ]
    assert [p.chunk.chunk_id for p in merged.ranked] == ["a", "b", "d", "c"]
    assert merged.answered and not merged.unanswered


def test_a_part_that_adds_nothing_is_left_out_and_a_refused_part_is_named() -> None:
    merged = merged_answer(["q1", "q2", "q3"], [AGAIN, REFUSED, FIRST], top_k=2)
    assert merged.answer == "A1. [1] B1. [2]"
    assert [s.chunk_id for s in merged.sources] == ["a", "b"]
    assert merged.unanswered == ("q2",) and merged.corrected == (("tecnique", "technique"),)
    assert merged.unanswered_note == "Rien dans les documents ne répond à « q2 »."


def test_a_message_whose_every_part_is_refused_is_refused() -> None:
    merged = merged_answer(["q1", "q2"], [REFUSED, REFUSED], top_k=3)
    assert merged.refused and merged.answer == REFUSED.answer and not merged.unanswered
    assert [p.chunk.chunk_id for p in merged.ranked] == ["e"]


def test_interleaved_takes_the_rankings_in_turn() -> None:
    rankings = [ranked("a", "b", "c"), ranked("b", "d"), ranked()]
    assert [p.chunk.chunk_id for p in interleaved(rankings)] == ["a", "b", "d", "c"]


@pytest.mark.model
@pytest.mark.chroma
@pytest.mark.spacy
def test_a_compound_question_gets_both_answers_from_the_dci_page(dci_kb: KnowledgeBase) -> None:
    answer = dci_kb.ask("Quand la DCI a-t-elle été créée et combien d'experts en sécurité civile compte-t-elle ?")
    assert answer.answered and "2010" in answer.answer and "18 experts" in answer.answer
    assert citations_grounded(answer) and not answer.unanswered
    assert answer.answer.count("Créée en 2010") == 1


@pytest.mark.model
@pytest.mark.chroma
@pytest.mark.spacy
def test_the_part_the_page_does_not_answer_is_named(dci_kb: KnowledgeBase) -> None:
    answer = dci_kb.ask("Combien d'experts en sécurité civile compte la DCI et quel est son budget ?")
    assert answer.answered and "18 experts" in answer.answer and citations_grounded(answer)
    assert answer.unanswered == ("Quel est son budget ?",)
    refused = dci_kb.ask("Qui dirige la DCI et quel est son budget annuel ?")
    assert refused.refused and not refused.unanswered


@pytest.mark.model
@pytest.mark.chroma
@pytest.mark.spacy
def test_a_comparison_quotes_both_things(dci_kb: KnowledgeBase) -> None:
    answer = dci_kb.ask("Quelle est la différence entre la coopération technique et la coopération opérationnelle ?")
    assert "soutien technique" in answer.answer and "criminalités internationales" in answer.answer
    assert citations_grounded(answer)
