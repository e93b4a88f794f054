"""What each completion step adds and breaks, measured by ablation through the pipeline.

    python benchmarks/completion_steps.py

For ANERcorp test (runs of 20 sentences as documents) and AQMAR test (one sentence a document),
the tagger runs once; then the later stages run with every step, and once without each step in
turn. A step's effect is the difference: right name spans it adds (whole tokens, exact bounds and
type, GPE/FAC scored as LOC), wrong spans it adds, right spans it loses, and the F1 change. A
step that does more harm than good on these corpora is listed as such; the hand-judged news
sample (``runs/spans_judged_summary.md``, see the closing note) weighs it on 2018 news.
Prints figures; asserts nothing.
"""

from __future__ import annotations

from pathlib import Path

from ner_ar import Extractor
from ner_ar.docstate import state
from ner_ar.ner import bioes_spans
from ner_ar.pipeline import run_stages
from ner_ar.training.corpora import Sentence, aqmar_split, read_conll

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "ner"
COARSE = {"GPE": "LOC", "FAC": "LOC"}
Spans = set[tuple[int, int, int, str]]


def _docs(ex: Extractor, sents: list[Sentence], chunk: int) -> list[tuple[object, list[int], list[int], Spans]]:
    out = []
    for ci, c in enumerate(range(0, len(sents), chunk)):
        words = [w for s in sents[c:c + chunk] for w, _ in s]
        tags = [t.replace("PERS", "PER") for s in sents[c:c + chunk] for _, t in s]
        starts, pos = [], 0
        for w in words:
            starts.append(pos)
            pos += len(w) + 1
        gold = {(ci, a, b, COARSE.get(lab, lab)) for a, b, lab in bioes_spans(tags)}
        out.append((ex.tagged(" ".join(words)), starts, [len(w) for w in words], gold))
    return out


def _predict(docs: list, stages: list) -> Spans:  # type: ignore[type-arg]
    pred: Spans = set()
    for ci, (doc, starts, lens, _) in enumerate(docs):
        doc.user_data.pop("ner_ar", None)
        res = state(run_stages(doc, stages)).resolution
        assert res is not None
        for ent in res.entities:
            for m in ent.mentions:
                if m.kind != "name":
                    continue
                toks = [i for i, (s, n) in enumerate(zip(starts, lens, strict=True)) if s < m.end and s + n > m.start]
                if toks:
                    pred.add((ci, toks[0], toks[-1] + 1, COARSE.get(ent.type.value, ent.type.value)))
    return pred


def _f1(pred: Spans, gold: Spans) -> float:
    tp = len(pred & gold)
    return 2 * tp / max(len(pred) + len(gold), 1)


def main() -> None:
    ex = Extractor()
    stages = [s for s in ex._stages if s.name != "relate"]
    steps = [s.name for s in stages if s.name.startswith("complete.")]
    for name, sents, chunk in (("ANERcorp test", read_conll(DATA / "anercorp" / "test.txt"), 20),
                               ("AQMAR test", aqmar_split(DATA / "aqmar")[2], 1)):
        docs = _docs(ex, sents, chunk)
        gold: Spans = set().union(*(d[3] for d in docs))
        full = _predict(docs, stages)
        bare = _predict(docs, [s for s in stages if not s.name.startswith("complete.")])
        print(f"{name}: F1 all steps {_f1(full, gold):.4f}, no completion step {_f1(bare, gold):.4f}")
        print(f"  {'step':<28}{'right+':>7}{'wrong+':>7}{'right-':>7}{'dF1':>9}")
        for step in steps:
            without = _predict(docs, [s for s in stages if s.name != step])
            added, lost = full - without, without - full
            right_added, wrong_added = len(added & gold), len(added - gold)
            right_lost = len(lost & gold)
            d = _f1(full, gold) - _f1(without, gold)
            flag = "  harms" if d < 0 else ""
            print(f"  {step:<28}{right_added:>7}{wrong_added:>7}{right_lost:>7}{d:>+9.4f}{flag}")


if __name__ == "__main__":
    main()
