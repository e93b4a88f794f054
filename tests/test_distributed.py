"""Distributed corpus runs on a real Dask ``LocalCluster`` (2 worker processes, the real model).

30 ANT articles (lines 25000-25029 of the multi-source corpus) written into files, plus one file
that is not UTF-8. One cluster serves the whole module; the command-line test starts its own
with ``--workers 2`` and then reuses the module's with ``--scheduler``. Every run is compared
document for document with the single-process ``Extractor.pipe`` (what ``ner-ar extract`` does).
"""

from __future__ import annotations

import contextlib
import json
import lzma
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

import distributed
import pytest
from conftest import SHARED_DATA
from fixtures_docs import assert_graphs_equal

from ner_ar.cli import main
from ner_ar.distributed import (
    ERRORS,
    MANIFEST,
    SHARDS,
    expand_outputs,
    extract_corpus,
    local_cluster,
    output_shards,
    read_output,
)
from ner_ar.graph import read, to_networkx
from ner_ar.schema import Document

ANT_MULTI = SHARED_DATA / "text" / "ant_multisource" / "ant_multisource.txt.xz"
FIRST_LINE, N_ARTICLES = 25000, 30  # 1-based line numbers, as sed counts them
BAD = "in/bad.txt"


@contextlib.contextmanager
def cwd(path: Path) -> Iterator[None]:
    old = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


@dataclass
class Corpus:
    base: Path
    names: list[str]   # good files, relative to base, in the order ner-ar extract reads them
    texts: list[str]
    reference: list[Document]  # the single-process run


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, shared_data: Path, extractor: Any) -> Corpus:
    base = tmp_path_factory.mktemp("dist")
    with lzma.open(ANT_MULTI, "rt", encoding="utf-8") as fh:
        texts = [line.rstrip("\n") + "\n" for line in islice(fh, FIRST_LINE - 1, FIRST_LINE - 1 + N_ARTICLES)]
    assert len(texts) == N_ARTICLES and all(t.strip() for t in texts)
    # two folders, so that the order is the recursive sorted walk of ner-ar extract
    names = [f"in/{'a' if i < 20 else 'b/c'}/ant{i:02d}.txt" for i in range(N_ARTICLES)]
    for name, text in zip(names, texts, strict=True):
        (base / name).parent.mkdir(parents=True, exist_ok=True)
        (base / name).write_text(text, encoding="utf-8")
    (base / BAD).write_bytes("كوبا".encode("cp1256") + b"\xff\xfe")  # Arabic, not UTF-8
    reference = list(extractor.pipe(texts, batch_size=32, doc_ids=names, on_error="skip"))
    assert [d.id for d in reference] == names
    return Corpus(base, names, texts, reference)


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    with local_cluster(2) as cluster, distributed.Client(cluster) as c:  # 2 processes x 1 thread
        yield c


def shard_lines(out: Path) -> list[str]:
    return [line for shard in output_shards(out)[0]
            for line in shard.read_text(encoding="utf-8").splitlines() if line.strip()]


def error_rows(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / ERRORS).read_text(encoding="utf-8").splitlines()]


def assert_same_as_reference(out: Path, corpus: Corpus) -> None:
    """Byte for byte the JSONL lines a single-process run writes, in the same order."""
    lines = shard_lines(out)
    assert [Document.model_validate_json(line).id for line in lines] == corpus.names
    assert lines == [d.model_dump_json() for d in corpus.reference]


# ---- one run through the Python API, then reruns ----------------------------------------------

@dataclass
class ApiRun:
    out: Path
    report: Any
    reported: list[dict[str, Any]] = field(default_factory=list)


@pytest.fixture(scope="module")
def api_run(corpus: Corpus, client: Any) -> ApiRun:
    run = ApiRun(corpus.base / "out-api", None)
    with cwd(corpus.base):  # relative inputs: workers get absolute paths, ids stay as given
        run.report = extract_corpus(["in"], "out-api", client, partition_size=4, on_error=run.reported.append)
    return run


