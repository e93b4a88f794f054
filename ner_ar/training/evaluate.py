"""Entity-level NER scores (seqeval, exact spans, IOB2 strict) for a tagger on BIO files."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ner_ar.ner import Tagger, bioes_spans
from ner_ar.text import tagger_form
from ner_ar.training.corpora import Sentence


def to_bio(tags: Sequence[str]) -> list[str]:
    """BIOES (or sloppy BIO) tags to clean IOB2, closing ill-formed runs the way the library does."""
    bio = ["O"] * len(tags)
    for start, end, label in bioes_spans(tags):
        bio[start] = f"B-{label}"
        for i in range(start + 1, end):
            bio[i] = f"I-{label}"
    return bio


def score(gold: list[list[str]], pred: list[list[str]]) -> dict[str, Any]:
    """Micro and per-type precision, recall, F1 and support."""
    from seqeval.metrics import classification_report
    from seqeval.scheme import IOB2

    report = classification_report(gold, pred, mode="strict", scheme=IOB2, output_dict=True,
                                   zero_division=0)
    per_type = {k: {m: round(float(v[m]), 4) for m in ("precision", "recall", "f1-score", "support")}
                for k, v in report.items() if not k.endswith(" avg")}
    micro = report["micro avg"]
    return {
        "precision": round(float(micro["precision"]), 4),
        "recall": round(float(micro["recall"]), 4),
        "f1": round(float(micro["f1-score"]), 4),
        "support": int(micro["support"]),
        "per_type": {k: {"precision": v["precision"], "recall": v["recall"], "f1": v["f1-score"],
                         "support": int(v["support"])} for k, v in sorted(per_type.items())},
    }


def evaluate_tagger(tagger: Tagger, sentences: list[Sentence]) -> dict[str, Any]:
    gold = [to_bio([tag for _, tag in sent]) for sent in sentences]
    pred = [to_bio(tags) for tags in tagger.tag([[tagger_form(t) for t, _ in s] for s in sentences])]
    result = score(gold, pred)
    result["sentences"] = len(sentences)
    result["tokens"] = sum(len(s) for s in sentences)
    return result


def format_table(name: str, result: dict[str, Any]) -> str:
    rows = [f"{name}: {result.get('sentences', '?')} sentences, {result.get('tokens', '?')} tokens",
            f"{'type':<8}{'P':>8}{'R':>8}{'F1':>8}{'support':>9}"]
    for label, r in result["per_type"].items():
        rows.append(f"{label:<8}{r['precision']:>8.3f}{r['recall']:>8.3f}{r['f1']:>8.3f}{r['support']:>9}")
    rows.append(f"{'micro':<8}{result['precision']:>8.3f}{result['recall']:>8.3f}{result['f1']:>8.3f}"
                f"{result['support']:>9}")
    return "\n".join(rows)


def dumps(results: dict[str, Any]) -> str:
    return json.dumps(results, ensure_ascii=False, indent=2)
