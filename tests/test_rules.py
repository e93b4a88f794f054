"""Every rule's stored positive and negative examples, on hand-built Docs (no NER model)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ner_ar.relations.engine import engine
from ner_ar.relations.evaluate import evaluate_relations, relation_matches
from ner_ar.relations.markup import document_from_markup
from ner_ar.schema import Document

DEV = Path(__file__).parent / "data" / "relations_dev.jsonl"


def _cases() -> list[Any]:
    cases = []
    for rule in engine().rules.values():
        for n, ex in enumerate(rule.examples.get("positive", [])):
            cases.append(pytest.param(rule.id, ex["text"], ex["expect"], id=f"{rule.id}+{n}"))
        for n, text in enumerate(rule.examples.get("negative", [])):
            cases.append(pytest.param(rule.id, text, None, id=f"{rule.id}-{n}"))
    return cases


def _show(doc: Document) -> list[tuple[str, str, str, str | None, str]]:
    return [(r.type.value, doc.entity(r.subject).name, doc.entity(r.object).name, r.role, r.rule)
            for r in doc.relations]


def test_every_rule_has_examples() -> None:
    for rule in engine().rules.values():
        assert rule.examples.get("positive"), f"{rule.id} has no positive example"
        assert rule.examples.get("negative"), f"{rule.id} has no negative example"


@pytest.mark.parametrize(("rule_id", "marked", "expect"), _cases())
def test_rule_example(rule_id: str, marked: str, expect: list[list[str]] | None) -> None:
    doc = document_from_markup(marked)
    for span in (e for r in doc.relations for e in r.evidence):
        assert doc.text[span.start:span.end] == span.text
    if expect is None:
        fired = [r for r in doc.relations if r.rule == rule_id]
        assert not fired, _show(doc)
        return
    for exp in expect:
        gold = {"type": exp[0], "subject": exp[1], "object": exp[2]}
        hits = [r for r in doc.relations if relation_matches(gold, r, doc)]
        assert hits, f"missing {exp}; got {_show(doc)}"
        if len(exp) > 3:
            assert hits[0].role == exp[3], _show(doc)


def test_dev_set_floor_with_gold_entities() -> None:
    """Resolver + rules on the dev set's gold entity markup (measured P 1.00, R 0.88)."""
    scores = evaluate_relations(DEV, gold_entities=True)
    assert scores["documents"] >= 60
    assert scores["overall"]["precision"] >= 0.9
    assert scores["overall"]["recall"] >= 0.8
    for rtype, s in scores["per_type"].items():
        assert s["precision"] >= 0.8, rtype
