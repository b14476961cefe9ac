"""The DCI question set, default encoder and e5: each answerable question answered right and cited, the rest refused."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kbchat.ask.citations import citations_grounded
from kbchat.config import BUNDLED_E5, PROJECT_ROOT, Settings
from kbchat.evaluation.datasets import DCI_QUESTIONS, read_questions
from kbchat.evaluation.metrics import answer_correct
from kbchat.index.ingest import sync
from kbchat.index.lexicon import load_translator
from kbchat.knowledge_base import KnowledgeBase, open_knowledge_base

pytestmark = [pytest.mark.model, pytest.mark.chroma, pytest.mark.spacy]

ITEMS = read_questions(DCI_QUESTIONS)


@pytest.fixture(scope="module")
def dci_kb_e5(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnowledgeBase]:
    """kb/ indexed with the French encoder, the option that one variable selects."""
    root = tmp_path_factory.mktemp("dci-e5")
    settings = Settings.from_env(env={"KBCHAT_EMBEDDING_MODEL": BUNDLED_E5}).with_(
        kb_dir=PROJECT_ROOT / "kb", index_dir=root / "embeddings", data_dir=root / "data"
    )
    sync(settings)
    kb = open_knowledge_base(settings)
    yield kb
    kb.close()


@pytest.fixture(params=["default", "e5"])
def either_kb(request: pytest.FixtureRequest) -> KnowledgeBase:
    """kb/'s knowledge base with the default encoder, then with e5."""
    return request.getfixturevalue("dci_kb" if request.param == "default" else "dci_kb_e5")


@pytest.mark.parametrize("item", ITEMS, ids=[i.question for i in ITEMS])
def test_dci_question(either_kb: KnowledgeBase, item) -> None:
    answer = either_kb.ask(item.question, list(item.history))
    if not item.answerable:
        assert not answer.answered, answer.answer
        return
    assert answer.answered, f"refused (evidence {answer.evidence.value(either_kb.settings.answer_policy):.2f})"
    assert answer_correct(answer.answer, item.expect_any, item.expect_all), answer.answer
    assert len(answer.answer) <= 350 and "[1]" in answer.answer
    assert answer.sources[0].source == item.source
    assert citations_grounded(answer), answer.answer
    for source in answer.sources:
        assert all(q in source.text for q in source.quotes)


def test_set_covers_required_kinds() -> None:
    assert sum(not i.answerable for i in ITEMS) >= 5
    assert any(i.history for i in ITEMS)
    assert any(i.question.startswith("When") for i in ITEMS if i.answerable)


def test_a_place_the_page_does_not_name_is_refused_and_one_it_names_answered(either_kb: KnowledgeBase) -> None:
    for question in ("Combien de policiers la DCI a-t-elle en Afrique ?", "Combien d'experts sont affectés au Maroc ?"):
        refused = either_kb.ask(question)
        assert not refused.answered and refused.evidence.uncounted, refused.answer
    europe = either_kb.ask("Que fait la DCI en Europe ?")
    assert europe.answered and "affaires européennes" in europe.answer


def test_the_cooperations_the_sub_headings_name_answer_a_question_that_asks_for_them(either_kb: KnowledgeBase) -> None:
    answer = either_kb.ask("Quels types de coopération la DCI met-elle en œuvre ?")
    for name in ("techniques de sécurité et de gouvernance", "opérationnelles", "institutionnelles", "partenariats"):
        assert name in answer.answer, answer.answer
    assert citations_grounded(answer)
    assert "•" not in either_kb.ask("Que vise la coopération technique ?").answer


def test_a_question_after_a_clause_about_who_asks_is_answered_as_asked(either_kb: KnowledgeBase) -> None:
    created = either_kb.ask("Je suis étudiant et je prépare un exposé : pouvez-vous me dire quand la DCI a été créée ?")
    assert created.answered and "2010" in created.answer.split("[1]")[0], created.answer
    attached = either_kb.ask("Ma fille veut devenir policière à l'étranger ; à quelle direction est rattachée la DCI ?")
    assert "Direction générale de la police nationale" in attached.answer, attached.answer
    assert not either_kb.ask("Je suis étudiant et je prépare un exposé : quel est le budget de la DCI ?").answered


def test_a_question_in_spoken_order_is_answered_as_written_and_what_it_counts_must_be_said(
    either_kb: KnowledgeBase,
) -> None:
    what_for = either_kb.ask("La coopération technique, c'est pour faire quoi ?")
    assert what_for.answered and "soutien technique" in what_for.answer.split("[1]")[0], what_for.answer
    partnerships = either_kb.ask("Ça sert à quoi, les partenariats ?")
    assert "technologies françaises" in partnerships.answer, partnerships.answer
    for question in ("La DCI, son budget c'est combien ?", "Les experts en sécurité civile, ils gagnent combien ?"):
        refused = either_kb.ask(question)
        assert not refused.answered and refused.evidence.uncounted, refused.answer
    assert "470" in either_kb.ask("Les policiers de la sécurité diplomatique, ils sont combien ?").answer


def test_an_acronym_the_page_spells_out_but_never_writes_is_read_as_its_phrase(either_kb: KnowledgeBase) -> None:
    services = either_kb.ask("Combien de SSI sont implantés à l’étranger ?")
    assert services.answered and "74 services" in services.answer, services.answer
    assert not either_kb.ask("Quel est le rôle de la DGSI à l’étranger ?").answered


def test_what_the_dci_is_answers_what_it_is_and_a_subject_the_page_only_mentions_is_refused(
    either_kb: KnowledgeBase,
) -> None:
    for question in (
        "Qu'est-ce que la DCI ?",
        "Que fait la DCI ?",
        "C'est quoi la DCI ?",
        "La DCI, c'est quoi exactement ?",
    ):
        answer = either_kb.ask(question)
        assert answer.answer.startswith("Créée en 2010, la direction de la coopération internationale est"), question
        assert citations_grounded(answer)
    assert "criminalités internationales" in either_kb.ask("À quoi sert la coopération opérationnelle ?").answer
    for question in ("Qu'est-ce que la gendarmerie nationale ?", "C'est quoi la sécurité civile ?"):
        refused = either_kb.ask(question)
        assert not refused.answered and refused.evidence.uncounted, refused.answer


def test_an_english_question_is_read_in_french_and_answered_from_the_french_page(
    either_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_translator()  # the table make setup built (built here if absent): asking only reads it, encoding no word
    monkeypatch.setattr("kbchat.index.lexicon.word_vectors", lambda *args: pytest.fail("e5 run at asking"))
    answer = either_kb.ask("How many officers does the DCI network have abroad?")
    assert answer.answered and "300 policiers" in answer.answer, answer.answer
    assert ("officers", "policiers") in answer.corrected and ("network", "réseau") in answer.corrected
    assert "« policiers » pour « officers »" in answer.spelling_note
    assert citations_grounded(answer)
    refused = either_kb.ask("Who is the director of the DCI?")  # « directeur »: the page never says it
    assert not refused.answered, refused.answer
    europol = either_kb.ask("What is Europol?")  # a name, not read as « européennes »
    assert not europol.answered and europol.corrected == (), europol.answer
