"""Answer selection and refusal, on tables of inputs and outputs."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from kbchat.ask.answer import Answer, Evidence, Source
from kbchat.ask.answering import REFUSAL_MESSAGE, compose_answer
from kbchat.ask.citations import citations_grounded, densest_window, trim_to
from kbchat.ask.query import analyze_question
from kbchat.ask.retrieval import Passage
from kbchat.ask.selection import enumerated_share, score_sentences, share_room
from kbchat.config import AnswerPolicy
from kbchat.corpus.chunking import Chunk
from kbchat.text.answer_types import (
    agent_action,
    asks_for_list,
    counted_terms,
    framing_terms,
    has_answer_type,
    named_places,
    names_agent,
    question_type,
)
from kbchat.text.matching import coverage, extended, missing_known_share, name_held

DEFAULT_POLICY = AnswerPolicy()


def passage(text: str, score: float = 1.0, headings: tuple[str, ...] = ()) -> Passage:
    chunk = Chunk(f"id-{abs(hash(text))}", "dci.md", "La DCI", headings, text, 0)
    return Passage(chunk, score)


def idf(term: str) -> float:
    return 1.0


def answer(question: str, passages: list[Passage], threshold: float = 0.4, max_chars: int = 350, **kwargs) -> Answer:
    """compose_answer for a standalone question, with the default policy but for the given fields."""
    policy = kwargs.pop("policy", DEFAULT_POLICY)
    policy = AnswerPolicy(**{**policy.__dict__, "refusal_threshold": threshold, "max_chars": max_chars})
    return compose_answer(analyze_question(question, [], {}), passages, idf, {}, policy, **kwargs)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Quand la DCI a-t-elle été créée ?", "date"),
        ("En quelle année la DCI a-t-elle été créée ?", "date"),
        ("En quelle saison la mission part-elle ?", "date"),
        ("En quelle langue les formations sont-elles données ?", None),
        ("When was the DCI created?", "date"),
        ("Combien d'experts ?", "number"),
        ("How many experts?", "number"),
        ("Où sont affectés les policiers ?", "place"),
        ("Dans quel pays la DCI a-t-elle un attaché ?", "place"),
        ("Dans quel livre ce principe est-il énoncé ?", "place"),
        ("Dans quel but la DCI forme-t-elle des policiers ?", None),
        ("Dans quel domaine la DCI coopère-t-elle ?", None),
        ("Qu'est-ce que la DCI ?", "definition"),
        ("C'est quoi la DCI ?", "definition"),
        ("La NBA Development League c'est quoi ?", "definition"),
        ("Qui dirige la DCI ?", "person"),
        ("Quel est le but des partenariats ?", None),
        ("Depuis combien de temps la DCI existe-t-elle ?", "since"),
        ("Combien de temps dure la mission ?", "number"),
        ("DCI date de création", "date"),
        ("Quelle est l'année de naissance du club ?", "date"),
        ("Quelle est la date du début des traversées ?", "date"),
        ("Quelle est la date limite ?", None),
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
        ("Créée en 2010, la DCI est l’un des acteurs majeurs.", "number", False),  # a dated year, and articles
        ("Depuis 1998, la DCI compte 12 bureaux.", "number", True),
        ("Jusqu’en 1900, rien ne changea.", "number", False),
        ("Le traité de 1648 fut signé.", "number", True),  # a year without « en », « depuis »… may be a figure
        ("Il a une fille.", "number", False),
        ("Elle comprend des dizaines de milliers de personnes.", "number", True),  # plural number words count too
        ("Créée en 2010, la DCI agit.", "date", True),
        # « Depuis combien de temps »: a date or a length of time answers, a bare count does not.
        ("Créée en 2010, la DCI agit.", "since", True),
        ("Le territoire est habité depuis au moins onze millénaires.", "since", True),
        ("Il y a 20 ans, la DCI n'existait pas.", "since", True),
        ("Près de 470 policiers sont affectés à la sécurité diplomatique.", "since", False),
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
        ("Combien de femmes travaillent à la DCI ?", ("femm",)),
        ("Combien d’experts compte le réseau ?", ("expert",)),
        ("Dans combien de services sont-ils affectés ?", ("servic",)),
        ("Quel est le nombre de victoires ?", ("victoir",)),
        ("How many experts?", ("expert",)),
        ("Combien d'experts en cybersécurité compte la DCI ?", ("expert", "cybersecurit")),
        ("Combien de services de sécurité intérieure ?", ("servic", "securit")),
        ("Combien de policiers et gendarmes compte le réseau ?", ("polici",)),
        ("How many experts in cybersecurity?", ("expert", "cybersecurity")),
        ("Combien mesure la tour ?", ()),
        ("Depuis combien de temps le territoire est-il habité ?", ()),
        ("Combien de personnes travaillent au ministère ?", ()),
        ("Quand la DCI a-t-elle été créée ?", ()),
        # Spoken order: what comes before « combien » is counted, unless it only says « they are ».
        ("La DCI, son budget c'est combien ?", ("budget",)),
        ("Les experts, ils gagnent combien ?", ("gagn",)),
        ("Ça coûte combien ?", ("cout",)),
        ("Les policiers du réseau, ils sont combien ?", ()),
        ("Les services, il y en a combien ?", ()),
        ("Le réseau compte combien d'experts ?", ("expert",)),
    ],
)
def test_counted_terms(question: str, expected: tuple[str, ...]) -> None:
    assert counted_terms(question) == expected


def test_a_number_counts_as_evidence_only_from_a_sentence_that_speaks_of_what_is_counted() -> None:
    passages = [passage("Le réseau de la DCI compte 300 policiers.")]
    policiers = answer("Combien de policiers compte le réseau de la DCI ?", passages, threshold=-1)
    femmes = answer("Combien de femmes compte le réseau de la DCI ?", passages, threshold=-1)
    assert policiers.evidence.typed and not femmes.evidence.typed
    passages = [passage("Le réseau compte 18 experts en sécurité civile.")]
    civile = answer("Combien d'experts en sécurité civile compte le réseau ?", passages, threshold=-1)
    cyber = answer("Combien d'experts en cybersécurité compte le réseau ?", passages, threshold=-1)
    assert civile.evidence.typed and not cyber.evidence.typed
    # What is counted is absent: refused, however many of the question's other words the passage holds.
    assert civile.answered and cyber.evidence.uncounted and cyber.evidence.value(DEFAULT_POLICY) == 0.0
    assert not answer("Combien d'experts en cybersécurité compte le réseau ?", passages).answered
    lenient = AnswerPolicy(refuse_uncounted=False)
    assert answer("Combien d'experts en cybersécurité compte le réseau ?", passages, policy=lenient).answered
    # The passage names the partnerships, but the sentence with a number counts policemen.
    passages = [passage("La DCI met en œuvre des partenariats. Son réseau compte 300 policiers.")]
    partenariats = answer("Combien de partenariats la DCI a-t-elle ?", passages, threshold=-1)
    assert partenariats.evidence.uncounted and not partenariats.evidence.typed
    assert not answer("Combien de policiers compte la DCI ?", passages, threshold=-1).evidence.uncounted


def test_an_anaphoric_sentence_counts_what_the_sentence_before_it_names() -> None:
    passages = [passage("Le réseau compte 300 policiers. Ils sont affectés dans 74 services à l'étranger.")]
    abroad = answer("Combien de policiers sont affectés à l'étranger ?", passages)
    assert abroad.answered and not abroad.evidence.uncounted
    assert abroad.answer.startswith("Le réseau compte 300 policiers. Ils sont affectés")
    # Without the anaphora, the sentence with the number counts services, not policemen.
    passages = [passage("Le réseau compte des policiers. Des agents sont affectés dans 74 services à l'étranger.")]
    assert answer("Combien de policiers sont affectés à l'étranger ?", passages, threshold=-1).evidence.uncounted


def test_a_follow_up_quotes_no_sentence_that_only_answers_the_earlier_question() -> None:
    passages = [passage("La DCI a été créée en 2010. Son réseau compte 18 experts en sécurité civile.")]
    query = analyze_question("Et combien d'experts ?", ["Quand la DCI a-t-elle été créée ?"], {})
    found = compose_answer(query, passages, idf, {}, DEFAULT_POLICY)
    assert found.answered and "18 experts" in found.answer and "2010" not in found.answer
    # A sentence that holds one of the follow-up's own terms may still join the best one.
    query = analyze_question("Et combien d'experts en 2010 ?", ["Quand la DCI a-t-elle été créée ?"], {})
    assert "2010" in compose_answer(query, passages, idf, {}, DEFAULT_POLICY).answer


def test_an_anaphoric_sentence_speaks_of_the_earlier_question_when_the_sentence_before_names_it() -> None:
    passages = [
        passage(
            "Le réseau compte 18 experts en sécurité civile. Ils sont affectés dans 74 services. "
            "Des policiers sont affectés à la sécurité diplomatique."
        )
    ]
    query = analyze_question("Où sont-ils affectés ?", ["Combien d'experts en sécurité civile ?"], {})
    found = compose_answer(query, passages, idf, {}, DEFAULT_POLICY)
    assert found.answer.startswith(
        "Le réseau compte 18 experts en sécurité civile. Ils sont affectés dans 74 services."
    )


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Que fait la DCI ?", ("fait",)),
        ("ce que fait la DCI", ("fait",)),
        ("Quel est le rôle de la DCI ?", ("quel", "rol")),
        ("Quel rôle joue la DCI ?", ("quel", "rol")),
        ("À quoi sert la DCI ?", ("quoi", "sert")),
        ("Quelles sont les missions de la DCI ?", ("quel", "mission")),
        ("Quelle est sa mission ?", ("quel", "mission")),
        ("What does the DCI do?", ("what", "do")),
        ("Quel est l'objectif des partenariats ?", ("quel", "object")),
        ("Parle-moi de la DCI", ("parl",)),
        ("Tell me about the DCI", ("tel", "about")),
        (
            "Quelle est la différence entre la coopération technique et la coopération opérationnelle ?",
            ("quel", "different"),
        ),
        ("Quels sont les objectifs de la DCI en matière de cybersécurité ?", ("quel", "object", "matier")),
        ("Que sait-on au sujet des ambassades ?", ("sujet",)),
        ("En quoi consiste la coopération technique ?", ("quoi", "consist")),
        ("En quoi consistent les partenariats ?", ("quoi", "consist")),
        ("Que signifie DCI ?", ("signif",)),
        ("Que veut dire DCI ?", ("veut", "dir")),
        ("DCI date de création", ("dat",)),
        ("Quelle est l'année d'arrivée ?", ("anne",)),
        ("Quel est le but de la DCI ?", ()),
        ("Qui fait quoi ?", ()),
        ("Combien de missions la DCI mène-t-elle ?", ()),
        ("Liste des coopérations menées par la DCI", ("list", "men")),
        ("Quels types de coopération la DCI anime-t-elle ?", ("typ",)),
        ("Énumérez les formes d'action de la DCI", ("enum", "form")),
        ("Quelles catégories de personnel ?", ("categor",)),
        ("Quelle forme prend la coopération ?", ()),
        ("Quelles coopérations la DCI mène-t-elle ?", ("men",)),
        ("Quels types de coopération la DCI met-elle en œuvre ?", ("typ", "met", "oeuvr")),
        ("Quelles assurances la DCI gère-t-elle ?", ("ger",)),  # « assurances » is not « assure »
        ("Qui assure la cohérence des actions ?", ()),  # not a list question
        ("Quelles coopérations la DCI a-t-elle supprimées ?", ()),
        ("le rôle de la coopération technique.", ("rol",)),
        ("les missions de la DCI", ("mission",)),
        ("les missions diplomatiques", ()),  # a noun phrase of its own, no frame
        ("Citez les coopérations que la DCI anime.", ("cit",)),
        ("Pouvez-vous citer les formes de coopération ?", ("cit", "form")),
        ("Que fait la cité de la DCI ?", ("fait",)),  # « cité » is no order to list
    ],
)
def test_framing_terms(question: str, expected: tuple[str, ...]) -> None:
    assert framing_terms(question) == expected


def test_a_role_question_needs_its_subject_in_the_passage_not_its_frame() -> None:
    passages = [passage("La DCI assure la cohérence des actions bilatérales conduites par le ministère.")]
    for question in ("Que fait la DCI ?", "Quel est le rôle de la DCI ?", "À quoi sert la DCI ?"):
        found = answer(question, passages)
        assert found.answered and found.evidence.matched == 1.0, question
    # The frame is left out, not the rest: what the passage does not name still weighs.
    assert not answer("Quel est le rôle de la DCI contre la piraterie en Afrique ?", passages).answered
    assert answer("Parle-moi de la cohérence des actions", passages).evidence.matched == 1.0
    # « en matière de » only says what follows is the subject: the passage's own « en matière de » proves nothing.
    governance = [passage("La DCI agit en matière de gouvernance.")]
    assert answer("Que fait la DCI en matière de cybersécurité ?", governance, threshold=-1).evidence.matched == 0.5
    assert not answer("Quel est le rôle du préfet ?", passages).answered


@pytest.mark.parametrize(
    ("question", "text", "uncounted"),
    [
        # The only date dates the creation, not the network's growth: another thing.
        (
            "En quelle année le réseau a-t-il atteint 300 policiers ?",
            "Créée en 2010, la direction est un acteur majeur. Elle a des partenaires.",
            True,
        ),
        (
            "En quelle année la direction a-t-elle été créée ?",
            "Créée en 2010, la direction est un acteur majeur.",
            False,
        ),
        # The sentence before names the subject that the dated sentence refers to.
        (
            "Quand Wout Poels monte-t-il sur le podium ?",
            "Wout Poels court en 2016. Le 6 mars, il finit troisième.",
            False,
        ),
        ("À combien s'élève l'effectif du réseau ?", "Le réseau compte 300 policiers.", False),
        ("À combien s'élève l'effectif du réseau ?", "La direction compte 300 policiers.", True),
        # « Combien » is not answered by a sentence without a number, however well it speaks of what is counted.
        (
            "Combien de pays la coopération aide-t-elle ?",
            "La coopération apporte un soutien aux pays demandeurs.",
            True,
        ),
        (
            "Quand la coopération aide-t-elle les pays ?",
            "La coopération apporte un soutien aux pays demandeurs.",
            False,
        ),
        # No date or number asked: no such check.
        ("Qui dirige le réseau ?", "La direction compte 300 policiers.", False),
        # What is counted is held in a longer form, as the evidence's other terms may be (« police », « policiers »).
        ("How many police and gendarmes are there?", "Le réseau compte 300 policiers et gendarmes.", False),
        ("How many police and gendarmes are there?", "Le réseau compte 300 gendarmes.", True),
    ],
)
def test_a_date_or_number_counts_only_from_a_sentence_about_the_question(
    question: str, text: str, uncounted: bool
) -> None:
    found = answer(question, [passage(text)], threshold=-1)
    assert found.evidence.uncounted is uncounted
    assert found.evidence.value(DEFAULT_POLICY) == 0.0 or not uncounted


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Combien de policiers la DCI a-t-elle en Afrique ?", (("afriqu", True),)),
        ("combien de policiers la dci a en afrique", (("afriqu", False),)),
        ("Quand a-t-elle signé avec le Canada ?", (("canad", True),)),
        ("Combien de policiers à l'ambassade de France à Berlin ?", (("berlin", True),)),
        ("Combien de policiers en poste à Dakar ?", (("post", False), ("dakar", True))),
        ("Que fait la DCI in Europe?", (("europ", True),)),
        # Not a place: a word in lower case after « à » or « dans », an acronym, an interrogative, the first word.
        ("Combien de policiers à l'étranger ?", ()),
        ("Quelles économies dans la proposition de Pierre Serne ?", ()),
        ("Combien de listes a-t-il conduit avec le PS ?", ()),
        ("Et en quelle année a-t-elle été créée ?", ()),
        ("Dans quel pays la DCI a-t-elle le plus d'agents ?", ()),
        ("Avec Paris, combien ?", ()),
    ],
)
def test_named_places(question: str, expected: tuple[tuple[str, bool], ...]) -> None:
    assert named_places(question) == expected


@pytest.mark.parametrize(
    ("term", "present", "expected"),
    [
        ("afriqu", {"afriqu", "continent"}, True),
        ("europ", {"europeen"}, True),  # a longer stem it begins
        ("afriqu", {"africain"}, True),  # all its letters but the last two: a name and its adjective
        ("allemagn", {"allemand"}, True),
        ("strutthof", {"stutthof"}, True),  # a long name misspelt by one letter
        ("maharashi", {"maharish"}, False),  # two edits
        ("maroc", {"marin"}, False),
        ("inde", {"industr"}, False),
        ("berlin", set(), False),
    ],
)
def test_name_held(term: str, present: set[str], expected: bool) -> None:
    assert name_held(term, present) is expected


def test_a_passage_that_does_not_name_the_place_asked_of_says_nothing_of_it() -> None:
    passages = [passage("Son réseau compte 300 policiers, affectés dans 74 services à l'étranger et en Europe.")]
    known = {"reseau", "compt", "polici", "affect", "servic", "etrang", "europ"}
    for question in (
        "Combien de policiers la DCI a-t-elle en Afrique ?",
        "combien de policiers en afrique",
        "Où sont affectés les policiers au Japon ?",
        "Quand le réseau a-t-il signé avec le Canada ?",
    ):
        found = answer(question, passages, known=known)
        assert not found.answered and found.evidence.uncounted, question
    for question in ("Combien de policiers à l'étranger ?", "Combien de policiers en Europe ?"):
        assert answer(question, passages, known=known).answered, question
    # A word in lower case that the base holds is no name: « en poste » is a common noun, not a place.
    question = "Que font les policiers en poste ?"
    assert answer(question, passages, threshold=-1, known=known).evidence.uncounted
    assert not answer(question, passages, threshold=-1, known=known | {"post"}).evidence.uncounted


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Quelles coopérations la DCI met-elle en œuvre ?", True),
        ("Quels types de coopération la DCI anime-t-elle ?", True),
        ("Liste des coopérations", True),
        ("Les types de coopération de la DCI ?", True),
        ("Les sortes d'actions ?", True),
        ("Énumérer les coopérations de la DCI", True),
        ("Les formes de coopération de la DCI ?", True),
        ("What types of cooperation does it carry out?", True),
        ("Que vise la coopération technique ?", False),
        ("Quel est le budget de la DCI ?", False),
        ("Et les coopérations opérationnelles ?", False),
        ("Cite les forces de la DCI", True),
        ("Présente-moi les coopérations de la DCI", True),
        ("Décrivez les partenariats", True),
        ("Parlez-moi des partenariats", False),  # « des » is « de les »: one subject, an overview
        ("Présente-moi la DCI", False),
        ("Que fait la cité ?", False),
    ],
)
def test_asks_for_list(question: str, expected: bool) -> None:
    assert asks_for_list(question) is expected


def test_a_list_answers_a_question_that_asks_for_one_and_its_entries_are_answered_by_their_sections() -> None:
    listing = passage("La DCI met en œuvre : • Les coopérations techniques • Les partenariats", score=1.0)
    technical = passage("Elle apporte un soutien technique.", 0.5, ("Les coopérations techniques",))
    found = answer("Quelles coopérations la DCI met-elle en œuvre ?", [listing, technical])
    assert found.answered and "• Les partenariats" in found.answer and citations_grounded(found)
    # Not a list question: the list is no answer, however many of its words it holds.
    assert "•" not in answer("Que met en œuvre la DCI ?", [listing, technical], threshold=-1).answer
    # A list question on one of its entries: the entry's section answers first.
    entry = answer("Quelles sont les coopérations techniques ?", [listing, technical])
    assert entry.answer.startswith("Elle apporte un soutien technique.")


@pytest.mark.parametrize(
    ("entries", "terms", "expected"),
    [
        ([{"cooper", "techn"}, {"cooper", "oper"}, {"partenariat"}], ["cooper", "dci"], 2 / 3),
        ([{"cooper", "techn"}, {"cooper", "oper"}], ["cooper"], 1.0),
        ([{"cooper", "techn"}, {"partenariat"}], ["cooper"], 0.5),
        ([{"cooper", "techn"}, {"partenariat"}, {"expert"}], ["cooper"], 0.0),  # one entry of three: not the kind asked
        ([{"cooper", "techn"}], ["cooper"], 0.0),  # one entry is no enumeration
        ([{"polic"}, {"gendarm"}], ["cooper"], 0.0),
    ],
)
def test_enumerated_share(entries: list[set[str]], terms: list[str], expected: float) -> None:
    assert enumerated_share([frozenset(e) for e in entries], terms, {}) == pytest.approx(expected)


def test_a_list_of_the_things_asked_answers_before_a_higher_passage_that_holds_the_words_only_in_its_heading() -> None:
    institutional = passage("La DCI assure la cohérence des actions.", 1.0, ("Les coopérations institutionnelles",))
    listing = passage(
        "La DCI anime : • Les coopérations techniques • Les coopérations opérationnelles • Les partenariats", score=0.2
    )
    found = answer("Quelles sont les coopérations de la DCI ?", [institutional, listing])
    assert found.answered and found.answer.startswith("La DCI anime :") and "• Les partenariats" in found.answer
    # A question that is not about the kind the entries name keeps the higher passage.
    other = answer("Quelles sont les actions de la DCI ?", [institutional, listing])
    assert other.answer.startswith("La DCI assure la cohérence des actions.")


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
    question = "Quel est le budget de la DCI ?"
    lacking = answer(question, passages, threshold=0.6, policy=policy, known={"dci", "cooper", "polic"})
    knowing = answer(question, passages, threshold=0.6, policy=policy, known={"dci", "budget"})
    assert not lacking.answered and lacking.evidence == Evidence(0.5, 0.0, False)
    assert knowing.answered and knowing.evidence == Evidence(0.5, 0.5, False)


def test_trim_keeps_matching_words_within_limit() -> None:
    sentence = " ".join(["avant"] * 60 + ["coopération", "2010"] + ["après"] * 60)
    trimmed = trim_to(sentence, 80, ["cooper"])
    assert len(trimmed) <= 80 and "coopération" in trimmed and trimmed.startswith("…") and trimmed.endswith("…")
    assert trim_to("Court.", 80, []) == "Court."


def test_trim_centres_on_the_first_matching_word_when_no_stretch_holds_more() -> None:
    sentence = " ".join(
        ["avant"] * 30 + ["coopération", "technique"] + ["milieu"] * 30 + ["coopération"] + ["fin"] * 30
    )
    trimmed = trim_to(sentence, 100, ["cooper"])
    assert "technique" in trimmed and "avant" in trimmed and "fin" not in trimmed and len(trimmed) <= 100


def test_trim_keeps_the_words_just_before_the_match() -> None:
    sentence = (
        "Les zones sont proches " * 8
        + "En 1613, Samuel Argall détruit les deux établissements"
        + " et ainsi de suite" * 20
    )
    trimmed = trim_to(sentence, 120, ["samuel", "detruit"])
    assert "En 1613, Samuel Argall détruit" in trimmed and len(trimmed) <= 120


def test_trim_prefers_the_stretch_holding_most_question_words() -> None:
    sentence = " ".join(["coopération"] + ["autre"] * 40 + ["coopération", "policière", "formée"] + ["fin"] * 40)
    trimmed = trim_to(sentence, 80, ["cooper", "policier", "forme"])
    assert "coopération policière formée" in trimmed and len(trimmed) <= 80


@pytest.mark.parametrize(
    ("hits", "room", "expected"),
    [
        ([set(), set(), set()], 3, (0, 1)),
        ([set(), {"a"}, set(), set()], 3, (1, 2)),
        ([{"a"}, set(), set(), {"a"}, {"b"}], 2, (3, 5)),
        ([{"a"}, set(), {"b"}, set(), {"a"}, {"b"}], 3, (4, 6)),
        ([{"a"}, set(), {"b"}, set(), {"a"}, {"b"}], 6, (4, 6)),
        ([{"a"}, {"b"}, set(), set(), {"a"}], 6, (0, 2)),
    ],
)
def test_densest_window(hits: list[set[str]], room: int, expected: tuple[int, int]) -> None:
    assert densest_window(hits, lambda start, end: end - start <= room) == expected


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
    given = answer(
        "Avec qui la DCI coopère-t-elle ?", passages, max_chars=200, policy=AnswerPolicy(share_ratio=share_ratio)
    )
    assert [m for m in ("[1]", "[2]") if m in given.answer] == cited
    assert "police" in given.answer and ("gendarmerie" in given.answer) == (len(cited) == 2)
    assert len(given.answer) <= 200 and citations_grounded(given)
    # The sources highlight what the answer quotes, trimmed as it is there.
    quotes = [q for source in given.sources for q in source.quotes]
    assert quotes and all(q in given.answer for q in quotes)
    assert all(q in source.text for source in given.sources for q in source.quotes)


def test_cuts_within_one_passage_show_one_ellipsis() -> None:
    filler = "dans le cadre de ses missions " * 4
    text = f"La DCI coopère avec la police {filler}partout. Sans rapport. La DCI coopère avec la gendarmerie {filler}."
    given = answer("Avec qui la DCI coopère-t-elle ?", [passage(text)], max_chars=200)
    assert "police" in given.answer and "gendarmerie" in given.answer and "… …" not in given.answer
    assert given.answer.count("[1]") == 1 and citations_grounded(given)


def test_picks_the_typed_sentence_and_cites_it() -> None:
    passages = [
        passage("La DCI agit à l'étranger. Elle a été créée en 2010 par le ministère."),
        passage("La DCI coopère avec la police."),
    ]
    given = answer("Quand la DCI a-t-elle été créée ?", passages)
    assert given.answered
    # The dated sentence comes with the sentence « Elle » points back to.
    assert given.answer == (
        "La DCI agit à l'étranger. Elle a été créée en 2010 par le ministère. [1] La DCI coopère avec la police. [2]"
    )
    assert given.sources[0].text == passages[0].chunk.text
    assert given.sources[0].quotes and all(q in given.sources[0].text for q in given.sources[0].quotes)


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
    ],
)
def test_packs_the_best_sentences_that_fit(texts: list[str], policy: AnswerPolicy, expected: str) -> None:
    passages = [passage(t, score=1.0 - 0.1 * i) for i, t in enumerate(texts)]
    given = answer("Avec qui la DCI coopère-t-elle ?", passages, max_chars=200, policy=policy)
    assert given.answer == expected and len(given.answer) <= 200 and citations_grounded(given)


def test_refuses_weak_evidence_and_lists_topics() -> None:
    passages = [passage("La DCI coopère avec la police.")]
    given = answer("Quel est le budget de la DCI ?", passages, threshold=0.6, topics=["Réseau", "Missions"])
    assert not given.answered and given.sources == []
    assert given.answer == (
        f"{REFUSAL_MESSAGE} Essayez de reformuler votre question ; la base couvre notamment : Réseau ; Missions."
    )


def test_refuses_without_passages() -> None:
    assert not answer("Quoi ?", []).answered


@pytest.mark.parametrize("limit", [120, 200, 350])
def test_answer_never_exceeds_limit(limit: int) -> None:
    long = "La coopération " + "technique " * 80 + "est ancienne."
    passages = [passage(long), passage("La coopération technique aide les pays demandeurs.")]
    given = answer("Que fait la coopération technique ?", passages, threshold=0.1, max_chars=limit)
    assert given.answered and len(given.answer) <= limit and "[1]" in given.answer


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Créée en 2010, la DCI agit. [1]", True),
        ("Créée en 2010, la DCI agit. … Elle coopère. [1]", True),
        ("… la DCI agit. [1] Autre phrase. [2]", True),
        ("Créée en 2011. [1]", False),
        ("Créée en 2010, la DCI agit. [3]", False),
        ("Créée en 2010, la DCI agit.", False),
    ],
)
def test_citations_grounded(text: str, expected: bool) -> None:
    sources = [
        Source("a.md", "A", "", "1", 1.0, "Créée en 2010, la DCI agit. Elle aide.\nElle coopère."),
        Source("b.md", "B", "", "2", 0.5, "Autre phrase."),
    ]
    assert citations_grounded(Answer(text, True, sources)) is expected
    assert citations_grounded(Answer(REFUSAL_MESSAGE, False, []))


@pytest.mark.parametrize(
    ("evidence", "weight", "floor", "expected"),
    [
        (Evidence(0.0, 0.0, False, 0.9), 2.0, 0.8, 0.2),
        (Evidence(0.0, 0.0, False, 0.7), 2.0, 0.8, 0.0),  # below the floor counts nothing, never less
        (Evidence(0.5, 0.0, False, 0.9), 0.0, 0.8, 0.5),
    ],
)
def test_evidence_by_meaning(evidence: Evidence, weight: float, floor: float, expected: float) -> None:
    policy = AnswerPolicy(evidence_meaning_weight=weight, evidence_meaning_floor=floor)
    assert evidence.value(policy) == pytest.approx(expected)


def vectors_passage(text: str, rows: list[list[float]], score: float = 1.0) -> Passage:
    """A passage whose sentences have the given unit vectors."""
    return Passage(passage(text, score).chunk, score, np.asarray(rows, dtype=float))


def test_meaning_chooses_and_backs_a_paraphrase_that_shares_no_word() -> None:
    text = "Elle compte 300 policiers. La coopération vise le soutien technique."
    question = analyze_question("What does technical help mean?", [], {})
    query = replace(question, vector=np.asarray([0.0, 1.0]))
    passages = [vectors_passage(text, [[1.0, 0.0], [0.0, 1.0]])]
    policy = AnswerPolicy(meaning_weight=1.0, evidence_meaning_weight=4.0, evidence_meaning_floor=0.5, max_sentences=1)
    given = compose_answer(query, passages, idf, {}, policy)
    assert given.answered and given.answer == "La coopération vise le soutien technique. [1]"
    assert given.evidence.meaning == pytest.approx(1.0)
    without = compose_answer(query, passages, idf, {}, replace(policy, meaning_weight=0.0, evidence_meaning_weight=0.0))
    assert not without.answered


@pytest.mark.parametrize(
    ("weight", "expected"),
    [
        # Only the sentence closest to the question keeps its score; the others lose weight × their shortfall.
        (0.0, [1.8, 1.8, 1.8]),
        (0.5, [1.8, 1.55, 1.45]),
        (2.0, [1.8, 0.8, 0.4]),
    ],
)
def test_meaning_counts_below_the_closest_sentence(weight: float, expected: list[float]) -> None:
    text = "La DCI coopère. La DCI forme. Autre phrase."  # each holds the title's « DCI »: 1 + rank 0.8
    query = replace(analyze_question("La DCI ?", [], {}), vector=np.asarray([0.0, 1.0]))
    rows = [[(1 - c**2) ** 0.5, c] for c in (1.0, 0.5, 0.3)]  # unit vectors at these cosines to the question
    policy = AnswerPolicy(meaning_weight=weight)
    scored = score_sentences(query, [vectors_passage(text, rows)], idf, {}, policy)
    assert [round(c.score, 6) for c in sorted(scored, key=lambda c: c.sentence_index)] == pytest.approx(expected)


@pytest.mark.parametrize(
    ("lead", "expected"),
    [
        (False, "Sans rapport. La DCI coopère avec la police. [1]"),
        (True, "La DCI coopère avec la police. … Sans rapport. [1]"),
    ],
)
def test_the_best_sentence_leads_the_answer(lead: bool, expected: str) -> None:
    passages = [passage("Sans rapport. La DCI coopère avec la police.")]
    policy = AnswerPolicy(lead_with_best=lead, share_ratio=float("inf"))
    assert answer("Avec qui la DCI coopère-t-elle ?", passages, policy=policy).answer == expected


@pytest.mark.parametrize(
    ("terms", "present", "expected"),
    [
        (["europ"], {"europeen", "affair"}, {"europ"}),  # « Europe » in « européennes »
        (["directeur"], {"direct"}, set()),  # a longer question stem is not shortened: « directeur », « direction »
        (["port"], {"portugal"}, set()),  # too short to name the same thing
        (["europ", "affair"], {"europ", "affair"}, set()),  # held as such: not an extension
    ],
)
def test_extended(terms: list[str], present: set[str], expected: set[str]) -> None:
    assert extended(terms, frozenset(present)) == expected


def test_a_term_held_in_a_longer_form_backs_the_answer() -> None:
    passages = [passage("Elle coordonne les affaires européennes du ministère.")]
    found = answer("Quels dossiers en Europe ?", passages)
    assert found.answered and found.evidence.matched == pytest.approx(0.5), found.evidence
    assert not answer("Quels dossiers au directeur ?", passages).answered


@pytest.mark.parametrize(
    ("title", "section", "label"),
    [
        ("DCI", "Les partenariats", "[2] DCI — Les partenariats"),
        ("DCI", "", "[2] DCI"),
        ("Article 16-1", "Article 16-1", "[2] Article 16-1"),
        ("Article 16 1", "Article 16-1", "[2] Article 16 1"),
        ("Article 16", "Article 16-1", "[2] Article 16 — Article 16-1"),
    ],
)
def test_a_source_label_does_not_repeat_its_title(title: str, section: str, label: str) -> None:
    assert Source("f.md", title, section, "id", 1.0, "texte").label(2) == label


@pytest.mark.parametrize(
    ("question", "action"),
    [
        ("Qui a créé la DCI ?", "cre"),
        ("Qui dirige la DCI ?", "dirig"),
        ("Par qui fut fondée la ville ?", "fond"),
        ("Qui assure la cohérence des actions ?", "assur"),
        ("qui est Maria Kirilenko?", None),
        ("Qui Elizabeth veut-elle prévenir ?", None),
        ("Quand la DCI a-t-elle été créée ?", None),
    ],
)
def test_agent_action(question: str, action: str | None) -> None:
    assert agent_action(question) == action


@pytest.mark.parametrize(
    ("sentence", "action", "named"),
    [
        ("Créée en 2010, la direction est l'un des acteurs majeurs.", "cre", False),
        ("Fondée en 1200, la ville prospère.", "fond", False),
        ("Fondée par Jean en 1200, la ville prospère.", "fond", True),
        ("La ville, fondée en 1200, prospère.", "fond", True),
        ("La DCI assure la cohérence des actions.", "assur", True),
        ("Le réseau compte 300 policiers.", "cre", True),
    ],
)
def test_names_agent(sentence: str, action: str, named: bool) -> None:
    assert names_agent(sentence, action) is named
