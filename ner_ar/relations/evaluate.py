"""Scoring relations against a gold JSONL file (``tests/data/relations_dev.jsonl``).

One JSON object a line: ``{"text": ..., "marked": <text with inline entity markup>,
"relations": [{"type", "subject", "object", "role"?}]}`` with names as strings. A predicted
relation is correct when its type matches and each gold name equals, after normalisation
(shared/design/relations.md), the predicted entity's canonical name or any of its mentions.
Symmetric types match in either order.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from ner_ar.gazetteer import gazetteer, organisations
from ner_ar.relations.lexicon import key
from ner_ar.relations.markup import document_from_markup
from ner_ar.schema import Document, Entity, Relation, RelationType

_CLITICS = "وفبلك"


class _Extractor(Protocol):
    def extract(self, text: str) -> Document: ...


def norm_name(name: str) -> str:
    """Normalised argument name: orthographic key, one leading clitic removed."""
    k = key(name)
    return k[1:] if len(k) > 3 and k[0] in _CLITICS else k


@cache
def _kb_names() -> dict[str, frozenset[str]]:
    """kb_id -> every normalised gazetteer name of that place (بريطانيا and المملكة المتحدة) or
    organisation (الناتو and حلف شمال الأطلسي)."""
    out: dict[str, set[str]] = {}
    for k, place in gazetteer().places.items():
        out.setdefault(place.kb_id, set()).add(k)
    for k, org in organisations().names.items():
        out.setdefault(org.kb_id, set()).add(k)
    return {kb: frozenset(names) for kb, names in out.items()}


def entity_names(entity: Entity) -> set[str]:
    """Every name the entity answers to: canonical name, mentions and, for a linked place, its
    gazetteer names (a country given only by a nisba is named by any of them), and for a linked
    organisation its gazetteer names."""
    names = {norm_name(entity.name), key(entity.name)}
    for m in entity.mentions:
        names.update({norm_name(m.text), key(m.text)})
    if entity.kb_id:
        names.update(_kb_names().get(entity.kb_id, ()))
    return names


def relation_matches(gold: dict[str, Any], rel: Relation, doc: Document) -> bool:
    if gold["type"] != rel.type.value:
        return False
    subj = entity_names(doc.entity(rel.subject))
    obj = entity_names(doc.entity(rel.object))
    g_s, g_o = norm_name(gold["subject"]), norm_name(gold["object"])
    ok = {g_s, key(gold["subject"])} & subj and {g_o, key(gold["object"])} & obj
    if not ok and RelationType(gold["type"]).symmetric:
        ok = {g_s, key(gold["subject"])} & obj and {g_o, key(gold["object"])} & subj
    return bool(ok)


def score_document(gold: list[dict[str, Any]], doc: Document) -> dict[str, list[int]]:
    """Per type: [true positives, predicted, gold]."""
    counts: dict[str, list[int]] = {}
    used: set[int] = set()
    for rel in doc.relations:
        c = counts.setdefault(rel.type.value, [0, 0, 0])
        c[1] += 1
        for gi, g in enumerate(gold):
            if gi not in used and relation_matches(g, rel, doc):
                used.add(gi)
                c[0] += 1
                break
    for g in gold:
        counts.setdefault(g["type"], [0, 0, 0])[2] += 1
    return counts


def _prf(tp: int, pred: int, gold: int) -> dict[str, float]:
    p = tp / pred if pred else 1.0
    r = tp / gold if gold else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f, "tp": tp, "predicted": pred, "gold": gold}


def evaluate_relations(path: str | Path, extractor: _Extractor | None = None, *,
                       gold_entities: bool = False,
                       on_document: Callable[[dict[str, Any], Document], None] | None = None
                       ) -> dict[str, Any]:
    """Per-type and overall precision, recall and F1 over a gold JSONL file.

    ``evaluate_relations(path, extractor)`` scores the whole pipeline: ``extractor.extract(text)``
    finds the entities and the relations (what ``ner-ar evaluate-relations`` reports).
    ``evaluate_relations(path, gold_entities=True)`` scores the resolver and rules alone: each
    line's gold entity markup (``marked``) stands in for the NER model. Exactly one of the two."""
    if (extractor is None) == (not gold_entities):
        raise ValueError("pass an extractor, or gold_entities=True, not both")

    totals: dict[str, list[int]] = {t.value: [0, 0, 0] for t in RelationType}
    n = 0
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        doc = extractor.extract(item["text"]) if extractor is not None \
            else document_from_markup(item["marked"])
        for t, c in score_document(item["relations"], doc).items():
            for i in range(3):
                totals[t][i] += c[i]
        if on_document is not None:
            on_document(item, doc)
        n += 1
    per_type = {t: _prf(*c) for t, c in totals.items()}
    overall = _prf(*(sum(c[i] for c in totals.values()) for i in range(3)))
    return {"documents": n, "overall": overall, "per_type": per_type}


def format_report(scores: dict[str, Any]) -> str:
    """A plain-text table of the scores."""
    lines = [f"{'type':<18}{'P':>7}{'R':>7}{'F1':>7}{'tp':>6}{'pred':>6}{'gold':>6}"]
    rows = [*scores["per_type"].items(), ("overall", scores["overall"])]
    for name, s in rows:
        lines.append(f"{name:<18}{s['precision']:>7.3f}{s['recall']:>7.3f}{s['f1']:>7.3f}"
                     f"{s['tp']:>6}{s['predicted']:>6}{s['gold']:>6}")
    lines.append(f"({scores['documents']} sentences)")
    return "\n".join(lines)
