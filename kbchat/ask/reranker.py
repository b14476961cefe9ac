"""The reranker's model: standardized features times weights, read from reranker.json."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kbchat.ask.features import FEATURES
from kbchat.config import BUNDLED_E5
from kbchat.errors import KbchatError

RANKER_PATH = Path(__file__).resolve().parent / "reranker.json"
# The reranker is fitted for one encoder's scores: another encoder ships its own model beside the default one.
RANKER_PATHS = {BUNDLED_E5: RANKER_PATH.with_name("reranker-multilingual-e5-small.json")}


def ranker_path(embedding_model: str) -> Path:
    """The shipped reranker model fitted for an encoder (the default one for any other)."""
    return RANKER_PATHS.get(embedding_model, RANKER_PATH)


@dataclass(frozen=True)
class LinearRanker:
    """Standardized features times weights: the reranker's whole model."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]

    def score(self, rows: np.ndarray) -> np.ndarray:
        """One score per row of features."""
        if not len(rows):
            return np.zeros(0)
        return ((rows - np.asarray(self.mean)) / np.asarray(self.scale)) @ np.asarray(self.weights)

    def to_json(self) -> dict[str, object]:
        """The model as JSON-ready data."""
        return {"features": self.features, "mean": self.mean, "scale": self.scale, "weights": self.weights}


def softmax(scores: np.ndarray) -> np.ndarray:
    """Scores as probabilities that sum to one."""
    if not len(scores):
        return scores
    exp = np.exp(scores - scores.max())
    return exp / exp.sum()


def load_ranker(path: Path = RANKER_PATH) -> LinearRanker:
    """Read a ranker written by `kbchat train-reranker`; raise KbchatError when it does not fit FEATURES."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        ranker = LinearRanker(*(tuple(raw[key]) for key in ("features", "mean", "scale", "weights")))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise KbchatError(f"Le modèle de reclassement {path} est illisible.") from exc
    lengths = {len(ranker.mean), len(ranker.scale), len(ranker.weights)}
    usable = all(math.isfinite(w) for w in ranker.weights) and all(s > 0 for s in ranker.scale)
    if ranker.features != FEATURES or lengths != {len(FEATURES)} or not usable:
        raise KbchatError(f"Le modèle de reclassement {path} ne correspond pas à cette version de kbchat.")
    return ranker
