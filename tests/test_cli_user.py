"""The command line as a new user meets it (issue 13, items 11 and 13-15): every documented command
line parses, ``train`` takes its own options, inputs are checked before the model loads, a
successful run says what it wrote, ``-v`` and ``--threads`` work, no empty graph stands in for
failed documents, and documents come out one group at a time."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from conftest import ROOT, SEED
from test_cli import ner_ar, read_docs

from ner_ar.cli import _train_argv, build_parser
from ner_ar.schema import Document

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def documented_command_lines() -> list[tuple[str, str]]:
    """``(file, command line)`` for every ``ner-ar`` command in a code block of the docs."""
    found: list[tuple[str, str]] = []
    for path in DOCS:
        in_code = False
        pending = ""
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.lstrip().startswith("```"):
                in_code = not in_code
                continue
            if not in_code:
                continue
            line = pending + line.strip()
            pending = ""
            if line.endswith("\\"):
                pending = line[:-1] + " "
                continue
            match = re.search(r"(?:^|\|\s*)(ner-ar\s.*)", line)
            if match:
                command = re.split(r"\s(?:#|>|2>|\|)\s?", match.group(1))[0]
                command = re.sub(r"\[([^\]]*)\]", r"\1", command)  # synopsis: [--option VALUE]
                found.append((path.name, command.strip()))
    return found


COMMANDS = documented_command_lines()


def test_the_docs_have_commands() -> None:
    assert len(COMMANDS) >= 20
    assert ("README.md", "ner-ar train --out models/my_model") in COMMANDS


@pytest.mark.parametrize(("source", "command"), COMMANDS)
def test_every_documented_command_line_parses(source: str, command: str) -> None:
    argv = shlex.split(command)[1:]
    train_argv = _train_argv(argv)
    try:
        if train_argv is not None:
            from ner_ar.training.pipeline import build_parser as train_parser

            train_parser(prog="ner-ar train").parse_args(train_argv)
        else:
            build_parser().parse_args(argv)
    except SystemExit as exc:
        pytest.fail(f"{source}: {command!r} does not parse (exit {exc.code})")


# ---- train -------------------------------------------------------------------------------------

def test_train_help_lists_the_training_options() -> None:
    run = ner_ar("train", "--help")
    assert run.returncode == 0, run.stderr
    assert "usage: ner-ar train" in run.stdout
    for option in ("--out", "--data", "--tiny", "--charlm"):
        assert option in run.stdout


def test_train_options_reach_the_training_parser() -> None:
    """``--out`` used to be refused with 'unrecognized arguments'; now only a wrong option is."""
    run = ner_ar("train", "--out", "models/my_model", "--no-such-option")
    assert run.returncode == 2
    assert "ner-ar train: error: unrecognized arguments: --no-such-option" in run.stderr
    run = ner_ar("-v", "train", "--tiny")
    assert run.returncode == 2 and "--out" in run.stderr and "required" in run.stderr


# ---- extract -----------------------------------------------------------------------------------

def test_inputs_are_checked_before_the_model_loads(tmp_path: Path) -> None:
    """A missing input with a model directory that does not exist: the input is reported (exit 1),
    the model is never looked for (that would be exit 3)."""
    run = ner_ar("extract", tmp_path / "no_such.txt", "--model-dir", tmp_path / "no_model",
                 "--graphml", tmp_path / "g.graphml")
    assert run.returncode == 1, run.stderr
    assert "no_such.txt" in run.stderr and "no_model" not in run.stderr
    assert "nothing written" in run.stderr
    assert not (tmp_path / "g.graphml").exists()


def test_output_that_cannot_be_written_is_a_usage_error_before_loading(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("زار بوتين كوبا.", encoding="utf-8")
    (tmp_path / "file").write_text("", encoding="utf-8")
    run = ner_ar("extract", tmp_path / "a.txt", "--jsonl", tmp_path / "file" / "out.jsonl",
                 "--model-dir", tmp_path / "no_model")
    assert run.returncode == 2, run.stderr
    assert "cannot write" in run.stderr and "no_model" not in run.stderr


@pytest.fixture(scope="module")
def extract_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    base = tmp_path_factory.mktemp("cli-user")
    (base / "seed.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    # Hard-wrapped, with a format character and markup residue: the real-world kinds.
    (base / "wrapped.txt").write_text("التقى الرئيس الروسي فلاديمير\nبوتين الرئيس الكوبي ميغيل دياز "
                                      "كانيل في موسكو\nيوم الجمعة، وقال &quot;بوتين\u200f&quot; إن روسيا "
                                      "تدعم كوبا.\n", encoding="utf-8")
    (base / "empty.txt").write_text("", encoding="utf-8")
    run = ner_ar("extract", "seed.txt", "wrapped.txt", "empty.txt", "-v", "--threads", "2",
                 "--line-breaks", "auto", "--jsonl", "out/docs.jsonl", "--graphml", "out/g.graphml",
                 cwd=base)
    return base, run


def test_extract_says_what_it_wrote(extract_run: tuple[Path, object]) -> None:
    base, run = extract_run
    assert run.returncode == 1  # empty.txt failed, the others were written
    docs = read_docs((base / "out" / "docs.jsonl").read_text(encoding="utf-8"))
    assert [d.id for d in docs] == ["seed.txt", "wrapped.txt"]
    n_ent = sum(len(d.entities) for d in docs)
    n_rel = sum(len(d.relations) for d in docs)
    assert f"2 documents ({n_ent} entities, {n_rel} relations) written to out/docs.jsonl" in run.stderr
    assert re.search(r"graph of \d+ nodes and \d+ edges written to out/g.graphml", run.stderr)
    assert "empty.txt: empty" in run.stderr


def test_verbose_after_the_command_logs_each_document(extract_run: tuple[Path, object]) -> None:
    _, run = extract_run
    assert "INFO" in run.stderr and "extracted seed.txt" in run.stderr
    assert "Traceback" not in run.stderr


def test_real_world_text_through_the_cli(extract_run: tuple[Path, object]) -> None:
    base, _ = extract_run
    doc = read_docs((base / "out" / "docs.jsonl").read_text(encoding="utf-8"))[1]
    assert doc.text == (base / "wrapped.txt").read_text(encoding="utf-8")
    putin = [e for e in doc.entities if e.type.value == "PER" and "بوتين" in e.name]
    assert [e.name for e in putin] == ["فلاديمير بوتين"]
    assert all(doc.text[m.start:m.end] == m.text for e in doc.entities for m in e.mentions)


def test_no_graph_when_every_document_failed(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(" \n", encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"\xff\xfe")
    run = ner_ar("extract", tmp_path, "--graphml", tmp_path / "g.graphml", "--jsonl", tmp_path / "o.jsonl")
    assert run.returncode == 1
    assert not (tmp_path / "g.graphml").exists() and not (tmp_path / "o.jsonl").exists()


def test_text_over_a_million_characters_through_the_cli(tmp_path: Path) -> None:
    """spaCy's E088 used to drop such a file and still write an empty GraphML."""
    text = SEED.read_text(encoding="utf-8") + "\n\n" + "-" * 1_000_000 + "\n"
    (tmp_path / "big.txt").write_text(text, encoding="utf-8")
    run = ner_ar("extract", tmp_path / "big.txt", "--jsonl", tmp_path / "o.jsonl",
                 "--graphml", tmp_path / "g.graphml", "--quiet")
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""  # --quiet: no summary either
    (doc,) = read_docs((tmp_path / "o.jsonl").read_text(encoding="utf-8"))
    assert len(doc.text) > 1_000_000 and len(doc.entities) > 10
    from ner_ar.graph import read_graphml

    assert read_graphml(tmp_path / "g.graphml").number_of_nodes() > 10


