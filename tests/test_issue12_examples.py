"""The constructions issue 12 handed over, as whole sentences through the real model (the kinds
they stand for are in tests/data/constructions/*.jsonl and the rules' own examples)."""

from __future__ import annotations

import pytest

CASES = [
    ("أكد وزير الفلاحة سمير الطيب لدى لقائه اليوم بسفيرة كندا كارول ماكوين أن التعاون مستمر.",
     [("met_with", "سمير الطيب", "كارول ماكوين"), ("employee_of", "كارول ماكوين", "كندا")]),
    ("استقبل رئيس الجمهورية الباجي قائد السبسي صباح اليوم بقصر قرطاج الكاتبة المغربية ليلى سليماني.",
     [("met_with", "الباجي قائد السبسي", "ليلى سليماني"), ("nationality", "ليلى سليماني", "المغرب")]),
    ("قال السفير الإيطالي في الجزائر، جوفاني بوليتزي، إن العلاقات ممتازة.",
     [("employee_of", "جوفاني بوليتزي", "إيطاليا"), ("posted_to", "جوفاني بوليتزي", "الجزائر")]),
    ("يواجه الإسباني رافائيل نادال في الدور الثاني اللاعب الفرنسي.",
     [("nationality", "رافائيل نادال", "إسبانيا")]),
    ('وقال الوزير جان إيف لودريان في مقابلة مع يومية "لوموند" إن فرنسا لن تتراجع.',
     [("statement_to", "جان إيف لودريان", "لوموند")]),
    ("وقال الوزير سمير ديلو في تصريح لإذاعة موزاييك إن الحكومة ستتحرك.",
     [("statement_to", "سمير ديلو", "إذاعة موزاييك")]),
    ("وقعت حكومة المملكة المغربية وحكومة اليابان اتفاق قرض بقيمة 100 مليون دولار.",
     [("cooperates_with", "المملكة المغربية", "اليابان")]),
    ("تتعاون مصر عسكريا مع فرنسا منذ سنوات.", [("cooperates_with", "مصر", "فرنسا")]),
    ("حل الرئيس البرتغالي مارسيلو ريبيلو دي سوزا بتونس في زيارة رسمية.",
     [("visited", "مارسيلو ريبيلو دي سوزا", "تونس")]),
    ("وقال الرئيس الفرنسي إيمانويل ماكرون خلال زيارته لأنقرة إن الحوار ضروري.",
     [("visited", "إيمانويل ماكرون", "أنقرة")]),
    ("تحادث رئيس الحكومة يوسف الشاهد مع وزير الخارجية الفرنسي جان إيف لودريان.",
     [("met_with", "يوسف الشاهد", "جان إيف لودريان")]),
]


def _facts(doc) -> set[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    return {(r.type.value, doc.entity(r.subject).name, doc.entity(r.object).name) for r in doc.relations}


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0][:30] for c in CASES])
def test_issue_construction(extractor, text: str, expected: list[tuple[str, str, str]]) -> None:  # noqa: ANN001
    facts = _facts(extractor.extract(text))
    for fact in expected:
        assert fact in facts, facts


def test_withdrawal_from_an_agreement_states_no_cooperation(extractor) -> None:  # noqa: ANN001
    doc = extractor.extract("أعلن ترامب انسحاب الولايات المتحدة من الاتفاق النووي المبرم مع إيران.")
    assert not [r for r in doc.relations if r.type.value == "cooperates_with"]


def test_title_belongs_to_the_name_in_apposition(extractor) -> None:  # noqa: ANN001
    doc = extractor.extract("قال مستشار الرئيس الأمريكي دونالد ترامب للأمن القومي، جون بولتون، إن العقوبات ستعود.")
    roles = {doc.entity(r.subject).name: r.role for r in doc.relations if r.type.value == "employee_of"}
    assert roles.get("جون بولتون", "").startswith("مستشار"), roles
    assert not (roles.get("دونالد ترامب") or "").startswith("مستشار"), roles
