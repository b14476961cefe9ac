"""A sentence-transformers folder exported to ONNX for onnxruntime, offline: fp32 with fused operators, and int8.

Run once by `make setup` (`python -m kbchat.index.embedding <model>…`), or at the first load of a model that has no
export yet; it needs torch and onnx, which only setup uses: ingest and serving run the exports through onnxruntime.
"""

from __future__ import annotations

import json
import logging
import warnings
from pathlib import Path

from kbchat.errors import ModelLoadError
from kbchat.index.built_folder import build_once

FP32, INT8 = "model.onnx", "model-int8.onnx"
SETTINGS = "encoder.json"
INPUTS = ("input_ids", "attention_mask", "token_type_ids")
OUTPUT = "last_hidden_state"


def export_folder(source: Path, folder: Path) -> Path:
    """Export the sentence-transformers model in source into folder (once; a complete folder is kept)."""

    def build(staging: Path) -> None:
        with warnings.catch_warnings():  # the tracer's notes on the branches a fixed-shape example takes
            warnings.simplefilter("ignore")
            settings = _export_fp32(source, staging / "raw.onnx")
        _fuse(staging / "raw.onnx", staging / FP32, settings)
        _quantize(staging / FP32, staging / INT8)
        (staging / "raw.onnx").unlink()
        (staging / SETTINGS).write_text(json.dumps(settings, indent=1))

    try:
        return build_once(folder, SETTINGS, build)
    except Exception as exc:  # noqa: BLE001 - any exporter failure means the same thing to a person
        raise ModelLoadError(
            f"Le modèle {source} n'a pas pu être exporté pour onnxruntime ({type(exc).__name__} : {exc})."
        ) from exc


def _export_fp32(source: Path, target: Path) -> dict[str, object]:
    """Trace the transformer to ONNX (eager attention, which onnxruntime fuses) and return the encoder's settings."""
    import torch
    import transformers
    from sentence_transformers import SentenceTransformer
    from transformers import AutoModel

    transformers.logging.set_verbosity_error()
    transformers.logging.disable_progress_bar()

    reference = SentenceTransformer(str(source), device="cpu")
    pooling = reference[1].get_config_dict()
    if pooling.get("pooling_mode") != "mean" or not pooling.get("include_prompt", True):
        raise ValueError(f"only mean pooling over every token is exported, not {pooling}")
    model = AutoModel.from_pretrained(str(source), attn_implementation="eager").eval()

    class LastHidden(torch.nn.Module):
        """The transformer's token vectors, called by keyword (BertModel's positional order changes by version)."""

        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, types: torch.Tensor) -> torch.Tensor:
            return self.model(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=types)[0]

    example = torch.ones(2, 8, dtype=torch.long)
    axes = {name: {0: "batch", 1: "tokens"} for name in (*INPUTS, OUTPUT)}
    with torch.no_grad():
        torch.onnx.export(
            LastHidden(),
            (example, example, torch.zeros_like(example)),
            str(target),
            input_names=list(INPUTS),
            output_names=[OUTPUT],
            dynamic_axes=axes,
            opset_version=17,
            dynamo=False,
        )
    reference.tokenizer.backend_tokenizer.save(str(target.with_name("tokenizer.json")))
    return {
        "dimension": int(reference.get_embedding_dimension()),
        "max_tokens": int(reference.max_seq_length),
        "prompts": model_prompts(reference),
        "heads": int(model.config.num_attention_heads),
        "hidden": int(model.config.hidden_size),
    }


def model_prompts(model: object) -> dict[str, str]:
    """The query and passage prompts of a sentence-transformers model (e5's "query: " and "passage: ")."""
    return {k: v for k, v in (getattr(model, "prompts", None) or {}).items() if k in ("query", "passage")}


def _fuse(source: Path, target: Path, settings: dict[str, object]) -> None:
    """Onnxruntime's BERT fusions: attention, embedding layer norm, skip layer norm, bias GELU."""
    from onnxruntime.transformers import optimizer

    fused = optimizer.optimize_model(
        str(source), model_type="bert", num_heads=int(settings["heads"]), hidden_size=int(settings["hidden"])
    )
    if not fused.get_fused_operator_statistics().get("Attention"):
        raise ValueError("attention was not fused")
    fused.save_model_to_file(str(target))


def _quantize(source: Path, target: Path) -> None:
    """Dynamic int8 quantization of the matrix products, weights per channel."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    root = logging.getLogger()
    level, _ = root.level, root.setLevel(logging.ERROR)  # the quantizer advises, on the root logger, a step BERT skips
    try:
        quantize_dynamic(
            str(source),
            str(target),
            weight_type=QuantType.QInt8,
            per_channel=True,
            op_types_to_quantize=["MatMul"],
            extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
        )
    finally:
        root.setLevel(level)
