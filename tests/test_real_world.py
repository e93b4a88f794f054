"""Text as users paste it, and long documents (issue 13), through the real model end to end.

Every example of the issue is here, with others of the same kind: characters XML cannot carry,
invisible format characters, markup residue, every kind of space and line break, hard-wrapped
text, over-long sentences, lone surrogates, texts over a million characters, giant tokens and the
tagger's threads. Offsets always index the caller's string.
"""

from __future__ import annotations

import base64
import random
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from ner_ar import Document, graph
from ner_ar.extractor import ExtractionError, Extractor, InvalidTextError
from ner_ar.normalize import format_chars, strip_format
from ner_ar.text import MAX_SENTENCE_TOKENS, normalize_key

_CF = re.compile(f"[{format_chars()}]")


def spans_of(doc: Document) -> Iterator[tuple[int, int, str]]:
    for ent in doc.entities:
        for m in ent.mentions:
            yield m.start, m.end, m.text
    for rel in doc.relations:
        for ev in rel.evidence:
            yield ev.start, ev.end, ev.text
    for s in doc.sentences:
        yield s.start, s.end, s.text


def assert_exact(doc: Document, text: str) -> None:
    """The Document holds the caller's string and every span slices it."""
    assert doc.text == text
    for start, end, piece in spans_of(doc):
        assert text[start:end] == piece, (start, end, piece)


def people(doc: Document) -> set[str]:
    return {e.name for e in doc.entities if e.type.value == "PER"}


def relations(doc: Document) -> set[tuple[str, str, str, str]]:
    return {(r.type.value, normalize_key(doc.entity(r.subject).name),
             normalize_key(doc.entity(r.object).name), r.role or "") for r in doc.relations}


def summary(doc: Document) -> tuple[set[tuple[str, str]], set[tuple[str, str, str, str]]]:
    return {(e.type.value, normalize_key(e.name)) for e in doc.entities}, relations(doc)


PUTIN = "قال الرئيس الروسي فلاديمير بوتين إن روسيا تدعم كوبا. وزار بوتين هافانا."
LAVROV = "قال وزير الخارجية الروسي سيرغي لافروف إن روسيا تدعم كوبا."


@pytest.fixture(scope="module")
def putin(extractor: Extractor) -> Document:
    return extractor.extract(PUTIN)


@pytest.fixture(scope="module")
def lavrov(extractor: Extractor) -> Document:
    return extractor.extract(LAVROV)


def test_plain_examples_find_what_the_others_are_compared_with(putin: Document, lavrov: Document) -> None:
    assert "فلاديمير بوتين" in people(putin)
    assert ("employee_of", normalize_key("سيرغي لافروف"), "روسيا", "وزير الخارجية") in relations(lavrov)


# -- 1. characters XML cannot carry --------------------------------------------------------------

@pytest.mark.parametrize("control", ["\x0b", "\x0c", "\x00", "\x1f", "\x08", "\x1b"])
def test_controls_never_reach_an_xml_writer_and_json_keeps_them(extractor: Extractor, tmp_path: Path,
                                                                control: str) -> None:
    text = f"التقى فلاديمير{control}بوتين الرئيس الكوبي في موسكو، وقال{control}إن روسيا تدعم كوبا."
    doc = extractor.extract(text, doc_id=f"c{ord(control)}")
    assert_exact(doc, text)
    assert Document.model_validate_json(doc.model_dump_json()) == doc  # JSON keeps the text exact
    G = graph.to_networkx(doc)
    assert G.number_of_nodes() >= 3
    for fmt, name in (("graphml", "g.graphml"), ("gexf", "g.gexf"), ("json", "g.json"),
                      ("neo4j", "neo4j")):
        graph.write(G, tmp_path / name, format=fmt)
        back = graph.read(tmp_path / name, format=fmt)
        assert set(back.nodes) == set(G.nodes)
    raw = (tmp_path / "g.graphml").read_text(encoding="utf-8") + (tmp_path / "g.gexf").read_text("utf-8")
    assert control not in raw


def test_vertical_tab_between_first_name_and_surname_is_one_person(extractor: Extractor) -> None:
    """The issue's example: a word processor's line break inside a name."""
    text = "التقى الرئيس الروسي فلاديمير\x0bبوتين الرئيس الكوبي في موسكو."
    doc = extractor.extract(text)
    assert_exact(doc, text)
    assert "فلاديمير بوتين" in people(doc)
    (mention,) = next(e for e in doc.entities if e.name == "فلاديمير بوتين").mentions
    assert mention.text == "فلاديمير\x0bبوتين"


