"""Build ``benchmarks/data/person_names.tsv``: the words of person names in the tagger's own
training data (ANERcorp CAMeL train less its last 400 sentences, CC BY-SA 4.0; AQMAR's train
split, CC BY-SA 3.0: ``ner_ar.training.corpora.load_splits``),
normalised, proclitics cut where the rest is also a name word; ``first`` marks words that begin a
name. Test splits are never read.

    python benchmarks/build_name_tokens.py
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from ner_ar.keys import clitic_variants, key
from ner_ar.ner import bioes_spans
from ner_ar.training.corpora import load_splits

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "ner"
OUT = ROOT / "benchmarks" / "data" / "person_names.tsv"


def main() -> None:
    sents = load_splits(DATA.parent).train  # the dev and test sentences are never read
    first: Counter[str] = Counter()
    words: Counter[str] = Counter()
    for sent in sents:
        toks = [w for w, _ in sent]
        for a, b, lab in bioes_spans([t.replace("PERS", "PER") for _, t in sent]):
            if lab != "PER":
                continue
            for n, w in enumerate(toks[a:b]):
                k = key(w)
                words[k] += 1
                if n == 0:
                    first[k] += 1
    def strip(k: str) -> str:
        for plen, base in clitic_variants(k):
            if plen and base in words and "ك" not in k[:plen]:
                return base
        return k
    out_first: Counter[str] = Counter()
    out_words: Counter[str] = Counter()
    for k, n in first.items():
        out_first[strip(k)] += n
    for k, n in words.items():
        out_words[strip(k)] += n
    with open(OUT, "w", encoding="utf-8") as f:
        f.write("# Words of person names in the tagger's training data: ANERcorp train less its dev tail\n"
                "# (CC BY-SA 4.0) and AQMAR train (CC BY-SA 3.0),\n")
        f.write("# normalised; built by benchmarks/build_name_tokens.py. word<TAB>count<TAB>first-word count\n")
        for k, n in out_words.most_common():
            if len(k) >= 2:
                f.write(f"{k}\t{n}\t{out_first.get(k, 0)}\n")


if __name__ == "__main__":
    main()
