"""Constructions of Arabic news and the modality that blocks a relation, as data: each case is a
sentence with its entities marked, the relations it must give and those it must not (hand-built
Docs, no NER model). Sentences written for these tests, not taken from any evaluation set."""

from __future__ import annotations

import pytest

from ner_ar.relations.evaluate import relation_matches
from ner_ar.relations.markup import document_from_markup

# (sentence, relations it states, relations it must not give); a relation is
# [type, subject, object] or [type, subject, object, role].
CASES = [
    # Verb frames: subject after the verb, object after مع / ب or directly.
    ("تباحث وزير الداخلية [لوران نونيز](PER) مطولا مع نظيره [ماتيو بيانتيدوسي](PER).",
     [["met_with", "لوران نونيز", "ماتيو بيانتيدوسي"]], []),
    ("استقبل الملك [عبد الله الثاني](PER) في عمان الرئيس القبرصي [نيكوس خريستودوليدس](PER).",
     [["met_with", "عبد الله الثاني", "نيكوس خريستودوليدس"],
      ["employee_of", "نيكوس خريستودوليدس", "قبرص", "الرئيس"]], []),
    ("تتعاون [النرويج](LOC) تقنيا مع [كندا](LOC) في مجال الطاقة.",
     [["cooperates_with", "النرويج", "كندا"]], []),
    ("وقعت حكومة [ماليزيا](LOC) وحكومة [فيتنام](LOC) مذكرة تفاهم.",
     [["cooperates_with", "ماليزيا", "فيتنام"]], []),
    ("حل رئيس الوزراء الهندي [ناريندرا مودي](PER) صباح اليوم [بباريس](LOC).",
     [["visited", "ناريندرا مودي", "باريس"]], []),
    # Nominal frames.
    ("وتناول لقاء [أولاف شولتس](PER) [وإيمانويل ماكرون](PER) أزمة الطاقة.",
     [["met_with", "أولاف شولتس", "إيمانويل ماكرون"]], []),
    ("وعرض [بيدرو سانشيز](PER) خطته الجديدة أثناء زيارته [لهافانا](LOC).",
     [["visited", "بيدرو سانشيز", "هافانا"]], []),
    ("وصرح [كريم](PER) في حوار مع صحيفة \"[الخبر](ORG)\" بأن الموسم صعب.",
     [["statement_to", "كريم", "الخبر"]], []),
    # Title chains in apposition: the outer title is the second name's.
    ("وأكد مبعوث الرئيس الروسي [فلاديمير بوتين](PER) إلى الشرق الأوسط، [ميخائيل بوغدانوف](PER)، ذلك.",
     [["employee_of", "ميخائيل بوغدانوف", "روسيا", "مبعوث"],
      ["employee_of", "فلاديمير بوتين", "روسيا", "الرئيس"]],
     [["employee_of", "فلاديمير بوتين", "روسيا", "مبعوث الرئيس"]]),
    # A diplomat posted with في.
    ("وقالت السفيرة الكندية في [عمان](LOC)، [دونيكا بوتي](PER)، إن المشروع انطلق.",
     [["employee_of", "دونيكا بوتي", "كندا", "السفيرة"], ["posted_to", "دونيكا بوتي", "عمان"]], []),
    # Nationality from a lone nisba after an indefinite word; none after a body's name.
    ("وتغلب على النرويجي [كاسبر رود](PER) في ثلاث مجموعات.",
     [["nationality", "كاسبر رود", "النرويج"]], []),
    ("وقال مدير الوكالة الوطنية النرويجية [يونس ستوره](PER) إن الخطة جاهزة.",
     [], [["nationality", "يونس ستوره", "النرويج"]]),
    # Roles as written: the article ل swallowed comes back, the counterpart's post is resolved.
    ("وقدم التهاني للرئيس التونسي [قيس سعيد](PER).",
     [["employee_of", "قيس سعيد", "تونس", "الرئيس"]], []),
    ("وبحث رئيس الوزراء الإيطالي [ماريو دراغي](PER) مع نظيره اليوناني [كيرياكوس ميتسوتاكيس](PER) الهجرة.",
     [["employee_of", "كيرياكوس ميتسوتاكيس", "اليونان", "رئيس الوزراء"],
      ["met_with", "ماريو دراغي", "كيرياكوس ميتسوتاكيس"]], []),
]

