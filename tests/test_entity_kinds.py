"""Entities as users see them (issue 11): each kind with real sentences of our own, through the
public API and the shipped model."""

from __future__ import annotations

import pytest


def _ents(extractor, text):  # type: ignore[no-untyped-def]
    doc = extractor.extract(text)
    for e in doc.entities:
        for m in e.mentions:
            assert doc.text[m.start:m.end] == m.text
    return doc, {(e.type.value, e.name) for e in doc.entities}


# -- clitics that know words -----------------------------------------------------------------------

@pytest.mark.parametrize(("text", "name", "mention"), [
    ("انتقل اللاعب إلى كاليفورنيا الأسبوع الماضي.", "كاليفورنيا", "كاليفورنيا"),
    ("ولد المغني بكاليفورنيا قبل أربعين عاما.", "كاليفورنيا", "كاليفورنيا"),
    ("أفادت وكالة الأنباء الفرنسية بأن الهجوم وقع فجرا.", "وكالة الأنباء الفرنسية", "وكالة الأنباء الفرنسية"),
    ("وصل الوفد لباريس صباح اليوم.", "باريس", "باريس"),
    ("زار الرئيس لندن وباريس الشهر الماضي.", "باريس", "باريس"),
    ("وجه الرئيس رسالة لمحمود عباس أمس.", "محمود عباس", "محمود عباس"),
    ("وقال لـ\"رويترز\" إن المفاوضات مستمرة.", "رويترز", "رويترز"),
    ("وقال في حديث لصحيفة لوموند إن الوضع خطير.", "لوموند", "لوموند"),
])
def test_clitic_cut_only_where_the_rest_is_a_word(extractor, text: str, name: str, mention: str) -> None:  # type: ignore[no-untyped-def]
    doc, _ = _ents(extractor, text)
    ent = next(e for e in doc.entities if e.name == name)
    assert mention in [m.text for m in ent.mentions]


def test_names_starting_with_clitic_letters_stay_whole(extractor) -> None:  # type: ignore[no-untyped-def]
    _, ents = _ents(extractor, "فاز فالنسيا على برشلونة، وأعلنت وكالة أنباء الأناضول النتيجة من كاليفورنيا.")
    names = {n for _, n in ents}
    assert not names & {"النسيا", "اليفورنيا", "الة أنباء الأناضول"}
    assert "وكالة أنباء الأناضول" in names


# -- facilities: head nouns and well-known names --------------------------------------------------

@pytest.mark.parametrize(("text", "name"), [
    ("وصل الرئيس إلى مطار هواري بومدين الدولي صباح اليوم.", "مطار هواري بومدين الدولي"),
    ("قال المتحدث باسم البيت الأبيض إن القمة ستعقد قريبا.", "البيت الأبيض"),
    ("أضيء برج إيفل بألوان العلم الوطني.", "برج إيفل"),
    ("أقيمت المباراة على ملعب القاهرة الدولي مساء أمس.", "ملعب القاهرة الدولي"),
])
def test_facilities_are_fac_with_their_head(extractor, text: str, name: str) -> None:  # type: ignore[no-untyped-def]
    _, ents = _ents(extractor, text)
    assert ("FAC", name) in ents


# -- the names 2018 news is full of --------------------------------------------------------------

@pytest.mark.parametrize(("text", "name", "kb_id"), [
    ("أعلن تنظيم داعش مسؤوليته عن الهجوم.", "داعش", "org:isis"),
    ("قالت الأسوشيتد برس إن الانفجار وقع قرب السفارة.", "الأسوشيتد برس", "org:ap"),
    ("أطلقت جماعة الحوثي صاروخا باتجاه الحدود.", "جماعة الحوثي", "org:houthis"),
    ("نشرت صحيفة نيويورك تايمز تقريرا عن الصفقة.", "نيويورك تايمز", "org:nyt"),
])
def test_mined_organisations(extractor, text: str, name: str, kb_id: str) -> None:  # type: ignore[no-untyped-def]
    doc, _ = _ents(extractor, text)
    ent = next(e for e in doc.entities if e.kb_id == kb_id)
    assert ent.type.value == "ORG" and ent.name == name


# -- persons anchored by a title ------------------------------------------------------------------

def test_person_after_a_title_chain(extractor) -> None:  # type: ignore[no-untyped-def]
    doc, ents = _ents(extractor, "أكد وزير الفلاحة سمير الطيب لدى لقائه اليوم بسفيرة كندا كارول ماكوين أن التعاون مهم.")
    assert {("PER", "سمير الطيب"), ("PER", "كارول ماكوين")} <= ents


