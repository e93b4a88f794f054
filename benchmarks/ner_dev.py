"""The public API beside its tagger on the NER dev splits (what completion decisions are made on).

    python benchmarks/ner_dev.py [--model-dir DIR] [--only anercorp|aqmar] [--step STAGE]

ANERcorp dev is the end of ``train.txt`` as :func:`ner_ar.training.corpora.load_splits` cuts it
(its last 400 sentences, runs of 20 sentences as documents); AQMAR dev is Stanza's split
(:func:`~ner_ar.training.corpora.aqmar_split`, one sentence a document). Scored exactly as
``benchmarks/quality.py --ner`` scores the test sets (its :func:`score_ner`: whole-token spans,
GPE/FAC as LOC, nisbas not scored). The test sets are for a final figure only; decide here.

``--step STAGE`` (a stage name such as ``complete.quoted_names``) also lists the name spans the
pipeline gives with the stage and not without it (``+``) and the other way round (``-``), each
marked right or wrong against the gold spans, with their context, and the counts.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from quality import COARSE, DATA, _api_spans, _gold_spans, score_ner  # noqa: E402

from ner_ar import Extractor  # noqa: E402
from ner_ar.training.corpora import Sentence, aqmar_split, read_conll  # noqa: E402

ANERCORP_DEV_TAIL = 400  # load_splits' default


def step_effect(ex: Extractor, name: str, sents: list[Sentence], chunk: int, step: str) -> None:
    """The spans stage ``step`` adds and removes, judged against the gold spans."""
    texts, layouts, words, golds = [], [], [], []
    for c in range(0, len(sents), chunk):
        ws = [w for sent in sents[c:c + chunk] for w, _ in sent]
        starts, pos = [], 0
        for w in ws:
            starts.append(pos)
            pos += len(w) + 1
        gold, offset = set(), 0
        for sent in sents[c:c + chunk]:
            gold |= {(a, b, COARSE.get(lab, lab)) for a, b, lab in _gold_spans(sent, offset)}
            offset += len(sent)
        texts.append(" ".join(ws))
        layouts.append((starts, [p + len(w) for p, w in zip(starts, ws, strict=True)]))
        words.append(ws)
        golds.append(gold)
    with_step = list(ex.pipe(texts, batch_size=16))
    kept = ex._stages
    if step not in {s.name for s in kept}:
        sys.exit(f"no stage {step!r}: {', '.join(s.name for s in kept)}")
    ex._stages = [s for s in kept if s.name != step]
    try:
        without = list(ex.pipe(texts, batch_size=16))
    finally:
        ex._stages = kept
    counts = {"+ right": 0, "+ wrong": 0, "- right": 0, "- wrong": 0}
    print(f"{name}: spans that {step} changes")
    for d1, d0, (starts, ends), ws, gold in zip(with_step, without, layouts, words, golds, strict=True):
        a1, a0 = _api_spans(d1, starts, ends), _api_spans(d0, starts, ends)
        for sign, diff in (("+", a1 - a0), ("-", a0 - a1)):
            for a, b, lab in sorted(diff):
                ok = "right" if (a, b, lab) in gold else "wrong"
                counts[f"{sign} {ok}"] += 1
                near = [(" ".join(ws[x:y]), t) for x, y, t in gold if x < b and y > a]
                print(f"  {sign} {ok:<5} {lab:<4} {' '.join(ws[max(0, a - 5):a])} [{' '.join(ws[a:b])}] "
                      f"{' '.join(ws[b:b + 3])}   gold: {near}")
    print("  " + ", ".join(f"{k} {v}" for k, v in counts.items()))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model-dir", default=None)
    ap.add_argument("--only", choices=("anercorp", "aqmar"), default=None)
    ap.add_argument("--step", default=None, help="list the spans this stage adds and removes")
    args = ap.parse_args()
    ex = Extractor(args.model_dir)
    sets = []
    if args.only in (None, "anercorp"):
        train = read_conll(DATA / "anercorp" / "train.txt")
        sets.append(("ANERcorp dev", train[len(train) - ANERCORP_DEV_TAIL:], 20))
    if args.only in (None, "aqmar"):
        sets.append(("AQMAR dev", aqmar_split(DATA / "aqmar")[1], 1))
    for name, sents, chunk in sets:
        score_ner(ex, name, sents, chunk)
        if args.step:
            step_effect(ex, name, sents, chunk, args.step)


if __name__ == "__main__":
    main()
