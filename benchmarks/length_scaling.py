"""Time and peak memory of one document against its length, 10k to 2M characters.

    python benchmarks/length_scaling.py [--sizes 10000,100000,...] [--threads 1] [--giant]

Each document is real news text (ANT articles, a blank line between them) cut to the length wanted,
extracted as ONE document with ``Extractor.extract``. Every size runs in a fresh process, so its peak
memory is its own: the figure is the peak resident set size minus the one after loading the model
and extracting a 5k-character warm-up text. For linear cost, seconds per 100k characters stay flat
as the length grows (``ratio``: against the smallest size), and so does the memory each further
100k characters adds (``dMB/100k``: the peak's growth from the previous size, per 100k). ``cpu``
is the process's CPU time, which other processes on the machine disturb less than wall time.
The last line compares the 200k document with the same articles given to ``pipe`` one by one.
``--giant`` adds a 10k-character article with a 1M-character base64 blob in the middle.

Prints figures; asserts nothing (timings belong in benchmarks, not tests). Other processes on the
machine slow every figure alike; compare ratios, not absolute times, on a shared machine.
"""

from __future__ import annotations

import argparse
import base64
import json
import lzma
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ANT = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "text" / "ant" / "ant.txt.xz"
SIZES = (10_000, 50_000, 100_000, 200_000, 500_000, 1_000_000, 2_000_000)


def articles(total: int) -> list[str]:
    """ANT articles, in file order, whose joined length (blank lines between) reaches ``total``."""
    out: list[str] = []
    length = 0
    with lzma.open(ANT, "rt", encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if line:
                out.append(line)
                length += len(line) + 2
                if length >= total:
                    break
    return out


def document(size: int, giant: bool = False) -> str:
    if giant:
        text = "\n\n".join(articles(10_000))[:10_000]
        blob = base64.b64encode(random.Random(0).randbytes(750_000)).decode()
        return text[:5_000] + " " + blob + " " + text[5_000:]
    return "\n\n".join(articles(size))[:size]


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(size: int, threads: int | None, giant: bool, compare: bool) -> dict[str, float]:
    """Run in a fresh process: load, warm up, extract one document of ``size`` characters."""
    from ner_ar import Extractor

    text = document(size, giant)
    ex = Extractor(threads=threads)
    ex.extract(document(5_000))  # warm-up: lazy tables, first allocations
    base = _rss_mb()
    t0, c0 = time.perf_counter(), time.process_time()
    doc = ex.extract(text)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {"chars": len(text), "seconds": seconds, "cpu": cpu, "peak_mb": peak - base,
              "entities": len(doc.entities), "relations": len(doc.relations),
              "sentences": len(doc.sentences)}
    if compare:
        parts = articles(size)
        t0, c0 = time.perf_counter(), time.process_time()
        list(ex.pipe(parts, batch_size=32))
        result["pipe_seconds"] = time.perf_counter() - t0
        result["pipe_cpu"] = time.process_time() - c0
        result["pipe_docs"] = len(parts)
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default=",".join(map(str, SIZES)),
                    help="document lengths in characters, comma-separated")
    ap.add_argument("--threads", type=int, default=None, help="torch threads (default: the library's)")
    ap.add_argument("--giant", action="store_true", help="also a text with a 1M-character token")
    ap.add_argument("--child", type=int, default=None, help=argparse.SUPPRESS)
    ap.add_argument("--child-giant", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--child-compare", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child is not None:
        print(json.dumps(child(args.child, args.threads, args.child_giant, args.child_compare)))
        return

    def run(size: int, giant: bool = False, compare: bool = False) -> dict[str, float]:
        cmd = [sys.executable, __file__, "--child", str(size)]
        cmd += ["--threads", str(args.threads)] if args.threads else []
        cmd += ["--child-giant"] if giant else []
        cmd += ["--child-compare"] if compare else []
        proc = subprocess.run(cmd, capture_output=True, text=True, check=True, env=os.environ)
        return json.loads(proc.stdout.strip().splitlines()[-1])

    sizes = [int(s) for s in args.sizes.split(",") if s]
    print(f"one document each, threads={args.threads or 'default'}, load average "
          f"{os.getloadavg()[0]:.1f} at the start (other processes slow every figure alike)")
    print(f"{'chars':>10} {'seconds':>9} {'s/100k':>8} {'ratio':>6} {'cpu s':>8} {'cpu/100k':>8} "
          f"{'ratio':>6} {'peak +MB':>9} {'dMB/100k':>9} {'sentences':>9} {'entities':>8} {'relations':>9}")
    first_per: float | None = None
    first_cpu: float | None = None
    previous: dict[str, float] | None = None
    compared: dict[str, float] | None = None
    for size in sizes:
        r = run(size, compare=size == 200_000)
        if "pipe_seconds" in r:
            compared = r
        per = 1e5 * r["seconds"] / r["chars"]
        cpu = 1e5 * r["cpu"] / r["chars"]
        first_per = first_per or per
        first_cpu = first_cpu or cpu
        slope = (f"{1e5 * (r['peak_mb'] - previous['peak_mb']) / (r['chars'] - previous['chars']):>9.1f}"
                 if previous else f"{'':>9}")
        print(f"{r['chars']:>10,.0f} {r['seconds']:>9.2f} {per:>8.2f} {per / first_per:>6.2f} "
              f"{r['cpu']:>8.2f} {cpu:>8.2f} {cpu / first_cpu:>6.2f} {r['peak_mb']:>9.0f} {slope} {r['sentences']:>9.0f} {r['entities']:>8.0f} "
              f"{r['relations']:>9.0f}")
        previous = r
    if compared is not None:
        print(f"200k characters: {compared['seconds']:.1f} s ({compared['cpu']:.1f} s CPU) as one document, "
              f"{compared['pipe_seconds']:.1f} s ({compared['pipe_cpu']:.1f} s CPU) as "
              f"{compared['pipe_docs']:.0f} articles through pipe")
    if args.giant:
        r = run(0, giant=True)
        print(f"giant token: {r['chars']:,.0f} characters (a 1,000,000-character base64 blob in a "
              f"10k article): {r['seconds']:.2f} s, peak +{r['peak_mb']:.0f} MB, "
              f"{r['entities']:.0f} entities")


if __name__ == "__main__":
    main()
