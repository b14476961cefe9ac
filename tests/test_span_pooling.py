"""Sentence vectors pooled from one pass: spans of sentences in a passage, and the mean of their tokens."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kbchat.config import Settings
from kbchat.index.embedding import SentenceEmbeddings
from kbchat.index.span_pooling import pool_spans, sentence_spans


@pytest.mark.parametrize(
    ("text", "sentences", "offset", "expected"),
    [
        ("Un chat. Deux chiens.", ["Un chat.", "Deux chiens."], 0, [(0, 8), (9, 21)]),
        ("Titre\nUn chat.\n\nDeux  chiens.", ["Un chat.", "Deux chiens."], 0, [(6, 14), (16, 29)]),
        ("Un chat. Deux chiens.", ["Un chat.", "Deux chiens."], 10, [(10, 18), (19, 31)]),
        ("Un chat. Un chat.", ["Un chat.", "Un chat."], 0, [(0, 8), (9, 17)]),  # in order, never the same twice
        ("Un chat.", ["Un chat.", "Absente."], 0, [(0, 8), None]),
        ("(a) x [b] y?", ["(a) x [b] y?"], 0, [(0, 12)]),  # regex characters are literal
        ("", [""], 0, [None]),
    ],
)
def test_sentence_spans(text: str, sentences: list[str], offset: int, expected: list) -> None:
    assert sentence_spans(text, sentences, offset) == expected


TOKENS = np.array([[9.0, 9.0], [1.0, 0.0], [0.0, 1.0], [3.0, 4.0], [9.0, 9.0]])
OFFSETS = [(0, 0), (0, 2), (3, 5), (6, 8), (0, 0)]  # [CLS], three words, [SEP]


@pytest.mark.parametrize(
    ("spans", "expected"),
    [
        ([(0, 5)], [[np.sqrt(0.5), np.sqrt(0.5)]]),  # the mean of the first two words, normalized
        ([(6, 8)], [[0.6, 0.8]]),
        ([(0, 2), (3, 8)], [[1.0, 0.0], [0.51449576, 0.85749293]]),
        ([(1, 2)], [None]),  # a span that holds no whole token
        ([None], [None]),
        ([(0, 100)], [[0.62469505, 0.78086881]]),  # special tokens never count
    ],
)
def test_pool_spans(spans: list, expected: list) -> None:
    pooled = pool_spans(TOKENS, OFFSETS, spans)
    assert len(pooled) == len(expected)
    for got, want in zip(pooled, expected, strict=True):
        assert (got is None and want is None) or np.allclose(got, want)


@pytest.mark.model
def test_one_pass_gives_the_passage_vector_and_falls_back_for_sentences_past_the_window() -> None:
    encoder = SentenceEmbeddings(Settings.from_env(env={}).embedding_model)
    long = " ".join(["Le rucher compte douze ruches."] * 80) + " Le miel est récolté en août."
    texts = ["Ruches\nLe rucher compte douze ruches. Il date de 2021.", long]
    sentences = [["Le rucher compte douze ruches.", "Il date de 2021."], ["Le miel est récolté en août."]]
    spans = [sentence_spans(t, s) for t, s in zip(texts, sentences, strict=True)]
    vectors, rows = encoder.encode_with_sentences(texts, sentences, spans)
    assert np.allclose(np.sum(vectors * encoder.encode(texts), axis=1), 1.0, atol=1e-5)
    assert [r.shape for r in rows] == [(2, encoder.dimension), (1, encoder.dimension)]
    assert np.allclose(np.linalg.norm(rows[0], axis=1), 1.0, atol=1e-5)
    assert float(rows[1][0] @ encoder.encode(sentences[1])[0]) == pytest.approx(1.0, abs=1e-5)  # past the window
    assert float(rows[0][1] @ encoder.encode(sentences[0][1:])[0]) < 0.9999  # read within its chunk


def regex_spans(text: str, sentences: list[str]) -> list:
    """The reference: each sentence as a regular expression whose words are separated by any whitespace."""
    spans, position = [], 0
    for sentence in sentences:
        words = sentence.split()
        found = re.compile(r"\s+".join(map(re.escape, words))).search(text, position) if words else None
        spans.append((found.start(), found.end()) if found else None)
        position = found.end() if found else position
    return spans


@given(
    st.lists(st.sampled_from(["Un", "chat.", "(a)", "b?", "é", "chien", " ", "\n", "\t", "  "]), max_size=30),
    st.lists(st.lists(st.sampled_from(["Un", "chat.", "(a)", "b?", "é", "chien", "x"]), max_size=4), max_size=5),
)
def test_sentence_spans_match_the_regular_expression_reference(pieces: list[str], sentences: list[list[str]]) -> None:
    text = " ".join(pieces)
    wanted = [" ".join(words) for words in sentences]
    assert sentence_spans(text, wanted) == regex_spans(text, wanted)
