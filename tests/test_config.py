"""Settings: defaults, KBCHAT_* overrides, explicit overrides, bad values."""

from pathlib import Path

import pytest

from kbchat.config import BUNDLED_E5, BUNDLED_MODEL, DEFAULT_MODEL, ENCODER_DEFAULTS, PROJECT_ROOT, Settings
from kbchat.errors import ConfigError


def test_defaults() -> None:
    settings = Settings.from_env(env={})
    assert settings.kb_dir == PROJECT_ROOT / "kb" and settings.index_dir == PROJECT_ROOT / "embeddings"
    assert settings.embedding_model == DEFAULT_MODEL == BUNDLED_MODEL and settings.max_answer_chars == 350


@pytest.mark.parametrize("model", [BUNDLED_E5, BUNDLED_MODEL])
def test_unset_encoder_settings_take_the_encoders_measured_values(model: str) -> None:
    measured = ENCODER_DEFAULTS[model]
    settings = Settings.from_env(env={"KBCHAT_EMBEDDING_MODEL": model})
    assert settings.engine == measured.engine and settings.retrieval.weights.dense == measured.dense_weight
    policy = settings.answer_policy
    assert (policy.meaning_weight, policy.evidence_meaning_weight, policy.evidence_meaning_floor) == (
        measured.answer_meaning_weight,
        measured.evidence_meaning_weight,
        measured.evidence_meaning_floor,
    )
    other = settings.with_(embedding_model=BUNDLED_MODEL if model == BUNDLED_E5 else BUNDLED_E5)
    assert other.engine != settings.engine and other.dense != settings.dense  # follows the model it is given


def test_a_set_encoder_setting_beats_the_encoders_value() -> None:
    settings = Settings.from_env(
        env={"KBCHAT_ENCODER_ENGINE": "torch", "KBCHAT_DENSE_WEIGHT": "0.1", "KBCHAT_EVIDENCE_MEANING_FLOOR": "0.5"}
    )
    assert settings.engine == "torch" and settings.dense == 0.1
    assert settings.answer_policy.evidence_meaning_floor == 0.5
    assert settings.with_(embedding_model=BUNDLED_MODEL).dense == 0.1
    plain = Settings.from_env(env={"KBCHAT_TRANSLATE_ENGLISH": "0"})
    assert not plain.retrieval.translate_english and Settings.from_env(env={}).retrieval.translate_english


@pytest.mark.parametrize(
    ("name", "raw", "field", "expected"),
    [
        ("KBCHAT_KB_DIR", "/tmp/kb", "kb_dir", Path("/tmp/kb")),
        ("KBCHAT_INDEX_DIR", "/tmp/idx", "index_dir", Path("/tmp/idx")),
        ("KBCHAT_TOP_K", "7", "top_k", 7),
        ("KBCHAT_DENSE_WEIGHT", "0.5", "dense_weight", 0.5),
        ("KBCHAT_NGRAM_WEIGHT", "0", "ngram_weight", 0.0),
        ("KBCHAT_SOFT_WEIGHT", "0.1", "soft_weight", 0.1),
        ("KBCHAT_EMBEDDING_MODEL", "/models/x", "embedding_model", "/models/x"),
        ("KBCHAT_ADMIN_PASSWORD", "s3cret", "admin_password", "s3cret"),
    ],
)
def test_environment_overrides(name: str, raw: str, field: str, expected: object) -> None:
    assert getattr(Settings.from_env(env={name: raw}), field) == expected


def test_explicit_override_beats_environment() -> None:
    settings = Settings.from_env(env={"KBCHAT_INDEX_DIR": "/a"}, index_dir="/b", kb_dir=None)
    assert settings.index_dir == Path("/b") and settings.kb_dir == PROJECT_ROOT / "kb"


def test_bad_number_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="KBCHAT_TOP_K"):
        Settings.from_env(env={"KBCHAT_TOP_K": "many"})


@pytest.mark.parametrize(
    "env",
    [
        {"KBCHAT_DENSE_WEIGHT": "0.7"},
        {"KBCHAT_SOFT_WEIGHT": "-0.1"},
        {"KBCHAT_DENSE_WEIGHT": "0.5", "KBCHAT_NGRAM_WEIGHT": "0.3", "KBCHAT_SOFT_WEIGHT": "0.3"},
    ],
)
def test_first_stage_weights_must_be_positive_and_leave_bm25_its_share(env: dict[str, str]) -> None:
    with pytest.raises(ConfigError, match="KBCHAT_NGRAM_WEIGHT"):
        Settings.from_env(env=env)


def test_first_stage_weights_may_give_everything_to_one_ranking() -> None:
    settings = Settings.from_env(
        env={"KBCHAT_DENSE_WEIGHT": "1", "KBCHAT_NGRAM_WEIGHT": "0", "KBCHAT_SOFT_WEIGHT": "0"}
    )
    assert settings.dense_weight == 1.0
