"""Soft term matching: pure functions on tables of small vectors, and the real French word vectors."""

from __future__ import annotations

import re

import numpy as np
import pytest

from kbchat.ask.soft_matching import (
    SOFT_FEATURES,
    SoftIndex,
    WeightedWords,
    mean_vector,
    sentence_coverage,
    soft_coverage,
    soft_features,
    term_similarity,
    weighted_words,
)
from kbchat.config import PROJECT_ROOT
from kbchat.corpus.word_layout import word_layout
from kbchat.errors import ModelLoadError
from kbchat.index.word_vectors import VECTORS_PACKAGE, WordVectors, load_word_vectors, spacy_vectors


def unit(*angles: float) -> np.ndarray:
    """Unit vectors in the plane at the given angles (radians)."""
    return np.array([[np.cos(a), np.sin(a)] for a in angles]).reshape(len(angles), 2)


def words(stems: list[str], vectors: np.ndarray, weights: list[float] | None = None) -> WeightedWords:
    """Weighted words from explicit stems and vectors (every weight 1 unless given)."""
    w = np.ones(len(stems)) if weights is None else np.array(weights)
    return WeightedWords(tuple(stems), w, vectors, mean_vector(vectors, w))


@pytest.mark.parametrize(
    ("best", "weights", "floor", "expected"),
    [
        ([1.0, 0.0], [1.0, 1.0], 0.0, 0.5),
        ([1.0, 0.6], [1.0, 1.0], 0.0, 0.8),
        ([1.0, 0.4], [1.0, 1.0], 0.5, 0.5),
        ([1.0, 0.6], [3.0, 1.0], 0.0, 0.9),
        ([0.5], [0.0], 0.0, 0.0),
        ([], [], 0.0, 0.0),
    ],
)
def test_soft_coverage(best: list[float], weights: list[float], floor: float, expected: float) -> None:
    assert soft_coverage(np.array(best), np.array(weights), floor) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("vectors", "weights", "expected"),
    [
        (unit(0.0, np.pi / 2), [1.0, 1.0], [np.sqrt(0.5), np.sqrt(0.5)]),
        (unit(0.0, np.pi / 2), [1.0, 0.0], [1.0, 0.0]),
        (np.zeros((2, 2)), [1.0, 1.0], [0.0, 0.0]),
        (np.zeros((0, 2)), [], [0.0, 0.0]),
    ],
)
def test_mean_vector_is_unit_length_or_zero(vectors: np.ndarray, weights: list[float], expected: list[float]) -> None:
    assert mean_vector(vectors, np.array(weights)).tolist() == pytest.approx(expected)


def test_term_similarity_clips_and_counts_equal_stems_as_one() -> None:
    question = words(["roi", "guerr"], unit(0.0, np.pi / 3))
    passage = words(["reine", "guerr", "paix"], unit(np.pi / 3, np.pi, np.pi / 2))
    similarity = term_similarity(question, passage)
    assert similarity == pytest.approx(np.array([[0.5, 0.0, 0.0], [1.0, 1.0, np.sqrt(3) / 2]]))


@pytest.mark.parametrize(("questions", "passages"), [(0, 3), (2, 0), (0, 0)])
def test_term_similarity_of_no_words_is_empty(questions: int, passages: int) -> None:
    question = words([f"q{i}" for i in range(questions)], unit(*[0.0] * questions))
    passage = words([f"p{i}" for i in range(passages)], unit(*[0.0] * passages))
    assert term_similarity(question, passage).shape == (questions, passages)


def test_sentence_coverage_takes_each_sentence_columns() -> None:
    similarity = np.array([[1.0, 0.0, 0.2], [0.0, 0.6, 0.0]])
    got = sentence_coverage(similarity, np.ones(2), [(0,), (1, 2), (0, 1), ()])
    assert got == pytest.approx([0.5, 0.4, 0.8, 0.0])


