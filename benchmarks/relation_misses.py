"""Missed and false relations, passage by passage, on a set rules may be written from.

    python benchmarks/relation_misses.py tests/data/relations_tune_v21.jsonl [more.jsonl ...]
        [--type met_with] [--gold-entities] [--fp] [--fn]

Prints, for each passage with a miss (FN) or a false relation (FP), the passage, its gold
relations of the chosen types that were not found, and the relations found that match no gold one,
then per-type P/R over the files. ``--gold-entities`` scores the rules alone (the passage's entity
markup stands in for the NER model). Refuses the frozen blind sets: they are scored only by
``benchmarks/quality.py``, never read while writing rules.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ner_ar import Extractor
from ner_ar.relations.evaluate import evaluate_relations, format_report, relation_matches
from ner_ar.schema import Document

FROZEN = ("relations_blind", "entities_blind")


def _name(doc: Document, entity_id: str) -> str:
    return doc.entity(entity_id).name


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--type", action="append", default=None, help="relation type(s) to show")
    ap.add_argument("--gold-entities", action="store_true")
    ap.add_argument("--fn", action="store_true", help="show misses only")
    ap.add_argument("--fp", action="store_true", help="show false relations only")
    args = ap.parse_args()
    for f in args.files:
        if any(s in f.name for s in FROZEN):
            sys.exit(f"{f}: a frozen blind set; score it with benchmarks/quality.py, never read it")
    show_fn = args.fn or not args.fp
    show_fp = args.fp or not args.fn
    types = set(args.type or [])
    ex = None if args.gold_entities else Extractor()

    def report(item: dict, doc: Document) -> None:
        gold = [g for g in item["relations"] if not types or g["type"] in types]
        rels = [r for r in doc.relations if not types or r.type.value in types]
        fn = [g for g in gold if not any(relation_matches(g, r, doc) for r in rels)]
        fp = [r for r in rels if not any(relation_matches(g, r, doc) for g in item["relations"])]
        lines = []
        if show_fn:
            lines += [f"  FN {g['type']}: {g['subject']} -> {g['object']}" + (f" ({g['role']})" if g.get("role") else "")
                      for g in fn]
        if show_fp:
            lines += [f"  FP {r.type.value}: {_name(doc, r.subject)} -> {_name(doc, r.object)}"
                      + (f" ({r.role})" if r.role else "") + f"  [{r.rule}]" for r in fp]
        if lines:
            print(f"{item.get('source', '')}\n  {item['marked' if args.gold_entities else 'text']}")
            print("\n".join(lines))

    for f in args.files:
        scores = evaluate_relations(f, ex, gold_entities=args.gold_entities, on_document=report)
        print(f"== {f}\n{format_report(scores)}")


if __name__ == "__main__":
    main()
