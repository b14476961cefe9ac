"""The onnxruntime encoder: mean pooling, and vectors checked against sentence-transformers on the real models."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from kbchat.config import BUNDLED_E5, BUNDLED_MODEL
from kbchat.errors import ModelLoadError
from kbchat.index.embedding import INT8_MARK, SentenceEmbeddings, model_identity
from kbchat.index.onnx_encoder import unit_mean
from kbchat.index.onnx_export import export_folder

TEXTS = [
    "La DCI compte 300 policiers et gendarmes.",
    "Qui dirige la direction de la coopération internationale ?",
    "Titre\nUn texte bien plus long, " + "avec des mots répétés " * 60 + "jusqu'au bout de la fenêtre.",
    "naïve café œuvre ½ ﬁ 東京 😀",
    "",
]


@pytest.mark.parametrize(
    ("hidden", "expected"),
    [
        ([[1.0, 0.0], [0.0, 1.0]], [np.sqrt(0.5), np.sqrt(0.5)]),
        ([[3.0, 4.0]], [0.6, 0.8]),
        ([[2.0, 0.0], [4.0, 0.0], [-6.0, 9.0]], [0.0, 1.0]),
        ([[1.0, 1.0], [-1.0, -1.0]], [0.0, 0.0]),  # a zero mean stays zero instead of dividing by zero
    ],
)
def test_unit_mean(hidden: list, expected: list) -> None:
    assert np.allclose(unit_mean(np.asarray(hidden)), expected)


@pytest.mark.model
@pytest.mark.parametrize("name", [BUNDLED_MODEL, BUNDLED_E5])
def test_the_onnx_engines_give_sentence_transformers_vectors_tokens_and_counts(name: str) -> None:
    reference, fp32, int8 = (SentenceEmbeddings(name, engine) for engine in ("torch", "onnx", "onnx-int8"))
    for encoder in (fp32, int8):
        assert (encoder.dimension, encoder.max_tokens) == (reference.dimension, reference.max_tokens)
        assert (encoder.query_prompt, encoder.passage_prompt) == (reference.query_prompt, reference.passage_prompt)
        assert [encoder.count_tokens(t) for t in TEXTS] == [reference.count_tokens(t) for t in TEXTS]
    expected = reference.encode(TEXTS)
    queries = np.vstack([reference.encode([t], prompt=reference.query_prompt) for t in TEXTS])
    assert np.min(np.sum(fp32.encode(TEXTS) * expected, axis=1)) > 0.99999
    assert np.min(np.sum(np.vstack([fp32.embed_query(t) for t in TEXTS]) * queries, axis=1)) > 0.99999
    close = np.sum(int8.encode(TEXTS) * expected, axis=1)
    assert np.min(close) > 0.97 and np.mean(close) > 0.98
    assert np.array_equal(int8.encode(TEXTS[:1]), int8.encode(TEXTS)[:1])  # a text's vector, whatever its company
    ours, theirs = fp32.token_pass(TEXTS), reference.token_pass(TEXTS)
    assert ours.offsets == theirs.offsets
    for mine, other in zip(ours.tokens, theirs.tokens, strict=True):
        assert mine.shape == other.shape and np.allclose(mine, other, atol=1e-3)


@pytest.mark.model
def test_an_index_records_whether_its_vectors_are_int8() -> None:
    assert model_identity(BUNDLED_MODEL, "onnx-int8") == BUNDLED_MODEL + INT8_MARK
    assert model_identity(BUNDLED_MODEL, "onnx") == model_identity(BUNDLED_MODEL, "torch") == BUNDLED_MODEL


@pytest.mark.model
@pytest.mark.chroma
@pytest.mark.spacy
def test_answering_never_imports_torch(dci_index) -> None:  # noqa: ANN001 - the conftest fixture's Settings
    script = (
        "import sys\n"
        "from kbchat.config import Settings\n"
        "from kbchat.knowledge_base import open_knowledge_base\n"
        "import kbchat.ui.chat_page\n"
        f"kb = open_knowledge_base(Settings.from_env(index_dir={str(dci_index.index_dir)!r}))\n"
        "print(kb.ask('Quand la DCI a-t-elle été créée ?').answer[:40])\n"
        "heavy = ('torch', 'transformers', 'sentence_transformers')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    answer, modules = done.stdout.strip().splitlines()[-2:]
    assert answer and modules == "[]"


@pytest.mark.model
def test_a_folder_that_is_no_model_fails_to_export_in_one_sentence_and_leaves_nothing(tmp_path: Path) -> None:
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "config.json").write_text("{}")
    with pytest.raises(ModelLoadError, match="n'a pas pu être exporté pour onnxruntime"):
        export_folder(tmp_path / "broken", tmp_path / "out")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken"]


@pytest.mark.model
@pytest.mark.parametrize(("name", "alone"), [(BUNDLED_MODEL, False), (BUNDLED_E5, True)])
def test_e5_encodes_each_sentence_alone_and_minilm_pools_them_from_the_chunk(name: str, alone: bool) -> None:
    encoder = SentenceEmbeddings(name)
    text = "Créée en 2010, la DCI agit à l'étranger. Son réseau compte 300 policiers."
    sentences = ["Créée en 2010, la DCI agit à l'étranger.", "Son réseau compte 300 policiers."]
    spans = [(0, len(sentences[0])), (len(sentences[0]) + 1, len(text))]
    vectors, by_chunk = encoder.encode_with_sentences([text, "Rien."], [sentences, []], [spans, []])
    assert np.allclose(vectors, encoder.encode([text, "Rien."]), atol=1e-5) and by_chunk[1].shape == (0, 384)
    assert np.allclose(by_chunk[0], encoder.encode(sentences), atol=1e-5) is alone
