"""Settings: one typed object with defaults and KBCHAT_* environment overrides."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from kbchat.errors import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BUNDLED_MODEL = "bundled:all-MiniLM-L6-v2"


@dataclass(frozen=True)
class Settings:
    """Every tunable of kbchat; each field is overridable by KBCHAT_<FIELD_NAME>."""

    kb_dir: Path = PROJECT_ROOT / "kb"
    index_dir: Path = PROJECT_ROOT / "embeddings"
    data_dir: Path = PROJECT_ROOT / "data"
    embedding_model: str = BUNDLED_MODEL
    chunk_tokens: int = 256
    top_k: int = 5
    dense_fetch_k: int = 50
    dense_weight: float = 0.2
    ngram_weight: float = 0.2
    soft_weight: float = 0.2
    rerank_depth: int = 20
    rerank_each: int = 10
    lexical_k1: float = 0.9
    lexical_b: float = 0.4
    refusal_threshold: float = 0.4
    max_answer_chars: int = 350
    admin_password: str = ""
    max_upload_mb: int = 20

    def __post_init__(self) -> None:
        """Reject first-stage weights that are negative or add up to more than 1 (BM25 on stems gets the rest)."""
        weights = (self.dense_weight, self.ngram_weight, self.soft_weight)
        if min(weights) < 0 or sum(weights) > 1 + 1e-9:
            raise ConfigError(
                "KBCHAT_DENSE_WEIGHT, KBCHAT_NGRAM_WEIGHT et KBCHAT_SOFT_WEIGHT doivent être positifs "
                f"et leur somme ne pas dépasser 1 (reçu : {sum(weights):g})."
            )

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Build settings from defaults, then KBCHAT_* variables, then explicit overrides."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        for field in fields(cls):
            raw = env.get(f"KBCHAT_{field.name.upper()}")
            if raw is None or raw == "":
                continue
            values[field.name] = _convert(field.name, field.type, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        settings = cls(**values)
        return replace(
            settings, kb_dir=Path(settings.kb_dir), index_dir=Path(settings.index_dir), data_dir=Path(settings.data_dir)
        )

    def with_(self, **changes: Any) -> Settings:
        """Return a copy with some fields changed."""
        return replace(self, **changes)


def _convert(name: str, kind: Any, raw: str) -> Any:
    """Convert one environment string to the field's type."""
    kind = kind if isinstance(kind, str) else getattr(kind, "__name__", str(kind))
    try:
        if kind == "Path":
            return Path(raw).expanduser()
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
    except ValueError as exc:
        raise ConfigError(f"KBCHAT_{name.upper()} doit être de type {kind} (valeur reçue : {raw!r}).") from exc
    return raw