@pytest.mark.parametrize("args", [("--threads", "0"), ("--batch-size", "0"), ("--line-breaks", "never")])
def test_bad_extract_options_exit_2(args: tuple[str, ...], tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("زار بوتين كوبا.", encoding="utf-8")
    run = ner_ar("extract", tmp_path / "a.txt", *args)
    assert run.returncode == 2, run.stderr


# ---- documents come out as they are done -------------------------------------------------------

def test_pipe_yields_documents_group_by_group(extractor, seed_text: str) -> None:  # type: ignore[no-untyped-def]
    """The CLI's progress bar advances per document: ``pipe`` hands on each group of documents as
    soon as it is tagged, not after all 32 of a batch. (The tagger is the real one; its calls are
    only counted.)"""
    events: list[str] = []
    tag = extractor.tagger.tag

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        events.append("tag")
        return tag(*args, **kwargs)

    extractor.tagger.tag = counting
    try:
        for doc in extractor.pipe([seed_text] * 8, batch_size=32):
            assert isinstance(doc, Document)
            events.append("doc")
    finally:
        del extractor.tagger.tag
    per_doc = len(seed_text.split("\n\n"))  # about one sentence a paragraph, more in the long ones
    assert per_doc * 8 > extractor.tag_group_sentences
    assert events.count("doc") == 8 and events.count("tag") >= 2
    assert events.index("doc") < len(events) - 1 - events[::-1].index("tag")  # a doc before the last tag
