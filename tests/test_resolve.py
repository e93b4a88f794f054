"""Entity resolution on hand-built Docs (no NER model)."""

from __future__ import annotations

from ner_ar.relations.markup import doc_from_markup
from ner_ar.resolve import resolve
from ner_ar.schema import Entity


def _entities(marked: str) -> tuple[str, list[Entity]]:
    doc = doc_from_markup(marked)
    ents = resolve(doc).entities
    for e in ents:
        for m in e.mentions:
            assert doc.text[m.start:m.end] == m.text
    return doc.text, ents


def _by_name(ents: list[Entity], name: str) -> Entity:
    return next(e for e in ents if e.name == name)


def test_clitic_trimmed_with_offsets() -> None:
    text, ents = _entities("التعاون بين [روسيا](LOC) [وكوبا](LOC) يتطور.")
    cuba = _by_name(ents, "كوبا")
    m = cuba.mentions[0]
    assert m.text == "كوبا" and m.start == text.index("وكوبا") + 1
    assert cuba.type.value == "GPE" and cuba.kb_id == "iso3166:CU"


def test_media_trigger_word_is_not_part_of_the_name() -> None:
    text, ents = _entities("وقال [غوسكوف](PER) [لوكالة سبوتنيك](ORG): نعم.")
    m = _by_name(ents, "سبوتنيك").mentions[0]
    assert (m.text, m.start) == ("سبوتنيك", text.index("سبوتنيك"))


def test_names_keep_their_first_letter() -> None:
    _, ents = _entities("زار [وليد](PER) [واشنطن](LOC) ثم [بغداد](LOC) [ولبنان](LOC) [وفرنسا](LOC).")
    names = {e.name for e in ents}
    assert {"وليد", "واشنطن", "بغداد", "لبنان", "فرنسا"} <= names
    assert _by_name(ents, "واشنطن").kb_id == "geonames:4140963"


def test_surname_merged_into_full_name() -> None:
    _, ents = _entities("أعلن [أندريه غوسكوف](PER) ذلك. وقال [غوسكوف](PER) إن. ووفقا [لغوسكوف](PER) فإن.")
    pers = [e for e in ents if e.type.value == "PER"]
    assert len(pers) == 1 and pers[0].name == "أندريه غوسكوف"
    assert [m.text for m in pers[0].mentions] == ["أندريه غوسكوف", "غوسكوف", "غوسكوف"]


def test_nisba_is_a_mention_of_its_country() -> None:
    _, ents = _entities("قال السفير الروسي إن العسكريين الكوبيين والأمريكي [سيرغي](PER) هنا.")
    russia = next(e for e in ents if e.kb_id == "iso3166:RU")
    assert russia.type.value == "GPE" and russia.mentions[0].kind == "nisba"
    assert any(e.kb_id == "iso3166:CU" for e in ents)
    assert any(e.kb_id == "iso3166:US" for e in ents)
