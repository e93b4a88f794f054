"""Speed of entity resolution + relation extraction, in ms per token (no NER model involved).

Docs are built beforehand from inline entity markup, as the NER model would hand them over: the
seed article with its entities marked (tests/data/seed_marked.txt) repeated as separate documents,
and the dev-set sentences. Only ``resolve`` + ``extract_relations`` are timed. The budget is 10% of
NER time: at ~5,000 tokens/s for NER that is 0.02 ms/token.

    python benchmarks/relations_speed.py [--copies 50] [--rounds 5]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from spacy.tokens import Doc

from ner_ar.pipeline import resolve
from ner_ar.relations import extract_relations
from ner_ar.relations.engine import engine
from ner_ar.relations.markup import doc_from_markup

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"


def _docs(copies: int) -> list[Doc]:
    seed = (DATA / "seed_marked.txt").read_text(encoding="utf-8")
    dev = [json.loads(line)["marked"] for line in
           (DATA / "relations_dev.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    return [doc_from_markup(m) for m in [seed] * copies + dev]


def _run(docs: list[Doc]) -> float:
    start = time.perf_counter()
    for doc in docs:
        extract_relations(doc, resolve(doc))
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--copies", type=int, default=50, help="copies of the seed article")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds (the best is kept)")
    args = parser.parse_args()
    docs = _docs(args.copies)
    tokens = sum(len(d) for d in docs)
    engine()
    _run(docs[:3])  # warm up: lexicons, gazetteer and Matcher are built once per process
    best = min(_run(docs) for _ in range(args.rounds))
    print(f"{len(docs)} docs, {tokens} tokens: {best * 1000 / tokens:.4f} ms/token "
          f"({tokens / best:,.0f} tokens/s), best of {args.rounds}")


if __name__ == "__main__":
    main()