# Modality: the same frame states a relation, and does not once negated, denied, cancelled...
BLOCKED = [
    ("negation", "لم يلتق الرئيس [جو بايدن](PER) أمس مع الرئيس الصيني [شي جين بينغ](PER).",
     ["met_with", "جو بايدن", "شي جين بينغ"]),
    ("negation", "لن تتعاون [بولندا](LOC) عسكريا مع [بيلاروسيا](LOC).",
     ["cooperates_with", "بولندا", "بيلاروسيا"]),
    ("denial", "نفت الرئاسة أن يكون الرئيس [جو بايدن](PER) التقى [شي جين بينغ](PER).",
     ["met_with", "جو بايدن", "شي جين بينغ"]),
    ("cancellation", "ألغى المستشار [أولاف شولتس](PER) زيارته إلى [بكين](LOC).",
     ["visited", "أولاف شولتس", "بكين"]),
    ("withdrawal", "أعلنت الحكومة انسحاب [المجر](LOC) من اتفاقية الشراكة مع [صربيا](LOC).",
     ["cooperates_with", "المجر", "صربيا"]),
    ("suspension", "قررت الحكومة تعليق التعاون بين [النيجر](LOC) [وفرنسا](LOC).",
     ["cooperates_with", "النيجر", "فرنسا"]),
    ("refusal", "رفضت [مالي](LOC) توقيع اتفاقية تعاون مع [الاتحاد الأوروبي](ORG).",
     ["cooperates_with", "مالي", "الاتحاد الأوروبي"]),
    ("postponement", "تقرر تأجيل زيارة الرئيس [لولا دا سيلفا](PER) إلى [الصين](LOC).",
     ["visited", "لولا دا سيلفا", "الصين"]),
]

UNBLOCKED = [
    ("التقى الرئيس [جو بايدن](PER) أمس مع الرئيس الصيني [شي جين بينغ](PER).",
     ["met_with", "جو بايدن", "شي جين بينغ"]),
    ("تتعاون [بولندا](LOC) عسكريا مع [ليتوانيا](LOC).", ["cooperates_with", "بولندا", "ليتوانيا"]),
    ("بدأ المستشار [أولاف شولتس](PER) زيارته إلى [بكين](LOC).", ["visited", "أولاف شولتس", "بكين"]),
    ("وقعت [مالي](LOC) اتفاقية تعاون مع [الاتحاد الأوروبي](ORG).",
     ["cooperates_with", "مالي", "الاتحاد الأوروبي"]),
    # A modality word in another clause does not block.
    ("رفض الوزير التعليق، ثم التقى الرئيس [جو بايدن](PER) مع [شي جين بينغ](PER).",
     ["met_with", "جو بايدن", "شي جين بينغ"]),
]


def _has(doc, rel: list[str]) -> bool:  # noqa: ANN001
    gold = {"type": rel[0], "subject": rel[1], "object": rel[2]}
    hits = [r for r in doc.relations if relation_matches(gold, r, doc)]
    if len(rel) > 3:
        hits = [r for r in hits if r.role == rel[3]]
    return bool(hits)


def _show(doc) -> list[tuple[str, str, str, str | None, str]]:  # noqa: ANN001
    return [(r.type.value, doc.entity(r.subject).name, doc.entity(r.object).name, r.role, r.rule)
            for r in doc.relations]


@pytest.mark.parametrize(("marked", "want", "unwanted"), CASES, ids=[c[0][:30] for c in CASES])
def test_construction(marked: str, want: list[list[str]], unwanted: list[list[str]]) -> None:
    doc = document_from_markup(marked)
    for rel in want:
        assert _has(doc, rel), f"missing {rel}; got {_show(doc)}"
    for rel in unwanted:
        assert not _has(doc, rel), f"false {rel}; got {_show(doc)}"


@pytest.mark.parametrize(("modality", "marked", "rel"), BLOCKED, ids=[f"{m}-{i}" for i, (m, _, _) in enumerate(BLOCKED)])
def test_modality_blocks(modality: str, marked: str, rel: list[str]) -> None:
    doc = document_from_markup(marked)
    assert not _has(doc, rel), f"{modality} should block {rel}; got {_show(doc)}"


@pytest.mark.parametrize(("marked", "rel"), UNBLOCKED, ids=[u[0][:30] for u in UNBLOCKED])
def test_frame_without_modality(marked: str, rel: list[str]) -> None:
    doc = document_from_markup(marked)
    assert _has(doc, rel), f"missing {rel}; got {_show(doc)}"


def test_roles_have_no_clitic() -> None:
    doc = document_from_markup("وأشاد بالسفير الياباني [كازويا ناكاجو](PER) وللرئيس الغاني [جون ماهاما](PER) بالدور.")
    roles = {doc.entity(r.subject).name: r.role for r in doc.relations if r.type.value == "employee_of"}
    assert roles == {"كازويا ناكاجو": "السفير", "جون ماهاما": "الرئيس"}, _show(doc)
