"""An exported sentence encoder run by onnxruntime and `tokenizers`: no torch at ingest or when serving."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kbchat.index.onnx_export import FP32, INT8, SETTINGS
from kbchat.index.span_pooling import Span


@dataclass(frozen=True)
class TokenPass:
    """One pass of the encoder over texts: pooled vectors, and each text's token vectors and character offsets."""

    vectors: np.ndarray
    tokens: list[np.ndarray]
    offsets: list[list[Span]]


def unit_mean(hidden: np.ndarray) -> np.ndarray:
    """The normalized mean of a text's token vectors (a zero mean stays zero)."""
    mean = hidden.mean(axis=0)
    return mean / max(float(np.linalg.norm(mean)), 1e-12)


class OnnxEncoder:
    """Mean-pooled, normalized vectors from an export of onnx_export, in fp32 or int8.

    Each text is run alone: on two cores that is faster than padded batches (measured with batches of 1 to 32), and
    int8's dynamic quantization, whose scales are taken over the whole input, then gives a text the same vector in
    any company.
    """

    def __init__(self, folder: Path, quantized: bool) -> None:
        """Open the export in folder; quantized picks its int8 model."""
        import onnxruntime
        from tokenizers import Tokenizer

        settings = json.loads((folder / SETTINGS).read_text())
        self.dimension: int = settings["dimension"]
        self.max_tokens: int = settings["max_tokens"]
        self.prompts: dict[str, str] = settings["prompts"]
        self.counter = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.counter.no_truncation()
        self.counter.no_padding()
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(self.max_tokens)
        self.tokenizer.no_padding()
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = os.cpu_count() or 1
        options.log_severity_level = 3
        self.session = onnxruntime.InferenceSession(
            str(folder / (INT8 if quantized else FP32)), options, providers=["CPUExecutionProvider"]
        )

    def count_tokens(self, text: str) -> int:
        """Word pieces of text, special tokens included, without truncation."""
        return len(self.counter.encode(text).ids)

    def run(self, texts: list[str], keep_tokens: bool = False) -> TokenPass:
        """Encode texts; keep_tokens also returns each text's token vectors and character offsets."""
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        tokens: list[np.ndarray] = []
        offsets: list[list[Span]] = []
        for row, encoding in enumerate(self.tokenizer.encode_batch(texts) if texts else []):
            hidden = self._hidden([encoding.ids])[0]
            vectors[row] = unit_mean(hidden)
            if keep_tokens:
                tokens.append(hidden)
                offsets.append(list(encoding.offsets))
        return TokenPass(vectors, tokens, offsets)

    def run_short(self, texts: list[str], batch: int = 256) -> np.ndarray:
        """Vectors of many short texts (words), those of one length in word pieces run together, so unpadded."""
        encodings = self.tokenizer.encode_batch(texts) if texts else []
        by_length: dict[int, list[int]] = {}
        for row, encoding in enumerate(encodings):
            by_length.setdefault(len(encoding.ids), []).append(row)
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for rows in by_length.values():
            for start in range(0, len(rows), batch):
                part = rows[start : start + batch]
                vectors[part] = [unit_mean(hidden) for hidden in self._hidden([encodings[row].ids for row in part])]
        return vectors

    def _hidden(self, ids: list[list[int]]) -> np.ndarray:
        """The token vectors of one batch of texts whose word pieces are all of one length."""
        batch = np.asarray(ids, dtype=np.int64)
        feeds = {"input_ids": batch, "attention_mask": np.ones_like(batch), "token_type_ids": np.zeros_like(batch)}
        return self.session.run(None, feeds)[0]
