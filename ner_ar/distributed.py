"""Corpus runs on a Dask cluster: resumable, one JSONL shard per partition, nothing lost.

    from distributed import Client
    from ner_ar.distributed import extract_corpus, local_cluster, read_output

    with local_cluster(2) as cluster, Client(cluster) as client:   # or Client("tcp://host:8786")
        report = extract_corpus(["news/"], "out/news", client)
    docs = list(read_output("out/news"))

or on the command line ``ner-ar extract news/ --jsonl out/news --workers 2`` (a local cluster) or
``--scheduler tcp://host:8786`` (an existing one).

The driver lists the inputs and cuts them into partitions of ``partition_size`` documents, in
input order; each partition is one Dask task. A worker reads its partition's inputs itself (so a
real cluster needs the inputs on storage every worker sees, at the same path), runs the
``Extractor`` it loaded once (``ExtractorPlugin``), and writes ``OUT/shards/part-NNNNN.jsonl``
(one ``Document`` per line, atomically). The output directory holds:

- ``manifest.json``: the options, and per partition its shard, fingerprint, status
  (``done``/``failed``/``pending``), documents planned, written and failed, the worker that ran it;
- ``shards/part-NNNNN.jsonl``: the documents; concatenated in partition order they are exactly
  what ``ner-ar extract`` writes in one process;
- ``errors.jsonl``: one line ``{"id", "source", "partition", "reason"}`` per document that could
  not be read or extracted (a failed document never sinks its partition); a partition whose task
  failed outright (it raised again when retried, or its workers died more often than Dask's
  ``allowed-failures``) lists its inputs there too, and a rerun runs it again.

A rerun with the same output directory skips every partition the manifest records as done with
the same fingerprint (same inputs, same sizes and modification times, same model and options).

Importing this module does not import Dask or torch: ``ner-ar graph OUT`` reads the output with
``output_shards`` alone. Dask comes with the ``dask`` extra (``pip install "ner_ar[dask]"``).
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import logging
import os
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ner_ar import __version__
from ner_ar.schema import Document

if TYPE_CHECKING:
    from distributed import Client

    from ner_ar.extractor import Extractor

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"
ERRORS = "errors.jsonl"
SHARDS = "shards"
FORMAT = "ner_ar-shards/1"
DEFAULT_PARTITION_SIZE = 100
MISSING_DASK = ("--workers and --scheduler need Dask, which is not installed here: "
                "pip install 'ner_ar[dask]' (or: pip install 'dask[distributed]')")

ErrorRow = dict[str, Any]
"""``{"id": str | None, "source": str, "partition": int | None, "reason": str}``."""


def _require_dask() -> None:
    try:
        import distributed  # noqa: F401
    except ImportError as exc:
        raise ImportError(MISSING_DASK) from exc


# ---- the plan: inputs cut into partitions ------------------------------------------------------

@dataclass(frozen=True)
class TextFile:
    """One text file, one document; its id is ``name``, the path as given."""

    name: str
    path: str
    """Absolute: workers do not share the driver's working directory."""
    stamp: tuple[int, int]
    """``(size, mtime_ns)`` when planned, ``(-1, -1)`` if it could not be read."""

    documents = 1

    def fingerprint(self) -> list[object]:
        return ["file", self.name, self.path, *self.stamp]


@dataclass(frozen=True)
class JsonlRange:
    """Lines ``[start, end)`` (bytes) of a JSONL file: ``documents`` non-blank records."""

    name: str
    path: str
    start: int
    end: int
    first_line: int
    last_line: int
    """1-based numbers of the first and last non-blank lines of the range."""
    documents: int
    digest: str
    """SHA-1 of the bytes of the range: an edited record changes the fingerprint."""

    def fingerprint(self) -> list[object]:
        return ["jsonl", self.name, self.path, self.start, self.end, self.first_line, self.last_line,
                self.digest]


Piece = TextFile | JsonlRange


@dataclass(frozen=True)
class Partition:
    """One Dask task: consecutive pieces holding ``documents`` documents in input order."""

    index: int
    pieces: tuple[Piece, ...]
    key: str
    """Fingerprint of the pieces and of the options that change the output (16 hex digits)."""

    @property
    def documents(self) -> int:
        return sum(p.documents for p in self.pieces)

    @property
    def shard(self) -> str:
        return f"part-{self.index:05d}.jsonl"

    def sources(self) -> list[str]:
        """What the partition reads, as the user named it (``file`` or ``file.jsonl:L1-L2``)."""
        return [p.name if isinstance(p, TextFile) else f"{p.name}:{p.first_line}-{p.last_line}"
                for p in self.pieces]


