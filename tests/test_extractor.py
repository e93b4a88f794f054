"""The Extractor end to end on real text with the shipped model."""

from __future__ import annotations

import networkx as nx
import pytest

from ner_ar import Document, EntityType
from ner_ar.graph import read_graphml, to_networkx, write_graphml
from ner_ar.text import normalize_key


def names(doc: Document, type_: str) -> set[str]:
    return {normalize_key(e.name) for e in doc.entities if e.type == EntityType(type_)}


def test_seed_people_places_and_organisations(seed_doc: Document) -> None:
    people = names(seed_doc, "PER")
    for person in ("أندريه غوسكوف", "نيكولاي إيفمينوف", "سيرغي شويغو", "نيكولاس مادورو"):
        assert normalize_key(person) in people, (person, people)
    places = names(seed_doc, "GPE")
    for place in ("روسيا", "كوبا", "فنزويلا", "موسكو", "كاراكاس", "الولايات المتحدة", "واشنطن"):
        assert normalize_key(place) in places, (place, places)
    orgs = names(seed_doc, "ORG")
    for org in ("سبوتنيك", "البحرية الروسية", "الناتو"):
        assert normalize_key(org) in orgs, (org, orgs)


def test_seed_countries_are_linked(seed_doc: Document) -> None:
    kb = {normalize_key(e.name): e.kb_id for e in seed_doc.entities}
    assert kb[normalize_key("روسيا")] == "iso3166:RU"
    assert kb[normalize_key("كوبا")] == "iso3166:CU"


def test_every_offset_slices_the_input(seed_doc: Document, seed_text: str) -> None:
    assert seed_doc.text == seed_text
    spans = [m for e in seed_doc.entities for m in e.mentions]
    spans += [ev for r in seed_doc.relations for ev in r.evidence] + list(seed_doc.sentences)
    assert len(spans) > 40
    for span in spans:
        assert seed_text[span.start:span.end] == span.text


def test_clitic_is_trimmed_with_offsets(seed_doc: Document, seed_text: str) -> None:
    cuba = next(e for e in seed_doc.entities if e.kb_id == "iso3166:CU")
    first = seed_text.index("وكوبا")
    trimmed = [m for m in cuba.mentions if m.start == first + 1]
    assert trimmed and trimmed[0].text == "كوبا"


def test_seed_relations(seed_doc: Document) -> None:
    found = {(r.type.value, normalize_key(seed_doc.entity(r.subject).name),
              normalize_key(seed_doc.entity(r.object).name), r.role) for r in seed_doc.relations}
    assert ("employee_of", normalize_key("سيرغي شويغو"), normalize_key("روسيا"), "وزير الدفاع") in found
    assert any(t == "cooperates_with" and {s, o} == {normalize_key("روسيا"), normalize_key("كوبا")}
               for t, s, o, _ in found)


def test_json_round_trip(seed_doc: Document) -> None:
    assert Document.model_validate_json(seed_doc.model_dump_json()) == seed_doc


def test_graphml_written_and_read_back(seed_doc: Document, tmp_path) -> None:  # type: ignore[no-untyped-def]
    G = to_networkx(seed_doc)
    path = tmp_path / "seed.graphml"
    write_graphml(G, path)
    back = nx.read_graphml(path)
    assert back.number_of_nodes() == G.number_of_nodes() == len(seed_doc.entities)
    assert back.number_of_edges() == G.number_of_edges() > 0
    assert read_graphml(path).number_of_edges() == G.number_of_edges()


@pytest.mark.parametrize("text", ["", "   ", "\n\n\t", "\u200f"])
def test_empty_text_gives_empty_document(extractor, text: str) -> None:  # type: ignore[no-untyped-def]
    doc = extractor.extract(text)
    assert doc.text == text and doc.entities == [] and doc.relations == []


@pytest.mark.parametrize("bad", [None, 42, b"\xd9\x83\xd9\x88\xd8\xa8\xd8\xa7", ["كوبا"]])
def test_non_string_is_a_type_error(extractor, bad: object) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(TypeError, match="expects text as str"):
        extractor.extract(bad)


def test_pipe_keeps_order_ids_and_good_documents(extractor) -> None:  # type: ignore[no-untyped-def]
    texts = ["زار الرئيس التونسي قيس سعيد الجزائر.", 7, "", "التقى وزير الخارجية المصري سامح شكري نظيره الأردني."]
    docs = list(extractor.pipe(texts, batch_size=2, doc_ids=["a", "b", "c", "d"], on_error="skip"))
    assert [d.id for d in docs] == ["a", "c", "d"]
    assert docs[0].entities and docs[2].entities
    with pytest.raises(TypeError):
        list(extractor.pipe(texts, batch_size=2))


def test_pipe_matches_extract(extractor, seed_text: str, seed_doc: Document) -> None:  # type: ignore[no-untyped-def]
    piped = list(extractor.pipe([seed_text, "كوبا"], doc_ids=["seed", None]))
    assert piped[0] == seed_doc


def test_long_unpunctuated_line_is_processed(extractor) -> None:  # type: ignore[no-untyped-def]
    text = " ".join(["قال الرئيس إن روسيا تدعم كوبا"] * 3500)  # 21,000 tokens, no punctuation
    doc = extractor.extract(text)
    assert len(doc.sentences) == 21000 // 200
    assert max(len(s.text.split()) for s in doc.sentences) == 200
    assert all(text[m.start:m.end] == m.text for e in doc.entities for m in e.mentions)


def test_undecodable_text_is_a_typed_error_and_skippable(extractor) -> None:  # type: ignore[no-untyped-def]
    from ner_ar.extractor import ExtractionError

    bad = "روسيا\ud800"  # a lone surrogate, as from a mis-decoded file
    with pytest.raises(ExtractionError, match="'b'"):
        list(extractor.pipe(["كوبا", bad], doc_ids=["a", "b"]))
    docs = list(extractor.pipe(["كوبا", bad, "تونس"], doc_ids=["a", "b", "c"], on_error="skip"))
    assert [d.id for d in docs] == ["a", "c"]
