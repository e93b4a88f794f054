"""What the library's span completion (``ner_ar/complete.py``) adds to the tagger, on whole tokens.

    python benchmarks/ner_completion.py [--chunk 20] [--model-dir DIR]

ANERcorp has no article boundaries, so its test sentences are grouped in runs of ``--chunk``
consecutive sentences, each run standing for one document (the repeated-name step works per
document). AQMAR's test sentences are shuffled (Stanza's split), so each is its own document there.
Spans are compared on whole tokens with exact bounds and types, as ``ner-ar evaluate`` does;
the library's GPE/FAC retyping and clitic trimming come later and are not scored here.

Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from spacy.tokens import Doc, Span

from ner_ar import complete
from ner_ar.ner import Tagger, bioes_spans
from ner_ar.relations.lexicon import token_key
from ner_ar.text import tagger_form, tokenizer
from ner_ar.training.corpora import Sentence, aqmar_split, read_conll

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "ner"
Spans = set[tuple[int, int, str]]


def _documents(sents: list[Sentence], tags: list[list[str]], chunk: int
               ) -> list[tuple[list[str], list[str], list[str]]]:
    docs = []
    for c in range(0, len(sents), chunk):
        words: list[str] = []
        gold: list[str] = []
        pred: list[str] = []
        for sent, seq in zip(sents[c:c + chunk], tags[c:c + chunk], strict=True):
            words += [w for w, _ in sent]
            gold += [t for _, t in sent]
            pred += seq
        docs.append((words, gold, pred))
    return docs


def _steps() -> dict[str, Callable[[Doc, list[str], list[complete.RawSpan]], list[complete.RawSpan]]]:
    return {
        "tagger alone": lambda doc, keys, spans: spans,
        "+ repeated names only": lambda doc, keys, spans: complete.add_repeated_names(doc, keys, spans),
        "all completion steps": lambda doc, keys, spans: complete.complete_spans(doc, keys),
    }


def score(name: str, sents: list[Sentence], tags: list[list[str]], chunk: int) -> None:
    nlp = tokenizer()
    docs = _documents(sents, tags, chunk)
    print(f"{name}: {len(sents)} sentences in {len(docs)} documents")
    for label, step in _steps().items():
        tp = n_pred = n_gold = 0
        for words, gold_tags, pred_tags in docs:
            doc = Doc(nlp.vocab, words=words)
            doc.ents = [Span(doc, a, b, label=lab) for a, b, lab in bioes_spans(pred_tags)]
            keys = [token_key(w) for w in words]
            spans = [complete.RawSpan(e.label_, e.start, e.end) for e in doc.ents]
            pred: Spans = {(s.start, s.end, s.label) for s in step(doc, keys, spans)}
            gold: Spans = set(bioes_spans(gold_tags))
            tp += len(pred & gold)
            n_pred += len(pred)
            n_gold += len(gold)
        p, r = tp / max(n_pred, 1), tp / max(n_gold, 1)
        print(f"  {label:<24} P {p:.3f}  R {r:.3f}  F1 {2 * p * r / max(p + r, 1e-9):.3f}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--chunk", type=int, default=20, help="ANERcorp sentences per document")
    ap.add_argument("--model-dir", default=None)
    args = ap.parse_args()
    tagger = Tagger(args.model_dir)
    sets = {"ANERcorp test": (read_conll(DATA / "anercorp" / "test.txt"), args.chunk),
            "AQMAR test": (aqmar_split(DATA / "aqmar")[2], 1)}
    for name, (sents, chunk) in sets.items():
        tags = tagger.tag([[tagger_form(w) for w, _ in s] for s in sents])
        score(name, sents, tags, chunk)


if __name__ == "__main__":
    main()