# -- 2. invisible format characters --------------------------------------------------------------

@pytest.mark.parametrize("mark", ["\u200f", "\u200e", "\u200b", "\u200d", "\u2069", "\u202c", "\ufeff",
                                  "\u061c"])
def test_format_character_after_a_name_changes_nothing(extractor: Extractor, putin: Document,
                                                       mark: str) -> None:
    text = PUTIN.replace("بوتين إن", f"بوتين{mark} إن").replace("وزار", f"{mark}وزار")
    doc = extractor.extract(text)
    assert_exact(doc, text)
    assert summary(doc) == summary(putin)
    for ent in doc.entities:
        assert not _CF.search(ent.name)
        for m in ent.mentions:
            assert not _CF.match(m.text[:1]) and not _CF.match(m.text[-1:])
    # One graph node for Putin, and no key or label with a format character in it.
    G = graph.to_networkx(doc)
    assert len([n for n, d in G.nodes(data=True) if "بوتين" in d["label"]]) == 1
    assert not any(_CF.search(n) or _CF.search(d["label"]) or _CF.search(d["aliases"])
                   for n, d in G.nodes(data=True))


@pytest.mark.parametrize("text", [
    "\ufeffقال وزير الخارجية الروسي سيرغي لافروف إن روسيا تدعم كوبا.",          # BOM
    "قال وزير الخارجية الروسي \u202bسيرغي لافروف\u202c إن روسيا تدعم كوبا.",    # embedding
    "قال وزير الخارجية الروسي \u2067سيرغي لافروف\u2069 إن روسيا تدعم كوبا.",    # isolate
    "قال وزير الخارجية الروسي سيرغي لاف\u00adروف إن روسيا تدعم كوبا.",          # soft hyphen
    "قال وزير الخارجية الروسي سيرغي لا\u200cفروف إن روسيا تدعم كوبا.",           # ZWNJ inside
])
def test_format_characters_around_and_inside_names(extractor: Extractor, lavrov: Document,
                                                   text: str) -> None:
    doc = extractor.extract(text)
    assert_exact(doc, text)
    assert summary(doc) == summary(lavrov)
    lavrov_entity = next(e for e in doc.entities if e.type.value == "PER")
    assert lavrov_entity.name == "سيرغي لافروف"
    assert strip_format(lavrov_entity.mentions[0].text) == "سيرغي لافروف"


# -- 3. markup residue ---------------------------------------------------------------------------

def test_character_references_are_decoded_with_offsets_into_the_original(extractor: Extractor) -> None:
    """The issue's example gave PER ``quot;فلاديمير بوتين&quot``."""
    text = "قال الرئيس الروسي &quot;فلاديمير بوتين&quot; إن روسيا تدعم كوبا."
    doc = extractor.extract(text)
    assert_exact(doc, text)
    assert "فلاديمير بوتين" in people(doc)
    putin = next(e for e in doc.entities if e.name == "فلاديمير بوتين")
    assert putin.mentions[0].text == "فلاديمير بوتين"
    assert putin.mentions[0].start == text.index("فلاديمير")


@pytest.mark.parametrize("text", [
    "<p>قال وزير الخارجية الروسي <b>سيرغي لافروف</b> إن روسيا تدعم كوبا.</p>",
    "قال وزير الخارجية الروسي&nbsp;سيرغي لافروف إن روسيا تدعم كوبا.",
    "قال وزير الخارجية الروسي &#1587;&#1610;&#1585;&#1594;&#1610; لافروف إن روسيا تدعم كوبا.",
    'قال وزير الخارجية الروسي <a href="https://ar.rt.com/x?a=1&amp;b=2">سيرغي لافروف</a> إن روسيا تدعم كوبا.',
    "قال وزير الخارجية الروسي سيرغي لافروف<br/>إن روسيا تدعم كوبا.",
])
def test_tags_and_references_read_as_what_they_show(extractor: Extractor, lavrov: Document,
                                                    text: str) -> None:
    doc = extractor.extract(text)
    assert_exact(doc, text)
    assert any(e.type.value == "PER" and e.name == "سيرغي لافروف" for e in doc.entities)
    assert ("employee_of", normalize_key("سيرغي لافروف"), "روسيا", "وزير الخارجية") in relations(doc)