# -- nisba look-alikes and kept names --------------------------------------------------------------

@pytest.mark.parametrize(("text", "person", "not_country"), [
    ("قال المدرب جورجي جيسوس إن الفريق جاهز.", "جورجي جيسوس", "جورجيا"),
    ("استقبل الرئيس الكاتبة المغربية ليلى سليماني.", "ليلى سليماني", "جزر سليمان"),
])
def test_a_name_that_looks_like_a_nisba_is_no_country(extractor, text: str, person: str, not_country: str) -> None:  # type: ignore[no-untyped-def]
    _, ents = _ents(extractor, text)
    assert ("PER", person) in ents
    assert not any(n == not_country for _, n in ents)


# -- no junk ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "hello world this is a test",
    "وقال الحمد لله على سلامة الجميع.",
    "ارتفع سعر البرميل إلى 70 دولار أمس.",
])
def test_no_spurious_entities(extractor, text: str) -> None:  # type: ignore[no-untyped-def]
    _, ents = _ents(extractor, text)
    assert ents == set()


def test_latin_names_are_kept(extractor) -> None:  # type: ignore[no-untyped-def]
    _, ents = _ents(extractor, "نشر موقع Bonbast.com الأسعار ووكالة NASA الصور.")
    assert {n for _, n in ents} >= {"Bonbast.com", "NASA"}


def test_a_person_after_a_preposition_is_not_the_title_holder(extractor) -> None:  # type: ignore[no-untyped-def]
    doc, ents = _ents(extractor, "اتصل وزير الخارجية المصري بسيرغي لافروف.")
    assert ("PER", "سيرغي لافروف") in ents
    assert not [r for r in doc.relations if r.type.value == "employee_of"]


def test_entity_confidence_is_the_measured_precision_of_its_source(extractor) -> None:  # type: ignore[no-untyped-def]
    from ner_ar.resolve.confidence import NISBA_CONFIDENCE, span_confidence

    doc = extractor.extract("قال وزير الدفاع الروسي سيرغي شويغو إن حلف الناتو يهدد البيت الأبيض.")
    conf = {e.name: e.confidence for e in doc.entities}
    assert conf["روسيا"] == NISBA_CONFIDENCE  # named only by its nisba
    assert conf["البيت الأبيض"] == span_confidence("complete.facility_names", "FAC") == 1.0
    assert all(c is not None and 0.4 <= c <= 1.0 for c in conf.values())
    assert span_confidence("tag", "PER") > 0.75 and span_confidence("complete.repeated_names", "ORG") < 0.8


# -- ambiguous place names: evidence decides, none means no link ----------------------------------

@pytest.mark.parametrize(("text", "name", "kb_id"), [
    ("وصل الوفد إلى عمّان، عاصمة الأردن، صباح اليوم.", "عمّان", "geonames:250441"),
    ("عقد الاجتماع في عمان بحضور وزير الخارجية الأردني.", "عمان", "geonames:250441"),
    ("زار الوزير سلطنة عمان والتقى المسؤولين في مسقط.", "سلطنة عمان", "iso3166:OM"),
    ("وصل الوفد إلى عمان صباح اليوم.", "عمان", None),
    ("اشتبكت قوات حفتر قرب طرابلس.", "طرابلس", "geonames:2210247"),
    ("شهدت طرابلس اللبنانية مظاهرات.", "طرابلس", "geonames:266826"),
])
def test_ambiguous_place_names_follow_the_evidence(extractor, text: str, name: str, kb_id: str | None) -> None:  # type: ignore[no-untyped-def]
    doc, _ = _ents(extractor, text)
    ent = next(e for e in doc.entities if e.name == name)
    assert ent.type.value == "GPE" and ent.kb_id == kb_id


# -- names in quotes after an organisation or media head ------------------------------------------

@pytest.mark.parametrize(("text", "name"), [
    ('وذكرت صحيفة "المحور" الجزائرية أن الأمن أوقف ثلاثة مهربين.', "المحور"),
    ('وأوضحت قناة "إن تي في" التلفزيونية أن الشرطة طوقت المكان.', "إن تي في"),
    ('وكانت منظمة "نافذة على الحرية" غير الحكومية قد أعلنت مقتل السجين.', "نافذة على الحرية"),
    ('ونقلت صحيفة بريطانية "الغارديان" عن مصادر أن الاتفاق قريب.', "الغارديان"),
    ("وقال رئيس الحكومة في تصريح لإذاعة RTL الفرنسية إن التحقيق مستمر.", "RTL"),
])
def test_quoted_name_after_an_org_head(extractor, text: str, name: str) -> None:  # type: ignore[no-untyped-def]
    _, ents = _ents(extractor, text)
    assert ("ORG", name) in ents


