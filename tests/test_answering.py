"""Answer selection and refusal, on tables of inputs and outputs."""

from __future__ import annotations

import pytest

from kbchat.answering import (
    DEFAULT_POLICY,
    REFUSAL_MESSAGE,
    Answer,
    AnswerPolicy,
    Evidence,
    Source,
    citations_grounded,
    compose_answer,
    counted_term,
    coverage,
    has_answer_type,
    missing_known_share,
    question_type,
    share_room,
    trim_to,
)
from kbchat.chunking import Chunk
from kbchat.retrieval import Passage


def passage(text: str, score: float = 1.0, headings: tuple[str, ...] = ()) -> Passage:
    chunk = Chunk(f"id-{abs(hash(text))}", "dci.md", "La DCI", headings, text, 0)
    return Passage(chunk, score, score, 0.0)


def idf(term: str) -> float:
    return 1.0


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Quand la DCI a-t-elle été créée ?", "date"),
        ("En quelle année la DCI a-t-elle été créée ?", "date"),
        ("When was the DCI created?", "date"),
        ("Combien d'experts ?", "number"),
        ("How many experts?", "number"),
        ("Où sont affectés les policiers ?", "place"),
        ("Qu'est-ce que la DCI ?", "definition"),
        ("Qui dirige la DCI ?", "person"),
        ("Quel est le but des partenariats ?", None),
    ],
)
def test_question_type(question: str, expected: str | None) -> None:
    assert question_type(question) == expected


@pytest.mark.parametrize(
    ("sentence", "kind", "expected"),
    [
        ("Créée en 2010, la DCI agit.", "date", True),
        ("La DCI agit.", "date", False),
        ("Il y a 18 experts.", "number", True),
        ("Il y a dix-huit experts.", "number", True),
        ("Ils sont affectés à Paris.", "place", True),
        ("La DCI agit.", None, False),
    ],
)
def test_has_answer_type(sentence: str, kind: str | None, expected: bool) -> None:
    assert has_answer_type(sentence, kind) is expected


@pytest.mark.parametrize(
    ("terms", "present", "acronyms", "expected"),
    [
        (["dci", "cree"], {"dci", "cree"}, {}, 1.0),
        (["dci", "cree"], {"cree"}, {}, 0.5),
        (
            ["dci", "cree"],
            {"direct", "cooper", "international", "cree"},
            {"dci": ["direct", "cooper", "international"]},
            1.0,
        ),
        (["dci", "cree"], {"direct", "cree"}, {"dci": ["direct", "cooper", "international"]}, 0.5),
        ([], {"x"}, {}, 0.0),
    ],
)
def test_coverage(terms: list[str], present: set[str], acronyms: dict, expected: float) -> None:
    assert coverage(terms, present, idf, acronyms) == expected


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Combien de femmes travaillent à la DCI ?", "femm"),
        ("Combien d’experts compte le réseau ?", "expert"),
        ("Dans combien de services sont-ils affectés ?", "servic"),
        ("Quel est le nombre de victoires ?", "victoir"),
        ("How many experts?", "expert"),
        ("Combien mesure la tour ?", None),
        ("Quand la DCI a-t-elle été créée ?", None),
    ],
)
def test_counted_term(question: str, expected: str | None) -> None:
    assert counted_term(question) == expected


def test_a_number_counts_as_evidence_only_where_the_passage_speaks_of_what_is_counted() -> None:
    passages = [passage("Le réseau de la DCI compte 300 policiers.")]
    args = (passages, idf, {})
    policiers = compose_answer("Combien de policiers compte le réseau de la DCI ?", *args, threshold=-1, max_chars=350)
    femmes = compose_answer("Combien de femmes compte le réseau de la DCI ?", *args, threshold=-1, max_chars=350)
    assert policiers.evidence.typed and not femmes.evidence.typed


