"""Build ``ner_ar/gazetteer/data/word_freq.tsv``: how often each normalised word occurs in ANT v1.1,
ANT v2.1 (Apache-2.0; the articles of the blind sets left out) and Arabic Wikipedia 2017 (CC BY-SA
4.0), 16M tokens; words seen at least 5 times. The clitic decision reads it.

    python benchmarks/build_word_freq.py      # a few minutes on one core
"""

from __future__ import annotations

import json
import lzma
import re
from collections import Counter
from pathlib import Path

from ner_ar.text import normalize_key

ROOT = Path(__file__).resolve().parents[1]
TEXT = ROOT.parent / "shared" / "data" / "text"
OUT = ROOT / "ner_ar" / "gazetteer" / "data" / "word_freq.tsv"
CORPORA = [(TEXT / "ant" / "ant.txt.xz", "ANT v1.1"), (TEXT / "ant_multisource" / "ant_multisource.txt.xz", "ANT v2.1"),
           (TEXT / "arwiki" / "arwiki.txt.xz", "wiki")]
WORD = re.compile(r"[\u0621-\u064A\u0671-\u06D3\u0640\u064B-\u0652]+")
MIN_COUNT = 5


def blind_sources() -> set[str]:
    out: set[str] = set()
    for name in ("relations_blind.jsonl", "entities_blind.jsonl"):
        with open(ROOT / "tests" / "data" / name, encoding="utf-8") as f:
            out |= {json.loads(line)["source"] for line in f if line.strip()}
    return out


def main() -> None:
    blind = blind_sources()
    words: Counter[str] = Counter()
    for path, tag in CORPORA:
        with lzma.open(path, "rt", encoding="utf-8") as f:
            for i, line in enumerate(f):
                if f"{tag} line {i}" not in blind:
                    words.update(WORD.findall(line))
    keys: Counter[str] = Counter()
    for w, n in words.items():
        keys[normalize_key(w)] += n
    with open(OUT, "w", encoding="utf-8") as f:
        f.write("# Word frequencies (normalised keys, ner_ar.text.normalize_key; count >= 5) in ANT v1.1, ANT v2.1\n"
                "# (Apache-2.0; the blind-set articles left out) and Arabic Wikipedia 2017 (CC BY-SA 4.0): 16M tokens.\n"
                "# Built by benchmarks/build_word_freq.py; read by the clitic decision (ner_ar/resolve/clitics.py).\n")
        for w, n in keys.most_common():
            if n < MIN_COUNT:
                break
            f.write(f"{w}\t{n}\n")


if __name__ == "__main__":
    main()
