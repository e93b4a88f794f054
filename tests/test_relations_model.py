"""Relations with the real NER model (the ``extractor`` and ``seed_doc`` fixtures from conftest.py)."""

from __future__ import annotations

from pathlib import Path

from ner_ar.relations.evaluate import evaluate_relations, relation_matches

DEV = Path(__file__).parent / "data" / "relations_dev.jsonl"

# The ten relations issue 4 asks of the seed article (type, subject, object, role).
SEED_RELATIONS = [
    ("employee_of", "أندريه غوسكوف", "روسيا", "السفير"), ("posted_to", "أندريه غوسكوف", "كوبا", None),
    ("cooperates_with", "روسيا", "كوبا", None), ("statement_to", "أندريه غوسكوف", "سبوتنيك", None),
    ("employee_of", "نيكولاي إيفمينوف", "البحرية الروسية", "القائد العام"),
    ("part_of", "البحرية الروسية", "روسيا", None),
    ("employee_of", "سيرغي ميليك –باغداساروف", "روسيا", "السفير"),
    ("posted_to", "سيرغي ميليك –باغداساروف", "فنزويلا", None),
    ("cooperates_with", "موسكو", "كاراكاس", None),
    ("employee_of", "سيرغي شويغو", "روسيا", "وزير الدفاع"),
]
# Also true, from the gazetteer: each city lies in a country the article names.
SEED_ALSO_TRUE = [
    ("located_in", "موسكو", "روسيا"), ("located_in", "كاراكاس", "فنزويلا"),
    ("located_in", "واشنطن", "الولايات المتحدة"),
]


def _gold(t: str, s: str, o: str) -> dict[str, str]:
    return {"type": t, "subject": s, "object": o}


def test_seed_relations(seed_doc) -> None:  # type: ignore[no-untyped-def]
    """All ten, with their roles, and nothing false."""
    doc = seed_doc
    for t, s, o, role in SEED_RELATIONS:
        hits = [r for r in doc.relations if relation_matches(_gold(t, s, o), r, doc)]
        assert hits, (t, s, o)
        if role:
            assert hits[0].role == role, (t, s, o, hits[0].role)
    true = [_gold(t, s, o) for t, s, o, _ in SEED_RELATIONS] + [_gold(*g) for g in SEED_ALSO_TRUE]
    false = [(r.type.value, doc.entity(r.subject).name, doc.entity(r.object).name)
             for r in doc.relations if not any(relation_matches(g, r, doc) for g in true)]
    assert not false


def test_seed_entities(seed_doc) -> None:  # type: ignore[no-untyped-def]
    """The navy and the alliance are organisations, the dashed surname stays in its person, and the
    page footer names nobody."""
    by_name = {e.name: e for e in seed_doc.entities}
    assert by_name["البحرية الروسية"].type.value == "ORG"
    nato = next(e for e in seed_doc.entities if e.kb_id == "wikidata:Q7184")
    assert nato.type.value == "ORG" and nato.mentions[0].text == "الناتو"
    assert by_name["سيرغي ميليك –باغداساروف"].type.value == "PER"
    assert not any("باغداساروف" in e.name for e in seed_doc.entities if e.type.value != "PER")
    assert not any("أفكارك" in e.name or "تعليقاتك" in e.name for e in seed_doc.entities)


def test_dev_set_floor(extractor) -> None:  # type: ignore[no-untyped-def]
    scores = evaluate_relations(DEV, extractor)
    # Measured with the intermediate checkpoint ckA: overall P 0.935, R 0.597 (F1 0.729);
    # employee_of P 0.964, R 0.771. The shipped model is at least as good.
    assert scores["overall"]["precision"] >= 0.88
    assert scores["overall"]["recall"] >= 0.55
    assert scores["per_type"]["employee_of"]["precision"] >= 0.9
    assert scores["per_type"]["employee_of"]["recall"] >= 0.7
