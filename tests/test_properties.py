"""Properties over arbitrary Unicode (hypothesis): what must hold whatever a document or a person writes."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kbchat.ask.answering import compose_answer
from kbchat.ask.query import analyze_question
from kbchat.ask.retrieval import Passage
from kbchat.config import AnswerPolicy
from kbchat.corpus.chunking import Block, approximate_tokens, chunk_blocks
from kbchat.corpus.loading import SUPPORTED_SUFFIXES, load_document
from kbchat.errors import DocumentError
from kbchat.text.analyzer import analyze, ngram_terms
from kbchat.ui.kb_files import UploadError, safe_filename
from kbchat.ui.rendering import escape_text, plain_text

TEXT = st.text(st.characters(codec="utf-8"), max_size=400)
WORDY = st.lists(st.one_of(TEXT, st.sampled_from(["La DCI.", "M. Dupont", "300", "\n\n", "…", "é" * 150])), max_size=8)
PASSAGES = [
    "La direction de la coopération internationale a été créée en 2010. Elle compte 300 policiers.",
    "Les partenariats promeuvent les technologies françaises. Cette mission vise les criminalités internationales.",
    "Le réseau compte 74 services de sécurité intérieure et 18 experts en sécurité civile.",
]


def visible(text: str) -> str:
    """Text without white space."""
    return re.sub(r"\s+", "", text)


@given(st.lists(WORDY.map("".join), min_size=1, max_size=5), st.integers(min_value=8, max_value=300))
@settings(max_examples=150, deadline=None)
def test_the_chunker_loses_no_text_and_respects_the_window(paragraphs: list[str], window: int) -> None:
    blocks = [Block(("Partie",), p) for p in paragraphs if p.strip()]
    chunks = chunk_blocks("doc.md", "Titre", blocks, window, approximate_tokens)
    assert visible("".join(c.text for c in chunks)) == visible("".join(b.text for b in blocks))
    budget = max(16, window - approximate_tokens("Titre > Partie") - 2)
    assert all(approximate_tokens(c.text) <= budget for c in chunks if len(c.text.split()) > 1)


@given(TEXT, st.lists(TEXT, max_size=2))
@settings(max_examples=300, deadline=None)
def test_the_analyzer_never_fails(text: str, history: list[str]) -> None:
    terms = analyze(text)
    assert all(isinstance(t, str) and t for t in terms)
    assert all(len(g) == 4 for g in ngram_terms(text))
    query = analyze_question(text, history, {"dci": ["direction", "cooper", "international"]})
    assert isinstance(query.text, str)


def passages() -> list[Passage]:
    blocks = [Block((f"Partie {n}",), text) for n, text in enumerate(PASSAGES)]
    chunks = chunk_blocks("dci.md", "La DCI", blocks, 256, approximate_tokens)
    return [Passage(chunk, 1.0 - n / 10) for n, chunk in enumerate(chunks)]


@given(TEXT)
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_citations_always_point_to_returned_sources(question: str) -> None:
    found = passages()
    query = analyze_question(question, [], {})
    policy = AnswerPolicy(refusal_threshold=-1.0)  # answer whatever the evidence, to exercise the citations
    answer = compose_answer(query, found, lambda t: 1.0, {}, policy)
    markers = [int(n) for n in re.findall(r"\[(\d+)\]", answer.answer)]
    cited = answer.cited
    assert all(1 <= n <= len(cited) for n in markers)
    assert sorted(set(markers)) == list(range(1, len(cited) + 1))
    chunk_ids = {p.chunk.chunk_id for p in found}
    assert all(s.chunk_id in chunk_ids for s in answer.sources)


@given(TEXT)
@settings(max_examples=500, deadline=None)
def test_rendering_never_yields_markup(text: str) -> None:
    escaped = escape_text(text)
    assert plain_text(escaped) == text
    bare = re.sub(r"&#\d+;", "", escaped).replace("<br>", "")
    for syntax in ("<", ">", "&", "[", "]", "(", ")", "*", "_", "`", "#", "$", ":", "!", "|", "~", "\\"):
        assert syntax not in bare
    assert not re.search(r"(?i)https?:\w*//|www\.|@\w", escaped)


@given(st.text(max_size=300))
@settings(max_examples=500, deadline=None)
def test_upload_names_are_safe_or_refused(name: str) -> None:
    try:
        safe = safe_filename(name)
    except UploadError:
        return
    assert "/" not in safe and "\\x00" not in safe and not safe.startswith(".")
    assert Path(safe).suffix.lower() in SUPPORTED_SUFFIXES and Path(safe).name == safe


@given(st.binary(max_size=3000), st.sampled_from(SUPPORTED_SUFFIXES))
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_bytes_load_or_are_refused_with_a_document_error(tmp_path_factory, data: bytes, suffix: str) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    path = folder / f"fichier{suffix}"
    path.write_bytes(data)
    try:
        document = load_document(path, folder)
    except DocumentError as exc:
        assert str(exc).startswith("fichier")
        return
    assert document.blocks and all(b.text.strip() for b in document.blocks)
