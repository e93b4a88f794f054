"""Mine ANT for relation constructions the rules do not cover (a Snowball-style review aid).

Two steps, so the slow one runs once:

    # 1. run the Extractor over a sample of articles (never a blind-set source), cache documents
    nohup python benchmarks/mine_patterns.py extract --v2 1500 --v1 800 --out /tmp/mine_docs.jsonl &
    # 2. group entity pairs of each relation's argument types by the words between and around
    #    them, rank the patterns by frequency and by agreement with the current rules
    python benchmarks/mine_patterns.py mine /tmp/mine_docs.jsonl --top 40

Sources: ANT v2.1 (lines 0-19999 of ant_multisource.txt.xz) and ANT v1.1 (ant.txt.xz). Every
line named as a ``source`` in tests/data/relations_blind.jsonl or tests/data/entities_blind.jsonl
("ANT v2.1 line N", "ANT v1.1 line N", 0-based) is skipped: only that field of those files is read.

A pattern is the pair's types plus the normalised words between the two entities (at most
``--max-between``; nisbas shown as ``NAT``, other entities as their type), with the word before
the first entity as left context. For each relation type whose argument types fit the pair, a
pattern's *agreement* is the share of its pairs the current rules already link with that type
(Snowball's confidence: a pattern that mostly agrees with trusted seeds is a good candidate; one
seen often with agreement 0 is either a construction the rules miss or a non-relation, which the
reviewer decides). Patterns are printed with their count, agreement and an example sentence.
"""

from __future__ import annotations

import argparse
import json
import lzma
import random
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
V2 = Path("/work/shared/data/text/ant_multisource/ant_multisource.txt.xz")
V1 = Path("/work/shared/data/text/ant/ant.txt.xz")
BLIND = (DATA / "relations_blind.jsonl", DATA / "entities_blind.jsonl")
INVENTORY = ROOT / "ner_ar" / "relations" / "rules" / "inventory.yaml"


def blind_sources() -> set[tuple[str, int]]:
    """(corpus, line) of every blind-set passage: only the ``source`` field is read."""
    out: set[tuple[str, int]] = set()
    for path in BLIND:
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            src = json.loads(line).get("source") or ""
            parts = src.split()
            if len(parts) == 4 and parts[0] == "ANT" and parts[2] == "line":
                out.add((parts[1], int(parts[3])))
    return out


