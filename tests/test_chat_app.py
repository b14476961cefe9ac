"""The chat page and the staff console, driven by Streamlit's AppTest on a real index."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kbchat.config import PROJECT_ROOT, Settings
from kbchat.index.ingest import sync
from kbchat.ui.feedback import FeedbackStore
from kbchat.ui.rendering import plain_text

pytestmark = [pytest.mark.model, pytest.mark.chroma, pytest.mark.spacy]

APP = str(PROJECT_ROOT / "chat_app.py")
CONSOLE = "from kbchat.ui import console_page\nconsole_page.render()\n"
TIMEOUT = 120
PASSWORD = "mot-de-passe-de-test"


@pytest.fixture(scope="module")
def indexed(copy_dci_index, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return copy_dci_index(tmp_path_factory.mktemp("app"))


@pytest.fixture
def env(indexed: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Settings:
    """The module's index, with a data folder (feedback, console logins) of this test's own."""
    result = indexed.with_(data_dir=tmp_path / "data")
    monkeypatch.setenv("KBCHAT_KB_DIR", str(result.kb_dir))
    monkeypatch.setenv("KBCHAT_INDEX_DIR", str(result.index_dir))
    monkeypatch.setenv("KBCHAT_DATA_DIR", str(result.data_dir))
    monkeypatch.setenv("KBCHAT_ADMIN_PASSWORD", PASSWORD)
    return result


def chat(app: AppTest, question: str) -> AppTest:
    app.chat_input[0].set_value(question).run(timeout=TIMEOUT)
    assert not app.exception, app.exception
    return app


def last_answer(app: AppTest) -> str:
    return plain_text(app.chat_message[-1].markdown[0].value)


def started() -> AppTest:
    app = AppTest.from_file(APP, default_timeout=TIMEOUT)
    app.run()
    assert not app.exception, app.exception
    return app


def test_welcome_and_example_click(env: Settings) -> None:
    app = started()
    assert "Direction de la coopération internationale" in app.chat_message[0].markdown[0].value
    examples = [b for b in app.button if str(b.key).startswith("example-")]
    assert 3 <= len(examples) <= 4
    label = plain_text(examples[0].label)
    examples[0].click().run(timeout=TIMEOUT)
    assert not app.exception
    assert plain_text(app.chat_message[0].markdown[0].value) == label
    assert "[1]" in last_answer(app) and plain_text(app.expander[0].label).startswith("[1] ")


def test_answer_with_sources_and_feedback(env: Settings) -> None:
    app = chat(started(), "En quelle année la DCI a-t-elle été créée ?")
    answer = last_answer(app)
    assert "2010" in answer and "[1]" in answer
    first = app.expander[0]
    assert plain_text(first.label).startswith("[1] La direction de la coopération internationale")
    assert "<mark>" in first.markdown[0].value and "2010" in first.markdown[0].value
    assert "direction-cooperation-internationale.md" in plain_text(first.caption[0].value)
    app.feedback(key="vote-0").set_value(0).run(timeout=TIMEOUT)
    app.text_input(key="comment-0").input("Je voulais la date exacte.").run(timeout=TIMEOUT)
    rows = FeedbackStore(env.data_dir).rows(vote=0)
    assert rows and rows[0].question == "En quelle année la DCI a-t-elle été créée ?"
    assert rows[0].comment == "Je voulais la date exacte." and "2010" in rows[0].answer


def test_refusal_looks_different(env: Settings) -> None:
    app = chat(started(), "Quel est le budget de la DCI ?")
    shown = plain_text(app.info[0].value)
    assert shown.startswith("Je n'ai pas trouvé cette information") and "reformuler" in shown
    # The export and the feedback store keep the text the page shows.
    assert app.session_state["turns"][-1]["answer"] == shown
    assert not app.expander


def test_a_greeting_gets_a_reply_not_a_refusal(env: Settings) -> None:
    app = chat(started(), "Bonjour !")
    reply = last_answer(app)
    assert reply.startswith("Bonjour !") and "couvre notamment" in reply
    assert not app.info and not app.expander and not app.feedback
    app = chat(app, "Merci, au revoir")
    assert last_answer(app) == "Au revoir, et à bientôt !"


def test_a_misspelt_word_is_read_as_the_base_writes_it_and_said_so(env: Settings) -> None:
    app = chat(started(), "Combien d'experts en sécurité civille ?")
    assert "18 experts" in last_answer(app)
    assert any("« civile » pour « civille »" in c.value for c in app.caption)
    app = chat(app, "Combien d'experts en sécurité civile ?")
    assert not any("pour « civile »" in c.value for c in app.chat_message[-1].caption)


def test_an_english_question_gets_the_french_quote_and_the_words_read_in_french(env: Settings) -> None:
    app = chat(started(), "How many officers does the DCI network have abroad?")
    assert "300 policiers" in last_answer(app)
    assert any("« policiers » pour « officers »" in c.value for c in app.chat_message[-1].caption)


def test_a_message_that_asks_two_things_gets_both_and_names_what_the_page_does_not_say(env: Settings) -> None:
    app = chat(started(), "Quand la DCI a-t-elle été créée et combien d'experts en sécurité civile compte-t-elle ?")
    assert "2010" in last_answer(app) and "18 experts" in last_answer(app)
    assert not any("Rien dans les documents" in c.value for c in app.chat_message[-1].caption)
    app = chat(app, "Combien de policiers compte son réseau et qui est son directeur ?")
    assert "300 policiers" in last_answer(app)
    captions = [plain_text(c.value) for c in app.chat_message[-1].caption]
    assert "Rien dans les documents ne répond à « Qui est son directeur ? »." in " ".join(captions)


def test_follow_up_uses_context(env: Settings) -> None:
    app = chat(started(), "Combien de policiers et gendarmes compte le réseau de la DCI ?")
    assert "300" in last_answer(app)
    app = chat(app, "Et combien d'experts ?")
    assert "18" in last_answer(app)


def test_new_conversation_and_download(env: Settings) -> None:
    app = chat(started(), "Combien d'experts en sécurité civile compte le réseau ?")
    assert len(app.chat_message) == 2
    new = next(b for b in app.sidebar.button if b.label == "Nouvelle conversation")
    new.click().run(timeout=TIMEOUT)
    assert "Direction de la coopération internationale" in app.chat_message[0].markdown[0].value
    assert len(app.chat_message) == 1


def test_document_text_is_escaped(make_settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = make_settings(tmp_path)
    settings.kb_dir.mkdir()
    (settings.kb_dir / "piege.txt").write_text(
        "Piège\n\nLe réseau compte <script>alert('x')</script> **300** policiers [lien](javascript:alert(1)).\n",
        encoding="utf-8",
    )
    sync(settings)
    monkeypatch.setenv("KBCHAT_KB_DIR", str(settings.kb_dir))
    monkeypatch.setenv("KBCHAT_INDEX_DIR", str(settings.index_dir))
    monkeypatch.setenv("KBCHAT_DATA_DIR", str(settings.data_dir))
    app = chat(started(), "Combien de policiers compte le réseau ?")
    rendered = app.chat_message[-1].markdown[0].value + app.expander[0].markdown[0].value
    assert "<script" not in rendered and "**" not in rendered and "](" not in rendered
    assert "&#60;script&#62;" in rendered


def test_a_base_of_numbered_articles_offers_no_label_as_a_subject(
    make_settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = make_settings(tmp_path)
    (settings.kb_dir / "Titre II").mkdir(parents=True)
    for number, text in [
        ("12", "Les jardins partagés ouvrent le samedi."),
        ("12-1", "Chaque parcelle mesure dix mètres."),
    ]:
        (settings.kb_dir / "Titre II" / f"Article {number}.md").write_text(
            f"Article {number}\n----\n{text}\n", encoding="utf-8"
        )
    sync(settings)
    monkeypatch.setenv("KBCHAT_KB_DIR", str(settings.kb_dir))
    monkeypatch.setenv("KBCHAT_INDEX_DIR", str(settings.index_dir))
    monkeypatch.setenv("KBCHAT_DATA_DIR", str(settings.data_dir))
    app = started()
    welcome = [m.value for m in app.chat_message[0].markdown]
    assert not [b for b in app.button if str(b.key).startswith("example-")]
    assert not any("Quelques questions" in text for text in welcome)
    app = chat(app, "Combien coûte un abonnement de piscine ?")
    shown = plain_text(app.info[0].value)
    assert shown == "Je n'ai pas trouvé cette information dans la base de connaissances."
    assert "samedi" in last_answer(chat(app, "Quand les jardins partagés ouvrent-ils ?"))
    # An article named by its number answers with its text alone; a number no article has is refused.
    app = chat(app, "Que dit l'article 12 ?")
    assert "samedi" in last_answer(app) and "parcelle" not in last_answer(app)
    assert [plain_text(e.label) for e in app.chat_message[-1].expander] == ["[1] Article 12"]
    app = chat(app, "Que dit l'article 99 ?")
    assert plain_text(app.chat_message[-1].info[0].value) == shown


def console(password: str | None = None) -> AppTest:
    app = AppTest.from_string(CONSOLE, default_timeout=TIMEOUT)
    app.run()
    assert not app.exception, app.exception
    if password is not None:
        app.text_input[0].input(password)
        app.button[0].click().run()
        assert not app.exception, app.exception
    return app


def test_console_disabled_without_password(env: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KBCHAT_ADMIN_PASSWORD")
    app = console()
    assert "KBCHAT_ADMIN_PASSWORD" in app.warning[0].value and not app.text_input


def test_console_refuses_wrong_password_then_delays(env: Settings) -> None:
    app = console("mauvais")
    assert app.error[0].value == "Mot de passe incorrect." and not app.dataframe
    for _ in range(3):
        app.text_input[0].input("encore faux")
        app.button[0].click().run()
    app.text_input[0].input(PASSWORD)
    app.button[0].click().run()
    assert "Trop de tentatives" in app.error[0].value and not app.dataframe


@pytest.fixture
def own_copy(env: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the indexed kb/ for a test that changes it; its kb/ folder."""
    kb_dir, index_dir = tmp_path / "kb", tmp_path / "index"
    shutil.copytree(env.kb_dir, kb_dir)
    shutil.copytree(env.index_dir, index_dir)
    monkeypatch.setenv("KBCHAT_KB_DIR", str(kb_dir))
    monkeypatch.setenv("KBCHAT_INDEX_DIR", str(index_dir))
    return kb_dir


