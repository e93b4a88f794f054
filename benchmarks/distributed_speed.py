"""Distributed runs on local Dask clusters: documents/s with 1 and 2 workers, model load and memory
per worker, against the single-process ``Extractor.pipe`` (one torch thread) on the same articles.

    python benchmarks/distributed_speed.py [--articles 200] [--workers 1,2] [--partition-size 25] [--repeat 2]

The articles are ANT (multi-source) lines from ``--first-line`` on, written as one file each into
a temporary directory, as a user's corpus would be. For each cluster size: the cluster is started,
the model is loaded on every worker (timed apart, ``ExtractorPlugin``), then the corpus is
extracted ``--repeat`` times into fresh output directories (the best wall time counts). Besides
wall time it reports the CPU seconds the workers spent per document, which other processes on a
shared machine do not inflate: ``1 / (CPU s per document)`` is what one worker does on a core of
its own, and the 1M-article projection is made from it. Prints figures and ratios; asserts
nothing (timings belong in benchmarks, not tests).

The workers import ner_ar when they start and the baseline at the end: on a checkout that is
being edited meanwhile, run it from a snapshot (``git archive HEAD ner_ar | tar -x -C SNAP``, then
``cd SNAP && PYTHONPATH=SNAP python /path/to/benchmarks/distributed_speed.py``).
"""

from __future__ import annotations

import argparse
import lzma
import tempfile
import time
from itertools import islice
from pathlib import Path
from typing import Any

ANT_MULTI = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "text" / "ant_multisource" \
    / "ant_multisource.txt.xz"


