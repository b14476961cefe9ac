"""Overview questions (« Qu'est-ce que la DCI ? »): their subject, the sentences that define it, and the answer."""

from __future__ import annotations

import pytest

from kbchat.ask.answering import compose_answer
from kbchat.ask.overview import SECTION_LEAD_SHARE, defining_first, definitions
from kbchat.ask.query import analyze_question
from kbchat.ask.retrieval import Passage
from kbchat.config import AnswerPolicy
from kbchat.corpus.chunking import Chunk
from kbchat.text.analyzer import analyze_query
from kbchat.text.answer_types import framing_terms
from kbchat.text.definitions import defines, heads, only_mentions, overview_subject, overview_terms

ACRONYMS = {"dci": ["direct", "cooper", "international"]}
TITLE = "La direction de la coopération internationale"


@pytest.mark.parametrize(
    ("question", "subject"),
    [
        ("Qu'est-ce que la DCI ?", "dci"),
        ("C'est quoi les coopérations institutionnelles ?", "cooperations institutionnelles"),
        ("La DCI, c'est quoi ?", "dci"),
        ("la DCI c'est quoi", "dci"),
        ("Que fait la DCI ?", "dci"),
        ("À quoi servent les partenariats ?", "partenariats"),
        ("Quel est le rôle des coopérations opérationnelles ?", "cooperations operationnelles"),
        ("Quelle est la mission de la DCI ?", "dci"),
        ("Présentez-moi la DCI.", "dci"),
        ("Parlez-moi des partenariats.", "partenariats"),
        ("What is the DCI?", "dci"),
        ("What does the DCI do?", "dci"),
        ("What is the goal of the partnerships?", "partnerships"),
        ("Qui est Médine ?", "medine"),
        # A follow-up's opener before a whole question's frame.
        ("Et que fait la coopération opérationnelle ?", "cooperation operationnelle"),
        ("And what is the DCI?", "dci"),
        ("Et qui est le gouverneur ?", None),
        # A question that narrows its subject, asks for something else, or for a person by a role: no overview.
        ("Que fait la DCI en Europe ?", None),
        ("Que fait la DCI dans le domaine des affaires européennes ?", None),
        ("Qu'est ce que la fille du gouverneur a distingué à l'horizon ?", None),
        ("Qui est le gouverneur ?", None),
        ("Qui est proclamé prince de Bulgarie ?", None),
        ("What does operational cooperation fight?", None),
        ("Combien de policiers compte la DCI ?", None),
        ("Qu'est-ce qu'Alain et Christophe ont présenté comme idée ?", None),
        ("Quand la DCI a-t-elle été créée ?", None),
    ],
)
def test_overview_subject(question: str, subject: str | None) -> None:
    assert overview_subject(question) == subject


def test_an_overview_question_reads_its_subject_not_its_frame() -> None:
    query = analyze_question("Et quelle est la mission des partenariats ?", ["Que vise la coopération technique ?"], {})
    assert query.subject == query.answer_terms == query.evidence_terms == ("partenariat",)
    assert framing_terms("Et à quoi sert la coopération technique ?") == framing_terms("À quoi sert la coopération ?")
    lead = chunk("Cette coopération vise à promouvoir les technologies.", 6, ("Une expertise", "Les partenariats"))
    mission = chunk(
        "Cette mission s'inscrit au cœur de la lutte.", 4, ("Une expertise", "Les coopérations opérationnelles")
    )
    answered, text = ask("Quelle est la mission des partenariats ?", [mission, lead])
    assert answered and text.startswith("Cette coopération vise à promouvoir"), text


def test_a_question_that_asks_for_a_list_is_no_overview() -> None:
    assert overview_terms("Quelle est la mission de la DCI ?") == ("dci",)
    assert overview_terms("Quelles sont les missions de la DCI ?") == ()