def test_upload_reindex_then_new_document_answers(own_copy: Path) -> None:
    kb_dir = own_copy
    app = console(PASSWORD)
    assert app.dataframe and int(app.metric[0].value) > 0
    note = "# Formation\n\nLa DCI a formé 1200 policiers étrangers au cours de l'année pilote.\n".encode()
    app.file_uploader[0].upload("formation.md", note, "text/markdown").run()
    next(b for b in app.button if b.label == "Enregistrer dans la base").click().run()
    assert (kb_dir / "formation.md").read_bytes() == note
    assert any("formation.md" in plain_text(m.value) for m in app.markdown)
    passages = int(app.metric[0].value)
    next(b for b in app.button if b.label == "Réindexer").click().run(timeout=TIMEOUT)
    assert not app.exception and "1 ajouté(s), 0 mis à jour" in plain_text(app.success[-1].value)
    # The page tells the new state at once: figures, table, plan and button.
    assert int(app.metric[0].value) > passages and int(app.metric[1].value) == 2
    table = app.dataframe[0].value
    assert table.loc[table["file"] == "formation.md", "state"].iloc[0].startswith("indexé le ")
    assert not any("À ajouter" in plain_text(m.value) for m in app.markdown)
    assert next(b for b in app.button if b.label == "Réindexer").disabled
    answer = chat(started(), "Combien de policiers étrangers la DCI a-t-elle formés ?")
    assert "1200" in last_answer(answer)
    assert any("Formation" in plain_text(e.label) for e in answer.expander)


