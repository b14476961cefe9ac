"""Serve the app, use it in headless Chromium as a person would, time it and take screenshots.

python bench/browser_session.py [--out bench/out/screens]
Prints the time from starting `streamlit run` to the first answer on screen, and of a warm answer.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from kbchat.config import PROJECT_ROOT as ROOT
from kbchat.config import Settings
from kbchat.evaluation.browser import CHROMIUM, CHROMIUM_ARGS, ask, serve
from kbchat.index.ingest import sync

PASSWORD = "demo-console"


def main() -> None:
    """Run the session and print the timings."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=ROOT / "bench/out/screens")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import expect, sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        settings = Settings.from_env(env={}).with_(kb_dir=root / "kb", index_dir=root / "index", data_dir=root / "data")
        shutil.copytree(ROOT / "kb", settings.kb_dir)
        sync(settings)
        started = time.perf_counter()
        with (
            serve(settings, root / "streamlit.log", {"KBCHAT_ADMIN_PASSWORD": PASSWORD}) as url,
            sync_playwright() as pw,
        ):
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            page = browser.new_page(viewport={"width": 1280, "height": 1000}, locale="fr-FR")
            page.goto(url, wait_until="domcontentloaded")
            expect(page.get_by_text("Quelques questions pour commencer")).to_be_visible(timeout=120_000)
            example = page.get_by_role("button", name="Que sont les coopérations opérationnelles ?")
            expect(example).to_be_visible(timeout=60_000)
            page.screenshot(path=str(args.out / "0-welcome.png"), full_page=True)
            message = ask(page, "En quelle année la DCI a-t-elle été créée ?", 1)
            expect(message).to_contain_text("2010", timeout=60_000)
            first = time.perf_counter() - started
            page.screenshot(path=str(args.out / "1-first-answer.png"), full_page=True)
            warm_start = time.perf_counter()
            message = ask(page, "Combien d'experts en sécurité civile compte le réseau ?", 2)
            expect(message).to_contain_text("18")
            warm = time.perf_counter() - warm_start
            message.get_by_test_id("stExpander").first.locator("summary").click()
            page.wait_for_timeout(600)
            page.screenshot(path=str(args.out / "2-source-open.png"), full_page=True)
            follow = ask(page, "Et combien de services à l'étranger ?", 3)
            expect(follow).to_contain_text("74")
            refusal = ask(page, "Quel est le budget de la DCI ?", 4)
            expect(refusal).to_contain_text("pas trouvé")
            page.screenshot(path=str(args.out / "3-follow-up-and-refusal.png"), full_page=True)
            page.goto(f"{url}/console", wait_until="domcontentloaded")
            page.get_by_label("Mot de passe de la console").fill(PASSWORD)
            page.get_by_role("button", name="Se connecter").click()
            expect(page.get_by_text("Passages indexés")).to_be_visible(timeout=60_000)
            page.wait_for_timeout(800)
            page.screenshot(path=str(args.out / "4-console.png"), full_page=True)
            browser.close()
    print(f"start of `streamlit run` to first answer on screen: {first:.1f} s")
    print(f"warm answer (question sent to answer on screen): {warm:.2f} s")
    print(f"screenshots in {args.out}")


if __name__ == "__main__":
    main()