def test_same_documents_as_single_process(api_run: ApiRun, corpus: Corpus) -> None:
    report = api_run.report
    assert (report.partitions, report.ran, report.skipped, report.failed) == (8, 8, 0, [])  # 31 inputs / 4
    assert (report.documents, report.written, report.errors) == (31, 30, 1)
    assert_same_as_reference(api_run.out, corpus)
    assert list(read_output(api_run.out)) == corpus.reference
    manifest = json.loads((api_run.out / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["complete"] and manifest["written"] == 30 and manifest["errors"] == 1
    parts = manifest["partitions"]
    assert [p["status"] for p in parts] == ["done"] * 8
    assert sum(p["written"] + p["errors"] for p in parts) == 31  # nothing dropped silently
    assert sorted(p.name for p in (api_run.out / SHARDS).iterdir()) == [f"part-{i:05d}.jsonl" for i in range(8)]
    assert len({p["worker"] for p in parts}) == 2  # both workers took partitions


def test_undecodable_file_is_in_the_errors_file_and_not_in_the_shards(api_run: ApiRun) -> None:
    rows = error_rows(api_run.out)
    assert len(rows) == 1
    assert rows[0]["id"] == rows[0]["source"] == BAD
    assert rows[0]["reason"].startswith("not UTF-8 text")
    assert rows[0]["partition"] == 7  # in/bad.txt comes after in/a/ and in/b/c/: the last input
    assert api_run.reported == rows
    assert BAD not in {Document.model_validate_json(line).id for line in shard_lines(api_run.out)}


def test_rerun_skips_everything_and_a_lost_shard_is_redone(api_run: ApiRun, corpus: Corpus, client: Any) -> None:
    out = api_run.out
    before = {p.name: p.stat().st_mtime_ns for p in (out / SHARDS).iterdir()}
    finished: list[dict[str, Any]] = []
    with cwd(corpus.base):
        again = extract_corpus(["in"], "out-api", client, partition_size=4, on_partition=finished.append)
    assert (again.partitions, again.ran, again.skipped, again.written, again.errors) == (8, 0, 8, 30, 1)
    assert finished == []
    assert {p.name: p.stat().st_mtime_ns for p in (out / SHARDS).iterdir()} == before
    assert error_rows(out) == api_run.reported  # the earlier failure is still listed
    assert_same_as_reference(out, corpus)

    (out / SHARDS / "part-00003.jsonl").unlink()
    with cwd(corpus.base):
        third = extract_corpus(["in"], "out-api", client, partition_size=4, on_partition=finished.append)
    assert (third.ran, third.skipped) == (1, 7)
    assert [r["index"] for r in finished] == [3]
    assert_same_as_reference(out, corpus)
    assert len(error_rows(out)) == 1


# ---- a worker killed in the middle of a run ----------------------------------------------------

def test_a_worker_killed_mid_run_loses_no_document(corpus: Corpus, client: Any) -> None:
    killed: dict[str, Any] = {}

    def kill_busy_worker(result: dict[str, Any]) -> None:
        if killed:
            return
        processing = client.processing()
        address = max(processing, key=lambda a: len(processing[a]))
        assert processing[address], processing
        pids = client.run(os.getpid)
        killed.update(address=address, pid=pids[address], keys=set(processing[address]))
        os.kill(pids[address], signal.SIGKILL)

    with cwd(corpus.base):
        report = extract_corpus(["in"], "out-kill", client, partition_size=2, on_partition=kill_busy_worker)
    assert killed, "no partition finished"
    assert (report.partitions, report.failed, report.written, report.errors) == (16, [], 30, 1)
    assert_same_as_reference(corpus.base / "out-kill", corpus)
    # the partitions the dead worker held were run again elsewhere (a restarted worker has a new address)
    parts = json.loads((corpus.base / "out-kill" / MANIFEST).read_text(encoding="utf-8"))["partitions"]
    held = [p for p in parts if any(k.startswith(f"ner_ar-{p['index']:05d}-") for k in killed["keys"])]
    assert held and any(p["worker"] != killed["address"] for p in held)
    client.wait_for_workers(2, timeout=120)
    assert killed["pid"] not in client.run(os.getpid).values()


# ---- a partition whose task fails -------------------------------------------------------------

def test_a_failed_partition_is_listed_and_a_rerun_finishes_it(corpus: Corpus, client: Any) -> None:
    (corpus.base / "empty.jsonl").write_text("\n", encoding="utf-8")  # a JSONL input without records
    blocker = corpus.base / "out-fail" / SHARDS / "part-00002.jsonl"

    def take_the_shards_place(row: dict[str, Any]) -> None:  # called before any task starts
        blocker.mkdir(parents=True, exist_ok=True)  # the shard cannot be written: the task fails

    with cwd(corpus.base):
        report = extract_corpus(["in/a", "empty.jsonl"], "out-fail", client, text_field="body",
                                partition_size=5, on_error=take_the_shards_place)
    assert (report.partitions, report.failed, report.written, report.errors) == (4, [2], 15, 6)
    rows = error_rows(corpus.base / "out-fail")
    assert rows[0] == {"id": "empty.jsonl", "source": "empty.jsonl", "partition": None, "reason": "no records"}
    assert [r["id"] for r in rows[1:]] == corpus.names[10:15]
    assert all(r["partition"] == 2 and r["reason"].startswith("partition failed: IsADirectoryError")
               for r in rows[1:])
    shards, problems = output_shards(corpus.base / "out-fail")
    assert len(shards) == 3 and problems and "1 of 4 partitions not done" in problems[0]

    blocker.rmdir()
    with cwd(corpus.base):
        again = extract_corpus(["in/a", "empty.jsonl"], "out-fail", client, text_field="body", partition_size=5)
    assert (again.ran, again.skipped, again.failed, again.written, again.errors) == (1, 3, [], 20, 1)
    assert list(read_output(corpus.base / "out-fail")) == corpus.reference[:20]
    assert error_rows(corpus.base / "out-fail") == rows[:1]


# ---- JSONL input --------------------------------------------------------------------------------

def test_jsonl_input_with_ids_and_bad_records(corpus: Corpus, client: Any, extractor: Any) -> None:
    src = corpus.base / "records.jsonl"
    texts = corpus.texts[:9]
    lines = [json.dumps({"id": f"ant-{i}", "body": t}, ensure_ascii=False) for i, t in enumerate(texts[:8])]
    lines += ["", '{"id": "broken", "body": ',                          # line 9 blank, 10 not JSON
              json.dumps({"id": "no-body", "title": "x"}),              # 11: no text field
              json.dumps({"body": texts[8]}, ensure_ascii=False),        # 12: no id -> file:line
              json.dumps({"id": 7, "body": "   "})]                      # 13: empty text
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    reported: list[dict[str, Any]] = []
    with cwd(corpus.base):
        report = extract_corpus(["records.jsonl", "in/a/ant00.txt"], "out-jsonl", client, text_field="body",
                                partition_size=4, on_error=reported.append)
    ids = [f"ant-{i}" for i in range(8)] + ["records.jsonl:12", "in/a/ant00.txt"]
    expected = list(extractor.pipe([*texts, corpus.texts[0]], doc_ids=ids))
    assert (report.documents, report.written, report.errors, report.partitions) == (13, 10, 3, 4)
    assert list(read_output(corpus.base / "out-jsonl")) == expected
    assert expected[-1] == corpus.reference[0]
    rows = {r["source"]: (r["id"], r["reason"]) for r in error_rows(corpus.base / "out-jsonl")}
    assert rows.keys() == {"records.jsonl:10", "records.jsonl:11", "records.jsonl:13"}
    assert rows["records.jsonl:10"][1].startswith("not JSON")
    assert rows["records.jsonl:11"] == ("no-body", "no text field 'body'")
    assert rows["records.jsonl:13"] == ("7", "empty")
    assert sorted(r["source"] for r in reported) == sorted(rows)


# ---- the command line ---------------------------------------------------------------------------

def ner_ar(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ner_ar.cli", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, encoding="utf-8", timeout=600, check=False)


def test_cli_workers_graph_and_rerun_on_a_running_scheduler(corpus: Corpus, client: Any) -> None:
    base = corpus.base
    run = ner_ar("extract", "in", "--jsonl", "out-cli", "--workers", "2", "--partition-size", "8",
                 "--graphml", "out-cli.graphml", "--quiet", cwd=base)
    assert run.returncode == 1, run.stderr  # one input failed, the others were written
    assert "Traceback" not in run.stderr
    assert f"skipped {BAD}: not UTF-8 text" in run.stderr
    assert f"{BAD}" in (base / "out-cli" / ERRORS).read_text(encoding="utf-8")
    assert_same_as_reference(base / "out-cli", corpus)
    expected = to_networkx(corpus.reference)
    assert_graphs_equal(expected, read(base / "out-cli.graphml"))

    run = ner_ar("graph", "out-cli", "--json", "corpus.json", cwd=base)  # the directory: its shards
    assert run.returncode == 0, run.stderr
    assert_graphs_equal(expected, read(base / "corpus.json"))

    run = ner_ar("extract", "in", "--jsonl", "out-cli", "--scheduler", client.scheduler.address,
                 "--partition-size", "8", "--quiet", cwd=base)
    assert run.returncode == 1, run.stderr  # the failure recorded in the output still counts
    assert "all 4 partitions already done" in run.stderr
    assert "1 failed" in run.stderr and "30 of 31 documents written" in run.stderr
    assert_same_as_reference(base / "out-cli", corpus)
    assert "note:" not in run.stderr

    # 31 documents in one default partition of 100: one of the two workers idles, and the user is told
    run = ner_ar("extract", "in", "--jsonl", "out-small", "--scheduler", client.scheduler.address, cwd=base)
    assert "note: 1 partition(s) of up to 100 documents for 2 workers" in run.stderr, run.stderr
    assert "--partition-size" in run.stderr


def test_graph_of_an_unfinished_directory_says_what_is_missing(api_run: ApiRun, tmp_path: Path) -> None:
    manifest = json.loads((api_run.out / MANIFEST).read_text(encoding="utf-8"))
    manifest["partitions"][5]["status"] = "pending"
    (tmp_path / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    (tmp_path / SHARDS).symlink_to(api_run.out / SHARDS)
    shards, problems = output_shards(tmp_path)
    assert [s.name for s in shards] == [f"part-{i:05d}.jsonl" for i in range(8) if i != 5]
    assert problems == [f"{tmp_path}: 1 of 8 partitions not done (rerun the same extract command to finish them)"]
    given = [str(tmp_path / "nowhere.jsonl"), str(api_run.out / SHARDS / "part-00000.jsonl")]
    assert expand_outputs(given) == (given, [])  # files pass through; read_jsonl reports a missing one
    files, problems = expand_outputs([str(api_run.out / SHARDS)])  # a directory without a manifest
    assert files == [] and "no manifest.json" in problems[0]


@pytest.mark.parametrize(("args", "message"), [
    (["extract", "a.txt", "--workers", "2"], "give --jsonl DIR"),
    (["extract", "a.txt", "--jsonl", "out", "--jsonl-input", "text"], "add --workers N or --scheduler"),
    (["extract", "-", "--jsonl", "out", "--workers", "2"], "standard input"),
    (["extract", "a.txt", "--jsonl", "out", "--workers", "2", "--scheduler", "tcp://127.0.0.1:1"], "not both"),
    (["extract", "a.txt", "--jsonl", "out", "--workers", "0"], "at least 1"),
])
def test_usage_errors_exit_2_before_any_cluster_starts(args: list[str], message: str, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    with cwd(tmp_path):
        assert main(args) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_missing_dask_says_what_to_install(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("زار لافروف كوبا.\n", encoding="utf-8")
    code = ("import sys; sys.modules['distributed'] = None; from ner_ar.cli import main; "
            "sys.exit(main(['extract', 'a.txt', '--jsonl', 'out', '--workers', '2']))")
    run = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                         timeout=120, check=False)
    assert run.returncode == 2
    assert "pip install 'ner_ar[dask]'" in run.stderr
    assert "Traceback" not in run.stderr


# ---- the user's gazetteer and rules reach every worker ------------------------------------------

USER = Path(__file__).parent / "data" / "user"
USER_TEXTS = ["وقعت شركة النسيم للتقنية عقدا مع وزارة الصحة.\n",
              "وصل الوزير إلى مطار قرطاج الدولي صباح اليوم، واستقبله سليم الورداني.\n"]


def test_user_gazetteer_rules_and_extractor_options_on_the_workers(corpus: Corpus, client: Any) -> None:
    from ner_ar import Extractor

    base = corpus.base / "user"
    names = []
    for i, text in enumerate([*USER_TEXTS, *corpus.texts[:4]]):
        (base / f"u{i}.txt").parent.mkdir(exist_ok=True)
        (base / f"u{i}.txt").write_text(text, encoding="utf-8")
        names.append(str(base / f"u{i}.txt"))
    user = {"gazetteer": [USER / "entities.tsv"], "rules": [USER / "rules.yaml"]}
    options = {"max_sentence_tokens": 20}  # any Extractor keyword; this one cuts long sentences
    report = extract_corpus([str(base)], base / "out", client, partition_size=3, extractor_options=options,
                            **user)
    assert (report.partitions, report.written, report.errors) == (2, 6, 0)
    expected = list(Extractor(**user, **options).pipe([Path(n).read_text(encoding="utf-8") for n in names],
                                                      doc_ids=names))
    docs = list(read_output(base / "out"))
    assert docs == expected
    assert "local:naseem" in {e.kb_id for e in docs[0].entities}
    assert "user.contract_with" in {r.rule for r in docs[0].relations}
    assert len(docs[2].sentences) > len(corpus.reference[0].sentences)  # the option reached the workers


def test_a_changed_option_or_input_changes_the_fingerprints(corpus: Corpus, tmp_path: Path) -> None:
    from ner_ar.distributed import WorkerOptions, plan_partitions

    with cwd(corpus.base):
        plain, _ = plan_partitions(["in"], WorkerOptions("m"), partition_size=4)
        again, _ = plan_partitions(["in"], WorkerOptions("m", threads=2, batch_size=8), partition_size=4)
        rules = tmp_path / "rules.yaml"
        rules.write_bytes((USER / "rules.yaml").read_bytes())
        user, _ = plan_partitions(["in"], WorkerOptions("m", rules=(str(rules),)), partition_size=4)
        rules.write_bytes((USER / "rules.yaml").read_bytes() + b"\n# edited\n")
        edited, _ = plan_partitions(["in"], WorkerOptions("m", rules=(str(rules),)), partition_size=4)
    assert [p.key for p in plain] == [p.key for p in again]  # threads and batch size change nothing
    assert len({p.key for p in plain} | {p.key for p in user} | {p.key for p in edited}) == 3 * len(plain)
    assert [p.sources() for p in plain][0] == [f"in/a/ant{i:02d}.txt" for i in range(4)]
