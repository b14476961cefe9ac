"""The reranking stage: features on tables of inputs and outputs, the linear model, and the shipped weights."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from kbchat.ask.features import (
    FEATURES,
    PASSAGE_FEATURES,
    FirstStage,
    best_sentence_cosine,
    feature_matrix,
    inverse_rank,
    list_features,
    near_pairs,
    passage_features,
)
from kbchat.ask.query import analyze_question
from kbchat.ask.reranker import LinearRanker, load_ranker, softmax
from kbchat.ask.soft_matching import SOFT_FEATURES, soft_features, weighted_words
from kbchat.corpus.chunking import Chunk
from kbchat.corpus.profiles import chunk_profile, content_words
from kbchat.errors import KbchatError
from kbchat.index.word_vectors import load_word_vectors
from kbchat.text.acronyms import find_acronyms
from kbchat.text.analyzer import QUERY_STOPWORDS
from kbchat.text.matching import share

SAME_FIRST_STAGE = FirstStage(0.9, 0.9, 0.5, 0.8, 2, 3)
DCI_DEFINED = "La direction de la coopération internationale (DCI) agit."


def chunk(text: str, title: str = "Histoire") -> Chunk:
    """A chunk of one document."""
    return Chunk("c", "doc.md", title, (), text, 0)


def features(question: str, text: str, first: FirstStage = SAME_FIRST_STAGE) -> dict[str, float]:
    """The named lexical features of one question and one chunk, every term weighing 1."""
    row = passage_features(analyze_question(question, [], {}), chunk_profile(chunk(text)), first, lambda t: 1.0, {})
    return dict(zip(PASSAGE_FEATURES, row, strict=True))


def full_rows(question: str, texts: list[str]) -> np.ndarray:
    """Every feature of one question and some chunks: soft ones by the real word vectors, no sentence vectors."""
    vectors = load_word_vectors()
    asked = weighted_words(content_words(question, QUERY_STOPWORDS), vectors, lambda t: 1.0)
    lexical, soft = [], []
    for text in texts:
        profile = chunk_profile(chunk(text))
        passage = weighted_words(profile.content_words, vectors, lambda t: 1.0)
        lexical.append(list(features(question, text).values()))
        soft.append(soft_features(asked, passage, profile.sentence_columns))
    return feature_matrix(np.array(lexical), np.array(soft), np.zeros(len(texts)))


@pytest.mark.parametrize(
    ("terms", "tokens", "expected"),
    [
        (["a", "b", "c"], ["a", "b", "x", "c"], 1.0),
        (["a", "b", "c"], ["a", "x", "x", "b", "c"], 0.5),
        (["a", "b"], ["b", "a"], 1.0),
        (["a", "b"], ["c"], 0.0),
        (["a"], ["a"], 0.0),
    ],
)
def test_near_pairs(terms: list[str], tokens: list[str], expected: float) -> None:
    assert near_pairs([terms], tokens) == expected


@pytest.mark.parametrize(
    ("runs", "tokens", "expected"),
    [
        ([["a", "b"], ["c", "d"]], ["a", "b", "c", "d"], 1.0),
        ([["a", "b"], ["c", "d"]], ["b", "c", "x", "x", "x", "a", "x", "x", "x", "d"], 0.0),  # b-c straddles runs
        ([["a"], ["b"]], ["a", "b"], 0.0),
    ],
)
def test_near_pairs_never_pair_two_runs(runs: list[list[str]], tokens: list[str], expected: float) -> None:
    assert near_pairs(runs, tokens) == expected


@pytest.mark.parametrize(
    ("wanted", "present", "default", "expected"),
    [(["a", "b"], {"a"}, 0.0, 0.5), ([], {"a"}, 1.0, 1.0), ([], set(), 0.0, 0.0), (["a"], set(), 1.0, 0.0)],
)
def test_share(wanted: list[str], present: set[str], default: float, expected: float) -> None:
    assert share(wanted, frozenset(present), default) == expected


@pytest.mark.parametrize(
    ("question", "text", "expected"),
    [
        (
            "En quelle année Napoléon fut-il sacré ?",
            "Napoléon fut sacré empereur en 1804. Il régna dix ans.",
            {"capitalized_words": 1.0, "answer_type": 1.0, "best_sentence": 2 / 3, "term_share": 2 / 3},
        ),
        (
            "En quelle année Napoléon fut-il sacré ?",
            "Le sacre eut lieu à Notre-Dame. La cérémonie fut longue.",
            {"capitalized_words": 0.0, "answer_type": 0.0, "best_sentence": 1 / 3, "term_share": 1 / 3},
        ),
        (
            "Combien de soldats comptait l'armée en 1812 ?",
            "En 1812, l'armée comptait 600 000 soldats.",
            {"numbers": 1.0, "answer_type": 1.0, "word_pairs": 0.0},
        ),
        (
            "Que fit la Grande Armée après la bataille ?",
            "Après la bataille, la Grande Armée se retira. Elle passa la Bérézina.",
            {"capitalized_words": 1.0, "word_pairs": 1 / 4, "numbers": 1.0},
        ),
    ],
)
def test_passage_features(question: str, text: str, expected: dict[str, float]) -> None:
    got = features(question, text)
    assert {name: got[name] for name in expected} == pytest.approx(expected)


@pytest.mark.parametrize(("acronyms", "expected"), [({}, 0.0), (find_acronyms([DCI_DEFINED]), 1.0)])
def test_an_acronym_counts_as_named_where_the_passage_spells_it_out(
    acronyms: dict[str, list[str]], expected: float
) -> None:
    question = "Où agit la DCI ?"
    row = passage_features(
        analyze_question(question, [], {}),
        chunk_profile(chunk("La direction de la coopération internationale agit à l'étranger.")),
        SAME_FIRST_STAGE,
        lambda t: 1.0,
        acronyms,
    )
    assert dict(zip(PASSAGE_FEATURES, row, strict=True))["capitalized_words"] == expected


def test_first_stage_scores_become_features() -> None:
    got = features("Qui ?", "Rien.", FirstStage(0.5, 0.25, 0.4, 0.1, 4, 200))
    assert [got[n] for n in FEATURES[:6]] == pytest.approx([0.5, 0.25, 0.4, 0.1, 0.25, 0.005])


def test_best_sentence_pair_covers_terms_split_over_two_sentences() -> None:
    got = features("Où la reine est-elle née ?", "La reine arriva en 1770. Elle était née à Vienne.")
    assert got["best_sentence"] == pytest.approx(0.5)
    assert got["best_sentence_pair"] == pytest.approx(1.0)


def test_linear_ranker_standardizes_then_weighs() -> None:
    ranker = LinearRanker(("a", "b"), (1.0, 0.0), (2.0, 1.0), (1.0, -1.0))
    scores = ranker.score(np.array([[3.0, 1.0], [1.0, 2.0]]))
    assert scores.tolist() == pytest.approx([0.0, -2.0])
    assert ranker.score(np.array([[5.0, 0.0]])).tolist() == pytest.approx([2.0])
    assert ranker.score(np.zeros((0, 2))).shape == (0,)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([0.5, 0.9, 0.5, 0.1], [1 / 2, 1.0, 1 / 2, 1 / 3]),
        ([0.2, 0.2], [1.0, 1.0]),
        ([0.0], [1.0]),
    ],
)
def test_inverse_rank_shares_ranks_between_equal_values(values: list[float], expected: list[float]) -> None:
    assert inverse_rank(np.array(values)).tolist() == pytest.approx(expected)


def test_list_features_rank_candidates_by_best_sentence() -> None:
    rows = np.zeros((3, len(PASSAGE_FEATURES)))
    rows[:, PASSAGE_FEATURES.index("best_sentence")] = [0.25, 0.75, 0.5]
    assert list_features(rows).shape == (3, 1)
    assert list_features(rows)[:, 0].tolist() == pytest.approx([1 / 3, 1.0, 1 / 2])


@pytest.mark.parametrize("scores", [[1.0, 2.0, 3.0], [1000.0, 999.0], [0.0]])
def test_softmax_sums_to_one_and_keeps_the_order(scores: list[float]) -> None:
    probabilities = softmax(np.array(scores))
    assert math.isclose(probabilities.sum(), 1.0)
    assert np.argsort(probabilities).tolist() == np.argsort(scores).tolist()


@pytest.mark.spacy
def test_shipped_ranker_prefers_the_passage_that_names_what_was_asked() -> None:
    ranker = load_ranker()
    question = "En quelle année Napoléon fut-il sacré empereur ?"
    rows = full_rows(
        question,
        [
            "Le sacre de Napoléon eut lieu en 1804 : il fut sacré empereur.",
            "Le sacre eut lieu à Notre-Dame devant le pape.",
        ],
    )
    assert ranker.score(rows)[0] > ranker.score(rows)[1]


@pytest.mark.spacy
def test_shipped_ranker_prefers_a_paraphrase_to_a_passage_on_another_subject() -> None:
    ranker = load_ranker()
    question = "Combien de geôliers la prison comptait-elle ?"
    rows = full_rows(
        question, ["La prison employait quarante gardiens.", "La prison dominait la colline de ses 12 tours."]
    )
    # Every feature of the two passages but the word vectors' is the same: only those tell them apart.
    soft = [FEATURES.index(f) for f in SOFT_FEATURES]
    assert np.delete(rows[0], soft).tolist() == np.delete(rows[1], soft).tolist()
    assert ranker.score(rows)[0] > ranker.score(rows)[1]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "illisible"),
        (json.dumps({"features": ["x"], "mean": [0], "scale": [1], "weights": [1]}), "ne correspond pas"),
        (json.dumps({"features": list(FEATURES)}), "illisible"),
        (
            json.dumps(
                {
                    "features": list(FEATURES),
                    "mean": [0] * len(FEATURES),
                    "scale": [1] * (len(FEATURES) - 1) + [0],
                    "weights": [1] * len(FEATURES),
                }
            ),
            "ne correspond pas",
        ),
    ],
)
def test_a_bad_ranker_file_is_one_clear_error(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "reranker.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(KbchatError, match=message):
        load_ranker(path)


def test_a_missing_ranker_file_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(KbchatError, match="illisible"):
        load_ranker(tmp_path / "absent.json")


def test_chunk_profile_counts_headings_in_every_sentence() -> None:
    profile = chunk_profile(Chunk("c", "doc.md", "Guide", ("Les partenariats",), "Elle vise loin. Elle aide.", 0))
    assert profile.sentences == ("Elle vise loin.", "Elle aide.")
    assert all({"guid", "partenariat"} <= terms for terms in profile.sentence_terms)
    assert "partenariats" in profile.surface and " les partenariats " in profile.surface_text


@pytest.mark.parametrize(
    ("sentences", "question", "expected"),
    [
        ([[1.0, 0.0], [0.6, 0.8]], [0.0, 1.0], 0.8),
        ([[1.0, 0.0], [0.6, 0.8]], [1.0, 0.0], 1.0),
        ([[-1.0, 0.0]], [1.0, 0.0], -1.0),
        ([], [1.0, 0.0], 0.0),
        (None, [1.0, 0.0], 0.0),
        ([[1.0, 0.0]], None, 0.0),
    ],
)
def test_best_sentence_cosine(
    sentences: list[list[float]] | None, question: list[float] | None, expected: float
) -> None:
    vectors = None if sentences is None else np.asarray(sentences).reshape(-1, 2)
    vector = None if question is None else np.asarray(question)
    assert best_sentence_cosine(vectors, vector) == pytest.approx(expected)


def test_a_list_sentence_counts_in_the_features_only_for_a_question_that_asks_for_a_list() -> None:
    vectors, question = np.asarray([[1.0, 0.0], [0.6, 0.8]]), np.asarray([1.0, 0.0])
    assert best_sentence_cosine(vectors, question, [False, True]) == pytest.approx(0.6)
    text = "La DCI met en œuvre : • Les partenariats • La coopération technique. Elle agit à l'étranger."
    plain = features("À quoi servent les partenariats ?", text)
    listed = features("Quelles coopérations la DCI met-elle en œuvre ?", text)
    assert plain["best_sentence"] == 0.0 and listed["best_sentence"] > 0.5


def test_each_encoder_has_its_shipped_reranker() -> None:
    from kbchat.ask.reranker import RANKER_PATH, ranker_path
    from kbchat.config import BUNDLED_E5, BUNDLED_MODEL

    assert ranker_path(BUNDLED_MODEL) == RANKER_PATH and ranker_path("/some/folder") == RANKER_PATH
    e5 = ranker_path(BUNDLED_E5)
    assert e5 != RANKER_PATH and load_ranker(e5).features == load_ranker(RANKER_PATH).features
