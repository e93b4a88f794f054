"""Gold relation arguments the pipeline does not return as entities, and entity P/R of the gold
markup, on sets rules and steps may be written from.

    python benchmarks/arguments_found.py tests/data/relations_dev.jsonl [tests/data/relations_tune_*.jsonl ...]
        [--quiet] [--without STAGE ...]

For each gold relation argument not found as an entity (the test of ``benchmarks/quality.py``'s
``_arguments_found``: the argument's normalised name among an entity's names), prints the passage,
the argument and what the pipeline returned over the argument's characters in the ``marked``
field: the same span with another type, a shorter or longer span, a crossing span, nothing, or
an entity there whose names differ (``names``); then totals by kind. Then entity precision and
recall of the markup: exact character spans, and "clitic either way" (a mention also counts when
widened over the letters glued to it: the dev markup marks a name with its proclitic, the tuning
sets without), typed (GPE and FAC as LOC, the markup's convention) and untyped.

``--without STAGE`` runs the pipeline without that stage (repeatable), for before/after figures.

Refuses the frozen blind sets: they are scored only by ``benchmarks/quality.py``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from quality import COARSE, _arguments_found, _prf  # noqa: E402

from ner_ar import Extractor  # noqa: E402
from ner_ar.relations.evaluate import entity_names, norm_name  # noqa: E402
from ner_ar.relations.lexicon import key  # noqa: E402
from ner_ar.relations.markup import parse_markup  # noqa: E402
from ner_ar.schema import Document  # noqa: E402

FROZEN = ("blind",)


def _widen(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` widened over the letters glued to it (a proclitic the pipeline cut)."""
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    return start, end


def _located(arg: str, text: str, gold: list[tuple[int, int, str]]) -> tuple[int, int] | None:
    """The markup span naming ``arg`` (or, failing that, the first place its text occurs)."""
    want = {norm_name(arg), key(arg)}
    for s, e, _ in gold:
        if {norm_name(text[s:e]), key(text[s:e])} & want:
            return s, e
    at = text.find(arg)
    return (at, at + len(arg)) if at >= 0 else None


def _returned(doc: Document, text: str, span: tuple[int, int] | None) -> tuple[str, str]:
    """What the pipeline returned over ``span``: a kind and the mentions there."""
    if span is None:
        return "not located in the text", ""
    s, e = span
    over = [(m, ent) for ent in doc.entities for m in ent.mentions if m.start < e and m.end > s]
    if not over:
        return "nothing", ""
    shown = "; ".join(f"[{m.text}]({ent.type.value}{'' if m.kind == 'name' else ' ' + m.kind})" for m, ent in over)
    m, ent = over[0]
    ws, we = _widen(text, m.start, m.end)
    if (ws, we) == (s, e) or (m.start, m.end) == (s, e):
        return "same span, names differ" if ent.type.value in ("PER", "ORG", "GPE", "LOC", "FAC", "MISC") \
            else "same span", shown
    if len(over) > 1 and all(s <= mm.start and mm.end <= e for mm, _ in over):
        return "split in pieces", shown
    if s <= ws and we <= e:
        return "shorter span", shown
    if ws <= s and e <= we:
        return "longer span", shown
    return "crossing span", shown


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--quiet", action="store_true", help="totals only")
    ap.add_argument("--without", action="append", default=[], help="a stage to leave out")
    args = ap.parse_args()
    for f in args.files:
        if any(s in f.name for s in FROZEN):
            sys.exit(f"{f}: a frozen blind set; score it with benchmarks/quality.py, never read it")
    ex = Extractor()
    unknown = set(args.without) - {s.name for s in ex._stages}
    if unknown:
        sys.exit(f"no stage {', '.join(sorted(unknown))}: {', '.join(s.name for s in ex._stages)}")
    ex._stages = [s for s in ex._stages if s.name not in args.without]
    kinds: Counter = Counter()
    ent: Counter = Counter()
    for path in args.files:
        items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        docs = list(ex.pipe([it["text"] for it in items], batch_size=16))
        for it, doc in zip(items, docs, strict=True):
            text, gold = parse_markup(it["marked"])
            names = [entity_names(e) for e in doc.entities]
            shown = False
            for rel in it["relations"]:
                for arg in (rel["subject"], rel["object"]):
                    if any({norm_name(arg), key(arg)} & n for n in names):
                        continue
                    kind, what = _returned(doc, text, _located(arg, text, gold))
                    kinds[kind] += 1
                    if not args.quiet:
                        if not shown:
                            print(f"\n{path.name}: {it['marked']}")
                            shown = True
                        print(f"  {rel['type']}: [{arg}] {kind} {what}")
            pred = [(m.start, m.end, COARSE.get(e.type.value, e.type.value))
                    for e in doc.entities for m in e.mentions if m.kind == "name"]
            goldc = {(s, e, COARSE.get(t, t)) for s, e, t in gold}
            exact = set(pred)
            either = exact | {(*_widen(text, s, e), t) for s, e, t in pred}
            untyped = {x[:2] for x in goldc}
            ent.update(gold=len(goldc), pred=len(exact),
                       exact_typed=len(exact & goldc), exact_untyped=len({x[:2] for x in exact} & untyped),
                       either_typed=len(either & goldc), either_untyped=len({x[:2] for x in either} & untyped))
    total = sum(kinds.values())
    found = n = 0
    for path in args.files:
        f, t = _arguments_found(path, ex)
        found, n = found + f, n + t
    print(f"\nArguments found as entities: {found}/{n} = {found / max(n, 1):.3f}; not found {total}:")
    for kind, c in kinds.most_common():
        print(f"  {kind:<26} {c}")
    print("Entity markup, name mentions (GPE/FAC as LOC):")
    print(f"  exact chars, typed     {_prf(ent['exact_typed'], ent['pred'], ent['gold'])}")
    print(f"  exact chars, untyped   {_prf(ent['exact_untyped'], ent['pred'], ent['gold'])}")
    print(f"  clitic either way, typed    {_prf(ent['either_typed'], ent['pred'], ent['gold'])}")
    print(f"  clitic either way, untyped  {_prf(ent['either_untyped'], ent['pred'], ent['gold'])}")


if __name__ == "__main__":
    main()
