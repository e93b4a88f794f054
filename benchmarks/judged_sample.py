"""Relations on a hand-judged sample of fresh articles: recall against gold written before any
system output was seen, and the system relations no gold relation matches, listed for a judge.

    python benchmarks/judged_sample.py [benchmarks/data/relations_judged2_gold.jsonl]
        [--out benchmarks/data/relations_judged2_system.jsonl]

The gold file (one article a line: ``corpus``, ``line``, ``text``, ``gold``: relations with a
``scope`` of ``in`` (stated, both arguments named), ``soft`` (defensible) or ``coref`` (needs a
pronoun or bare noun resolved)) is written by an annotator who never saw ner_ar's output. A system
relation matches a gold one as :func:`ner_ar.relations.evaluate.relation_matches` says (type, and
the gold names among the entities' names). Prints recall per type on ``in`` gold (and on all
scopes), and writes every system relation with its match (the gold scope, or ``null``) to
``--out``: the unmatched ones are what a judge reads and marks right or wrong by hand. Asserts
nothing.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from ner_ar import Extractor
from ner_ar.relations.evaluate import relation_matches

DATA = Path(__file__).resolve().parent / "data"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("gold", nargs="?", type=Path, default=DATA / "relations_judged2_gold.jsonl")
    ap.add_argument("--out", type=Path, default=DATA / "relations_judged2_system.jsonl")
    args = ap.parse_args()
    ex = Extractor()
    found: Counter[tuple[str, str]] = Counter()  # (type, scope) -> gold found
    total: Counter[tuple[str, str]] = Counter()
    matched_sys: Counter[str] = Counter()
    rows = []
    for line in args.gold.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        doc = ex.extract(item["text"])
        used: set[int] = set()
        for rel in doc.relations:
            match = next((gi for gi, g in enumerate(item["gold"])
                          if gi not in used and relation_matches(g, rel, doc)), None)
            if match is not None:
                used.add(match)
            scope = item["gold"][match]["scope"] if match is not None else None
            matched_sys[scope or "none"] += 1
            rows.append({"corpus": item["corpus"], "line": item["line"], "type": rel.type.value,
                         "subject": doc.entity(rel.subject).name, "object": doc.entity(rel.object).name,
                         "role": rel.role, "rule": rel.rule,
                         "evidence": " … ".join(e.text for e in rel.evidence), "gold_scope": scope})
        for gi, g in enumerate(item["gold"]):
            total[g["type"], g["scope"]] += 1
            found[g["type"], g["scope"]] += gi in used
    args.out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    types = sorted({t for t, _ in total})
    print(f"{'type':<18}{'in: found/gold':>16}{'all scopes':>14}")
    for t in [*types, "all"]:
        sel = types if t == "all" else [t]
        f_in = sum(found[x, "in"] for x in sel)
        g_in = sum(total[x, "in"] for x in sel)
        f_all = sum(v for (x, _), v in found.items() if x in sel)
        g_all = sum(v for (x, _), v in total.items() if x in sel)
        r = f"{f_in / g_in:.2f}" if g_in else "-"
        print(f"{t:<18}{f'{f_in}/{g_in} {r}':>16}{f'{f_all}/{g_all}':>14}")
    print(f"system relations: {sum(matched_sys.values())}; matching gold in/soft/coref: "
          f"{matched_sys['in']}/{matched_sys['soft']}/{matched_sys['coref']}; "
          f"matching no gold (to judge by hand): {matched_sys['none']}  -> {args.out}")


if __name__ == "__main__":
    main()