def test_markup_can_be_left_as_it_is(extractor: Extractor, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(extractor, "markup", False)
    text = "قال الرئيس &quot;بوتين&quot;"
    assert_exact(extractor.extract(text), text)


# -- 4. every space and line-break convention alike ----------------------------------------------

@pytest.mark.parametrize("space", ["\u00a0", "\t", "\u2009", "\u202f", "\u3000", "  ", " \u00a0 "])
def test_any_space_between_title_and_name_keeps_the_relations(extractor: Extractor, lavrov: Document,
                                                              space: str) -> None:
    """The issue's example: a NBSP between a title and a name removed every relation."""
    text = LAVROV.replace("الروسي سيرغي", f"الروسي{space}سيرغي").replace("تدعم كوبا", f"تدعم{space}كوبا")
    doc = extractor.extract(text)
    assert_exact(doc, text)
    assert summary(doc) == summary(lavrov)


@pytest.mark.parametrize("newline", ["\r\n", "\r", "\u2028", "\x85", "\n"])
def test_seed_article_reads_alike_under_every_line_break_convention(extractor: Extractor, seed_doc: Document,
                                                                   seed_text: str, newline: str) -> None:
    text = seed_text.replace("\n", newline)
    doc = extractor.extract(text, doc_id="seed")
    assert_exact(doc, text)
    assert summary(doc) == summary(seed_doc)
    assert [s.text.split() for s in doc.sentences] == [s.text.split() for s in seed_doc.sentences]


# -- 5. hard-wrapped text ------------------------------------------------------------------------

WRAPPED = ("التقى الرئيس الروسي فلاديمير\n"
           "بوتين الرئيس الكوبي ميغيل دياز كانيل في موسكو\n"
           "يوم الجمعة، وبحث الرئيسان التعاون بين روسيا\n"
           "وكوبا في المجال العسكري والتقني.")


def test_line_break_inside_a_name_does_not_split_it(extractor: Extractor) -> None:
    """The issue's example gave two persons, فلاديمير and بوتين."""
    doc = extractor.extract(WRAPPED)
    assert_exact(doc, WRAPPED)
    assert "فلاديمير بوتين" in people(doc) and "فلاديمير" not in people(doc)
    assert len(doc.sentences) == 1
    assert any(t == "cooperates_with" for t, *_ in relations(doc))


def test_short_lines_one_name_across_them(extractor: Extractor) -> None:
    text = "وصل الرئيس الروسي فلاديمير\nبوتين إلى هافانا."
    doc = extractor.extract(text)
    assert "فلاديمير بوتين" in people(doc)


def test_headline_dateline_and_list_keep_their_lines(extractor: Extractor) -> None:
    text = ("روسيا وكوبا تعززان التعاون العسكري\n"
            "موسكو - سبوتنيك\n"
            "أعلن السفير الروسي لدى كوبا أندريه غوسكوف أن التعاون العسكري التقني بين البلدين يتطور "
            "بشكل مطرد منذ سنوات عديدة، وأن موسكو وهافانا تواصلان العمل المشترك.\n"
            "المشاركون:\n"
            "سيرغي لافروف\n"
            "سيرغي شويغو")
    doc = extractor.extract(text)
    assert_exact(doc, text)
    assert [s.text for s in doc.sentences[:2]] == ["روسيا وكوبا تعززان التعاون العسكري", "موسكو - سبوتنيك"]
    assert {"أندريه غوسكوف", "سيرغي لافروف", "سيرغي شويغو"} <= people(doc)


@pytest.mark.parametrize("mode", ["sentence", "space"])
def test_line_break_modes(extractor: Extractor, monkeypatch: pytest.MonkeyPatch, seed_doc: Document,
                          seed_text: str, mode: str) -> None:
    monkeypatch.setattr(extractor, "line_breaks", mode)
    doc = extractor.extract(WRAPPED)
    assert_exact(doc, WRAPPED)
    if mode == "sentence":
        assert len(doc.sentences) == 4 and "فلاديمير بوتين" not in people(doc)
    else:
        assert len(doc.sentences) == 1 and "فلاديمير بوتين" in people(doc)
    # The seed article's headlines stand between blank lines: every mode reads it alike.
    assert summary(extractor.extract(seed_text)) == summary(seed_doc)


def test_bad_line_break_mode_is_refused_before_loading() -> None:
    with pytest.raises(ValueError, match="line_breaks"):
        Extractor(line_breaks="paragraph")  # type: ignore[arg-type]


# -- 6. over-long sentences ----------------------------------------------------------------------

@pytest.mark.parametrize("offset", [-1, 0, 1])
def test_name_at_the_200th_token_of_an_unpunctuated_text_stays_whole(extractor: Extractor,
                                                                     offset: int) -> None:
    filler = ["قال", "مسؤول", "في", "وزارة", "الدفاع", "إن", "التعاون", "يتطور", "بشكل", "جيد"]
    words = [filler[i % len(filler)] for i in range(MAX_SENTENCE_TOKENS + offset - 2)]
    words += ["الرئيس", "الروسي", "فلاديمير", "بوتين"]
    words += [filler[i % len(filler)] for i in range(150)] + ["وزار", "بوتين", "هافانا"]
    text = " ".join(words)
    doc = extractor.extract(text)
    assert_exact(doc, text)
    putin = [e for e in doc.entities if e.type.value == "PER" and "بوتين" in e.name]
    assert [e.name for e in putin] == ["فلاديمير بوتين"], [e.name for e in doc.entities]
    assert len(putin[0].mentions) == 2
    assert all(len(s.text.split()) <= MAX_SENTENCE_TOKENS for s in doc.sentences)
    assert len(doc.sentences) >= 2
    for s in doc.sentences:  # no sentence cut falls inside a mention
        for m in putin[0].mentions:
            assert m.end <= s.start or m.start >= s.end or (s.start <= m.start and m.end <= s.end)


# -- 9. lone surrogates --------------------------------------------------------------------------

def test_lone_surrogate_is_a_value_error_naming_the_position(extractor: Extractor) -> None:
    """The issue's example raised an ExtractionError wrapping a UnicodeEncodeError."""
    with pytest.raises(ValueError, match=r"U\+D800 at character 6") as info:
        extractor.extract("روسيا \ud800 كوبا", doc_id="x")
    assert isinstance(info.value, InvalidTextError) and isinstance(info.value, ExtractionError)
    assert info.value.doc_id == "x"
    docs = list(extractor.pipe(["كوبا", "روسيا \udcff", "تونس"], doc_ids=["a", "b", "c"], on_error="skip"))
    assert [d.id for d in docs] == ["a", "c"]


# -- 10-12. long documents, over a million characters, giant tokens ------------------------------

def test_text_over_a_million_characters(extractor: Extractor, seed_text: str, tmp_path: Path) -> None:
    """No spaCy E088: the tokenizer needs no max_length. (Cheap: the filler is one giant run.)"""
    text = seed_text + "\n\n" + "=" * 1_000_000 + "\n\n" + seed_text
    doc = extractor.extract(text, doc_id="big")
    assert len(text) > 1_000_000
    assert_exact(doc, text)
    russia = next(e for e in doc.entities if e.kb_id == "iso3166:RU")
    assert min(m.start for m in russia.mentions) < len(seed_text) < len(text) - len(seed_text) < max(
        m.start for m in russia.mentions)
    assert all(len(e.name) < 100 for e in doc.entities)


def test_giant_tokens_are_never_entities(extractor: Extractor) -> None:
    rng = random.Random(12)
    blob = base64.b64encode(rng.randbytes(75_000)).decode()  # 100,000 characters
    url = "https://www.example.com/" + "/".join(["روسيا-كوبا-التعاون"] * 6) + ".html"
    text = f"زار بوتين كوبا. {blob} وقال لافروف إن روسيا تدعم كوبا. المصدر: {url}"
    doc = extractor.extract(text)
    assert_exact(doc, text)
    start = text.index(blob)
    for ent in doc.entities:
        assert len(ent.name) < 64
        for m in ent.mentions:
            assert m.end <= start or m.start >= start + len(blob)
            assert m.start < text.index(url) or m.start >= text.index(url) + len(url)
    assert {"بوتين", "لافروف"} <= people(doc)


# -- 13. threads ---------------------------------------------------------------------------------

def test_one_thread_by_default_and_torch_setting_restored(extractor: Extractor) -> None:
    import torch

    from ner_ar.ner import DEFAULT_THREADS, Tagger

    assert extractor.tagger.threads == DEFAULT_THREADS == 1
    before = torch.get_num_threads()
    extractor.extract("زار بوتين كوبا.")
    assert torch.get_num_threads() == before
    for bad in (0, -2, 1.5):
        with pytest.raises(ValueError, match="threads"):
            Tagger(threads=bad)  # type: ignore[arg-type]