def run_cluster(n_workers: int, corpus: Path, out: Path, partition_size: int, repeat: int) -> dict[str, Any]:
    """One local cluster of ``n_workers`` processes: start, model load, extraction(s), memory."""
    from distributed import Client

    from ner_ar.distributed import WorkerOptions, extract_corpus, extractor_plugin, local_cluster, worker_info
    from ner_ar.ner import ModelFiles

    t0 = time.perf_counter()
    with local_cluster(n_workers) as cluster, Client(cluster) as client:  # as ner-ar extract --workers N
        t_start = time.perf_counter() - t0
        options = WorkerOptions(str(ModelFiles.locate().directory.resolve()))
        t0 = time.perf_counter()
        plugin = extractor_plugin(options)
        client.register_plugin(plugin, name=plugin.name)  # extract_corpus finds it registered
        t_load = time.perf_counter() - t0
        loaded = client.run(worker_info)
        walls, cpus = [], []
        for i in range(repeat):
            before = client.run(worker_info)
            report = extract_corpus([str(corpus)], out / f"run{i}", client, partition_size=partition_size)
            after = client.run(worker_info)
            walls.append(report.seconds)
            cpus.append(sum(after[a]["cpu_seconds"] - before[a]["cpu_seconds"] for a in after))
    return {"workers": n_workers, "start_s": t_start, "load_all_s": t_load, "loaded": loaded, "after": after,
            "walls": walls, "cpus": cpus, "written": report.written, "errors": report.errors,
            "partitions": report.partitions}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=200)
    ap.add_argument("--first-line", type=int, default=25000, help="1-based line of the first article")
    ap.add_argument("--workers", default="1,2", help="cluster sizes to time, comma-separated")
    ap.add_argument("--partition-size", type=int, default=25)
    ap.add_argument("--repeat", type=int, default=2, help="extractions per configuration; the best counts")
    args = ap.parse_args()

    with lzma.open(ANT_MULTI, "rt", encoding="utf-8") as fh:
        texts = [line.strip() + "\n" for line in islice(fh, args.first_line - 1, args.first_line - 1 + args.articles)]
    texts = [t for t in texts if t.strip()]
    n = len(texts)
    words = sum(len(t.split()) for t in texts)
    tmp = Path(tempfile.mkdtemp(prefix="ner_ar-dist-bench-"))
    corpus = tmp / "corpus"
    corpus.mkdir()
    names = []
    for i, text in enumerate(texts):
        (corpus / f"ant{i:05d}.txt").write_text(text, encoding="utf-8")
        names.append(str(corpus / f"ant{i:05d}.txt"))
    print(f"articles {n}, words {words} ({words / n:.0f} per article), partitions of {args.partition_size}, "
          f"best of {args.repeat}")

    runs = [run_cluster(int(k), corpus, tmp / f"out-{k}", args.partition_size, args.repeat)
            for k in args.workers.split(",")]

    # the single-process baseline, one torch thread as a worker has, after the clusters are gone
    import resource

    from ner_ar.distributed import read_output
    from ner_ar.extractor import Extractor

    ex = Extractor(threads=1)
    ex.extract(texts[0])  # warm-up
    base_walls, base_cpus = [], []
    for _ in range(args.repeat):
        c0 = resource.getrusage(resource.RUSAGE_SELF)
        t0 = time.perf_counter()
        reference = list(ex.pipe(texts, batch_size=32, doc_ids=names, on_error="skip"))
        base_walls.append(time.perf_counter() - t0)
        c1 = resource.getrusage(resource.RUSAGE_SELF)
        base_cpus.append(c1.ru_utime + c1.ru_stime - c0.ru_utime - c0.ru_stime)

    print()
    print(f"{'run':38} {'docs/s':>7} {'words/s':>8} {'wall s':>7} {'CPU s/doc':>10}")

    def row(label: str, wall: float, cpu: float) -> None:
        print(f"{label:38} {n / wall:7.1f} {words / wall:8.0f} {wall:7.2f} {cpu / n:10.4f}")

    row("single process, 1 torch thread", min(base_walls), min(base_cpus))
    for run in runs:
        row(f"Dask, {run['workers']} worker(s) x 1 thread", min(run["walls"]), min(run["cpus"]))
    print()
    for run in runs:
        loaded, after = run["loaded"], run["after"]
        print(f"{run['workers']} worker(s): cluster start {run['start_s']:.2f} s, model on all workers "
              f"{run['load_all_s']:.2f} s; {run['partitions']} partitions; walls "
              + ", ".join(f"{w:.1f}" for w in run["walls"]) + " s")
        for address, info in after.items():
            first = loaded[address]
            print(f"  worker pid {info['pid']}: import torch+Stanza {first.get('import_seconds', 0):.2f} s, "
                  f"model load {first.get('load_seconds', 0):.2f} s, RSS after load {first['rss_mb']:.0f} MB, "
                  f"after the runs {info['rss_mb']:.0f} MB (peak {info['max_rss_mb']:.0f} MB), "
                  f"torch threads {info.get('torch_threads')}")
        docs = list(read_output(tmp / f"out-{run['workers']}" / "run0"))
        differ = sum(a != b for a, b in zip(docs, reference, strict=False)) + abs(len(docs) - len(reference))
        print(f"  documents written {run['written']}, errors {run['errors']}; "
              f"identical to the single-process run: {len(docs) - differ} of {len(reference)}")

    rate = {int(r["workers"]): n / min(r["walls"]) for r in runs}
    cpu_per_doc = {int(r["workers"]): min(r["cpus"]) / n for r in runs}
    print()
    if 1 in rate:
        print(f"Dask 1 worker / single process (docs/s): {rate[1] / (n / min(base_walls)):.2f}; "
              f"CPU per document: {cpu_per_doc[1] / (min(base_cpus) / n):.2f}")
        for k in sorted(rate):
            if k > 1:
                print(f"speed-up {k} workers / 1 worker: {rate[k] / rate[1]:.2f} (efficiency {rate[k] / rate[1] / k:.0%})")
    one_core = 1 / min(cpu_per_doc.values())
    print(f"\none worker on a core of its own: {one_core:.1f} docs/s (1 / CPU s per document)")
    print("projection, 1,000,000 articles of this length, every worker on its own core, no other overhead:")
    for k in (1, 8, 32, 64, 128, 256):
        print(f"  {k:4d} workers: {1_000_000 / (one_core * k) / 3600:8.2f} h")


if __name__ == "__main__":
    main()
