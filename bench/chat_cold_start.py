"""Cold start of the chat page: from `streamlit run` to the first answer on screen, in headless Chromium.

python bench/chat_cold_start.py --index INDEX_DIR [--rounds 2] [--question "…"]
Serves the app on an existing index (the Code civil's in `make bench`), as a person would use it; medians of rounds.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from kbchat.config import Settings
from kbchat.evaluation.browser import CHROMIUM, CHROMIUM_ARGS, ask, serve


def main() -> None:
    """Print the median cold start."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--index", required=True)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--question", default="À partir de quel âge peut-on se marier ?")
    args = parser.parse_args()
    from playwright.sync_api import expect, sync_playwright

    times = []
    for _ in range(args.rounds):
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            settings = Settings.from_env(index_dir=Path(args.index), data_dir=root / "data")
            started = time.perf_counter()
            with serve(settings, root / "streamlit.log") as url, sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
                page = browser.new_page(viewport={"width": 1280, "height": 1000}, locale="fr-FR")
                page.goto(url, wait_until="domcontentloaded")
                expect(ask(page, args.question, 1)).to_contain_text("[1]", timeout=120_000)
                times.append(time.perf_counter() - started)
                browser.close()
    print("| figure | median |\n| --- | --- |")
    print(f"| chat page, `streamlit run` to first answer on screen | {statistics.median(times):.1f} s |")
    print(f"\n{args.rounds} rounds: {', '.join(f'{t:.1f} s' for t in times)}")


if __name__ == "__main__":
    main()
