"""Vocabulary expansion: a trained tagger reads a larger pretrain cut from the same vectors."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from ner_ar.ner import MODEL_FILE, PRETRAIN_FILE, ModelFiles, Tagger, default_model_dir
from ner_ar.training.expand import expand_vocabulary

SENTENCE = ["وقال", "الرئيس", "الروسي", "فلاديمير", "بوتين", "في", "موسكو", "."]
NEW_WORDS = ["كلمةجديدةاولى", "كلمةجديدةثانية"]


def _pretrain_with(words: list[str], path: Path, shuffle: bool = False) -> Path:
    """The shipped pretrain with ``words`` appended (or with its first two rows swapped)."""
    data = torch.load(default_model_dir() / PRETRAIN_FILE, map_location="cpu", weights_only=False)
    vocab = dict(data["vocab"])
    id2unit = list(vocab["_id2unit"]) + words
    emb = torch.cat([data["emb"].float(), torch.randn(len(words), data["emb"].shape[1])])
    if shuffle:
        id2unit[4], id2unit[5] = id2unit[5], id2unit[4]
    vocab["_id2unit"] = id2unit
    vocab["_unit2id"] = {w: i for i, w in enumerate(id2unit)}
    torch.save({"vocab": vocab, "emb": emb}, path)
    return path


def test_expanded_model_knows_the_new_words_and_tags_as_before(tmp_path: Path) -> None:
    pretrain = _pretrain_with(NEW_WORDS, tmp_path / "bigger.pt")
    out = expand_vocabulary(default_model_dir(), pretrain, tmp_path / "expanded")
    files = ModelFiles.locate(out)  # sizes in resources.json match the new files
    checkpoint = torch.load(files.model, weights_only=False)
    assert checkpoint["vocab"]["word"]["_id2unit"][-2:] == NEW_WORDS
    assert torch.load(files.pretrain, weights_only=False)["emb"].dtype == torch.float16
    before = Tagger(threads=1).tag([SENTENCE])
    assert Tagger(out, threads=1).tag([SENTENCE]) == before
    assert "S-LOC" in before[0]  # موسكو: the comparison is not between two empty taggings


def test_pretrain_from_other_vectors_is_refused(tmp_path: Path) -> None:
    pretrain = _pretrain_with([], tmp_path / "other.pt", shuffle=True)
    with pytest.raises(ValueError, match="does not start with the vocabulary"):
        expand_vocabulary(default_model_dir(), pretrain, tmp_path / "expanded")
    assert not (tmp_path / "expanded" / MODEL_FILE).exists()
