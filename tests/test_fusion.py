"""Score fusion, on tables of inputs and outputs."""

import pytest

from kbchat.ask.fusion import (
    convex_fusion,
    normalize_max,
    normalize_minmax,
    reciprocal_rank_fusion,
    rerank_pool,
    top_by_group,
)


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ({"a": 4.0, "b": 2.0, "c": 0.0}, {"a": 1.0, "b": 0.5, "c": 0.0}),
        ({"a": 0.0}, {"a": 0.0}),
        ({}, {}),
    ],
)
def test_normalize_max(scores: dict, expected: dict) -> None:
    assert normalize_max(scores) == expected


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ({"a": 0.9, "b": 0.5, "c": 0.7}, {"a": 1.0, "b": 0.0, "c": 0.5}),
        ({"a": 0.3, "b": 0.3}, {"a": 1.0, "b": 1.0}),
        ({}, {}),
    ],
)
def test_normalize_minmax(scores: dict, expected: dict) -> None:
    assert normalize_minmax(scores) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("weight", "expected_order"),
    [
        (0.0, ["x", "y"]),
        (1.0, ["z", "y", "x"]),
        (0.3, ["x", "y", "z"]),
        (0.8, ["z", "y", "x"]),
    ],
)
def test_convex_fusion_weights(weight: float, expected_order: list[str]) -> None:
    lexical = normalize_max({"x": 10.0, "y": 6.0})
    dense = normalize_minmax({"z": 0.8, "y": 0.6, "x": 0.4})
    assert [key for key, _ in convex_fusion([lexical, dense], [1 - weight, weight])] == expected_order


@pytest.mark.parametrize(
    ("rankings", "weights", "expected"),
    [
        ([{"a": 1.0, "b": 0.5}, {"a": 0.0, "b": 1.0}], [0.5, 0.5], {"a": 0.5, "b": 0.75}),
        ([{"a": 1.0}, {"b": 1.0}, {"a": 0.5, "c": 1.0}], [0.4, 0.2, 0.4], {"a": 0.6, "b": 0.2, "c": 0.4}),
        ([{"a": 1.0}, {"b": 1.0}], [1.0, 0.0], {"a": 1.0}),
        ([{}, {}], [0.5, 0.5], {}),
    ],
)
def test_convex_fusion_scores(rankings: list[dict], weights: list[float], expected: dict) -> None:
    assert dict(convex_fusion(rankings, weights)) == pytest.approx(expected)


def test_convex_fusion_breaks_ties_by_id() -> None:
    assert convex_fusion([{"b": 1.0, "a": 1.0}], [1.0]) == [("a", 1.0), ("b", 1.0)]


def test_reciprocal_rank_fusion() -> None:
    fused = reciprocal_rank_fusion([["a", "b"], ["b", "c"]], [1.0, 1.0], k=1)
    assert fused[0][0] == "b"
    assert dict(fused) == pytest.approx({"a": 0.5, "b": 1 / 3 + 1 / 2, "c": 1 / 3})


def test_top_by_group_keeps_best_of_each_document() -> None:
    ranked = [("c1", 0.9), ("c2", 0.8), ("c3", 0.7), ("c4", 0.1)]
    group = {"c1": "doc1", "c2": "doc1", "c3": "doc2", "c4": "doc3"}
    assert top_by_group(ranked, group) == [("doc1", 0.9), ("doc2", 0.7), ("doc3", 0.1)]


FUSED = [("a", 0.9), ("b", 0.8), ("c", 0.5), ("d", 0.4), ("e", 0.2)]


@pytest.mark.parametrize(
    ("rankings", "depth", "each", "expected"),
    [
        ([], 2, 1, ["a", "b"]),
        ([{"e": 3.0, "d": 1.0}], 2, 1, ["a", "b", "e"]),
        ([{"e": 3.0, "d": 1.0}, {"c": 0.2}], 2, 1, ["a", "b", "c", "e"]),
        ([{"e": 3.0, "d": 1.0}], 2, 2, ["a", "b", "d", "e"]),
        ([{"a": 5.0, "b": 4.0}], 2, 2, ["a", "b"]),
        ([{"d": 1.0, "e": 1.0}], 1, 1, ["a", "d"]),
        ([{"e": 3.0}], 0, 1, ["e"]),
        ([{"e": 3.0}], 9, 0, ["a", "b", "c", "d", "e"]),
        ([{"zz": 3.0}], 1, 1, ["a"]),
    ],
)
def test_rerank_pool(rankings: list[dict], depth: int, each: int, expected: list[str]) -> None:
    pool = rerank_pool(FUSED, rankings, depth, each)
    assert [key for key, _ in pool] == expected
    assert all(score == dict(FUSED)[key] for key, score in pool)
