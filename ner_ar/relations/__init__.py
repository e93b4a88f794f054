"""Relation extraction: declarative rules over the resolved Doc (see docs/relations.md)."""

from ner_ar.relations.engine import extract_relations

__all__ = ["extract_relations"]
