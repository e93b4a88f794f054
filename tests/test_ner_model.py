"""The shipped NER model: found, checked, offline, and scoring like its card says."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ner_ar.ner import (
    CHARLM_FILES,
    MODEL_FILE,
    PRETRAIN_FILE,
    RESOURCES_FILE,
    ModelError,
    ModelFileMissing,
    ModelFiles,
    Tagger,
    bioes_spans,
    default_model_dir,
    packaged_model_dir,
)
from ner_ar.training.corpora import read_conll
from ner_ar.training.evaluate import evaluate_tagger


@pytest.fixture(scope="module")
def model_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the shipped model that tests may break."""
    src = default_model_dir()
    dst = tmp_path_factory.mktemp("model") / src.name
    shutil.copytree(src, dst)
    return dst


def test_shipped_model_is_complete_and_small() -> None:
    files = ModelFiles.locate()
    assert files.name == "ar_ner_base"
    for name in ("MODEL_CARD.md", "metrics.json"):
        assert (files.directory / name).is_file()
    size = sum(p.stat().st_size for p in files.directory.parent.rglob("*") if p.is_file())
    assert size <= 80e6, f"models/ is {size / 1e6:.1f} MB, over its 80 MB budget"


def test_shipped_model_scores_on_anercorp_slice(extractor, shared_data: Path) -> None:  # type: ignore[no-untyped-def]
    # A wrong or missing pretrain loads silently and tags garbage: this floor catches it.
    sents = read_conll(shared_data / "ner" / "anercorp" / "test.txt")[:150]
    result = evaluate_tagger(extractor.tagger, sents)
    metrics = json.loads((Path(extractor.model_dir) / "metrics.json").read_text(encoding="utf-8"))
    measured = metrics["scores"]["anercorp_test"]["f1"]
    assert result["f1"] >= 0.60, result
    assert result["f1"] >= measured - 0.12, (result["f1"], measured)
    assert set(extractor.tagger.labels) == {"LOC", "MISC", "ORG", "PER"}


@pytest.mark.parametrize("missing", [MODEL_FILE, PRETRAIN_FILE, RESOURCES_FILE])
def test_missing_file_is_named(model_copy: Path, tmp_path: Path, missing: str) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(model_copy, broken)
    (broken / missing).unlink()
    with pytest.raises(ModelFileMissing, match=missing):
        Tagger(broken)


def test_listed_character_lm_must_be_present(model_copy: Path, tmp_path: Path) -> None:
    broken = tmp_path / "nocharlm"
    shutil.copytree(model_copy, broken)
    for name in CHARLM_FILES:
        (broken / name).unlink(missing_ok=True)
    index = json.loads((broken / RESOURCES_FILE).read_text(encoding="utf-8"))
    index["ner_ar"]["sizes"][CHARLM_FILES[1]] = 1234
    (broken / RESOURCES_FILE).write_text(json.dumps(index), encoding="utf-8")
    with pytest.raises(ModelFileMissing, match=CHARLM_FILES[0]):
        Tagger(broken)


def test_missing_directory_is_named(tmp_path: Path) -> None:
    with pytest.raises(ModelFileMissing, match="nowhere"):
        ModelFiles.locate(tmp_path / "nowhere")


def test_wrong_pretrain_is_refused(model_copy: Path, tmp_path: Path) -> None:
    broken = tmp_path / "swapped"
    shutil.copytree(model_copy, broken)
    with open(broken / PRETRAIN_FILE, "ab") as fh:  # same format, different file
        fh.write(b"\0" * 10)
    with pytest.raises(ModelError, match=PRETRAIN_FILE):
        Tagger(broken)
    (broken / PRETRAIN_FILE).write_text("not a model", encoding="utf-8")
    with pytest.raises(ModelError, match="not a PyTorch model file"):
        Tagger(broken)


def test_resources_without_arabic_is_refused(model_copy: Path, tmp_path: Path) -> None:
    broken = tmp_path / "noar"
    shutil.copytree(model_copy, broken)
    (broken / RESOURCES_FILE).write_text("{}", encoding="utf-8")
    with pytest.raises(ModelError, match="'ar'"):
        Tagger(broken)


def test_env_variable_selects_model_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("NER_AR_MODEL_DIR", str(tmp_path / "elsewhere"))
    assert default_model_dir() == tmp_path / "elsewhere"
    with pytest.raises(ModelFileMissing, match="elsewhere"):
        ModelFiles.locate()


def test_tagger_on_pretokenised_sentences(extractor) -> None:  # type: ignore[no-untyped-def]
    tags = extractor.tagger.tag([["زار", "الرئيس", "الروسي", "فلاديمير", "بوتين", "القاهرة", "."], []])
    assert len(tags) == 2 and len(tags[0]) == 7 and tags[1] == []
    labels = {label for _, _, label in bioes_spans(tags[0])}
    assert "PER" in labels and "LOC" in labels


@pytest.mark.parametrize(("tags", "spans"), [
    (["B-PER", "E-PER", "O", "S-LOC"], [(0, 2, "PER"), (3, 4, "LOC")]),
    (["B-PER", "I-PER", "O"], [(0, 2, "PER")]),
    (["I-ORG", "E-ORG"], [(0, 2, "ORG")]),
    (["B-PER", "B-LOC", "E-LOC"], [(0, 1, "PER"), (1, 3, "LOC")]),
    (["O", "O"], []),
])
def test_bioes_spans(tags: list[str], spans: list[tuple[int, int, str]]) -> None:
    assert bioes_spans(tags) == spans


def test_only_the_packaged_model_skips_the_weights_only_unpickler(
        model_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import torch

    calls: list[tuple[str, object]] = []
    real_load = torch.load

    def spy(f, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append((Path(f).name, kwargs.get("weights_only")))
        return real_load(f, *args, **kwargs)

    monkeypatch.setattr(torch, "load", spy)
    Tagger(model_copy, threads=1)  # a directory outside the package: Stanza's safe loader
    assert calls and all(weights_only is True for _, weights_only in calls)
    calls.clear()
    tagger = Tagger(packaged_model_dir(), threads=1)
    assert {name for name, weights_only in calls if weights_only is False} == {MODEL_FILE, PRETRAIN_FILE}
    assert torch.load is spy  # put back once the pipeline is built
    assert tagger.tag([["زار", "بوتين", "موسكو"]])[0][1:] == ["S-PER", "S-LOC"]
