"""Constructions of Arabic news and the modality that blocks a relation, as data: each case is a
sentence with its entities marked, the relations it must give and those it must not (hand-built
Docs, no NER model). Sentences written for these tests, not taken from any evaluation set."""

from __future__ import annotations

import json
from pathlib import Path

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
    # statement_to from an interview noun (no speech verb needed), the outlet before or after.
    ("وأوضح المدرب [لويس إنريكي](PER)، في حوار مع يومية \"[ماركا](ORG)\"، أن الفريق جاهز.",
     [["statement_to", "لويس إنريكي", "ماركا"]], []),
    ("وفي مقابلة مع قناة \"[دويتشه فيله](ORG)\"، قال [هايكو ماس](PER) إن الحوار ممكن.",
     [["statement_to", "هايكو ماس", "دويتشه فيله"]], []),
    ("وقال المتحدث باسم البلدية، [يان كوفالسكي](PER) لوكالة [رويترز](ORG) إن الطريق مغلق.",
     [["statement_to", "يان كوفالسكي", "رويترز"]], []),
    ("ونقلت وكالة [رويترز](ORG) عن [يان كوفالسكي](PER) في تصريح أن الطريق مغلق.",
     [], [["statement_to", "يان كوفالسكي", "رويترز"]]),
    # employee_of: a title of a title after a name, a body after في/ب, a job noun with من.
    ("وقال [بيتر نافارو](PER)، مستشار التجارة للرئيس الأمريكي [دونالد ترامب](PER)، إن الرسوم باقية.",
     [["employee_of", "بيتر نافارو", "الولايات المتحدة"], ["employee_of", "دونالد ترامب", "الولايات المتحدة", "الرئيس"]],
     [["employee_of", "دونالد ترامب", "الولايات المتحدة", "مستشار التجارة للرئيس"]]),
    ("وقال العضو في [حزب العمال](ORG) [جيريمي كوربن](PER) إن الاتفاق سيئ.",
     [["employee_of", "جيريمي كوربن", "حزب العمال"]], []),
    ("وأكد [سامي الطاهري](PER) الناطق الرسمي باسم [الاتحاد العام التونسي للشغل](ORG) أن الإضراب قائم.",
     [["employee_of", "سامي الطاهري", "الاتحاد العام التونسي للشغل"]], []),
    ("وقال الباحث [ماثيو غيدير](PER) من [جامعة تولوز](ORG) إن التنظيم ضعيف.",
     [["employee_of", "ماثيو غيدير", "جامعة تولوز"]], []),
    ("وقال مراسل [الجزيرة](ORG) في [كابل](LOC)، [أحمد زيدان](PER)، إن الوضع هادئ.",
     [["employee_of", "أحمد زيدان", "الجزيرة"], ["posted_to", "أحمد زيدان", "كابل"]],
     [["located_in", "الجزيرة", "كابل"]]),
    # visited: the visit noun with more words, the visitor after the noun, arrival at an airport.
    ("وأكد الوزير [نبيل عمار](PER) خلال زيارة عمل أداها يوم الجمعة إلى ولاية [قفصة](LOC) أن المشاريع ستنطلق.",
     [["visited", "نبيل عمار", "قفصة"]], []),
    ("وتأتي أول زيارة يقوم بها الرئيس الكيني [ويليام روتو](PER) إلى [الصين](LOC) في سياق متوتر.",
     [["visited", "ويليام روتو", "الصين"]], []),
    ("وانطلق [نبيل عمار](PER) من [تونس](LOC) إلى الجزائر.", [], [["visited", "نبيل عمار", "تونس"]]),
    # met_with: the subject earlier in the sentence, a call received, a meeting that brought them together.
    ("ووصل [هاكان فيدان](PER) إلى [القاهرة](LOC) صباحا، ثم التقى وزير الخارجية [سامح شكري](PER).",
     [["met_with", "هاكان فيدان", "سامح شكري"]], []),
    ("تلقى الملك [محمد السادس](PER) اتصالا هاتفيا من الرئيس الفرنسي [إيمانويل ماكرون](PER).",
     [["met_with", "محمد السادس", "إيمانويل ماكرون"]], []),
    ("وتناول الاجتماع الذي جمع [هاكان فيدان](PER) بنظيره [سامح شكري](PER) الأزمة.",
     [["met_with", "هاكان فيدان", "سامح شكري"]], []),
    # located_in: place of a place, compass words, a media outlet's seat; no containment after وب.
    ("وقع الحادث في منطقة [الفحص](LOC) من ولاية [زغوان](LOC) صباحا.", [["located_in", "الفحص", "زغوان"]], []),
    ("قتل شخصان في بلدة [جنين](LOC) شمال [الضفة الغربية](LOC).", [["located_in", "جنين", "الضفة الغربية"]], []),
    ("وذكرت صحيفة \"[فيدوموستي](ORG)\" اليومية الروسية أن الصفقة تمت.", [["located_in", "فيدوموستي", "روسيا"]], []),
    ("ورحب بالحوار بين [الرياض](LOC) [وبطهران](LOC) أمس.", [], [["located_in", "الرياض", "طهران"]]),
    # nationality: a nisba opening a headline, citizenship.
    ("الفرنسي [كيليان مبابي](PER) يغيب عن المباراة.", [["nationality", "كيليان مبابي", "فرنسا"]], []),
    ("وأفرج عن [أحمد رضا جلالي](PER) الذي يحمل الجنسية السويدية.", [["nationality", "أحمد رضا جلالي", "السويد"]], []),
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
    ("invitation", "ودعا [ماكرون](PER) الرئيس [لولا دا سيلفا](PER) لزيارة [باريس](LOC) في الخريف.",
     ["visited", "لولا دا سيلفا", "باريس"]),
    ("negation", "ولم يتلق الرئيس [قيس سعيد](PER) اتصالا هاتفيا من [إيمانويل ماكرون](PER).",
     ["met_with", "قيس سعيد", "إيمانويل ماكرون"]),
    ("negation", "ولم يقل [كريم](PER) في تصريح لإذاعة [موزاييك](ORG) شيئا عن الخلاف.",
     ["statement_to", "كريم", "موزاييك"]),
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


# More cases as data, one file per construction family: JSON lines
# {"text": marked sentence, "expect": [[type, subject, object(, role)]], "reject": [[...]]}.
CASE_FILES = sorted((Path(__file__).parent / "data" / "constructions").glob("*.jsonl"))
for _path in CASE_FILES:
    for _line in _path.read_text(encoding="utf-8").splitlines():
        if _line.strip():
            _case = json.loads(_line)
            CASES.append((_case["text"], _case.get("expect", []), _case.get("reject", [])))


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
