"""The ``ner-ar`` command line, run for real in subprocesses (``python -m ner_ar.cli``).

Each extracting run loads the model (a few seconds), so the checks are grouped: one run on a
directory of good and bad files writing every output format, one on stdin with a file, one
``graph`` merge of the earlier JSONL, ``info``, a missing model, and usage errors.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import pytest
from conftest import SEED
from fixtures_docs import assert_consistent_types, assert_graphs_equal

from ner_ar.graph import assign_nodes, read, to_networkx
from ner_ar.schema import Document, EntityType, RelationType

SHORT_TEXT = "وصل وزير الدفاع الروسي سيرغي شويغو إلى هافانا، وبحث التعاون بين روسيا وكوبا.\n"


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str


def ner_ar(*args: str | Path, stdin: bytes | None = None, cwd: Path | None = None,
           env: dict[str, str] | None = None, timeout: float = 300) -> Run:
    """Run ``python -m ner_ar.cli ARGS``; stdout and stderr are decoded as UTF-8."""
    proc = subprocess.run([sys.executable, "-m", "ner_ar.cli", *map(str, args)], input=stdin,
                          capture_output=True, cwd=cwd, env={**os.environ, **(env or {})},
                          timeout=timeout, check=False)
    return Run(proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8"))


def read_docs(jsonl: str) -> list[Document]:
    return [Document.model_validate_json(line) for line in jsonl.splitlines() if line.strip()]


def assert_offsets_exact(doc: Document) -> None:
    for ent in doc.entities:
        for m in ent.mentions:
            assert doc.text[m.start:m.end] == m.text, (doc.id, ent.name, m)


# ---- one run on a directory: good files, a non-UTF-8 file, empty files, every output -----------

@dataclass
class DirRun:
    run: Run
    inputs: Path
    out: Path
    good: dict[str, str]  # path as given on the command line -> text
    bad: list[str]


@pytest.fixture(scope="module")
def dir_run(tmp_path_factory: pytest.TempPathFactory) -> DirRun:
    base = tmp_path_factory.mktemp("cli-dir")
    inputs, out = base / "in", base / "out"
    (inputs / "nested" / "deeper").mkdir(parents=True)
    out.mkdir()
    good = {
        "in/seed.txt": SEED.read_text(encoding="utf-8"),
        "in/nested/deeper/short.txt": SHORT_TEXT,
    }
    for rel, text in good.items():
        (base / rel).write_text(text, encoding="utf-8")
    (inputs / "bad.txt").write_bytes("كوبا".encode("cp1256") + b"\xff\xfe")  # Arabic, not UTF-8
    (inputs / "empty.txt").write_bytes(b"")
    (inputs / "nested" / "blank.txt").write_text(" \n\t\n", encoding="utf-8")
    (inputs / "notes.md").write_text("ليس ملفا نصيا مطلوبا", encoding="utf-8")  # not matched by *.txt
    run = ner_ar("extract", "in", "--jsonl", "out/docs.jsonl", "--graphml", "out/g.graphml",
                 "--gexf", "out/g.gexf", "--json", "out/g.json", "--neo4j", "out/neo4j", "--quiet",
                 cwd=base)
    return DirRun(run, inputs, base / "out", good, ["in/bad.txt", "in/empty.txt", "in/nested/blank.txt"])


def test_directory_with_bad_files_writes_the_good_ones_and_exits_1(dir_run: DirRun) -> None:
    run = dir_run.run
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr
    for path in dir_run.bad:
        assert path in run.stderr, f"{path} not named on stderr:\n{run.stderr}"
    assert "not UTF-8" in run.stderr
    assert "notes.md" not in run.stderr
    assert run.stdout == ""  # JSONL went to --jsonl, not stdout
    docs = read_docs((dir_run.out / "docs.jsonl").read_text(encoding="utf-8"))
    assert {d.id: d.text for d in docs} == dir_run.good
    for doc in docs:
        assert_offsets_exact(doc)
        assert Document.model_validate_json(doc.model_dump_json()) == doc


def test_directory_run_writes_every_graph_format(dir_run: DirRun) -> None:
    docs = read_docs((dir_run.out / "docs.jsonl").read_text(encoding="utf-8"))
    expected = to_networkx(docs)
    # plain networkx reads the GraphML, with Arabic labels intact
    G = nx.read_graphml(dir_run.out / "g.graphml")
    assert G.number_of_nodes() == expected.number_of_nodes()
    assert G.number_of_edges() == expected.number_of_edges()
    assert {d["label"] for _, d in G.nodes(data=True)} == {d["label"] for _, d in expected.nodes(data=True)}
    assert "\\u0" not in (dir_run.out / "g.json").read_text(encoding="utf-8")
    for name, fmt in (("g.graphml", "graphml"), ("g.gexf", "gexf"), ("g.json", "json"), ("neo4j", "neo4j")):
        H = read(dir_run.out / name, format=fmt)
        assert_graphs_equal(expected, H, graph_attrs=False)
        assert_consistent_types(H)
    assert sorted(p.name for p in (dir_run.out / "neo4j").iterdir()) == ["nodes.csv", "relationships.csv"]
    # atomic writers leave no temporary files behind
    assert not [p for p in dir_run.out.iterdir() if p.name.startswith(".")]


def test_seed_file_through_the_cli_has_people_and_countries(dir_run: DirRun) -> None:
    """Needs the real model: the placeholder tags almost nothing."""
    docs = {d.id: d for d in read_docs((dir_run.out / "docs.jsonl").read_text(encoding="utf-8"))}
    types = {e.type.value for e in docs["in/seed.txt"].entities}
    assert {"PER", "GPE"} <= types, types


# ---- stdin -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def stdin_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Run, Path]:
    base = tmp_path_factory.mktemp("cli-stdin")
    (base / "short.txt").write_text(SHORT_TEXT, encoding="utf-8")
    # a latin-1 console must not break Arabic JSONL on stdout: JSONL is always UTF-8
    run = ner_ar("extract", "-", "short.txt", stdin=SEED.read_bytes(), cwd=base,
                 env={"PYTHONIOENCODING": "latin-1"})
    (base / "stdin.jsonl").write_text(run.stdout, encoding="utf-8")  # for the graph merge
    return run, base


def test_stdin_and_file_to_stdout(stdin_run: tuple[Run, Path]) -> None:
    run, base = stdin_run
    assert run.returncode == 0, run.stderr
    docs = read_docs(run.stdout)
    assert [d.id for d in docs] == ["stdin", "short.txt"]
    assert docs[0].text == SEED.read_text(encoding="utf-8")
    assert docs[1].text == SHORT_TEXT
    for doc in docs:
        assert_offsets_exact(doc)


def test_stdin_not_utf8_is_reported_and_the_file_still_written(tmp_path: Path) -> None:
    (tmp_path / "short.txt").write_text(SHORT_TEXT, encoding="utf-8")
    run = ner_ar("extract", "short.txt", "-", stdin="كوبا".encode("cp1256"), cwd=tmp_path)
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr
    assert "<stdin>" in run.stderr and "not UTF-8" in run.stderr
    assert [d.id for d in read_docs(run.stdout)] == ["short.txt"]


# ---- graph: merge earlier extractions ----------------------------------------------------------

def test_graph_merges_earlier_jsonl_into_one_corpus_graph(dir_run: DirRun, stdin_run: tuple[Run, Path],
                                                          tmp_path: Path) -> None:
    first, second = dir_run.out / "docs.jsonl", stdin_run[1] / "stdin.jsonl"
    run = ner_ar("graph", first, second, "--graphml", tmp_path / "corpus.graphml",
                 "--json", tmp_path / "corpus.json")
    assert run.returncode == 0, run.stderr
    docs = read_docs(first.read_text(encoding="utf-8")) + read_docs(second.read_text(encoding="utf-8"))
    assert [d.id for d in docs] == ["in/nested/deeper/short.txt", "in/seed.txt", "stdin", "short.txt"]
    expected = to_networkx(docs)
    assert expected.graph["doc_count"] == 4
    for name in ("corpus.graphml", "corpus.json"):
        assert_graphs_equal(expected, read(tmp_path / name))
    G = nx.read_graphml(tmp_path / "corpus.graphml")
    assert G.number_of_nodes() == expected.number_of_nodes()
    assert G.number_of_edges() == expected.number_of_edges()
    # the seed article is in both files: each of its entities is one node seen in both documents
    seed_nodes = set(assign_nodes(docs[1]).pop().values())
    assert seed_nodes, "no entity found in the seed article"
    per_doc = assign_nodes(docs)
    for node in seed_nodes:
        assert G.nodes[node]["doc_count"] == sum(node in ids.values() for ids in per_doc) >= 2, node


def test_graph_bad_inputs_and_missing_output(tmp_path: Path) -> None:
    (tmp_path / "garbage.jsonl").write_text('{"not": "a document"}\n', encoding="utf-8")
    run = ner_ar("graph", tmp_path / "garbage.jsonl", tmp_path / "missing.jsonl",
                 "--graphml", tmp_path / "g.graphml")
    assert run.returncode == 1, run.stderr
    assert "garbage.jsonl:1" in run.stderr and "missing.jsonl" in run.stderr
    assert "Traceback" not in run.stderr
    # No documents: no graph file (an empty one would pass for a result).
    assert not (tmp_path / "g.graphml").exists() and "no documents" in run.stderr
    run = ner_ar("graph", tmp_path / "garbage.jsonl")  # no output named: a usage error
    assert run.returncode == 2
    assert "--graphml" in run.stderr


# ---- info, model errors, usage errors ----------------------------------------------------------

def test_info_prints_json_with_types() -> None:
    run = ner_ar("info")
    assert run.returncode == 0, run.stderr
    info = json.loads(run.stdout)
    assert info["entity_types"] == [t.value for t in EntityType]
    assert set(info["entity_types"]) == {"PER", "ORG", "GPE", "LOC", "FAC", "MISC"}
    assert info["relation_types"] == [r.value for r in RelationType]
    assert {"employee_of", "cooperates_with"} <= set(info["relation_types"])
    assert info["model"] == "ar_ner_base"
    assert Path(info["model_dir"]).is_dir()
    for key in ("ner_ar", "stanza", "spacy", "torch"):
        assert info[key]


def test_missing_model_dir_exits_3_naming_the_path(tmp_path: Path) -> None:
    missing = tmp_path / "no_such_model"
    (tmp_path / "a.txt").write_text(SHORT_TEXT, encoding="utf-8")
    run = ner_ar("extract", tmp_path / "a.txt", "--model-dir", missing, "--jsonl", tmp_path / "out.jsonl")
    assert run.returncode == 3
    assert str(missing) in run.stderr
    assert "Traceback" not in run.stderr
    assert not (tmp_path / "out.jsonl").exists()
    # the environment variable is honoured the same way
    run = ner_ar("info", env={"NER_AR_MODEL_DIR": str(missing)})
    assert run.returncode == 3
    assert str(missing) in json.loads(run.stdout)["model_error"]


@pytest.mark.parametrize("args", [
    (),                                   # no command
    ("extract",),                         # no input
    ("frobnicate",),                      # unknown command
    ("extract", "-", "--batch-size", "many"),
])
def test_usage_errors_exit_2(args: tuple[str, ...]) -> None:
    run = ner_ar(*args, stdin=b"")
    assert run.returncode == 2, (run.stdout, run.stderr)
    assert "usage:" in run.stderr
    assert run.stdout == ""


def test_graph_skips_a_bad_line_and_reads_the_rest(tmp_path, seed_doc, capsys) -> None:  # type: ignore[no-untyped-def]
    import networkx as nx

    from ner_ar.cli import main

    one = seed_doc.model_copy(update={"id": "one"}).model_dump_json()
    two = seed_doc.model_copy(update={"id": "two", "text": seed_doc.text + " "}).model_dump_json()
    src = tmp_path / "mixed.jsonl"
    src.write_text("not json\n" + one + "\n{\"oops\": 1}\n" + two + "\n" + one + "\n", encoding="utf-8")
    out = tmp_path / "g.graphml"
    assert main(["graph", str(src), "--graphml", str(out)]) == 1
    err = capsys.readouterr().err
    assert f"{src}:1" in err and f"{src}:3" in err and "read before" in err
    graph = nx.read_graphml(out)
    assert {d for _, _, data in graph.edges(data=True) for d in str(data.get("doc_ids", "")).split("|") if d} \
        >= {"one", "two"} or graph.number_of_nodes() > 0


def test_no_input_file_is_a_usage_error_naming_the_pattern(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    from ner_ar.cli import main

    assert main(["extract", str(tmp_path), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "no input files found" in err and "'*.txt'" in err and str(tmp_path) in err
