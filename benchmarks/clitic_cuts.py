"""False and missed clitic cuts on real name tokens (issue: clitic segmentation that knows words).

    python benchmarks/clitic_cuts.py [--show]

Two lists built from our data, never from a test set:
- names whose first letter only looks like a proclitic (و ف ب ل ك): one-word place names of the
  gazetteer and first words of person names in the tagger's training data (benchmarks/data/person_names.tsv) that
  start with such a letter and occur at least 50 times in the corpus (word_freq.tsv) — a cut here is
  a **false cut** (كاليفورنيا -> اليفورنيا);
- the same kind of names, frequent ones starting with any letter, with a real proclitic put before
  them (ب، ل، و، وب، ول) — no cut, or a wrong one, is a **missed cut** (بكاليفورنيا).
Each token is decided by :func:`ner_ar.resolve.clitics.clitic_cut` alone, with no help from the rest
of a document (the pipeline also uses other mentions in the document), so these rates are an upper
bound of what a document sees. Prints counts and rates; asserts nothing.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from ner_ar.gazetteer import gazetteer, word_freq
from ner_ar.resolve.clitics import clitic_cut

CLITIC_LETTERS = "وفبلك"
PREFIXES = ("ب", "ل", "و", "وب", "ول")
MIN_FREQ = 50


DATA = Path(__file__).resolve().parent / "data"


def first_names() -> set[str]:
    """Words that begin person names at least twice in the tagger's training data
    (``benchmarks/data/person_names.tsv``, built by ``benchmarks/build_name_tokens.py``)."""
    out = set()
    with open(DATA / "person_names.tsv", encoding="utf-8") as f:
        for line in f:
            if not line.startswith("#"):
                w, _n, n_first = line.rstrip("\n").split("\t")
                if int(n_first) >= 2:
                    out.add(w)
    return out


def name_lists() -> tuple[list[tuple[str, str]], list[tuple[str, str, int]]]:
    freq = word_freq()
    gaz = gazetteer()
    first = first_names()
    places = {k for k in gaz.places if " " not in k}
    names = [(k, "GPE") for k in sorted(places)] + [(k, "PER") for k in sorted(first)]
    names = [(k, lab) for k, lab in names if freq.get(k, 0) >= MIN_FREQ and len(k) >= 3]
    # Training-data names whose "first word" is itself a clitic + a known word (بفرنسا, والارمن:
    # annotation noise) are left out: the name's own letter is what is measured here.
    def noise(k: str) -> bool:
        rest = k[1:]
        return rest in gaz.places or rest in gaz.nisba or freq.get(rest, 0) >= freq.get(k, 0)
    lookalike = [(k, lab) for k, lab in names
                 if k[0] in CLITIC_LETTERS and not k.startswith("ال") and not noise(k)]
    rng = random.Random(0)
    plain = [(k, lab) for k, lab in names if not k.startswith("ال")]
    sample = rng.sample(plain, min(300, len(plain)))
    prefixed = [(p + k, lab, len(p)) for k, lab in sample for p in [rng.choice(PREFIXES)]]
    return lookalike, prefixed


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--show", action="store_true", help="print every wrong decision")
    args = ap.parse_args()
    gaz = gazetteer()
    lookalike, prefixed = name_lists()
    false_cuts = [(k, lab, clitic_cut(k, lab, gaz, set(), set(), False)) for k, lab in lookalike]
    false_cuts = [x for x in false_cuts if x[2][0]]
    missed = []
    for k, lab, want in prefixed:
        cut, _ = clitic_cut(k, lab, gaz, set(), set(), False)
        if cut != want:
            missed.append((k, lab, cut, want))
    print(f"names that only look cliticised: {len(lookalike)}; false cuts {len(false_cuts)} "
          f"({len(false_cuts) / max(len(lookalike), 1):.1%})")
    print(f"names with a real proclitic:     {len(prefixed)}; missed or wrong cuts {len(missed)} "
          f"({len(missed) / max(len(prefixed), 1):.1%})")
    if args.show:
        for k, lab, (_cut, base) in false_cuts:
            print("  false cut", lab, k, "->", base)
        for k, lab, cut, want in missed:
            print("  missed", lab, k, f"cut {cut}, want {want}")


if __name__ == "__main__":
    main()
