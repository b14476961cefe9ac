"""Query analysis: follow-ups, and every analyzed form of a question worked out once."""

import pytest

from kbchat.ask.query import analyze_question, earlier_questions, is_follow_up


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Et combien d'experts ?", True),
        ("Combien sont-ils ?", True),
        ("Où sont-elles affectées ?", True),
        ("Combien d'experts en sécurité civile compte le réseau ?", False),
        ("Quel est le budget de la DCI ?", False),
        ("Quand la DCI a-t-elle été créée ?", False),
        ("Et elle, que fait-elle ?", True),
        ("Combien en compte-t-elle ?", True),
        ("What does the DCI do?", False),
        ("Que fait la DCI ?", False),
        ("DCI ?", False),
        ("Combien d'experts ?", True),
    ],
)
def test_is_follow_up(question: str, expected: bool) -> None:
    assert is_follow_up(question) is expected


@pytest.mark.parametrize(
    ("question", "history", "expected"),
    [
        ("Et combien d'experts ?", ["Le budget de la DCI ?", "Le réseau ?"], ("Le réseau ?", "Le budget de la DCI ?")),
        # A complete question ends the chain: what came before it is another subject.
        ("Et combien d'experts ?", ["Quand ?", "Quel est le réseau de la DCI ?"], ("Quel est le réseau de la DCI ?",)),
        (
            "Où sont-ils affectés ?",
            ["Combien d'experts ?", "Et de policiers ?"],
            ("Et de policiers ?", "Combien d'experts ?"),
        ),
        ("Et alors ?", ["Un ?", "Deux ?", "Trois ?", "Quatre ?"], ("Quatre ?", "Trois ?", "Deux ?")),  # MAX_CHAIN back
        ("Et combien d'experts ?", [], ()),
        ("Quel est le budget de la DCI ?", ["Le réseau ?"], ()),
    ],
)
def test_earlier_questions(question: str, history: list[str], expected: tuple[str, ...]) -> None:
    assert earlier_questions(question, history) == expected


def test_a_follow_up_of_a_follow_up_keeps_the_first_subject() -> None:
    history = ["Combien d'experts en sécurité civile compte la DCI ?", "Et de policiers ?"]
    query = analyze_question("Où sont-ils affectés ?", history, {})
    assert query.answer_terms == ("affect",)
    assert query.context_terms == ("polici", "expert", "securit", "civil", "compt", "dci")
    assert query.term_runs == (("affect",), ("polici",), ("expert", "securit", "civil", "compt", "dci"))
    assert query.text == "Où sont-ils affectés ? Où sont-ils affectés ? Et de policiers ? " + history[0]


def test_a_follow_up_is_analyzed_with_its_earlier_question() -> None:
    query = analyze_question("Et combien d'experts ?", ["Quand la DCI a-t-elle été créée ?"], {"dci": ["direct"]})
    assert query.context == "Quand la DCI a-t-elle été créée ?"
    assert query.answer_terms == ("expert",) and query.context_terms == ("dci", "cree")
    # The answer type comes from the question alone, for every stage: the earlier « Quand » does not make it a date.
    assert query.kind == "number" and query.counted == ("expert",)


def test_a_follow_ups_own_words_weigh_twice_in_every_ranking() -> None:
    query = analyze_question("Et combien d'experts ?", ["Quand la DCI a-t-elle été créée ?"], {"dci": ["direct"]})
    assert query.terms == ("expert", "expert", "dci", "cree", "direct")
    assert query.ngrams.count("#exp") == 2 and query.ngrams.count("cree") == 1
    weights = dict(zip(query.words, query.word_weights, strict=True))
    assert weights["experts"] == 2.0 and weights["créée"] == 1.0 and weights["dci"] == 1.0
    assert query.term_runs == (("expert",), ("dci", "cree", "direct"))
    assert query.surface_runs == (("experts",), ("dci", "creee"))
    assert query.text == "Et combien d'experts ? Et combien d'experts ? Quand la DCI a-t-elle été créée ?"


def test_a_standalone_question_has_no_context() -> None:
    query = analyze_question("Combien d'experts en sécurité civile compte le réseau ?", ["Quand ?"], {})
    assert query.context == "" and query.text == query.question and query.context_terms == ()
    assert query.answer_terms == query.terms and query.kind == "number"
    assert query.term_runs == (query.terms,) and set(query.word_weights) == {1.0}
