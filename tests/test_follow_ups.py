"""Follow-ups: whether a question leans on the earlier ones, which, and what of them it replaces."""

import pytest

from kbchat.ask.follow_ups import earlier_questions, is_follow_up, replaced_words, without_replaced
from kbchat.ask.query import analyze_question


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


@pytest.mark.parametrize(
    ("question", "earlier", "expected"),
    [
        # Another subject of the same kind: the earlier qualifiers go, the word both name and the frame stay.
        ("Et la coopération opérationnelle ?", "Qu'est-ce que la coopération technique ?", {"technique"}),
        (
            "Et la coopération opérationnelle ?",
            "Que vise la coopération technique en matière de gouvernance ?",
            {"vise", "technique", "matière", "gouvernance"},
        ),
        (
            "Et combien de policiers dans le réseau ?",
            "Combien de policiers sont affectés à la sécurité diplomatique ?",
            {"affectés", "sécurité", "diplomatique"},
        ),
        # Nothing named again: an ellipsis, which the whole earlier question completes.
        ("Et d'experts ?", "Combien de policiers compte le réseau ?", set()),
        ("Où sont-ils affectés ?", "Combien d'experts en sécurité civile ?", set()),
        # Nothing of its own: the follow-up only repeats.
        ("Et la coopération ?", "Qu'est-ce que la coopération technique ?", set()),
    ],
)
def test_replaced_words(question: str, earlier: str, expected: set[str]) -> None:
    assert replaced_words(question, earlier) == expected


def test_the_earlier_question_keeps_its_frame_without_the_replaced_words() -> None:
    earlier = "Combien de policiers sont affectés à la sécurité diplomatique à l'étranger ?"
    assert without_replaced("Et de policiers dans le réseau ?", earlier) == "Combien de policiers sont à la à l' ?"
    assert without_replaced("Et d'experts ?", earlier) == earlier


def test_a_follow_up_that_changes_subject_is_not_searched_with_the_earlier_one() -> None:
    query = analyze_question("Et la coopération opérationnelle ?", ["Qu'est-ce que la coopération technique ?"], {})
    assert query.context == "Qu'est-ce que la coopération ?"
    assert "techniqu" not in query.terms and "techniqu" not in query.context_terms
    assert "technique" not in query.text


def test_courtesy_is_no_part_of_a_question_and_small_talk_no_earlier_question() -> None:
    history = ["Bonjour, combien de policiers compte le réseau ?", "Merci !"]
    query = analyze_question("Ok, et combien d'experts ?", history, {})
    assert query.question == "et combien d'experts ?"
    assert query.context == "combien de policiers compte le réseau ?"
