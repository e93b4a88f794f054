"""Pieces of the encoder token classifier that need neither transformers nor a trained model."""

from __future__ import annotations

import pytest

from ner_ar.training import trf


def test_bio_transitions_and_repair():
    assert trf.allowed("B-PER", "I-PER") and trf.allowed("I-PER", "I-PER")
    assert not trf.allowed("O", "I-PER") and not trf.allowed("B-LOC", "I-PER")
    assert trf.allowed("O", "B-ORG")
    idx = {lab: i for i, lab in enumerate(trf.LABELS)}
    fixed = trf._repair([idx["I-PER"], idx["I-PER"], idx["O"], idx["I-LOC"]])
    assert [trf.LABELS[i] for i in fixed] == ["B-PER", "I-PER", "O", "B-LOC"]


def test_entities_and_unseen_recall():
    sents = [[("زار", "O"), ("بوتين", "B-PER"), ("هافانا", "B-LOC")],
             [("قال", "O"), ("ترامب", "B-PER"), ("في", "O"), ("بكين", "B-LOC")]]
    gold = [[t for _, t in s] for s in sents]
    pred = [["O", "B-PER", "B-LOC"], ["O", "B-PER", "O", "B-ORG"]]
    assert trf.entities(gold[1]) == [(1, 2, "PER"), (3, 4, "LOC")]
    train = {("بوتين", "PER"), ("بكين", "ORG")}  # seen as any type counts as seen
    r = trf.unseen_recall(sents, gold, pred, train)
    assert r["seen_entities"] == 2 and r["seen_recall"] == 0.5
    assert r["unseen_entities"] == 2 and r["unseen_recall"] == 1.0


def test_crf_forbids_invalid_bio():
    pytest.importorskip("torchcrf")
    torch = pytest.importorskip("torch")

    class Enc(torch.nn.Module):
        config = type("C", (), {"hidden_size": 4})()

    model = trf.TrfTaggerModel(Enc(), len(trf.LABELS))
    o, i_per = trf.LABELS.index("O"), trf.LABELS.index("I-PER")
    assert model.crf.transitions[o, i_per] <= trf.NEG and model.crf.start_transitions[i_per] <= trf.NEG
    em = torch.zeros(1, 3, len(trf.LABELS))
    em[0, :, i_per] = 5.0  # the emissions prefer I-PER everywhere; the CRF must start with B-PER
    path = model.crf.decode(em)[0]
    assert trf.LABELS[path[0]] != "I-PER"