@pytest.mark.parametrize(
    ("sentence", "subject", "expected"),
    [
        ("Créée en 2010, la direction de la coopération internationale est l’un des acteurs majeurs.", ("dci",), True),
        ("La DCI est une direction commune.", ("dci",), True),
        ("Le Clark Art Institute, plus connu sous ce nom, est un musée d'art.", ("clark", "art", "institut"), True),
        ("La DCI assure la cohérence des actions.", ("dci",), False),  # says what it does, not what it is
        (
            "Direction commune à la police nationale et à la gendarmerie nationale, rattachée à la DGPN.",
            ("gendarmer", "national"),
            False,
        ),
        ("Son réseau compte 18 experts en sécurité civile.", ("securit", "civil"), False),
        ("Elle est rattachée à la direction générale.", ("dci",), False),  # the subject is not named
        ("La DCI est une direction.", (), False),
    ],
)
def test_defines(sentence: str, subject: tuple[str, ...], expected: bool) -> None:
    assert defines(sentence, subject, ACRONYMS) is expected


@pytest.mark.parametrize(
    ("subject", "headings", "expected"),
    [
        (("partenariat",), ("Une expertise", "Les partenariats"), True),
        (("partenariat", "dci"), ("Une expertise", "Les partenariats"), True),  # « dci » is the title's
        (("cooper", "operationnel"), ("Une expertise", "Les coopérations opérationnelles"), True),
        (("dci",), (), True),  # the title heads a chunk without headings
        (("dci",), ("Les coopérations techniques",), False),  # « coopération » alone does not name the DCI
        (("cooper", "militair"), ("Les coopérations opérationnelles",), False),
        # The title names the whole subject: the document is about it, not a section that shares one of its words.
        (("direct", "cooper", "international"), ("Une expertise", "Les coopérations opérationnelles"), False),
        (("direct", "cooper", "international"), (), True),
    ],
)
def test_heads(subject: tuple[str, ...], headings: tuple[str, ...], expected: bool) -> None:
    assert heads(subject, TITLE, headings, ACRONYMS) is expected


@pytest.mark.parametrize(
    ("sentence", "subject", "expected"),
    [
        ("Direction commune à la police nationale et à la gendarmerie nationale.", ("gendarmer", "national"), True),
        ("Son réseau compte 18 experts en sécurité civile.", ("securit", "civil"), True),
        ("La gendarmerie nationale agit à l'étranger.", ("gendarmer", "national"), False),
        ("Il salue la gendarmerie nationale.", ("gendarmer", "national"), False),  # its object, not a modifier
        ("Des modèles informatisés permettent d'évaluer la rentabilité.", ("model", "informatis"), False),
        ("Le réseau de la DCI, puis la DCI elle-même.", ("dci",), False),  # once named as a subject is enough
        ("Son réseau compte 300 policiers.", ("securit", "civil"), False),  # not named at all: other evidence decides
    ],
)
def test_only_mentions(sentence: str, subject: tuple[str, ...], expected: bool) -> None:
    assert only_mentions(sentence, subject, ACRONYMS) is expected


@pytest.mark.parametrize(
    ("sentence", "subject", "mentioned", "defined"),
    [
        (
            "Elle est l'interlocuteur privilégié du ministère des affaires étrangères.",
            "ministère des affaires étrangères",
            True,
            False,
        ),
        ("Les savoir-faire du ministère de l'Intérieur sont reconnus.", "ministère de l'Intérieur", True, False),
        (
            "Ils sont affectés dans les 74 services de sécurité intérieure.",
            "service de sécurité intérieure",
            True,
            False,
        ),
        (
            "Direction commune à la police, rattachée à la Direction générale de la police nationale.",
            "Direction générale de la police nationale",
            True,
            False,
        ),
        ("Dans le domaine des affaires européennes, elle coordonne.", "affaires européennes", True, False),
        # « Des » opening the clause is an article; a clause of its own names the subject as such.
        ("Des modèles informatisés permettent d'évaluer la rentabilité.", "modèles informatisés", False, False),
        ("Créée en 2010, la DCI est l'un des acteurs majeurs du ministère.", "DCI", False, True),
    ],
)
def test_a_subject_named_after_a_preposition_is_mentioned_not_defined(
    sentence: str, subject: str, mentioned: bool, defined: bool
) -> None:
    terms = tuple(analyze_query(subject))
    assert only_mentions(sentence, terms, ACRONYMS) is mentioned
    assert defines(sentence, terms, ACRONYMS) is defined


