"""The training command end to end in its tiny mode (a few hundred sentences, a few dozen steps)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import torch

from ner_ar.ner import ModelFiles, Tagger
from ner_ar.training.corpora import aqmar_split, load_splits, normalize_tag, read_conll


def test_tiny_training_writes_a_loadable_model(tmp_path: Path, shared_data: Path) -> None:
    out = tmp_path / "tiny_model"
    cmd = [sys.executable, "-m", "ner_ar.training", "--tiny", "--data", str(shared_data),
           "--out", str(out), "--work", str(tmp_path / "work"), "--threads", "1",
           "--charlm", "0.3", "--silver", "20"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    files = ModelFiles.locate(out)
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert set(metrics["scores"]) == {"anercorp_test", "anercorp_test_as_distributed", "aqmar_test", "dev"}
    # 300 gold sentences plus 20 silver ones, tagged by the shipped model, each with an entity.
    assert metrics["data"]["train_sentences"] == 320
    assert metrics["data"]["silver"]["sentences"] == 20
    silver = read_conll(tmp_path / "work" / "silver.bio", cleaned=False)
    assert len(silver) == 20 and all(any(t != "O" for _, t in s) for s in silver)
    assert "python -m ner_ar.training --tiny" in metrics["command"]
    card = (out / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert "ANERcorp" in card and "CC BY-SA" in card and metrics["command"] in card
    # Stored at half precision; Stanza loads them into float32 weights.
    assert torch.load(files.pretrain, weights_only=False)["emb"].dtype == torch.float16
    assert all(t.dtype == torch.float16 for t in torch.load(files.model, weights_only=False)["model"].values()
               if t.is_floating_point())
    # Trained with character LMs: they ship beside the tagger and are listed in its index.
    assert files.charlm is not None and all(p.stat().st_size > 0 for p in files.charlm)
    sizes = json.loads(files.resources.read_text(encoding="utf-8"))["ner_ar"]["sizes"]
    assert set(sizes) == {p.name for p in files.torch_files}
    assert metrics["charlm"]["hidden_dim"] == 16
    tags = Tagger(out, threads=1).tag([["زار", "بوتين", "القاهرة", "."]])
    assert len(tags[0]) == 4


def test_splits_follow_the_recipe(shared_data: Path) -> None:
    train, dev, test = aqmar_split(shared_data / "ner" / "aqmar")
    assert (len(train), len(dev), len(test)) == (1878, 402, 403)
    splits = load_splits(shared_data)
    aner = read_conll(shared_data / "ner" / "anercorp" / "train.txt")
    assert len(splits.train) == len(aner) - 400 + len(train)
    assert splits.dev[:400] == aner[-400:]
    tags = {t for s in splits.train for _, t in s}
    assert tags == {"O"} | {f"{p}-{t}" for p in "BI" for t in ("PER", "LOC", "ORG", "MISC")}
    # No test sentence in training (fragments like "ن ." aside).
    test_text = {" ".join(w for w, _ in s) for s in splits.tests["anercorp_test"] if len(s) > 3}
    assert not test_text & {" ".join(w for w, _ in s) for s in splits.train}


def test_tag_normalisation() -> None:
    assert normalize_tag("B-PERS") == "B-PER"
    assert normalize_tag("I-MIS2") == "I-MISC"
    assert normalize_tag("I--ORG") == "I-ORG"
    assert normalize_tag("B-ENGLISH") == "O"
    assert normalize_tag("OO") == "O"
    assert normalize_tag("B-MISS1") == "O"
