"""Query analysis: every analyzed form of a question worked out once, follow-ups with their earlier questions."""

from kbchat.ask.query import analyze_question


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
    assert query.answer_terms == ("expert",) and query.context_terms == ("dci", "cre")
    # The answer type comes from the question alone, for every stage: the earlier « Quand » does not make it a date.
    assert query.kind == "number" and query.counted == ("expert",)


def test_a_follow_ups_own_words_weigh_twice_in_every_ranking() -> None:
    query = analyze_question("Et combien d'experts ?", ["Quand la DCI a-t-elle été créée ?"], {"dci": ["direct"]})
    assert query.terms == ("expert", "expert", "dci", "cre", "direct")
    assert query.ngrams.count("#exp") == 2 and query.ngrams.count("cree") == 1
    weights = dict(zip(query.words, query.word_weights, strict=True))
    assert weights["experts"] == 2.0 and weights["créée"] == 1.0 and weights["dci"] == 1.0
    assert query.term_runs == (("expert",), ("dci", "cre", "direct"))
    assert query.surface_runs == (("experts",), ("dci", "creee"))
    assert query.text == "Et combien d'experts ? Et combien d'experts ? Quand la DCI a-t-elle été créée ?"


def test_a_standalone_question_has_no_context() -> None:
    query = analyze_question("Combien d'experts en sécurité civile compte le réseau ?", ["Quand ?"], {})
    assert query.context == "" and query.text == query.question and query.context_terms == ()
    assert query.answer_terms == query.terms and query.kind == "number"
    assert query.term_runs == (query.terms,) and set(query.word_weights) == {1.0}


def test_a_list_questions_generic_verb_frames_it_and_is_no_place() -> None:
    query = analyze_question("Quelles coopérations la DCI prend-elle en charge ?", [], {})
    assert query.asks_list and query.evidence_terms == ("cooper", "dci")
    # « en charge » frames the question: the base need not name « charge » as it would a place (« en Afrique »).
    assert query.places == ()
    # A verb that changes what is asked stays in the evidence.
    removed = analyze_question("Quelles coopérations la DCI a-t-elle supprimées ?", [], {})
    assert removed.evidence_terms == ("cooper", "dci", "supprim")
    # Not a list question: the verb is what is asked about.
    assert "assur" in analyze_question("Qui assure la cohérence des actions ?", [], {}).evidence_terms
    assert analyze_question("Quel budget la DCI a-t-elle en Afrique ?", [], {}).places == (("afriqu", True),)


def test_words_that_only_ask_for_a_list_choose_no_sentence() -> None:
    query = analyze_question("Quelles formes de coopération la DCI exerce-t-elle ?", [], {})
    assert query.answer_terms == ("cooper", "dci") and query.evidence_terms == ("cooper", "dci")
    # Asked about, the same word counts: « Quelle forme prend la coopération ? » is no list question.
    assert "form" in analyze_question("Quelle forme prend la coopération ?", [], {}).answer_terms