def chunk(text: str, position: int, headings: tuple[str, ...] = ("Une expertise reconnue",)) -> Chunk:
    return Chunk(f"dci.md#{position}", "dci.md", TITLE, headings, text, position)


TAGLINE = chunk("Coopération et expertise, les savoir-faire du ministère sont reconnus à l’international.", 0, ())
CREATED = chunk("Créée en 2010, la DCI est l’un des acteurs majeurs du ministère. Elle a 300 policiers.", 1)
ALSO = chunk("La DCI est également l'interlocuteur du ministère des affaires étrangères.", 2)
INSTITUTIONAL = chunk(
    "La DCI assure la cohérence des actions.", 5, ("Une expertise", "Les coopérations institutionnelles")
)


def test_the_first_definition_of_each_document_says_what_the_subject_is_and_a_section_lead_says_part_of_it() -> None:
    shares = definitions([INSTITUTIONAL, ALSO, TAGLINE, CREATED], ("dci",), ACRONYMS)
    assert shares == {(2, 0): SECTION_LEAD_SHARE, (3, 0): 1.0}
    section = definitions([INSTITUTIONAL, ALSO], ("cooper", "institutionnel"), ACRONYMS)
    assert section == {(0, 0): SECTION_LEAD_SHARE}
    assert definitions([INSTITUTIONAL, CREATED], (), ACRONYMS) == {}


def test_the_chunks_that_say_what_the_subject_is_come_first_each_side_in_its_order() -> None:
    chunks = {c.chunk_id: c for c in (TAGLINE, CREATED, ALSO, INSTITUTIONAL)}
    ranked = [(INSTITUTIONAL.chunk_id, 0.8), (ALSO.chunk_id, 0.1), (TAGLINE.chunk_id, 0.06), (CREATED.chunk_id, 0.04)]
    moved = defining_first(ranked, chunks, ("dci",), ACRONYMS)
    assert [key for key, _ in moved] == [ALSO.chunk_id, TAGLINE.chunk_id, CREATED.chunk_id, INSTITUTIONAL.chunk_id]
    assert defining_first(ranked, chunks, (), ACRONYMS) == ranked


def ask(question: str, chunks: list[Chunk]) -> tuple[bool, str]:
    scores = [1.0 / (rank + 1) for rank in range(len(chunks))]
    passages = [Passage(c, s) for c, s in zip(chunks, scores, strict=True)]
    query = analyze_question(question, [], ACRONYMS)
    found = compose_answer(query, passages, lambda term: 1.0, ACRONYMS, AnswerPolicy(), known={"dci", "gendarmer"})
    return found.answered, found.answer


def test_an_overview_question_is_answered_by_what_the_subject_is_before_what_ranks_first() -> None:
    for question in ("Qu'est-ce que la DCI ?", "Que fait la DCI ?", "What is the DCI?"):
        answered, text = ask(question, [INSTITUTIONAL, TAGLINE, ALSO, CREATED])
        assert answered and text.startswith("Créée en 2010, la DCI est l’un des acteurs majeurs"), question
    answered, text = ask("À quoi servent les coopérations institutionnelles ?", [ALSO, INSTITUTIONAL])
    assert answered and text.startswith("La DCI assure la cohérence"), text


def test_an_overview_question_on_a_subject_the_page_only_mentions_is_refused() -> None:
    shared = chunk("Direction commune à la police nationale et à la gendarmerie nationale, elle agit à l'étranger.", 1)
    assert not ask("Qu'est-ce que la gendarmerie nationale ?", [shared, CREATED])[0]
    # The same words asked otherwise are answered from the sentence that names them.
    assert ask("La DCI est commune à la police nationale et à quelle autre force ?", [shared, CREATED])[0]
    # A page that says what the subject does answers: « La gendarmerie nationale agit… ».
    acting = chunk("La gendarmerie nationale agit à l'étranger avec la police.", 1)
    assert ask("Qu'est-ce que la gendarmerie nationale ?", [acting, CREATED])[0]