@pytest.mark.parametrize(("text", "not_org"), [
    ('ويوجهون رسالة سياسية بعلامة "النسر الألباني" انتقاما لما جرى.', "النسر الألباني"),
    ('وسيسعى النادي "الملكي" للتعاقد مع المهاجم البرازيلي.', "الملكي"),
    ('وتعاني ليبيا من مجموعة "الموت" التي وضعتها مع جنوب أفريقيا.', "الموت"),
])
def test_quoted_epithet_is_no_org(extractor, text: str, not_org: str) -> None:  # type: ignore[no-untyped-def]
    _, ents = _ents(extractor, text)
    assert ("ORG", not_org) not in ents


# -- names of recent news the tagger never saw (news_names.tsv) ------------------------------------

@pytest.mark.parametrize(("text", "etype", "name"), [
    ("وقال ترامب إن بلاده ستنسحب من الاتفاق.", "PER", "دونالد ترامب"),
    ("شنت مقاتلات التحالف العربي غارات على مواقع المسلحين.", "ORG", "التحالف العربي"),
    ("وحاصر الجيش التركي عفرين صباح الثلاثاء.", "GPE", "عفرين"),
])
def test_news_names(extractor, text: str, etype: str, name: str) -> None:  # type: ignore[no-untyped-def]
    _, ents = _ents(extractor, text)
    assert (etype, name) in ents


def test_a_news_surname_joins_the_person_before_it(extractor) -> None:  # type: ignore[no-untyped-def]
    _, ents = _ents(extractor, "وقالت إيفانكا ترامب إن الزيارة كانت ناجحة.")
    assert ("PER", "إيفانكا ترامب") in ents
    assert ("PER", "دونالد ترامب") not in ents


def test_always_is_no_town(extractor) -> None:  # type: ignore[no-untyped-def]
    _, ents = _ents(extractor, 'وكان اللاعب "الصادق دوما" يحسم المباريات.')
    assert not any(n == "دوما" for _, n in ents)


# -- places after a town or region noun --------------------------------------------------------------

@pytest.mark.parametrize(("text", "name"), [
    ("سقطت قذائف على مدينة دوما السورية مساء أمس.", "دوما"),
    ("وزار الوزير ولاية سليانة لمتابعة المشاريع.", "سليانة"),
    ("تقدمت القوات في محافظة صعدة خلال الساعات الماضية.", "صعدة"),
])
def test_place_after_a_place_noun(extractor, text: str, name: str) -> None:  # type: ignore[no-untyped-def]
    _, ents = _ents(extractor, text)
    assert ("GPE", name) in ents


# -- organisation names as head + adjectives + a لل genitive ------------------------------------------

@pytest.mark.parametrize(("text", "name"), [
    ("ونددت النقابة الوطنية للصحفيين التونسيين بالقرار.", "النقابة الوطنية للصحفيين التونسيين"),
    ("وقع الاتحاد التونسي للصناعة والتجارة والصناعات التقليدية اتفاقا مع الحكومة.",
     "الاتحاد التونسي للصناعة والتجارة والصناعات التقليدية"),
    ("وأعلنت الهيئة الوطنية للانتخابات النتائج مساء الاثنين.", "الهيئة الوطنية للانتخابات"),
])
def test_org_chain(extractor, text: str, name: str) -> None:  # type: ignore[no-untyped-def]
    _, ents = _ents(extractor, text)
    assert ("ORG", name) in ents


@pytest.mark.parametrize(("text", "not_org"), [
    ("وقعت مصر والاتحاد الأوروبي اتفاقا للفترة المقبلة.", "الاتحاد الأوروبي للفترة"),
    ("في بيان أمام الجمعية العامة للأمم المتحدة إلى عدم التسامح مع الإرهاب.", "الجمعية العامة للأمم المتحدة إلى"),
    ("ونددت الرابطة التونسية للدفاع عن حقوق الإنسان بالقرار.", "الرابطة التونسية للدفاع"),
])
def test_org_chain_bounds(extractor, text: str, not_org: str) -> None:  # type: ignore[no-untyped-def]
    _, ents = _ents(extractor, text)
    assert ("ORG", not_org) not in ents


# -- ministries named by coordinated portfolios --------------------------------------------------------

