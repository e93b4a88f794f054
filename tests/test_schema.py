"""The public data model: validation, JSON round-trip, published schema."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from ner_ar import Document, Entity, Mention, Relation, RelationType
from ner_ar.schema import Span, json_schema

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_published_schema_is_current() -> None:
    published = json.loads((DOCS / "document.schema.json").read_text(encoding="utf-8"))
    assert published == json_schema(), "regenerate: ner-ar schema > docs/document.schema.json"


def test_types_are_closed() -> None:
    with pytest.raises(ValidationError):
        Entity(id="E1", type="PERSON", name="x")
    with pytest.raises(ValidationError):
        Relation(id="R1", type="works_for", subject="E1", object="E2", rule="r", confidence=0.5)
    assert {t.value for t in RelationType} == {
        "employee_of", "posted_to", "nationality", "part_of", "located_in", "cooperates_with",
        "met_with", "visited", "statement_to"}
    assert RelationType.met_with.symmetric and not RelationType.visited.symmetric


def test_span_validation() -> None:
    with pytest.raises(ValidationError):
        Span(start=5, end=2, text="")
    with pytest.raises(ValidationError):
        Mention(start=-1, end=2, text="كو")


def test_round_trip_keeps_arabic() -> None:
    doc = Document(id="d", text="زار شويغو كوبا", entities=[
        Entity(id="E1", type="PER", name="شويغو", mentions=[Mention(start=4, end=9, text="شويغو")]),
        Entity(id="E2", type="GPE", name="كوبا", kb_id="iso3166:CU",
               mentions=[Mention(start=10, end=14, text="كوبا")])],
        relations=[Relation(id="R1", type="visited", subject="E1", object="E2", rule="visited.verb",
                            confidence=0.8, evidence=[Span(start=0, end=14, text="زار شويغو كوبا")])])
    text = doc.model_dump_json()
    assert "كوبا" in text
    assert Document.model_validate_json(text) == doc
    assert doc.entity("E2").kb_id == "iso3166:CU"
    with pytest.raises(KeyError):
        doc.entity("E9")