def test_a_file_ingest_cannot_read_shows_its_reason_in_the_table(own_copy: Path) -> None:
    (own_copy / "scan.pdf").write_bytes(b"%PDF-1.4 rien de lisible")
    app = console(PASSWORD)
    next(b for b in app.button if b.label == "Réindexer").click().run(timeout=TIMEOUT)
    assert any("scan.pdf" in plain_text(e.value) for e in app.error)
    table = app.dataframe[0].value
    state = table.loc[table["file"] == "scan.pdf", "state"].iloc[0]
    assert state.startswith("non indexé : ") and "lu" in state, state


def test_upload_refuses_traversal_and_hidden_names(
    env: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kb_dir = tmp_path / "kb"
    kb_dir.mkdir()
    monkeypatch.setenv("KBCHAT_KB_DIR", str(kb_dir))
    app = console(PASSWORD)
    app.file_uploader[0].upload(".cache.md", b"# x\n\ny\n", "text/markdown").run()
    next(b for b in app.button if b.label == "Enregistrer dans la base").click().run()
    assert "refusé" in app.error[0].value and not any(kb_dir.iterdir())
    app = console(PASSWORD)
    app.file_uploader[0].upload("scan.pdf", bytes(range(256)) * 8, "application/pdf").run()
    next(b for b in app.button if b.label == "Enregistrer dans la base").click().run()
    assert "n'est pas un PDF" in plain_text(app.error[0].value) and not any(kb_dir.iterdir())


def test_without_index_the_chat_page_says_so_and_builds_nothing(
    make_settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = make_settings(tmp_path)
    shutil.copytree(PROJECT_ROOT / "kb", settings.kb_dir)
    monkeypatch.setenv("KBCHAT_KB_DIR", str(settings.kb_dir))
    monkeypatch.setenv("KBCHAT_INDEX_DIR", str(settings.index_dir))
    monkeypatch.setenv("KBCHAT_DATA_DIR", str(settings.data_dir))
    app = started()
    assert "python ingest.py" in app.warning[0].value and not app.chat_input and not app.button
    assert not settings.index_dir.exists()


def test_the_chat_page_reaches_no_action_that_changes_the_base(env: Settings) -> None:
    import ast

    tree = ast.parse((PROJECT_ROOT / "kbchat" / "ui" / "chat_page.py").read_text(encoding="utf-8"))
    imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names}
    assert not imported & {"sync", "save_document", "remove_document", "publish", "kb_files", "console_page"}
    app = chat(started(), "En quelle année la DCI a-t-elle été créée ?")
    labels = {plain_text(b.label) for b in [*app.button, *app.sidebar.button]}
    assert not {label for label in labels if re.search(r"(?i)index|enregistr|retir|supprim|réindex", label)}
    assert not app.file_uploader


def test_the_chat_works_without_a_feedback_store(env: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = env.kb_dir / "direction-cooperation-internationale.md"  # a file: no folder can be made under it
    monkeypatch.setenv("KBCHAT_DATA_DIR", str(blocked / "data"))
    app = chat(started(), "En quelle année la DCI a-t-elle été créée ?")
    assert "2010" in last_answer(app) and not app.error
    assert any("avis ne peuvent pas être enregistrés" in c.value for c in app.sidebar.caption)


def form_clears_on_submit(app: AppTest, form_id: str) -> bool:
    """Whether the form of that id tells the browser to empty its fields once submitted."""
    found = []

    def walk(node: object) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None and "form" in proto.DESCRIPTOR.fields_by_name and proto.HasField("form"):
            found.append(proto.form.form_id == form_id and proto.form.clear_on_submit)
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(app._tree)
    return any(found)


def test_console_lockout_holds_across_sessions_and_clears_the_field(env: Settings) -> None:
    app = console("mauvais")
    assert plain_text(app.error[0].value) == "Mot de passe incorrect."
    assert form_clears_on_submit(app, "console-login")  # the browser empties the password field after a try
    for _ in range(3):
        app.text_input[0].input("encore faux")
        app.button[0].click().run()
    fresh = console(PASSWORD)  # a new browser session, the right password: still refused while locked out
    assert "Trop de tentatives" in fresh.error[0].value and not fresh.dataframe
    assert (env.data_dir / "console.sqlite3").is_file()
    assert PASSWORD not in (env.data_dir / "console.sqlite3").read_bytes().decode("latin-1")


def test_bad_setting_is_one_sentence_on_the_page(env: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KBCHAT_TOP_K", "beaucoup")
    app = started()
    assert "KBCHAT_TOP_K" in plain_text(app.error[0].value) and not app.chat_input
    assert "KBCHAT_TOP_K" in plain_text(console().error[0].value)


@pytest.fixture
def llm_env(env: Settings, llm_server, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("KBCHAT_LLM", "openai")
    monkeypatch.setenv("KBCHAT_LLM_BASE_URL", llm_server.url)
    monkeypatch.setenv("KBCHAT_LLM_MODEL", "modele-de-test")
    monkeypatch.setenv("KBCHAT_LLM_TIMEOUT", "5")
    return env


def test_generated_answer_is_shown_with_its_model_and_sources(llm_env: Settings, llm_server) -> None:
    llm_server.script("La DCI a été créée en 2010 [1].")
    app = started()
    assert any("modele-de-test" in plain_text(c.value) for c in app.sidebar.caption)
    app = chat(app, "En quelle année la DCI a-t-elle été créée ?")
    assert last_answer(app) == "La DCI a été créée en 2010 [1]."
    assert "Réponse rédigée par le modèle modele-de-test" in plain_text(app.chat_message[-1].caption[0].value)
    assert plain_text(app.expander[0].label).startswith("[1] ") and len(app.expander) == 1
    assert llm_server.requests[-1]["stream"] is True


def test_model_failure_shows_the_extractive_answer_and_one_line(llm_env: Settings, llm_server) -> None:
    from llm_server import Scripted

    llm_server.script(Scripted(status=500))
    app = chat(started(), "En quelle année la DCI a-t-elle été créée ?")
    answer = last_answer(app)
    assert "2010" in answer and "[1]" in answer
    note = plain_text(app.chat_message[-1].caption[0].value)
    assert "erreur HTTP 500" in note and "réponse extraite directement des documents" in note
    assert not app.exception and not app.error


def test_nothing_a_document_holds_renders_as_markup(hostile_index: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    from conftest import HOSTILE_QUESTION

    monkeypatch.setenv("KBCHAT_KB_DIR", str(hostile_index.kb_dir))
    monkeypatch.setenv("KBCHAT_INDEX_DIR", str(hostile_index.index_dir))
    monkeypatch.setenv("KBCHAT_DATA_DIR", str(hostile_index.data_dir))
    app = chat(started(), HOSTILE_QUESTION)
    label = app.expander[0].label
    shown = [label, app.chat_message[-1].markdown[0].value, app.expander[0].markdown[0].value]
    shown += [c.value for c in app.expander[0].caption]
    for value in shown:
        for markup in ("](", "![", ":red[", ":blue[", "<img", "<a ", "<b>"):
            assert markup not in value, (markup, value)
    assert "Le piège [lien](https://evil.example/x)" in plain_text(label)
    assert ":red[Section rouge]" in plain_text(label)
    assert "piège [x](y).html" in plain_text(app.expander[0].caption[0].value)


def test_the_chat_page_writes_nothing_into_the_index(env: Settings) -> None:
    from conftest import digest

    before = digest(env.index_dir)
    app = chat(started(), "En quelle année la DCI a-t-elle été créée ?")
    assert "2010" in last_answer(app)
    assert digest(env.index_dir) == before
