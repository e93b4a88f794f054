"""Tokenisation, sentence splitting and normalisation: offsets always index the input."""

from __future__ import annotations

import pytest

from ner_ar.text import normalize_key, split_sentences, tagger_form, tokenize


def sentences(text: str, max_tokens: int = 200) -> list[str]:
    return [text[s[0].idx:s[-1].idx + len(s[-1].text)]
            for s in split_sentences(text, tokenize(text), max_tokens)]


def test_tokens_slice_the_input_exactly() -> None:
    text = "( أردو بوینت نتورك ۔ / سبوتنيك - 28 كانون الثاني 2022ء) أعلن السفير الروسي لدى كوبا، أندريه غوسكوف."
    toks = tokenize(text)
    assert [t.text for t in toks][:3] == ["(", "أردو", "بوینت"]
    for t in toks:
        assert text[t.idx:t.idx + len(t.text)] == t.text
    assert "كوبا" in [t.text for t in toks] and "،" in [t.text for t in toks]


def test_headline_without_full_stop_is_its_own_sentence() -> None:
    text = "التعاون بين روسيا وكوبا يتطور-سفير\n\nأعلن السفير الروسي أن التعاون يتطور. وقال غوسكوف: نعم"
    assert sentences(text) == ["التعاون بين روسيا وكوبا يتطور-سفير",
                               "أعلن السفير الروسي أن التعاون يتطور.", "وقال غوسكوف: نعم"]


@pytest.mark.parametrize("mark", ["؟", "!", "؛", "۔", "?"])
def test_arabic_and_urdu_sentence_marks(mark: str) -> None:
    text = f"هل زار الرئيس تونس{mark} نعم زارها"
    assert sentences(text) == [f"هل زار الرئيس تونس{mark}", "نعم زارها"]


def test_closing_quote_stays_with_its_sentence() -> None:
    text = 'وقال: "التعاون مستمر." وأضاف أن الزيارة ناجحة.'
    assert sentences(text) == ['وقال: "التعاون مستمر."', "وأضاف أن الزيارة ناجحة."]


def test_numbered_date_does_not_split() -> None:
    text = "في 28.01.2022 أعلن السفير الخبر. ثم غادر."
    assert sentences(text) == ["في 28.01.2022 أعلن السفير الخبر.", "ثم غادر."]


def test_long_unpunctuated_line_is_capped() -> None:
    text = " ".join(["كلمة"] * 1000)
    sents = split_sentences(text, tokenize(text), max_tokens=200)
    assert [len(s) for s in sents] == [200] * 5


def test_empty_and_whitespace_text() -> None:
    assert split_sentences("", tokenize("")) == []
    assert split_sentences(" \n\t ", tokenize(" \n\t ")) == []


def test_normalize_key_folds_spelling_variants() -> None:
    assert normalize_key("أميركا") == normalize_key("اميركا")
    assert normalize_key("مُوسْكُو") == "موسكو"
    assert normalize_key("القاهـــرة") == normalize_key("القاهره")
    assert normalize_key("مستشفى") == normalize_key("مستشفي")


def test_tagger_form_folds_persian_letters_and_alefs_within_a_token() -> None:
    assert tagger_form("بوینت") == "بوينت"
    assert tagger_form("أندريه") == "اندريه"
    assert tagger_form("ـ") == "ـ"  # a token that would vanish is kept as it is
    assert tagger_form("كوبا") == "كوبا"


@pytest.mark.parametrize(("text", "words"), [
    ("بتونس وشمال إفريقيا،مارياكارمن كولي", ["بتونس", "وشمال", "إفريقيا", "،", "مارياكارمن", "كولي"]),
    ("زار موسكو؛ثم بكين", ["زار", "موسكو", "؛", "ثم", "بكين"]),
    ("وصل روما,ثم مدريد", ["وصل", "روما", ",", "ثم", "مدريد"]),
    ("بلغ 1,000 و3،5 دولار", ["بلغ", "1,000", "و3،5", "دولار"]),  # numbers keep their separators
])
def test_comma_glued_between_words_is_a_token(text: str, words: list[str]) -> None:
    assert [t.text for t in tokenize(text)] == words


def test_name_after_a_glued_comma_is_found(extractor) -> None:  # noqa: ANN001
    text = "التقى وزير الخارجية سامح شكري بنظيره الأردني،أيمن الصفدي في القاهرة."
    doc = extractor.extract(text)
    names = {e.name for e in doc.entities if e.type.value == "PER"}
    assert "أيمن الصفدي" in names, names


@pytest.mark.parametrize(("text", "words"), [
    ('قالت لـ"سكاي نيوز عربية"', ["قالت", "لـ", '"', "سكاي", "نيوز", "عربية", '"']),
    ("وقال لـ«الجزيرة» إن", ["وقال", "لـ", "«", "الجزيرة", "»", "إن"]),
    ('و"الأهرام" كتبت', ["و", '"', "الأهرام", '"', "كتبت"]),
    ('ولـ"روسيا" دور', ["ولـ", '"', "روسيا", '"', "دور"]),
    ('قال "الوزير" إن', ["قال", '"', "الوزير", '"', "إن"]),  # no clitic: spaCy's own prefix rule
    ('كان "لا" جوابه', ["كان", '"', "لا", '"', "جوابه"]),  # لا is a word, not ل + quote
])
def test_quote_after_a_proclitic_is_a_token(text: str, words: list[str]) -> None:
    assert [t.text for t in tokenize(text)] == words


@pytest.mark.parametrize(("text", "speaker", "outlet"), [
    ('وقال وزير الخارجية الروسي سيرغي لافروف لـ"سبوتنيك" إن الحوار مستمر.', "سيرغي لافروف", "سبوتنيك"),
    ('وقال المتحدث العسكري أحمد المسماري لـ"سكاي نيوز عربية" إن القوات تقدمت.', "أحمد المسماري",
     "سكاي نيوز عربية"),
])
def test_outlet_after_a_clitic_and_a_quote_is_found(extractor, text: str, speaker: str,  # noqa: ANN001
                                                     outlet: str) -> None:
    doc = extractor.extract(text)
    found = {(doc.entity(r.subject).name, doc.entity(r.object).name) for r in doc.relations
             if r.type.value == "statement_to"}
    assert (speaker, outlet) in found, found
    ent = next(e for e in doc.entities if e.name == outlet)
    start = ent.mentions[0].start
    assert text[start:start + len(outlet)] == outlet  # offsets index the caller's string