@pytest.mark.parametrize(
    ("terms", "present", "known", "expected"),
    [
        (["budget", "dci"], {"dci"}, {"dci"}, 0.0),
        (["budget", "dci"], {"dci"}, {"dci", "budget"}, 0.5),
        (["budget", "dci"], set(), {"dci", "budget"}, 1.0),
        (["dci"], {"direct", "cooper", "international"}, {"dci"}, 0.0),
        ([], set(), set(), 0.0),
    ],
)
def test_missing_known_share(terms: list[str], present: set[str], known: set[str], expected: float) -> None:
    acronyms = {"dci": ["direct", "cooper", "international"]}
    assert missing_known_share(terms, present, known, idf, acronyms) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("evidence", "policy", "expected"),
    [
        (Evidence(0.5, 0.5, False), AnswerPolicy(known_term_weight=0.0), 0.5),
        (Evidence(0.5, 0.5, False), AnswerPolicy(known_term_weight=0.2), 0.6),
        (Evidence(0.5, 0.0, True), AnswerPolicy(evidence_type_weight=0.2), 0.7),
        (Evidence(), DEFAULT_POLICY, 0.0),
    ],
)
def test_evidence_value(evidence: Evidence, policy: AnswerPolicy, expected: float) -> None:
    assert evidence.value(policy) == pytest.approx(expected)


def test_a_question_about_words_the_base_lacks_is_refused_where_known_words_are_not() -> None:
    passages = [passage("La DCI coopère avec la police.")]
    policy = AnswerPolicy(known_term_weight=0.5)
    args = ("Quel est le budget de la DCI ?", passages, idf, {})
    lacking = compose_answer(*args, threshold=0.6, max_chars=350, policy=policy, known={"dci", "cooper", "polic"})
    knowing = compose_answer(*args, threshold=0.6, max_chars=350, policy=policy, known={"dci", "budget"})
    assert not lacking.answered and lacking.evidence == Evidence(0.5, 0.0, False)
    assert knowing.answered and knowing.evidence == Evidence(0.5, 0.5, False)


def test_trim_keeps_matching_words_within_limit() -> None:
    sentence = " ".join(["avant"] * 60 + ["coopération", "2010"] + ["après"] * 60)
    trimmed = trim_to(sentence, 80, ["cooper"])
    assert len(trimmed) <= 80 and "coopération" in trimmed and trimmed.startswith("…") and trimmed.endswith("…")
    assert trim_to("Court.", 80, []) == "Court."


def test_trim_starts_from_the_first_matching_word() -> None:
    sentence = " ".join(
        ["avant"] * 30 + ["coopération", "technique"] + ["milieu"] * 30 + ["coopération"] + ["fin"] * 30
    )
    trimmed = trim_to(sentence, 100, ["cooper"])
    assert "technique" in trimmed and "fin" not in trimmed and len(trimmed) <= 100


@pytest.mark.parametrize(
    ("first", "second", "room", "expected"),
    [
        (300, 300, 339, (169, 170)),
        (100, 300, 339, (100, 239)),
        (300, 100, 339, (239, 100)),
        (300, 339, 339, (169, 170)),
    ],
)
def test_share_room(first: int, second: int, room: int, expected: tuple[int, int]) -> None:
    assert share_room(first, second, room) == expected


@pytest.mark.parametrize(("share_ratio", "cited"), [(0.9, ["[1]", "[2]"]), (float("inf"), ["[1]"])])
def test_a_close_runner_up_that_does_not_fit_shares_the_room(share_ratio: float, cited: list[str]) -> None:
    filler = "dans le cadre de ses missions " * 4
    passages = [
        passage(f"La DCI coopère avec la police {filler}et forme des cadres."),
        passage(f"La DCI coopère avec la gendarmerie {filler}et conseille les ministres.", score=0.99),
    ]
    answer = compose_answer(
        "Avec qui la DCI coopère-t-elle ?",
        passages,
        idf,
        {},
        threshold=0.4,
        max_chars=200,
        policy=AnswerPolicy(share_ratio=share_ratio),
    )
    assert [m for m in ("[1]", "[2]") if m in answer.answer] == cited
    assert "police" in answer.answer and ("gendarmerie" in answer.answer) == (len(cited) == 2)
    assert len(answer.answer) <= 200 and citations_grounded(answer)
    # The sources highlight what the answer quotes, trimmed as it is there.
    quotes = [q for source in answer.sources for q in source.quotes]
    assert quotes and all(q in answer.answer for q in quotes)
    assert all(q in source.text for source in answer.sources for q in source.quotes)


def test_cuts_within_one_passage_show_one_ellipsis() -> None:
    filler = "dans le cadre de ses missions " * 4
    text = f"La DCI coopère avec la police {filler}partout. Sans rapport. La DCI coopère avec la gendarmerie {filler}."
    answer = compose_answer("Avec qui la DCI coopère-t-elle ?", [passage(text)], idf, {}, threshold=0.4, max_chars=200)
    assert "police" in answer.answer and "gendarmerie" in answer.answer and "… …" not in answer.answer
    assert answer.answer.count("[1]") == 1 and citations_grounded(answer)