@dataclass(frozen=True)
class WorkerOptions:
    """What a worker needs besides its partition (paths absolute)."""

    model_dir: str
    threads: int = 1
    batch_size: int = 32
    text_field: str | None = None
    id_field: str = "id"
    gazetteer: tuple[str, ...] = ()
    """The user's gazetteer files (``Extractor(gazetteer=...)``)."""
    rules: tuple[str, ...] = ()
    """The user's rule files (``Extractor(rules=...)``)."""
    extra: tuple[tuple[str, Any], ...] = ()
    """Further ``Extractor`` keyword arguments, as ``(name, value)`` pairs."""

    @property
    def extractor_key(self) -> tuple[object, ...]:
        """What makes one worker's ``Extractor``."""
        return (self.model_dir, self.threads, self.gazetteer, self.rules, self.extra)

    def fingerprint(self) -> list[object]:
        # batch size and threads do not change the documents; the user's files do, by content
        return [__version__, self.model_dir, self.text_field, self.id_field,
                [[p, _digest(p)] for p in (*self.gazetteer, *self.rules)],
                [[k, repr(v)] for k, v in self.extra]]


def _digest(path: str) -> str:
    try:
        return hashlib.sha1(Path(path).read_bytes()).hexdigest()
    except OSError:
        return ""


def _stamp(path: Path) -> tuple[int, int]:
    try:
        st = path.stat()
    except OSError:
        return (-1, -1)
    return (st.st_size, st.st_mtime_ns)


def plan_partitions(paths: Sequence[str], options: WorkerOptions, *, glob: str = "*.txt",
                    partition_size: int = DEFAULT_PARTITION_SIZE) -> tuple[list[Partition], list[ErrorRow]]:
    """Cut the inputs into partitions of at most ``partition_size`` documents, in input order.

    ``paths`` are files and directories (searched recursively for ``glob``) as ``ner-ar extract``
    takes them; with ``options.text_field`` set, files whose name ends in ``.jsonl`` are read as
    one document per non-blank line. Returns the partitions and the inputs that hold no document
    at all (an unreadable or empty JSONL file), as error rows with ``partition=None``.
    Raises ``ValueError`` for ``-`` (standard input cannot be read by workers) or a size below 1.
    """
    from ner_ar.cli import iter_inputs

    if partition_size < 1:
        raise ValueError(f"partition_size must be at least 1, got {partition_size}")
    groups: list[list[Piece]] = [[]]
    counts = [0]
    errors: list[ErrorRow] = []

    def push(piece: Piece) -> None:
        groups[-1].append(piece)
        counts[-1] += piece.documents
        if counts[-1] >= partition_size:
            groups.append([])
            counts.append(0)

    for name in iter_inputs(paths, glob):
        if name == "-":
            raise ValueError("standard input ('-') cannot be read by Dask workers: give files or directories")
        path = Path(name).absolute()
        if options.text_field is not None and name.endswith(".jsonl"):
            try:
                found = _scan_jsonl(name, path, lambda: partition_size - counts[-1], push)
            except OSError as exc:
                errors.append({"id": name, "source": name, "partition": None,
                               "reason": f"cannot read ({exc.strerror or exc})"})
                continue
            if not found:
                errors.append({"id": name, "source": name, "partition": None, "reason": "no records"})
        else:
            push(TextFile(name, str(path), _stamp(path)))
    if not groups[-1]:
        groups.pop()
    head = json.dumps(options.fingerprint())
    partitions = []
    for index, pieces in enumerate(groups):
        body = json.dumps([head, [p.fingerprint() for p in pieces]], ensure_ascii=False)
        key = hashlib.sha256(body.encode("utf-8", "surrogateescape")).hexdigest()[:16]
        partitions.append(Partition(index, tuple(pieces), key))
    return partitions, errors


def _scan_jsonl(name: str, path: Path, room: Callable[[], int], push: Callable[[Piece], None]) -> int:
    """Split one JSONL file into ranges that fill the current partition; returns its records."""
    total = 0
    with open(path, "rb") as fh:
        offset = start = first = last = count = 0
        digest = hashlib.sha1()
        for line_no, raw in enumerate(fh, 1):
            if raw.strip():
                if count == 0:
                    start, first, digest = offset, line_no, hashlib.sha1()
                count += 1
                last = line_no
            offset += len(raw)
            if count:
                digest.update(raw)
                if count >= room():
                    push(JsonlRange(name, str(path), start, offset, first, last, count, digest.hexdigest()))
                    total += count
                    count = 0
        if count:
            push(JsonlRange(name, str(path), start, offset, first, last, count, digest.hexdigest()))
            total += count
    return total


# ---- on a worker: the model, loaded once per process -------------------------------------------

_EXTRACTORS: dict[tuple[object, ...], Extractor] = {}
_TIMES: dict[str, float] = {}
_LOCK = threading.Lock()