@pytest.mark.parametrize(
    ("angle", "expected"),
    [
        # The second question word meets a passage word at 60° (cosine 0.5), at 80° (0.17) or not at all (90°).
        (np.pi / 3, {"soft_coverage": 0.75, "soft_best_sentence": 0.75, "strong_coverage": 0.75}),
        (np.radians(80), {"soft_coverage": 0.5868, "soft_best_sentence": 0.5868, "strong_coverage": 0.5}),
        (np.pi / 2, {"soft_coverage": 0.5, "soft_best_sentence": 0.5, "strong_coverage": 0.5}),
    ],
)
def test_soft_features(angle: float, expected: dict[str, float]) -> None:
    question = words(["napoleon", "sacr"], np.array([[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]))
    passage = words(["napoleon", "couron"], np.array([[0.0, 0.0, 1.0], [np.cos(angle), np.sin(angle), 0.0]]))
    got = dict(zip(SOFT_FEATURES, soft_features(question, passage, [(0, 1)]), strict=True))
    assert {name: got[name] for name in expected} == pytest.approx(expected, abs=1e-4)


def test_soft_features_of_a_passage_without_words_are_zero() -> None:
    question = words(["roi"], unit(0.0))
    assert soft_features(question, words([], np.zeros((0, 2))), []) == [0.0] * len(SOFT_FEATURES)


def test_soft_features_when_every_word_is_present() -> None:
    question = words(["roi", "guerr"], unit(0.0, np.pi / 2))
    got = dict(zip(SOFT_FEATURES, soft_features(question, question, [(0,), (1,)]), strict=True))
    assert got["soft_coverage"] == pytest.approx(1.0)
    assert got["mean_vector_cosine"] == pytest.approx(1.0)
    assert got["soft_best_sentence"] == pytest.approx(0.5)


@pytest.mark.spacy
def test_french_word_vectors_know_paraphrases() -> None:
    vectors = load_word_vectors()
    found = weighted_words(["gardiens", "geôliers", "voiture", "zzqxw"], vectors, lambda stem: 1.0)
    similarity = found.vectors @ found.vectors.T
    assert similarity[0, 1] > 0.5 > similarity[0, 2]
    assert not found.vectors[3].any()
    assert found.stems[:2] == ("gardien", "geoli")


@pytest.mark.spacy
def test_the_exported_word_vectors_are_spacys_for_every_word_of_the_documents() -> None:
    table, find, _ = spacy_vectors(VECTORS_PACKAGE)
    reference = WordVectors(table, find)
    text = " ".join(p.read_text(encoding="utf-8") for p in sorted((PROJECT_ROOT / "kb").glob("*.md")))
    words = sorted({w.lower() for w in re.findall(r"\w+", text)}) + ["geôliers", "zzqxw", "", "東京"]
    assert len(words) > 100
    assert np.array_equal(load_word_vectors().vectors(words), reference.vectors(words))


@pytest.mark.spacy
def test_missing_word_vectors_are_one_clear_error() -> None:
    with pytest.raises(ModelLoadError, match="n'ont pas pu être chargés"):
        load_word_vectors("kbchat_no_such_vectors")


def test_a_question_word_spelled_out_in_the_passage_counts_as_present() -> None:
    question = words(["dci", "budget"], np.array([[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]))
    passage = words(["direction", "budget"], np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]))
    plain = dict(zip(SOFT_FEATURES, soft_features(question, passage, [(0,), (1,)]), strict=True))
    spelled = dict(zip(SOFT_FEATURES, soft_features(question, passage, [(0,), (1,)], [True, False]), strict=True))
    assert (plain["soft_coverage"], plain["soft_best_sentence"]) == pytest.approx((0.5, 0.5))
    assert (spelled["soft_coverage"], spelled["soft_best_sentence"]) == pytest.approx((1.0, 1.0))


def tiny_vectors(table: dict[str, tuple[float, ...]]) -> WordVectors:
    """Word vectors from a small table, looked up as spaCy's Vectors.find does (-1 for an unknown word)."""
    names = list(table)
    return WordVectors(
        np.array([table[n] for n in names]), lambda keys: [names.index(k) if k in names else -1 for k in keys]
    )


TINY = tiny_vectors(
    {"roi": (1.0, 0.0, 0.0), "souverain": (0.8, 0.6, 0.0), "guerre": (0.0, 0.0, 1.0), "paix": (0.0, 1.0, 0.0)}
)
CHUNKS = [["roi", "guerre"], ["souverain"], [], ["paix", "souverains"], ["inconnu"], ["guerre", "souverain", "paix"]]


@pytest.mark.parametrize(
    "question", [["roi", "guerre"], ["souverains"], ["souverain", "paix", "inconnu"], ["absent"], []]
)
@pytest.mark.parametrize("weights", [(1.0, 1.0, 1.0), (3.0, 0.5, 2.0)])
def test_soft_index_scores_every_chunk_as_soft_features_does_one(question: list[str], weights: tuple) -> None:
    idf = dict(zip(("roi", "guerr", "souverain", "paix", "inconnu", "absent"), weights * 2, strict=True)).get
    asked = weighted_words(question, TINY, lambda s: idf(s) or 1.0)
    passages = [weighted_words(words, TINY, lambda s: 1.0) for words in CHUNKS]
    expected = [soft_features(asked, p, [tuple(range(len(p.stems)))])[0] for p in passages]
    assert SoftIndex.build(CHUNKS, TINY).coverages(asked).tolist() == pytest.approx(expected)


def test_soft_index_counts_the_same_stem_as_a_match_and_an_empty_chunk_as_none() -> None:
    # « souverains » has no vector: only the same stem matches it.
    asked = weighted_words(["souverains", "roi"], TINY, lambda s: 1.0)
    assert SoftIndex.build(CHUNKS, TINY).coverages(asked).tolist() == pytest.approx([0.5, 0.9, 0.0, 0.5, 0.0, 0.9])


def test_soft_index_without_chunks_scores_nothing() -> None:
    assert SoftIndex.build([], TINY).coverages(weighted_words(["roi"], TINY, lambda s: 1.0)).shape == (0,)


@pytest.mark.parametrize("rows", [[0], [5, 1], [2, 4], [0, 1, 2, 3, 4, 5], [4], []])
@pytest.mark.parametrize("question", [["roi", "guerre"], ["souverains", "roi"], ["absent"]])
def test_soft_index_on_some_rows_scores_them_as_on_every_chunk(rows: list[int], question: list[str]) -> None:
    index = SoftIndex.build(CHUNKS, TINY)
    asked = weighted_words(question, TINY, lambda s: 1.0)
    expected = index.coverages(asked)[rows].tolist()
    assert index.coverages(asked, np.asarray(rows, dtype=np.int64)).tolist() == pytest.approx(expected)


def test_a_word_layout_gives_back_each_chunks_words_by_id() -> None:
    layout = word_layout([["roi", "paix"], [], ["paix", "guerre"]], ["a", "b", "c"])
    assert layout.words_by_chunk() == {"a": ["roi", "paix"], "b": [], "c": ["paix", "guerre"]}
    assert word_layout([["roi"]], ["a"]).words_by_chunk() == {"a": ["roi"]}
