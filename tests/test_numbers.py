"""Numbers: a question that types a number in digits finds the text that writes it in words, on a real base."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from kbchat.config import Settings
from kbchat.index.ingest import sync
from kbchat.knowledge_base import open_knowledge_base

pytestmark = [pytest.mark.model, pytest.mark.chroma, pytest.mark.spacy]

ARTICLES = {
    "Article 1": "Le bail d'habitation est conclu pour une durée de trois ans.",
    "Article 2": "Le bail commercial est conclu pour une durée de neuf ans.",
    "Article 3": "Le bail rural est conclu pour une durée de dix-huit ans.",
}


@pytest.mark.parametrize(
    ("question", "article"),
    [
        ("Quel bail est conclu pour 9 ans ?", "Article 2"),
        ("Un bail de 18 ans, c'est lequel ?", "Article 3"),
        ("Quel bail est conclu pour dix-huit ans ?", "Article 3"),  # words still meet words
    ],
)
def test_a_number_in_digits_meets_the_same_number_in_words(
    make_settings: Callable[..., Settings], tmp_path: Path, question: str, article: str
) -> None:
    settings = make_settings(tmp_path)
    settings.kb_dir.mkdir()
    for name, text in ARTICLES.items():
        (settings.kb_dir / f"{name}.md").write_text(f"{name}\n----\n{text}\n", encoding="utf-8")
    sync(settings)
    kb = open_knowledge_base(settings)
    try:
        answer = kb.ask(question)
    finally:
        kb.close()
    assert answer.answered, answer.answer
    assert answer.answer.startswith(ARTICLES[article]), answer.answer
    assert answer.sources[0].title == article