def cached_extractor(options: WorkerOptions) -> Extractor:
    """This process's ``Extractor`` for ``options``, loaded on first use.

    One is kept per process: loading another configuration frees the previous one. Raises
    ``ModelError`` or ``UserDataError`` as ``Extractor`` does.
    """
    key = options.extractor_key
    with _LOCK:
        if key not in _EXTRACTORS:
            _EXTRACTORS.clear()
            gc.collect()
            t0 = time.perf_counter()
            from ner_ar.extractor import Extractor  # torch, Stanza, spaCy: the first time only

            t1 = time.perf_counter()
            user: dict[str, Any] = dict(options.extra)
            if options.gazetteer:
                user["gazetteer"] = list(options.gazetteer)
            if options.rules:
                user["rules"] = list(options.rules)
            _EXTRACTORS[key] = Extractor(options.model_dir, threads=options.threads, **user)
            _TIMES.setdefault("import_seconds", t1 - t0)
            _TIMES["load_seconds"] = time.perf_counter() - t1
        return _EXTRACTORS[key]


def worker_info() -> dict[str, Any]:
    """This process's pid, memory (``rss_mb``, ``max_rss_mb``), CPU seconds so far, torch
    threads, and the seconds the first model import and the last model load took
    (``client.run(worker_info)``)."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    info: dict[str, Any] = {"pid": os.getpid(), **_TIMES, "max_rss_mb": usage.ru_maxrss / 1024,
                            "cpu_seconds": usage.ru_utime + usage.ru_stime}
    try:
        import psutil

        info["rss_mb"] = psutil.Process().memory_info().rss / 2**20
    except ImportError:  # psutil comes with distributed; keep this callable without it
        pass
    if "torch" in sys.modules:
        info["torch_threads"] = sys.modules["torch"].get_num_threads()
    return info


def check_user_data(options: WorkerOptions) -> None:
    """Load the user's gazetteer and rule files here, before any worker does: a bad file raises
    ``ner_ar.errors.UserDataError`` (file and line) on the driver, not as a failed plugin."""
    if not options.gazetteer and not options.rules:
        return
    try:  # the loaders the Extractor uses, without loading the model
        from ner_ar.gazetteer.user import UserGazetteer
        from ner_ar.relations.engine import load_engine
    except ImportError:  # moved: the workers still check the files when they load them
        return
    if options.gazetteer:
        UserGazetteer.from_files(options.gazetteer)
    if options.rules:
        load_engine(options.rules)


def extractor_plugin(options: WorkerOptions) -> Any:
    """A ``distributed.WorkerPlugin`` that loads the model once on every worker, also on workers
    that join or restart later (``ner_ar.dask_plugin.ExtractorPlugin``; needs Dask)."""
    from ner_ar.dask_plugin import ExtractorPlugin

    return ExtractorPlugin(options)


def _read_text(piece: TextFile) -> str:
    """The text of one file, as ``ner-ar extract`` reads it; ``ValueError`` says why not.

    Raises ``FileNotFoundError`` (the task fails, Dask retries it, a rerun too) for a file the
    driver saw that this worker cannot: the inputs are not on storage it shares.
    """
    try:
        data = Path(piece.path).read_bytes()
    except FileNotFoundError:
        if piece.stamp[0] >= 0:
            raise FileNotFoundError(f"{piece.path}: seen by the driver, not found on this worker "
                                    "(inputs must be on storage every worker sees, at the same path)") from None
        raise ValueError("cannot read (No such file or directory)") from None
    except OSError as exc:
        raise ValueError(f"cannot read ({exc.strerror or exc})") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    if not text.strip():
        raise ValueError("empty")
    return text


def _read_records(piece: JsonlRange, options: WorkerOptions) -> Iterator[tuple[str, str, str | None, str]]:
    """``(doc_id, source, text or None, reason)`` for each non-blank line of the range."""
    field_name = options.text_field or "text"
    with open(piece.path, "rb") as fh:
        fh.seek(piece.start)
        data = fh.read(piece.end - piece.start)
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    for line_no, raw in enumerate(lines, piece.first_line):
        if not raw.strip():
            continue
        source = f"{piece.name}:{line_no}"
        try:
            record = json.loads(raw.decode("utf-8-sig" if line_no == 1 else "utf-8"))
        except UnicodeDecodeError as exc:
            yield source, source, None, f"not UTF-8 text ({exc.reason} at byte {exc.start})"
            continue
        except ValueError as exc:
            yield source, source, None, f"not JSON ({exc})"
            continue
        if not isinstance(record, dict):
            yield source, source, None, f"not a JSON object ({type(record).__name__})"
            continue
        ident = record.get(options.id_field)
        doc_id = str(ident) if isinstance(ident, str | int) and not isinstance(ident, bool) and ident != "" \
            else source
        text = record.get(field_name)
        if not isinstance(text, str):
            reason = f"no text field {field_name!r}" if text is None else \
                f"field {field_name!r} is {type(text).__name__}, not a string"
            yield doc_id, source, None, reason
        elif not text.strip():
            yield doc_id, source, None, "empty"
        else:
            yield doc_id, source, text, ""


def _extract_all(ex: Extractor, items: list[tuple[str, str]], batch_size: int) -> list[Document | str]:
    """One ``Document`` or a failure reason per ``(doc_id, text)``, in order.

    ``pipe(on_error="skip")`` does the batched work; a document it skipped (or everything after
    an unexpected error) is run again alone with ``extract``, whose error names the reason.
    """
    out: list[Document] = []
    try:
        out.extend(ex.pipe((t for _, t in items), batch_size=batch_size,
                           doc_ids=(i for i, _ in items), on_error="skip"))
    except Exception as exc:  # not expected from pipe(on_error="skip"): fall back to one by one
        log.warning("batch failed after %d documents (%s: %s); the rest one by one",
                    len(out), type(exc).__name__, exc)
    results: list[Document | str] = []
    j = 0
    for doc_id, text in items:
        if j < len(out) and out[j].id == doc_id and out[j].text == text:
            results.append(out[j])
            j += 1
            continue
        try:
            results.append(ex.extract(text, doc_id=doc_id))
        except Exception as exc:
            results.append(str(exc))
    return results


def run_partition(part: Partition, out_dir: str, options: WorkerOptions) -> dict[str, Any]:
    """Extract one partition and write its shard; the Dask task.

    Returns ``{"index", "key", "shard", "documents", "written", "errors": [ErrorRow],
    "seconds", "worker", "pid"}``. A document that cannot be read or extracted becomes an error
    row; the task raises only when the model fails to load, an input the driver saw is missing
    here, or the shard cannot be written.
    """
    t0 = time.perf_counter()
    ex = cached_extractor(options)
    if options.threads and "torch" in sys.modules:
        torch = sys.modules["torch"]
        if torch.get_num_threads() != options.threads:
            torch.set_num_threads(options.threads)
    items: list[tuple[str, str]] = []
    slots: list[tuple[str, str, str | None]] = []  # (doc_id, source, reason or None = extract it)
    for piece in part.pieces:
        if isinstance(piece, TextFile):
            try:
                items.append((piece.name, _read_text(piece)))
                slots.append((piece.name, piece.name, None))
            except ValueError as exc:
                slots.append((piece.name, piece.name, str(exc)))
            continue
        # a JSONL file the driver read but this worker cannot: OSError fails the task (retried)
        for doc_id, source, text, reason in _read_records(piece, options):
            if text is None:
                slots.append((doc_id, source, reason))
            else:
                items.append((doc_id, text))
                slots.append((doc_id, source, None))
    results = iter(_extract_all(ex, items, options.batch_size))
    lines: list[str] = []
    errors: list[ErrorRow] = []
    for doc_id, source, reason in slots:
        if reason is None:
            result = next(results)
            if isinstance(result, Document):
                try:
                    lines.append(result.model_dump_json() + "\n")
                    continue
                except Exception as exc:  # e.g. a lone surrogate from a JSON escape
                    reason = f"cannot write as JSON ({type(exc).__name__}: {exc})"
            else:
                reason = result
        errors.append({"id": doc_id, "source": source, "partition": part.index, "reason": reason})
    shards = Path(out_dir) / SHARDS
    shards.mkdir(parents=True, exist_ok=True)
    target = shards / part.shard
    tmp = shards / f".{part.shard}.{uuid.uuid4().hex}.tmp"
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.writelines(lines)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    try:
        from distributed import get_worker

        worker: str | None = get_worker().address
    except (ImportError, ValueError):
        worker = None
    return {"index": part.index, "key": part.key, "shard": part.shard, "documents": len(slots),
            "written": len(lines), "errors": errors, "seconds": round(time.perf_counter() - t0, 3),
            "worker": worker, "pid": os.getpid()}


# ---- the driver --------------------------------------------------------------------------------

@dataclass
class RunReport:
    """What ``extract_corpus`` did; ``errors`` counts every row of ``errors.jsonl``."""

    out_dir: Path
    partitions: int
    skipped: int
    """Partitions already done by an earlier run, not run again."""
    ran: int
    failed: list[int] = field(default_factory=list)
    """Partitions whose task failed outright; their inputs are in errors.jsonl, a rerun retries them."""
    documents: int = 0
    """Documents planned (records of JSONL files, text files)."""
    written: int = 0
    errors: int = 0
    seconds: float = 0.0

    @property
    def manifest(self) -> Path:
        return self.out_dir / MANIFEST

    @property
    def errors_file(self) -> Path:
        return self.out_dir / ERRORS

    @property
    def ok(self) -> bool:
        return not self.failed and not self.errors


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:  # a file name that is not UTF-8 (a lone surrogate) is written as a JSON escape
        tmp.write_text(text, encoding="utf-8", errors="backslashreplace")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _read_manifest(out: Path) -> dict[str, Any] | None:
    try:
        manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) and manifest.get("format") == FORMAT else None


def _entry(part: Partition, status: str = "pending") -> dict[str, Any]:
    sources = part.sources()
    return {"index": part.index, "shard": f"{SHARDS}/{part.shard}", "key": part.key, "status": status,
            "documents": part.documents, "written": None, "errors": None,
            "first": sources[0], "last": sources[-1], "worker": None, "seconds": None}


def extract_corpus(paths: Sequence[str], out_dir: str | os.PathLike[str], client: Client, *,
                   glob: str = "*.txt", text_field: str | None = None, id_field: str = "id",
                   partition_size: int = DEFAULT_PARTITION_SIZE, batch_size: int = 32,
                   model_dir: str | os.PathLike[str] | None = None,
                   gazetteer: Sequence[str | os.PathLike[str]] = (),
                   rules: Sequence[str | os.PathLike[str]] = (),
                   extractor_options: dict[str, Any] | None = None, threads: int = 1, retries: int = 1,
                   progress: bool = False, on_error: Callable[[ErrorRow], None] | None = None,
                   on_partition: Callable[[dict[str, Any]], None] | None = None) -> RunReport:
    """Extract every document under ``paths`` on the cluster behind ``client`` into ``out_dir``.

    - ``paths``: files and directories (``glob`` inside directories); with ``text_field``,
      ``*.jsonl`` files hold one document per line, its text in that field and its id in
      ``id_field`` (else ``"file.jsonl:LINE"``).
    - ``out_dir``: ``manifest.json``, ``shards/part-NNNNN.jsonl``, ``errors.jsonl`` (see the
      module docstring). Partitions already done there with the same fingerprint are skipped.
    - ``model_dir``, ``gazetteer``, ``rules``, and ``extractor_options`` (further ``Extractor``
      keyword arguments): as for ``Extractor``; a change of any of them, or of the content of a
      user's file, makes every partition run again.
    - Each worker process loads the model once (``ExtractorPlugin``) with ``threads`` torch
      threads; ``retries`` re-runs a task that raised (a worker that dies is handled by Dask's
      ``allowed-failures``).
    - ``progress``: a tqdm bar of documents on stderr. ``on_error(row)`` is called for each
      failed document as it is found, ``on_partition(result)`` after each finished partition.

    Raises ``ImportError`` without Dask, ``ner_ar.ner.ModelError`` if the model directory is
    incomplete (checked here) or fails to load on a worker, ``ner_ar.errors.UserDataError`` for a
    bad gazetteer or rule file (checked here), ``ValueError`` for ``-`` in ``paths``.
    """
    _require_dask()
    from ner_ar.ner import ModelFiles

    t_start = time.perf_counter()
    files = ModelFiles.locate(model_dir)
    options = WorkerOptions(str(files.directory.resolve()), threads, batch_size, text_field, id_field,
                            tuple(str(Path(p).absolute()) for p in gazetteer),
                            tuple(str(Path(p).absolute()) for p in rules),
                            tuple(sorted((extractor_options or {}).items())))
    check_user_data(options)
    out = Path(out_dir).absolute()
    (out / SHARDS).mkdir(parents=True, exist_ok=True)
    parts, plan_errors = plan_partitions(paths, options, glob=glob, partition_size=partition_size)
    entries, todo, kept_errors = _resume(out, parts)
    for row in plan_errors:
        if on_error:
            on_error(row)
    workers = len(client.scheduler_info().get("workers", {}))
    if 0 < len(todo) < workers:
        log.warning("note: %d partition(s) of up to %d documents for %d workers: only %d can work; "
                    "a smaller --partition-size spreads a small input", len(todo), partition_size, workers,
                    len(todo))
    manifest: dict[str, Any] = {
        "format": FORMAT, "ner_ar": __version__, "inputs": list(paths),
        "options": {"model": files.name, "model_dir": options.model_dir, "glob": glob,
                    "text_field": text_field, "id_field": id_field, "partition_size": partition_size,
                    "batch_size": batch_size, "threads": threads, "gazetteer": list(options.gazetteer),
                    "rules": list(options.rules), "extractor": {k: repr(v) for k, v in options.extra}},
        "documents": sum(p.documents for p in parts), "partitions": entries,
        "input_errors": len(plan_errors)}

    def save() -> None:
        manifest["complete"] = all(e["status"] == "done" for e in entries)
        manifest["written"] = sum(e["written"] or 0 for e in entries)
        manifest["errors"] = len(plan_errors) + sum(e["errors"] or 0 for e in entries)
        _write_atomic(out / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1) + "\n")

    report = RunReport(out, len(parts), len(parts) - len(todo), len(todo), documents=manifest["documents"])
    with open(out / ERRORS, "w", encoding="utf-8", errors="backslashreplace") as errors_fh:
        errors_fh.writelines(kept_errors)
        errors_fh.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in plan_errors)
        errors_fh.flush()
        save()
        last_save = time.monotonic()
        try:
            for part, result in _run_partitions(client, todo, out, options, retries, progress,
                                                total=manifest["documents"]):
                entry = entries[part.index]
                if isinstance(result, BaseException):
                    reason = f"partition failed: {type(result).__name__}: {result}"
                    rows = [{"id": s, "source": s, "partition": part.index, "reason": reason}
                            for s in part.sources()]
                    entry.update(status="failed", reason=reason)
                    report.failed.append(part.index)
                else:
                    rows = result["errors"]
                    entry.update(status="done", written=result["written"], errors=len(rows),
                                 worker=result["worker"], seconds=result["seconds"])
                    if on_partition:
                        on_partition(result)
                errors_fh.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
                errors_fh.flush()
                for row in rows:
                    if on_error:
                        on_error(row)
                if time.monotonic() - last_save > 2:
                    save()
                    last_save = time.monotonic()
        finally:  # also when interrupted: what finished is recorded
            save()
    report.written = manifest["written"]
    report.errors = manifest["errors"] + sum(p.documents for p in parts if p.index in report.failed)
    report.seconds = time.perf_counter() - t_start
    return report


def _resume(out: Path, parts: list[Partition]) -> tuple[list[dict[str, Any]], list[Partition], list[str]]:
    """Manifest entries for ``parts`` (earlier ones kept where done with the same fingerprint and
    shard), the partitions still to run, and the errors.jsonl lines of the kept partitions.
    Removes every other file under ``shards/`` (an older plan's shards, half-written files)."""
    old = _read_manifest(out) or {}
    old_entries = {e.get("index"): e for e in old.get("partitions", []) if isinstance(e, dict)}
    entries: list[dict[str, Any]] = []
    todo: list[Partition] = []
    for part in parts:
        prev = old_entries.get(part.index)
        if (prev and prev.get("status") == "done" and prev.get("key") == part.key
                and (out / SHARDS / part.shard).is_file()):
            entries.append(prev)
        else:
            entries.append(_entry(part))
            todo.append(part)
    kept = {e["shard"].rsplit("/", 1)[-1] for e in entries if e["status"] == "done"}
    for stale in (out / SHARDS).iterdir():
        if stale.name not in kept and not stale.is_dir():
            stale.unlink()
    done = {e["index"] for e in entries if e["status"] == "done"}
    kept_errors: list[str] = []
    try:
        with open(out / ERRORS, encoding="utf-8") as fh:
            kept_errors = [line for line in fh if line.strip() and json.loads(line).get("partition") in done]
    except (OSError, ValueError):
        pass
    return entries, todo, kept_errors


def _run_partitions(client: Client, todo: list[Partition], out: Path, options: WorkerOptions, retries: int,
                    progress: bool, total: int) -> Iterator[tuple[Partition, dict[str, Any] | BaseException]]:
    """Run ``todo`` on the cluster; yield each partition with its result (or the exception that
    failed its task) as it finishes, advancing a progress bar of ``total`` documents."""
    if not todo:
        return
    from distributed import as_completed
    from tqdm import tqdm

    from ner_ar.ner import ModelError

    plugin = extractor_plugin(options)
    try:
        client.register_plugin(plugin, name=plugin.name)
    except ModelError:
        raise
    except Exception as exc:
        raise ModelError(f"could not load the NER model on the workers: {type(exc).__name__}: {exc}") from exc
    token = uuid.uuid4().hex[:8]  # fresh keys: never a result cached by the scheduler from another run
    futures = client.map(run_partition, todo, out_dir=str(out), options=options, retries=retries,
                         key=[f"ner_ar-{p.index:05d}-{p.key}-{token}" for p in todo])
    by_key = {f.key: p for f, p in zip(futures, todo, strict=True)}
    finished = as_completed(futures)
    del futures  # as_completed holds them until each is done; each is released below
    with tqdm(total=total, initial=total - sum(p.documents for p in todo), unit="doc", file=sys.stderr,
              disable=not progress, smoothing=0.1) as bar:
        for future in finished:
            part = by_key.pop(future.key)
            try:
                result: dict[str, Any] | BaseException = future.result()
            except Exception as exc:
                result = exc
            future.release()
            yield part, result
            bar.update(part.documents)


# ---- reading an output directory ---------------------------------------------------------------

def output_shards(path: str | os.PathLike[str]) -> tuple[list[Path], list[str]]:
    """The finished shards of an output directory, in document order, and what is missing.

    Returns ``(shards, problems)``; a problem is a message such as ``"OUT: 2 of 9 partitions
    not done"``. A directory without a manifest gives no shards and one problem.
    """
    out = Path(path)
    manifest = _read_manifest(out)
    if manifest is None:
        return [], [f"{path}: no {MANIFEST} from 'ner-ar extract --workers/--scheduler'"]
    shards, problems = [], []
    entries = manifest.get("partitions", [])
    for entry in entries:
        if entry.get("status") == "done":
            shards.append(out / entry["shard"])
    missing = len(entries) - len(shards)
    if missing:
        problems.append(f"{path}: {missing} of {len(entries)} partitions not done "
                        f"(rerun the same extract command to finish them)")
    return shards, problems


def read_output(path: str | os.PathLike[str]) -> Iterator[Document]:
    """Every document of an output directory, in input order (finished partitions only)."""
    for shard in output_shards(path)[0]:
        with open(shard, encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    yield Document.model_validate_json(line)


def expand_outputs(paths: Sequence[str]) -> tuple[list[str], list[str]]:
    """``ner-ar graph`` inputs with output directories replaced by their shards."""
    files: list[str] = []
    problems: list[str] = []
    for raw in paths:
        if Path(raw).is_dir():
            shards, issues = output_shards(raw)
            files.extend(map(str, shards))
            problems.extend(issues)
        else:
            files.append(raw)
    return files, problems


# ---- the command line --------------------------------------------------------------------------

def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``ner-ar extract`` options of a distributed run."""
    group = parser.add_argument_group("distributed runs (Dask; pip install 'ner_ar[dask]')")
    group.add_argument("--workers", type=int, metavar="N",
                       help="start a local Dask cluster of N worker processes; --jsonl names an "
                            "output directory (shards, manifest.json, errors.jsonl); reruns resume")
    group.add_argument("--scheduler", metavar="ADDRESS",
                       help="use a running Dask cluster (tcp://host:8786, or a scheduler JSON file) "
                            "instead; inputs and output must be on storage every worker sees")
    group.add_argument("--jsonl-input", metavar="FIELD",
                       help="read *.jsonl inputs as one document per line, text in FIELD "
                            "(id in 'id', else FILE:LINE)")
    group.add_argument("--partition-size", type=int, default=DEFAULT_PARTITION_SIZE, metavar="N",
                       help=f"documents per task and shard (default {DEFAULT_PARTITION_SIZE})")
    group.add_argument("--worker-threads", type=int, default=None, metavar="N",
                       help="torch threads per worker process (default: --threads if given, else 1)")


def wanted(args: argparse.Namespace) -> bool:
    """Whether ``ner-ar extract`` was asked for a distributed run."""
    return (getattr(args, "workers", None) is not None or bool(getattr(args, "scheduler", None))
            or getattr(args, "jsonl_input", None) is not None)


def _connect(args: argparse.Namespace) -> tuple[Client, Any]:
    from distributed import Client

    if args.scheduler:
        address = args.scheduler
        if address.endswith(".json"):
            if not Path(address).is_file():
                raise OSError(f"scheduler file {address} not found")
            client = Client(scheduler_file=address, timeout="30s")
        else:
            client = Client(address, timeout="30s")
        try:
            client.wait_for_workers(1, timeout=120)
        except TimeoutError:
            client.close()
            raise TimeoutError("no worker joined the scheduler within 120 s") from None
        return client, None
    cluster = local_cluster(args.workers, silence_logs=logging.ERROR)
    return Client(cluster), cluster


def local_cluster(n_workers: int, **kwargs: Any) -> Any:
    """A ``distributed.LocalCluster`` of ``n_workers`` processes of one thread each, listening on
    127.0.0.1 only, its HTTP server on a free port (``client.dashboard_link``; ``kwargs`` go to
    ``LocalCluster``).

    Dask starts its workers with ``MALLOC_TRIM_THRESHOLD_=65536``, which makes glibc hand memory
    back to the system after every batch: for our workers (a resident model, tensors allocated
    and freed per batch) that tripled the system CPU time and cost about 20% of wall time. This
    cluster's workers run without it, unless it is set in the environment.
    """
    import dask
    from distributed import LocalCluster

    environ = {k: v for k, v in dask.config.get("distributed.nanny.pre-spawn-environ", {}).items()
               if k != "MALLOC_TRIM_THRESHOLD_"}
    options: dict[str, Any] = {"threads_per_worker": 1, "processes": True, "host": "127.0.0.1",
                               "dashboard_address": "127.0.0.1:0", **kwargs}
    with dask.config.set({"distributed.nanny.pre-spawn-environ": environ}):
        return LocalCluster(n_workers=n_workers, **options)


def _extractor_options(args: argparse.Namespace) -> dict[str, Any]:
    """The ``Extractor`` options of ``ner-ar extract`` besides the model and the user's files:
    the ones ``ner_ar.cli._load_extractor`` passes (keep the two in step), so that workers build
    the Extractor a single process would."""
    options: dict[str, Any] = {}
    if hasattr(args, "line_breaks"):
        options["line_breaks"] = args.line_breaks
    if hasattr(args, "no_markup"):
        options["markup"] = not args.no_markup
    return options


def cmd_extract(args: argparse.Namespace) -> int:
    """``ner-ar extract ... --jsonl OUT_DIR --workers N | --scheduler ADDRESS``; exit codes as
    ``ner-ar extract``: 1 if a document failed (listed in OUT_DIR/errors.jsonl and on stderr)."""
    from tqdm import tqdm

    from ner_ar.cli import EXIT_MODEL, EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, _err, _write_graphs
    from ner_ar.errors import UserDataError
    from ner_ar.ner import ModelError, ModelFiles

    def usage(message: str) -> int:
        _err(message)
        return EXIT_USAGE

    if args.workers is not None and args.scheduler:
        return usage("give either --workers or --scheduler, not both")
    if args.workers is not None and args.workers < 1:
        return usage("--workers must be at least 1")
    if not args.workers and not args.scheduler:
        return usage("--jsonl-input needs a Dask cluster: add --workers N or --scheduler ADDRESS")
    threads = args.worker_threads or getattr(args, "threads", None) or 1
    if args.partition_size < 1 or threads < 1 or (args.worker_threads is not None and args.worker_threads < 1):
        return usage("--partition-size and --worker-threads must be at least 1")
    if not args.jsonl:
        return usage("a distributed run writes shards into a directory: give --jsonl DIR")
    if Path(args.jsonl).is_file():
        return usage(f"{args.jsonl} is a file; a distributed run needs --jsonl DIR (a directory)")
    if "-" in args.paths:
        return usage("standard input ('-') cannot be read by Dask workers: give files or directories")
    try:
        _require_dask()
    except ImportError:
        _err(MISSING_DASK)
        return EXIT_USAGE
    user = {"gazetteer": tuple(getattr(args, "gazetteer", None) or ()),  # --gazetteer, --rules
            "rules": tuple(getattr(args, "rules", None) or ())}
    extra = _extractor_options(args)
    try:
        ModelFiles.locate(args.model_dir)
        check_user_data(WorkerOptions("", **user))
    except ModelError as exc:
        _err(str(exc))
        return EXIT_MODEL
    except UserDataError as exc:
        return usage(str(exc))

    shown = [0]

    def report_error(row: ErrorRow) -> None:
        shown[0] += 1
        if shown[0] <= 100:
            tqdm.write(f"ner-ar: skipped {row['source']}: {row['reason']}", file=sys.stderr)
        elif shown[0] == 101:
            tqdm.write(f"ner-ar: more failures are listed in {Path(args.jsonl) / ERRORS}", file=sys.stderr)

    # Dask logs its life at INFO and, on a slow shutdown, tracebacks of closed streams: with -v
    # its INFO lines, else its errors while running and nothing once our results are written
    dask_log = logging.getLogger("distributed")
    dask_log.setLevel(logging.INFO if getattr(args, "verbose", False) else logging.ERROR)
    try:
        client, cluster = _connect(args)
    except (OSError, TimeoutError, ValueError) as exc:  # TimeoutError: no worker
        return usage(f"cannot use the Dask scheduler {args.scheduler}: {exc}")
    try:
        report = extract_corpus(
            args.paths, args.jsonl, client, glob=args.glob, text_field=args.jsonl_input,
            partition_size=args.partition_size, batch_size=args.batch_size, model_dir=args.model_dir,
            threads=threads, on_error=report_error, extractor_options=extra, **user,
            progress=not args.quiet and sys.stderr.isatty())
    except ModelError as exc:
        _err(str(exc))
        return EXIT_MODEL
    finally:
        if not getattr(args, "verbose", False):
            dask_log.setLevel(logging.CRITICAL)
        client.close()
        if cluster is not None:
            cluster.close()
    log.info("%d partitions: %d run, %d already done; %d documents written in %.1f s",
             report.partitions, report.ran, report.skipped, report.written, report.seconds)
    if not report.partitions and not report.errors:
        _err("no input files found")
        return EXIT_PARTIAL
    if any(getattr(args, opt, None) for opt in ("graphml", "gexf", "json", "neo4j", "html")):
        _write_graphs(list(read_output(report.out_dir)), args)  # the corpus graph, as without Dask
    if report.skipped and not report.ran:
        _err(f"{args.jsonl}: all {report.partitions} partitions already done; nothing to run")
    if report.failed:
        _err(f"{len(report.failed)} partitions failed (rerun the same command to retry them)")
    if report.errors:
        _err(f"{report.errors} failed (listed in {report.errors_file}); "
             f"{report.written} of {report.documents} documents written")
    return EXIT_PARTIAL if report.errors or report.failed else EXIT_OK


__all__ = ["JsonlRange", "Partition", "RunReport", "TextFile", "WorkerOptions",
           "add_arguments", "cached_extractor", "expand_outputs", "extract_corpus", "extractor_plugin",
           "local_cluster",
           "output_shards", "plan_partitions", "read_output", "run_partition", "worker_info"]
