"""The ``ner-ar`` command line.

    ner-ar extract article.txt --jsonl out.jsonl --graphml out.graphml
    cat article.txt | ner-ar extract -
    ner-ar graph out.jsonl more.jsonl --graphml corpus.graphml
    ner-ar evaluate test.bio
    ner-ar info
    ner-ar train --out models/my_model      # options: ner-ar train --help

Exit codes: 0 success; 1 some inputs failed (the others were still written); 2 usage error;
3 the model could not be loaded.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TextIO

from ner_ar import __version__
from ner_ar.schema import Document, EntityType, RelationType

log = logging.getLogger("ner_ar")

EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, EXIT_MODEL = 0, 1, 2, 3
GRAPH_OPTIONS = (("graphml", "graphml"), ("gexf", "gexf"), ("json", "json"), ("neo4j", "neo4j"))


class InputError(Exception):
    """An input file that cannot be used (unreadable, not UTF-8, empty)."""


def _err(message: str) -> None:
    print(f"ner-ar: {message}", file=sys.stderr)


def iter_inputs(paths: Sequence[str], pattern: str) -> Iterator[str]:
    """Files named, and files under directories named (recursively, matching ``pattern``)."""
    for raw in paths:
        path = Path(raw)
        if raw != "-" and path.is_dir():
            yield from (str(p) for p in sorted(path.rglob(pattern)) if p.is_file())
        else:
            yield raw


def _decode(name: str, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None


def read_input(name: str, stdin: TextIO) -> str:
    if name == "-":
        # Bytes, decoded as UTF-8 whatever the locale: a text stdin would decode with the locale's
        # encoding and turn invalid bytes into lone surrogates that crash the tokenizer.
        buffer = getattr(stdin, "buffer", None)
        text = _decode("<stdin>", buffer.read()) if buffer is not None else stdin.read()
        name = "<stdin>"
    else:
        try:
            text = _decode(name, Path(name).read_bytes())
        except OSError as exc:
            raise InputError(f"{name}: cannot read ({exc.strerror or exc})") from None
    if not text.strip():
        raise InputError(f"{name}: empty")
    return text


def _utf8(stream: TextIO) -> TextIO:
    """``stream`` set to write UTF-8: JSONL is UTF-8 whatever the locale (Arabic in a latin-1 or
    cp1252 console would otherwise raise UnicodeEncodeError)."""
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None and (getattr(stream, "encoding", "") or "").lower().replace("-", "") != "utf8":
        reconfigure(encoding="utf-8")
    return stream


def _load_extractor(args: argparse.Namespace) -> object:
    from ner_ar.errors import UserDataError
    from ner_ar.extractor import Extractor
    from ner_ar.ner import ModelError

    try:
        return Extractor(args.model_dir, gazetteer=getattr(args, "gazetteer", None),
                         rules=getattr(args, "rules", None), threads=getattr(args, "threads", None),
                         line_breaks=getattr(args, "line_breaks", "auto"),
                         markup=not getattr(args, "no_markup", False))
    except UserDataError as exc:
        _err(str(exc))
        raise SystemExit(EXIT_USAGE) from None
    except ModelError as exc:
        _err(str(exc))
        raise SystemExit(EXIT_MODEL) from None


def _graph_targets(args: argparse.Namespace) -> list[str]:
    """Every graph output the user asked for (files and directories)."""
    return [t for t in [*(getattr(args, opt) for opt, _ in GRAPH_OPTIONS), getattr(args, "html", None)] if t]


def _prepare_outputs(args: argparse.Namespace) -> None:
    """Create the folders the outputs go to, before anything slow: a path that cannot be written,
    or an ``--html`` page without its optional library, is a usage error (exit 2) found before
    the model loads."""
    if getattr(args, "html", None):
        import importlib.util

        if importlib.util.find_spec("pyvis") is None:
            from ner_ar.docview import JUPYTER_HINT

            _err(f"--html needs pyvis: {JUPYTER_HINT}")
            raise SystemExit(EXIT_USAGE)
    for target in [getattr(args, "jsonl", None), *_graph_targets(args)]:
        if not target:
            continue
        try:
            Path(target).parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            _err(f"cannot write {target}: {exc.strerror or exc}")
            raise SystemExit(EXIT_USAGE) from None


def _write_graphs(docs: list[Document], args: argparse.Namespace) -> list[str]:
    """Write the graph outputs asked for; the paths written. Nothing is written from no
    documents: an empty graph would look like a result."""
    wanted = [(fmt, getattr(args, opt)) for opt, fmt in GRAPH_OPTIONS if getattr(args, opt)]
    page = getattr(args, "html", None)
    if not wanted and not page:
        return []
    if not docs:
        _err("no documents: no graph written")
        return []
    from ner_ar import graph

    written: list[str] = []
    G = graph.to_networkx(docs)
    for fmt, target in wanted:
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        graph.write(G, target, format=fmt)
        written.append(target)
        log.info("wrote %s (%d nodes, %d edges)", target, G.number_of_nodes(), G.number_of_edges())
    if page:
        from ner_ar.graphhtml import write_graph_html

        Path(page).parent.mkdir(parents=True, exist_ok=True)
        try:
            write_graph_html(G, page, title=Path(page).stem)
        except ImportError as exc:
            _err(str(exc))
            raise SystemExit(EXIT_USAGE) from None
        written.append(page)
        log.info("wrote %s (interactive, offline)", page)
    if written:
        _say(args, f"graph of {G.number_of_nodes()} nodes and {G.number_of_edges()} edges written to "
                   f"{', '.join(written)}")
    return written


def _say(args: argparse.Namespace, message: str) -> None:
    """A line on stderr saying what was done, unless ``--quiet``."""
    if not getattr(args, "quiet", False):
        _err(message)


def cmd_extract(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from ner_ar import distributed

    if distributed.wanted(args):  # --workers / --scheduler: shards on a Dask cluster
        return distributed.cmd_extract(args)
    if args.batch_size < 1 or (args.threads is not None and args.threads < 1):
        _err("--batch-size and --threads must be at least 1")
        return EXIT_USAGE
    # Inputs and output folders first: a typo costs no model load.
    names = list(iter_inputs(args.paths, args.glob))
    if not names:
        _err(f"no input files found: no file matching {args.glob!r} in {', '.join(args.paths)} "
             "(--glob sets the pattern)")
        return EXIT_USAGE
    texts: list[tuple[str, str]] = []
    failed = 0
    for name in names:
        try:
            texts.append((name, read_input(name, sys.stdin)))
        except InputError as exc:
            _err(f"skipped {exc}")
            failed += 1
    if not texts:
        _err(f"none of the {len(names)} inputs can be read; nothing written")
        return EXIT_PARTIAL
    _prepare_outputs(args)
    extractor = _load_extractor(args)
    show = len(texts) > 1 and not args.quiet and sys.stderr.isatty()
    out = open(args.jsonl, "w", encoding="utf-8") if args.jsonl else _utf8(sys.stdout)  # noqa: SIM115
    docs: list[Document] = []
    try:
        stream = extractor.pipe((t for _, t in texts), batch_size=args.batch_size,  # type: ignore[attr-defined]
                                doc_ids=(n if n != "-" else "stdin" for n, _ in texts), on_error="skip")
        for doc in tqdm(stream, total=len(texts), disable=not show, unit="doc", file=sys.stderr,
                        mininterval=0.2):
            out.write(doc.model_dump_json() + "\n")
            docs.append(doc)
            log.info("extracted %s: %d entities, %d relations", doc.id, len(doc.entities),
                     len(doc.relations))
    finally:
        if out is not sys.stdout:
            out.close()
    failed += len(texts) - len(docs)
    if docs:
        _say(args, f"{len(docs)} document{'s' if len(docs) != 1 else ''} ({sum(len(d.entities) for d in docs)} "
                   f"entities, {sum(len(d.relations) for d in docs)} relations) written to "
                   f"{args.jsonl or 'stdout'}")
    _write_graphs(docs, args)
    if failed:
        _err(f"{failed} of {len(names)} inputs failed; {len(docs)} written")
    return EXIT_PARTIAL if failed else EXIT_OK


def read_jsonl(path: str, bad_lines: list[str] | None = None) -> Iterator[Document]:
    """The Documents of a JSONL file, one a line. A line that is not a Document raises
    :class:`InputError` naming the file and line; with ``bad_lines`` given, it is reported there
    instead and the lines after it are still read."""
    with open(path, encoding="utf-8") as fh:
        for line_no, line in enumerate(fh, 1):
            if line.strip():
                try:
                    yield Document.model_validate_json(line)
                except ValueError as exc:
                    message = f"{path}:{line_no}: not a ner_ar Document ({exc})"
                    if bad_lines is None:
                        raise InputError(message) from None
                    bad_lines.append(message)


def cmd_graph(args: argparse.Namespace) -> int:
    from ner_ar.distributed import expand_outputs

    if not any(getattr(args, opt) for opt, _ in GRAPH_OPTIONS) and not args.html:
        _err("name at least one output: --graphml, --gexf, --json, --neo4j or --html")
        return EXIT_USAGE
    docs: list[Document] = []
    paths, problems = expand_outputs(args.jsonl_files)  # an extract --workers directory: its shards
    for problem in problems:
        _err(problem)
    failed = len(problems)
    seen: set[tuple[str | None, str]] = set()
    for path in paths:
        bad: list[str] = []
        try:
            for doc in read_jsonl(path, bad):
                if doc.id is not None and (doc.id, doc.text) in seen:
                    _err(f"skipped {path}: document {doc.id!r} read before (counted once)")
                    continue
                seen.add((doc.id, doc.text))
                docs.append(doc)
        except (InputError, OSError, UnicodeDecodeError) as exc:
            _err(f"skipped {exc}")
            failed += 1
        for message in bad:
            _err(f"skipped {message}")
        failed += len(bad)
    _write_graphs(docs, args)
    return EXIT_PARTIAL if failed else EXIT_OK


def cmd_info(args: argparse.Namespace) -> int:
    import spacy
    import stanza
    import torch

    from ner_ar.ner import ModelError, ModelFiles

    info: dict[str, object] = {"ner_ar": __version__, "stanza": stanza.__version__,
                               "spacy": spacy.__version__, "torch": torch.__version__,
                               "entity_types": [t.value for t in EntityType],
                               "relation_types": [r.value for r in RelationType]}
    try:
        files = ModelFiles.locate(args.model_dir)
        info["model"] = files.name
        info["model_dir"] = str(files.directory)
        info["model_files"] = {p.name: p.stat().st_size for p in files.torch_files}
        metrics = files.directory / "metrics.json"
        if metrics.exists():
            scores = json.loads(metrics.read_text(encoding="utf-8")).get("scores", {})
            info["model_f1"] = {k: v["f1"] for k, v in scores.items()}
    except ModelError as exc:
        info["model_error"] = str(exc)
    print(json.dumps(info, ensure_ascii=False, indent=2))
    return EXIT_MODEL if "model_error" in info else EXIT_OK


def cmd_evaluate(args: argparse.Namespace) -> int:
    from ner_ar.ner import ModelError, Tagger
    from ner_ar.training.corpora import aqmar_split, read_conll
    from ner_ar.training.evaluate import evaluate_tagger, format_table

    sets = {Path(f).name: read_conll(f) for f in args.files}
    if args.aqmar_dir:
        sets["aqmar_test"] = aqmar_split(args.aqmar_dir)[2]
    if not sets:
        _err("give a BIO file or --aqmar-dir")
        return EXIT_USAGE
    try:
        tagger = Tagger(args.model_dir)
    except ModelError as exc:
        _err(str(exc))
        return EXIT_MODEL
    results = {name: evaluate_tagger(tagger, sents) for name, sents in sets.items()}
    for name, result in results.items():
        print(format_table(name, result) + "\n")
    if args.json:
        Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    return EXIT_OK


def cmd_evaluate_relations(args: argparse.Namespace) -> int:
    from ner_ar.relations.evaluate import evaluate_relations, format_report

    scores = evaluate_relations(args.file, _load_extractor(args))
    print(format_report(scores))
    if args.json:
        Path(args.json).write_text(json.dumps(scores, ensure_ascii=False, indent=2), encoding="utf-8")
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    from ner_ar.schema import json_schema

    print(json.dumps(json_schema(), ensure_ascii=False, indent=2))
    return EXIT_OK


def cmd_train(args: argparse.Namespace) -> int:
    return _train(args.train_args)


def _train(argv: list[str]) -> int:
    """``ner-ar train ARGS``: the training pipeline with its own options (``--help`` lists them)."""
    from ner_ar.training.pipeline import main as train_main

    return train_main(argv, prog="ner-ar train")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ner-ar", description="Arabic entities, relations and graphs.")
    parser.add_argument("--version", action="version", version=f"ner_ar {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress on stderr")
    sub = parser.add_subparsers(dest="command", required=True)
    # -v is also taken after the command (ner-ar extract -v ...), as the guide writes it.
    verbose = argparse.ArgumentParser(add_help=False)
    verbose.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                         help="log progress on stderr")

    def model_arg(p: argparse.ArgumentParser) -> None:
        p.add_argument("--model-dir", default=None,
                       help="NER model directory (default: $NER_AR_MODEL_DIR, else the shipped model)")

    def user_data_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("--gazetteer", action="append", metavar="FILE",
                       help="your own names: a TSV file with the header name, type, kb_id, aliases "
                            "(repeatable; docs/architecture.md)")
        p.add_argument("--rules", action="append", metavar="FILE",
                       help="your own relation rules: a YAML file in the shipped rules' schema, run after "
                            "them (repeatable; docs/rules.md)")

    def graph_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("--graphml", metavar="FILE", help="write the graph as GraphML (Gephi, Cytoscape)")
        p.add_argument("--gexf", metavar="FILE", help="write the graph as GEXF (Gephi)")
        p.add_argument("--json", metavar="FILE", help="write the graph as node-link JSON")
        p.add_argument("--neo4j", metavar="DIR", help="write Neo4j admin-import CSV files into DIR")
        p.add_argument("--html", metavar="FILE",
                       help="write an interactive view: one self-contained HTML file that opens "
                            "offline (needs the jupyter extra)")

    p = sub.add_parser("extract", help="extract from files, directories or stdin ('-')",
                       parents=[verbose])
    p.add_argument("paths", nargs="+", help="text files, directories, or - for stdin")
    p.add_argument("--jsonl", "--out", "-o", dest="jsonl", metavar="FILE",
                   help="write one Document per line here (default: stdout)")
    graph_args(p)
    p.add_argument("--glob", default="*.txt", help="file pattern inside directories (default *.txt)")
    p.add_argument("--batch-size", type=int, default=32, help="texts read ahead together (default 32)")
    p.add_argument("--threads", type=int, default=None, metavar="N",
                   help="torch threads for the tagger (default 1: fastest when the machine is shared; "
                        "raise it on a machine of your own)")
    p.add_argument("--line-breaks", choices=("auto", "sentence", "space"), default="auto",
                   help="a single line break: 'sentence' ends a sentence, 'space' is a space "
                        "(hard-wrapped text), 'auto' (default) decides by the layout and the names "
                        "across it; a blank line always ends a sentence")
    p.add_argument("--no-markup", action="store_true",
                   help="read &quot; and <b> literally (default: decoded for analysis)")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar and no summary")
    model_arg(p)
    user_data_args(p)
    from ner_ar.distributed import add_arguments as distributed_args

    distributed_args(p)  # --workers, --scheduler, --jsonl-input, --partition-size, --worker-threads
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser("graph", help="merge earlier extractions (JSONL) into one corpus graph",
                       parents=[verbose])
    p.add_argument("jsonl_files", nargs="+", metavar="JSONL",
                   help="JSONL files, or output directories of 'extract --workers/--scheduler'")
    graph_args(p)
    p.set_defaults(func=cmd_graph)

    p = sub.add_parser("info", help="model, versions, entity and relation types")
    model_arg(p)
    p.set_defaults(func=cmd_info)

    p = sub.add_parser("evaluate", help="NER scores (seqeval, exact spans) on BIO files")
    p.add_argument("files", nargs="*", help="'token TAG' files, blank line between sentences")
    p.add_argument("--aqmar-dir", help="score on AQMAR's test part (Stanza split) cut from this folder")
    p.add_argument("--json", metavar="FILE", help="also write the scores as JSON")
    model_arg(p)
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser("evaluate-relations", help="relation P/R/F1 on an annotated JSONL file")
    p.add_argument("file")
    p.add_argument("--json", metavar="FILE", help="also write the scores as JSON")
    model_arg(p)
    user_data_args(p)
    p.set_defaults(func=cmd_evaluate_relations)

    p = sub.add_parser("schema", help="print the JSON Schema of the Document output")
    p.set_defaults(func=cmd_schema)

    p = sub.add_parser("train", help="train a model (ner-ar train --help lists the options; same as "
                                     "python -m ner_ar.training)", add_help=False)
    p.add_argument("train_args", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_train)
    return parser


def _train_argv(argv: list[str]) -> list[str] | None:
    """The arguments after ``train`` when the command is ``train`` (only ``-v`` before it), else
    None. They go to the training pipeline's own parser untouched: argparse cannot hand options
    such as ``--out`` through a sub-command."""
    for i, arg in enumerate(argv):
        if arg == "train":
            return argv[i + 1:]
        if arg not in ("-v", "--verbose"):
            return None
    return None


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    train_argv = _train_argv(argv)
    if train_argv is not None:
        return _train(train_argv)
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        return int(args.func(args))
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