@pytest.mark.parametrize(("text", "name"), [
    ("تم إمضاء اتفاقية بين وزارة الفلاحة والموارد المائية والصيد البحري والبنك الوطني.",
     "وزارة الفلاحة والموارد المائية والصيد البحري"),
    ("ودعت وزارة الخارجية والتعاون الدولي المجتمع الدولي إلى التحرك.", "وزارة الخارجية والتعاون الدولي"),
])
def test_ministry_with_joined_portfolios(extractor, text: str, name: str) -> None:  # type: ignore[no-untyped-def]
    _, ents = _ents(extractor, text)
    assert ("ORG", name) in ents


# -- a team or force head makes a place's name an organisation ---------------------------------------

@pytest.mark.parametrize(("text", "name"), [
    ("وكان منتخب الأرجنتين قد بدأ مسيرته في المونديال بتعادل.", "منتخب الأرجنتين"),
    ("وقال المتحدث باسم شرطة هلمند إن الانفجار وقع صباحا.", "شرطة هلمند"),
])
def test_team_head_and_place_are_one_org(extractor, text: str, name: str) -> None:  # type: ignore[no-untyped-def]
    _, ents = _ents(extractor, text)
    assert ("ORG", name) in ents


def test_news_place_names_are_gazetteer_places(extractor) -> None:  # noqa: ANN001
    """A news name that is a gazetteer place (عفرين) is linked like any place: its country,
    and the city-in-country relation when the document names the country."""
    doc = extractor.extract("قتل ثلاثة في درعا أمس. وقالت سوريا إن الهجوم فشل في عفرين.")
    kb = {e.name: e.kb_id for e in doc.entities}
    assert kb.get("درعا") == "geonames:170905" and kb.get("عفرين") == "geonames:174186", kb
    rels = {(r.type.value, doc.entity(r.subject).name, doc.entity(r.object).name) for r in doc.relations}
    assert {("located_in", "درعا", "سوريا"), ("located_in", "عفرين", "سوريا")} <= rels, rels


# -- regions: governorates and towns of regions.tsv ------------------------------------------------

def _region_country(name: str) -> str:
    from ner_ar.gazetteer import gazetteer
    place = gazetteer().place(name)
    assert place is not None, name
    return place.iso2


@pytest.mark.parametrize(("text", "names"), [
    ("وقع الحادث بمعتمدية بن قردان من ولاية مدنين", {"بن قردان", "مدنين"}),
    ("أوقفت الشرطة شابين بجندوبة وآخر في القصرين يوم الأحد.", {"جندوبة", "القصرين"}),
    ("انقطع الماء عن أحياء في صفاقس وقابس ونابل منذ الصباح.", {"صفاقس", "قابس", "نابل"}),
    ("زار الوزير ولاية الكاف أمس ثم تحول إلى تالة في القصرين.", {"الكاف", "تالة", "القصرين"}),
    ("أمطار غزيرة في قبلي وتوزر حسب معهد الرصد الجوي التونسي.", {"قبلي", "توزر"}),
])
def test_tunisian_governorates_and_towns_are_places(extractor, text: str, names: set[str]) -> None:  # type: ignore[no-untyped-def]
    _doc, ents = _ents(extractor, text)
    assert {("GPE", n) for n in names} <= ents, ents
    assert {_region_country(n) for n in names} == {"TN"}


def test_a_town_the_tagger_types_as_a_person_is_a_place(extractor) -> None:  # type: ignore[no-untyped-def]
    doc = extractor.extract("عاد الفريق بانتصار ثمين من بن قردان مساء السبت.")
    kb = {e.name: (e.type.value, e.kb_id) for e in doc.entities}
    assert kb.get("بن قردان") == ("GPE", "geonames:2472431"), kb


@pytest.mark.parametrize("text", [
    "كتب التلميذ حرف الكاف على السبورة.",
    "أعلن الكاف عن موعد قرعة دوري الأبطال.",
    "فرقة الحراسة والتفتيشات الديوانية حجزت البضاعة.",
    "قالت الشابة إنها نجحت في الامتحان.",
])
def test_region_names_that_are_words_need_evidence(extractor, text: str) -> None:  # type: ignore[no-untyped-def]
    _doc, ents = _ents(extractor, text)
    assert not any(t == "GPE" for t, _ in ents), ents


def test_arab_provinces_are_places(extractor) -> None:  # type: ignore[no-untyped-def]
    _doc, ents = _ents(extractor, "اشتباكات في محافظة الأنبار وقصف على حضرموت ومصراتة.")
    assert {("GPE", "الأنبار"), ("GPE", "حضرموت"), ("GPE", "مصراتة")} <= ents, ents
    assert [_region_country(n) for n in ("الأنبار", "حضرموت", "مصراتة")] == ["IQ", "YE", "LY"]