def articles(n_v2: int, n_v1: int, seed: int, max_chars: int) -> Iterator[tuple[str, str]]:
    """A random sample of (source, text) from both corpora, blind sources left out."""
    skip = blind_sources()
    rng = random.Random(seed)
    for name, path, limit, n in (("v2.1", V2, 20000, n_v2), ("v1.1", V1, None, n_v1)):
        if n <= 0:
            continue
        with lzma.open(path, "rt", encoding="utf-8") as fh:
            lines = [ln for i, ln in enumerate(fh) if limit is None or i < limit]
        pool = [i for i in range(len(lines)) if (name, i) not in skip and len(lines[i]) > 200]
        for i in sorted(rng.sample(pool, min(n, len(pool)))):
            text = lines[i].strip()
            if len(text) > max_chars:  # the lead: most relations are stated there
                cut = text.rfind(".", 0, max_chars)
                text = text[:cut + 1 if cut > max_chars // 2 else max_chars]
            yield f"ANT {name} line {i}", text


def extract(args: argparse.Namespace) -> None:
    from ner_ar import Extractor

    ex = Extractor()
    items = list(articles(args.v2, args.v1, args.seed, args.max_chars))
    with open(args.out, "w", encoding="utf-8") as out:
        for n, doc in enumerate(ex.pipe((t for _, t in items), batch_size=16,
                                        doc_ids=(s for s, _ in items), on_error="skip"), 1):
            out.write(doc.model_dump_json() + "\n")
            if n % 100 == 0:
                print(f"{n}/{len(items)}", file=sys.stderr, flush=True)


def tag(args: argparse.Namespace) -> None:
    """Tag a sample once (``normalize``, ``segment``, ``tag``) and keep the Docs (DocBin): the
    later stages and the rules then run in seconds (``relate``), so a rule change is measured
    on the same tagged text."""
    from spacy.tokens import DocBin

    from ner_ar import Extractor

    ex = Extractor()
    items = list(articles(args.v2, args.v1, args.seed, args.max_chars))
    bin_ = DocBin(attrs=["ENT_IOB", "ENT_TYPE", "SENT_START"], store_user_data=True)
    for n, (src, text) in enumerate(items, 1):
        try:
            doc = ex.tagged(text)
        except Exception as exc:  # noqa: BLE001 (a tool: skip what fails, say so)
            print(f"skip {src}: {exc}", file=sys.stderr)
            continue
        doc.user_data["source"] = src
        bin_.add(doc)
        if n % 50 == 0:
            print(f"{n}/{len(items)}", file=sys.stderr, flush=True)
    bin_.to_disk(args.out)


def relate(args: argparse.Namespace) -> None:
    """Run completion, resolution and the rules on the tagged Docs of ``tag``; write Documents
    (``mine`` reads them) with their source as id."""
    from spacy.tokens import DocBin

    from ner_ar.docstate import state
    from ner_ar.pipeline import default_stages, run_stages
    from ner_ar.schema import Document
    from ner_ar.text import tokenizer

    stages = default_stages()
    with open(args.out, "w", encoding="utf-8") as out:
        for doc in DocBin().from_disk(args.tagged).get_docs(tokenizer().vocab):
            src = doc.user_data.pop("source", None)
            doc = run_stages(doc, stages)
            st = state(doc)
            assert st.resolution is not None
            sents = [{"start": s.start_char, "end": s.end_char} for s in doc.sents]
            d = Document(id=src, text=doc.text, entities=st.resolution.entities, relations=st.relations)
            row = json.loads(d.model_dump_json())
            row["sentences"] = sents
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


def _norm(word: str) -> str:
    from ner_ar.keys import token_key
    return token_key(word) or word


def mine(args: argparse.Namespace) -> None:
    import yaml

    inv = yaml.safe_load(INVENTORY.read_text(encoding="utf-8"))
    inv.pop("blocking", None)
    stats: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)  # (type, pattern) -> counts
    example: dict[tuple[str, str], str] = {}
    for line in Path(args.docs).read_text(encoding="utf-8").splitlines():
        doc = json.loads(line)
        text = doc["text"]
        ents = {e["id"]: e for e in doc["entities"]}
        rels = {(r["type"], r["subject"], r["object"]) for r in doc["relations"]}
        for sent in doc["sentences"]:
            s0, s1 = sent["start"], sent["end"]
            ments = sorted((m["start"], m["end"], e["id"], "NAT" if m["kind"] == "nisba" else e["type"])
                           for e in ents.values() for m in e["mentions"] if s0 <= m["start"] < s1)
            for a in range(len(ments)):
                for b in range(a + 1, len(ments)):
                    ma, mb = ments[a], ments[b]
                    if ma[2] == mb[2] or mb[0] < ma[1]:
                        continue
                    between = text[ma[1]:mb[0]].split()
                    if len(between) > args.max_between:
                        break
                    # Entities in between are shown by type: the pattern is the construction.
                    words = []
                    for w_start, w in _words(text, ma[1], mb[0]):
                        inner = next((m for m in ments if m[0] <= w_start < m[1]), None)
                        words.append(inner[3] if inner else _norm(w))
                    left = text[s0:ma[0]].split()[-1:]
                    ta = "GPE" if ma[3] == "NAT" else ma[3]
                    tb = "GPE" if mb[3] == "NAT" else mb[3]
                    pat = " ".join([*(_norm(w) for w in left), f"<{ma[3]}>", *words, f"<{mb[3]}>"])
                    for rtype, sig in inv.items():
                        for subj, obj, sa, sb in ((ma, mb, ta, tb), (mb, ma, tb, ta)):
                            if sa not in sig["subject"] or sb not in sig["object"]:
                                continue
                            if sig.get("symmetric") and subj is mb:
                                continue
                            key = (rtype, pat if subj is ma else pat + " (obj first)")
                            hit = (rtype, subj[2], obj[2]) in rels or bool(
                                sig.get("symmetric") and (rtype, obj[2], subj[2]) in rels)
                            stats[key]["n"] += 1
                            stats[key]["agree"] += int(hit)
                            example.setdefault(key, text[max(s0, ma[0] - 40):min(s1, mb[1] + 40)])
    rows = [(k, c["n"], c["agree"] / c["n"]) for k, c in stats.items() if c["n"] >= args.min_count]
    for rtype in args.types or list(inv):
        ranked = sorted((r for r in rows if r[0][0] == rtype), key=lambda r: (-r[1], -r[2]))
        print(f"\n== {rtype}: {len(ranked)} patterns seen >= {args.min_count} times")
        for (t, pat), n, agree in ranked[:args.top]:
            if args.unmatched and agree > 0.5:
                continue
            print(f"{n:4d}  agree {agree:.2f}  {pat}\n        e.g. {example[(t, pat)]!r}")


def _words(text: str, start: int, end: int) -> Iterator[tuple[int, str]]:
    i = start
    for w in text[start:end].split():
        j = text.index(w, i)
        yield j, w
        i = j + len(w)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("extract", help="run the Extractor over a sample, cache the documents")
    p.add_argument("--v2", type=int, default=1500, help="articles from ANT v2.1 lines 0-19999")
    p.add_argument("--v1", type=int, default=800, help="articles from ANT v1.1")
    p.add_argument("--seed", type=int, default=12)
    p.add_argument("--max-chars", type=int, default=2000, help="cut each article to its lead")
    p.add_argument("--out", default="/tmp/mine_docs.jsonl")
    t = sub.add_parser("tag", help="tag a sample once and keep the Docs (DocBin)")
    t.add_argument("--v2", type=int, default=300)
    t.add_argument("--v1", type=int, default=150)
    t.add_argument("--seed", type=int, default=12)
    t.add_argument("--max-chars", type=int, default=1500)
    t.add_argument("--out", default="/tmp/mine_tagged.spacy")
    r = sub.add_parser("relate", help="later stages and rules on tagged Docs -> Documents")
    r.add_argument("tagged")
    r.add_argument("--out", default="/tmp/mine_docs.jsonl")
    m = sub.add_parser("mine", help="rank the patterns of a cached run")
    m.add_argument("docs")
    m.add_argument("--top", type=int, default=40)
    m.add_argument("--min-count", type=int, default=3)
    m.add_argument("--max-between", type=int, default=6)
    m.add_argument("--types", nargs="*")
    m.add_argument("--unmatched", action="store_true", help="only patterns the rules mostly miss")
    args = parser.parse_args()
    {"extract": extract, "tag": tag, "relate": relate, "mine": mine}[args.cmd](args)


if __name__ == "__main__":
    main()
