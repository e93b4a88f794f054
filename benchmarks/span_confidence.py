"""Measure entity confidence: the precision of the spans each stage proposes.

- The tagger (``tag``), per entity type, on development data it never trained on and no test split
  (ANERcorp's last 400 train sentences and AQMAR's dev split, ``load_splits``; runs of 20
  sentences as documents; whole tokens; GPE/FAC scored as LOC).
- Each completion step, on 2018 news: ``benchmarks/data/spans_judged.jsonl``, 741 spans the steps
  proposed on 300 ANT v2.1 articles (lines 0-19999, none of the blind sets), judged by hand
  (bounds and type; the summary is beside it). Punctuation the dump left on a span's last token
  (``مصر".``) is not counted against it: the pipeline trims it from every mention. ANERcorp and
  AQMAR are not used for these: they do not annotate state bodies or facilities as we do.
Writes ``ner_ar/resolve/confidence.tsv`` (what ``Entity.confidence`` reads) and prints it.

    python benchmarks/span_confidence.py [--dry-run]
"""

from __future__ import annotations

import argparse
import json
import unicodedata
from collections import Counter
from pathlib import Path

from ner_ar import Extractor
from ner_ar.docstate import state
from ner_ar.ner import bioes_spans
from ner_ar.pipeline import run_stages
from ner_ar.resolve.confidence import TABLE
from ner_ar.training.corpora import load_splits

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
COARSE = {"GPE": "LOC", "FAC": "LOC"}
JUDGED = ROOT / "benchmarks" / "data" / "spans_judged.jsonl"
CHUNK = 20
MIN_SPANS = 10  # fewer spans than this for a (source, type): not written, the source's overall is used


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dry-run", action="store_true", help="print, do not write the table")
    args = ap.parse_args()
    ex = Extractor()
    sents = load_splits(DATA).dev
    tp: Counter[tuple[str, str]] = Counter()
    n: Counter[tuple[str, str]] = Counter()
    for c in range(0, len(sents), CHUNK):
        chunk = sents[c:c + CHUNK]
        words = [w for s in chunk for w, _ in s]
        gold_tags = [t.replace("PERS", "PER") for s in chunk for _, t in s]
        gold = {(a, b, COARSE.get(lab, lab)) for a, b, lab in bioes_spans(gold_tags)}
        starts, pos = [], 0
        for w in words:
            starts.append(pos)
            pos += len(w) + 1
        doc = run_stages(ex.tagged(" ".join(words)), ex._stages)
        st = state(doc)
        for r in st.spans:
            if r.dropped or r.end <= r.start:
                continue
            s, e = st.tokens[r.start].idx, st.tokens[r.end - 1].idx + len(st.tokens[r.end - 1].text)
            toks = [i for i, b in enumerate(starts) if b < e and b + len(words[i]) > s]
            if not toks:
                continue
            label = COARSE.get(r.label, r.label)
            hit = (toks[0], toks[-1] + 1, label) in gold
            for key in ((r.source, label), (r.source, "*")):
                n[key] += 1
                tp[key] += hit
    lines = ["# source\ttype\tprecision\tspans  (benchmarks/span_confidence.py: the tagger on ANERcorp train tail",
             "# + AQMAR dev; completion steps on 741 hand-judged spans of 2018 news)"]
    for key in sorted(n):
        if key[0] == "tag" and (n[key] >= MIN_SPANS or key[1] == "*"):
            lines.append(f"{key[0]}\t{key[1]}\t{tp[key] / n[key]:.3f}\t{n[key]}")
    judged_tp: Counter[str] = Counter()
    judged_n: Counter[str] = Counter()
    with open(JUDGED, encoding="utf-8") as f:
        for line in f:
            item = json.loads(line)
            if item["source"] == "tag":
                continue
            span = item["span"]
            ok = item["correct"] or (item.get("kind") == "bounds" and span
                                      and unicodedata.category(span[-1])[0] in "PS")
            judged_n[item["source"]] += 1
            judged_tp[item["source"]] += bool(ok)
    live = {s.name for s in ex._stages}
    for source in sorted(judged_n):
        if source not in live:
            continue  # a step since dropped
        lines.append(f"{source}\t*\t{judged_tp[source] / judged_n[source]:.3f}\t{judged_n[source]}")
    print("\n".join(lines))
    if not args.dry_run:
        TABLE.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