def test_picks_the_typed_sentence_and_cites_it() -> None:
    passages = [
        passage("La DCI agit à l'étranger. Elle a été créée en 2010 par le ministère."),
        passage("La DCI coopère avec la police."),
    ]
    answer = compose_answer("Quand la DCI a-t-elle été créée ?", passages, idf, {}, threshold=0.4, max_chars=350)
    assert answer.answered
    assert answer.answer == (
        "La DCI agit à l'étranger. Elle a été créée en 2010 par le ministère. [1] La DCI coopère avec la police. [2]"
    )
    assert answer.sources[0].text == passages[0].chunk.text
    assert answer.sources[0].quotes and all(q in answer.sources[0].text for q in answer.sources[0].quotes)


@pytest.mark.parametrize(
    ("texts", "policy", "expected"),
    [
        (
            ["La DCI coopère avec la police. La DCI forme des cadres."],
            AnswerPolicy(max_sentences=1),
            "La DCI coopère avec la police. [1]",
        ),
        (
            ["La DCI coopère avec la police. " + "La DCI " + "forme " * 60 + "des cadres.", "La DCI agit."],
            DEFAULT_POLICY,
            "La DCI coopère avec la police. [1] La DCI agit. [2]",
        ),
        (
            ["La DCI coopère avec la police.", "La DCI coopère avec la police. Elle agit."],
            DEFAULT_POLICY,
            "La DCI coopère avec la police. [1] Elle agit. [2]",
        ),
        (
            ["La DCI coopère avec la police.", "Elle agit."],
            AnswerPolicy(extra_ratio=0.9),
            "La DCI coopère avec la police. [1]",
        ),
        (
            ["La DCI coopère avec la police. Sans rapport.", "La DCI agit."],
            AnswerPolicy(other_passage_ratio=0.99),
            "La DCI coopère avec la police. Sans rapport. [1]",
        ),
    ],
)
def test_packs_the_best_sentences_that_fit(texts: list[str], policy: AnswerPolicy, expected: str) -> None:
    passages = [passage(t, score=1.0 - 0.1 * i) for i, t in enumerate(texts)]
    answer = compose_answer(
        "Avec qui la DCI coopère-t-elle ?", passages, idf, {}, threshold=0.4, max_chars=200, policy=policy
    )
    assert answer.answer == expected and len(answer.answer) <= 200 and citations_grounded(answer)


def test_refuses_weak_evidence_and_lists_topics() -> None:
    passages = [passage("La DCI coopère avec la police.")]
    answer = compose_answer(
        "Quel est le budget de la DCI ?", passages, idf, {}, threshold=0.6, max_chars=350, topics=["Réseau", "Missions"]
    )
    assert not answer.answered and answer.sources == []
    assert answer.answer == f"{REFUSAL_MESSAGE} Elle couvre notamment : Réseau ; Missions."


def test_refuses_without_passages() -> None:
    assert not compose_answer("Quoi ?", [], idf, {}, threshold=0.4, max_chars=350).answered


@pytest.mark.parametrize("limit", [120, 200, 350])
def test_answer_never_exceeds_limit(limit: int) -> None:
    long = "La coopération " + "technique " * 80 + "est ancienne."
    passages = [passage(long), passage("La coopération technique aide les pays demandeurs.")]
    answer = compose_answer("Que fait la coopération technique ?", passages, idf, {}, threshold=0.1, max_chars=limit)
    assert answer.answered and len(answer.answer) <= limit and "[1]" in answer.answer


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("Créée en 2010, la DCI agit. [1]", True),
        ("Créée en 2010, la DCI agit. … Elle coopère. [1]", True),
        ("… la DCI agit. [1] Autre phrase. [2]", True),
        ("Créée en 2011. [1]", False),
        ("Créée en 2010, la DCI agit. [3]", False),
        ("Créée en 2010, la DCI agit.", False),
    ],
)
def test_citations_grounded(answer: str, expected: bool) -> None:
    sources = [
        Source("a.md", "A", "", "1", 1.0, "Créée en 2010, la DCI agit. Elle aide.\nElle coopère."),
        Source("b.md", "B", "", "2", 0.5, "Autre phrase."),
    ]
    assert citations_grounded(Answer(answer, True, sources)) is expected
    assert citations_grounded(Answer(REFUSAL_MESSAGE, False, []))
