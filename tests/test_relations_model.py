"""Relations with the real NER model (the ``extractor`` session fixture from conftest.py)."""

from __future__ import annotations

from pathlib import Path

from ner_ar.relations.evaluate import evaluate_relations, relation_matches

SEED = Path(__file__).resolve().parents[2] / "shared" / "data" / "seed" / "russia_cuba_cooperation.ar.txt"
DEV = Path(__file__).parent / "data" / "relations_dev.jsonl"

SEED_RELATIONS = [
    ("employee_of", "أندريه غوسكوف", "روسيا"), ("posted_to", "أندريه غوسكوف", "كوبا"),
    ("cooperates_with", "روسيا", "كوبا"), ("statement_to", "أندريه غوسكوف", "سبوتنيك"),
    ("employee_of", "نيكولاي إيفمينوف", "البحرية الروسية"), ("part_of", "البحرية الروسية", "روسيا"),
    ("employee_of", "سيرغي ميليك –باغداساروف", "روسيا"), ("posted_to", "سيرغي ميليك –باغداساروف", "فنزويلا"),
    ("cooperates_with", "موسكو", "كاراكاس"), ("employee_of", "سيرغي شويغو", "روسيا"),
]


def test_seed_relations(extractor) -> None:  # type: ignore[no-untyped-def]
    doc = extractor.extract(SEED.read_text(encoding="utf-8"))
    for t, s, o in SEED_RELATIONS:
        gold = {"type": t, "subject": s, "object": o}
        assert any(relation_matches(gold, r, doc) for r in doc.relations), (t, s, o)


def test_dev_set_floor(extractor) -> None:  # type: ignore[no-untyped-def]
    scores = evaluate_relations(DEV, extractor)
    # Floors below what the gold-entity run measured; raise them once the model run is measured.
    assert scores["overall"]["precision"] >= 0.6
    assert scores["overall"]["recall"] >= 0.3
