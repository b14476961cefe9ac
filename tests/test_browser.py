"""End to end: `streamlit run chat_app.py` on loopback, driven in headless Chromium by Playwright."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kbchat.config import Settings
from kbchat.evaluation.browser import CHROMIUM, CHROMIUM_ARGS, ask, browser_missing_reason, serve

pytestmark = [
    pytest.mark.browser,
    pytest.mark.model,
    pytest.mark.chroma,
    pytest.mark.spacy,
    pytest.mark.skipif(browser_missing_reason() is not None, reason=str(browser_missing_reason())),
]


@pytest.fixture
def indexed(dci_copy: Settings) -> Settings:
    return dci_copy


def test_question_answer_and_source_in_a_real_browser(indexed: Settings, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    with serve(indexed, tmp_path / "streamlit.log") as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1280, "height": 1000}, locale="fr-FR")
        page.goto(url, wait_until="domcontentloaded")
        expect(page.get_by_text("Assistant DCI").first).to_be_visible(timeout=120_000)
        expect(page.get_by_text("Quelques questions pour commencer")).to_be_visible(timeout=120_000)
        examples = page.get_by_role("button", name=re.compile(r"^(Que sont|Qu'est-ce)"))
        # The buttons reach the browser one by one: wait for the third before counting them.
        expect(examples.nth(2)).to_be_visible(timeout=60_000)
        assert examples.count() <= 4
        expect(page.get_by_test_id("stChatInputTextArea")).to_be_visible()
        page.screenshot(path=str(tmp_path / "1-accueil.png"), full_page=True)

        message = ask(page, "En quelle année la DCI a-t-elle été créée ?", 1)
        expect(message).to_contain_text("2010", timeout=60_000)
        expect(message).to_contain_text("[1]")
        source = message.get_by_test_id("stExpander").first
        expect(source).to_contain_text("[1] La direction de la coopération internationale")
        source.locator("summary").click()
        mark = source.locator("mark").first
        expect(mark).to_contain_text("Créée en 2010")
        expect(source).to_contain_text("direction-cooperation-internationale.md")
        page.screenshot(path=str(tmp_path / "2-reponse-et-source.png"), full_page=True)

        refusal = ask(page, "Quel est le budget de la DCI ?", 2)
        expect(refusal.get_by_test_id("stAlertContentInfo")).to_contain_text("pas trouvé cette information")
        page.screenshot(path=str(tmp_path / "3-refus.png"), full_page=True)
        page.goto(f"{url}/chat", wait_until="domcontentloaded")
        expect(page.get_by_test_id("stChatInputTextArea")).to_be_visible(timeout=60_000)
        assert page.get_by_text("Page not found").count() == 0
        browser.close()
    assert (tmp_path / "2-reponse-et-source.png").stat().st_size > 10_000
    log = (tmp_path / "streamlit.log").read_text()
    assert not re.search(r"(?i)deprecat|inotify|traceback|warning", log), log[-2000:]


def test_a_generated_answer_streams_into_the_page(indexed: Settings, tmp_path: Path, llm_server) -> None:
    from llm_server import Scripted
    from playwright.sync_api import expect, sync_playwright

    text = "La DCI a été créée en 2010 par la fusion de deux services [1]."
    llm_server.script(Scripted(text, pace=0.4))
    model = {"KBCHAT_LLM": "openai", "KBCHAT_LLM_BASE_URL": llm_server.url, "KBCHAT_LLM_MODEL": "modele-de-test"}
    with serve(indexed, tmp_path / "streamlit.log", model) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1280, "height": 1000}, locale="fr-FR")
        page.goto(url, wait_until="domcontentloaded")
        expect(page.get_by_text("modele-de-test").first).to_be_visible(timeout=120_000)
        box = page.get_by_test_id("stChatInputTextArea")
        box.fill("En quelle année la DCI a-t-elle été créée ?")
        box.press("Enter")
        message = page.get_by_test_id("stChatMessage").last
        expect(message).to_contain_text("La DCI a été", timeout=120_000)
        assert "services [1]." not in message.inner_text()  # the start is shown while the model still writes
        expect(message).to_contain_text("services [1].", timeout=30_000)
        expect(message).to_contain_text("Réponse rédigée par le modèle modele-de-test", timeout=30_000)
        page.screenshot(path=str(tmp_path / "reponse-generee.png"), full_page=True)
        browser.close()


def test_hostile_document_stays_text_and_nothing_leaves_for_outside(hostile_index: Settings, tmp_path: Path) -> None:
    from urllib.parse import urlparse

    from conftest import HOSTILE_QUESTION
    from playwright.sync_api import expect, sync_playwright

    outside: list[str] = []
    with serve(hostile_index, tmp_path / "streamlit.log") as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1280, "height": 1000}, locale="fr-FR")
        page.on(
            "request",
            lambda r: outside.append(r.url) if urlparse(r.url).hostname not in ("127.0.0.1", "localhost") else None,
        )
        page.goto(url, wait_until="domcontentloaded")
        expect(page.get_by_test_id("stChatInputTextArea")).to_be_visible(timeout=120_000)
        message = ask(page, HOSTILE_QUESTION, 1)
        expect(message).to_contain_text("fromage bleu", timeout=60_000)
        source = message.get_by_test_id("stExpander").first
        expect(source).to_contain_text(":red[Section rouge]")
        expect(source).to_contain_text("Le piège [lien](https:")  # shown as typed, a word joiner after « https: »
        source.locator("summary").click()
        expect(source).to_contain_text("![logo](https:")
        expect(source).to_contain_text("<b>gras</b>")
        page.wait_for_timeout(1000)
        page.screenshot(path=str(tmp_path / "piege.png"), full_page=True)
        links = page.locator("a[href*='evil'], img[src*='evil']").count()
        colored = page.locator("[data-testid='stExpander'] span[style*='color']").count()
        browser.close()
    assert outside == [] and links == 0 and colored == 0
