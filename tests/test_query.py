"""Query analysis: follow-ups, and every analyzed form of a question worked out once."""

import pytest

from kbchat.ask.query import analyze_question, is_follow_up, retrieval_context


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


def test_retrieval_context() -> None:
    assert retrieval_context("Et combien d'experts ?", ["A ?", "Le réseau ?"]) == "Le réseau ?"
    assert retrieval_context("Et combien d'experts ?", []) == ""
    assert retrieval_context("Quel est le budget de la DCI ?", ["Le réseau ?"]) == ""


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
