"""Users' own gazetteers and rules, through the public API and the CLI (issue: the pipeline as
components). Every bad file fails when the Extractor is built, with the file and line named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ner_ar import Extractor
from ner_ar.cli import main
from ner_ar.errors import UserDataError
from ner_ar.relations.engine import load_engine

USER = Path(__file__).parent / "data" / "user"
GAZ = USER / "entities.tsv"
RULES = USER / "rules.yaml"
CONTRACT = "وقعت شركة النسيم للتقنية عقدا مع وزارة الصحة."


@pytest.fixture(scope="module")
def user_extractor() -> Extractor:
    return Extractor(gazetteer=[GAZ], rules=[RULES])


def _by_name(doc, name):  # type: ignore[no-untyped-def]
    return next((e for e in doc.entities if e.name == name), None)


def test_user_entry_becomes_entity_with_kb_id(user_extractor: Extractor) -> None:
    doc = user_extractor.extract(CONTRACT)
    ent = _by_name(doc, "شركة النسيم للتقنية")
    assert ent is not None and ent.type.value == "ORG" and ent.kb_id == "local:naseem"
    assert [(m.start, m.text) for m in ent.mentions] == [(5, "شركة النسيم للتقنية")]


def test_alias_and_clitic_join_the_entry(user_extractor: Extractor) -> None:
    text = "وقالت النسيم للتقنية إن العقد مهم. ولشركة النسيم للتقنية فروع في صفاقس."
    doc = user_extractor.extract(text)
    ent = _by_name(doc, "شركة النسيم للتقنية")
    assert ent is not None
    assert [m.text for m in ent.mentions] == ["النسيم للتقنية", "شركة النسيم للتقنية"]
    assert all(text[m.start:m.end] == m.text for m in ent.mentions)


def test_user_type_and_bounds_override_the_tagger(user_extractor: Extractor, extractor: Extractor) -> None:
    text = "وصل الوزير إلى مطار قرطاج صباح اليوم قادما من الجزيرة، واستقبله سليم الورداني."
    plain = extractor.extract(text)
    assert all(e.kb_id is None or not e.kb_id.startswith("local:") for e in plain.entities)
    doc = user_extractor.extract(text)
    fac = _by_name(doc, "مطار قرطاج الدولي")  # the canonical name is the row's, the mention the alias
    assert fac is not None and fac.type.value == "FAC" and fac.kb_id == "local:carthage_airport"
    assert [m.text for m in fac.mentions] == ["مطار قرطاج"]
    org = _by_name(doc, "الجزيرة")
    assert org is not None and org.type.value == "ORG" and org.kb_id == "local:aljazeera"
    per = _by_name(doc, "سليم الورداني")
    assert per is not None and per.type.value == "PER" and per.kb_id == "local:wardani"


def test_user_rule_runs_after_shipped_rules(user_extractor: Extractor, extractor: Extractor) -> None:
    doc = user_extractor.extract(CONTRACT)
    rels = [(r.type.value, doc.entity(r.subject).name, doc.entity(r.object).name, r.rule)
            for r in doc.relations]
    assert ("cooperates_with", "شركة النسيم للتقنية", "وزارة الصحة", "user.contract_with") in rels
    assert user_extractor.engine.rule_files == (str(RULES),)
    assert list(user_extractor.engine.rules)[-1] == "user.contract_with"


def test_two_extractors_do_not_affect_each_other(user_extractor: Extractor, extractor: Extractor) -> None:
    plain = extractor.extract(CONTRACT)
    assert all(e.kb_id != "local:naseem" for e in plain.entities)
    assert all(r.rule != "user.contract_with" for r in plain.relations)
    assert "complete.user_gazetteer" in user_extractor.stages
    assert "complete.user_gazetteer" not in extractor.stages
    # and the user's Extractor still sees its own data after the plain one ran
    assert _by_name(user_extractor.extract(CONTRACT), "شركة النسيم للتقنية").kb_id == "local:naseem"


def test_cli_gazetteer_and_rules(tmp_path: Path) -> None:
    src = tmp_path / "contract.txt"
    src.write_text(CONTRACT, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["extract", str(src), "--jsonl", str(out), "--quiet",
                 "--gazetteer", str(GAZ), "--rules", str(RULES)]) == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert any(e["kb_id"] == "local:naseem" for e in doc["entities"])
    assert any(r["rule"] == "user.contract_with" for r in doc["relations"])


def test_cli_bad_user_file_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "a.txt"
    src.write_text(CONTRACT, encoding="utf-8")
    missing = tmp_path / "nope.tsv"
    with pytest.raises(SystemExit) as info:
        main(["extract", str(src), "--quiet", "--gazetteer", str(missing)])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert str(missing) in err and "no such gazetteer file" in err


# -- bad files: each kind gets one clear error naming the file and line ---------------------------

BAD_TSV = {
    "missing header": ("شركة النسيم\tORG\n", 1, "bad header"),
    "unknown type": ("name\ttype\tkb_id\taliases\nشركة النسيم\tCOMPANY\t\t\n", 2, "unknown type 'COMPANY'"),
    "no name": ("name\ttype\n\tORG\n", 2, "no name"),
    "too many columns": ("name\ttype\nشركة\tORG\tx\ty\tz\n", 2, "columns"),
    "one name two entries": ("name\ttype\tkb_id\nالنسيم\tORG\ta:1\nالنسيم\tPER\ta:2\n", 3, "already an entry"),
}


@pytest.mark.parametrize("case", sorted(BAD_TSV))
def test_bad_gazetteer_file(tmp_path: Path, case: str) -> None:
    content, line, message = BAD_TSV[case]
    path = tmp_path / "g.tsv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(UserDataError, match=message) as info:
        Extractor(gazetteer=[path])
    assert info.value.path == str(path) and info.value.line == line
    assert f"{path}:{line}:" in str(info.value)


def test_missing_and_undecodable_gazetteer(tmp_path: Path) -> None:
    with pytest.raises(UserDataError, match="no such gazetteer file"):
        Extractor(gazetteer=[tmp_path / "missing.tsv"])
    bad = tmp_path / "latin1.tsv"
    bad.write_bytes("name\ttype\ncaf\xe9\tORG\n".encode("latin-1"))
    with pytest.raises(UserDataError, match="not UTF-8"):
        Extractor(gazetteer=bad)


_RULE = "- id: user.r\n  type: met_with\n  pattern: [{ent: PER, as: subject}, {lex: MET}, {ent: PER, as: object}]\n"
BAD_YAML = {
    "unknown rule key": (_RULE + "  colour: red\n", 1, r"unknown key\(s\) \['colour'\]"),
    "unknown token key": ("- id: user.r\n  type: met_with\n  pattern:\n    - {ent: PER, as: subject}\n"
                          "    - {lexicon: MET}\n", 5, r"unknown token key\(s\) \['lexicon'\]"),
    "unknown lexicon": (_RULE.replace("MET", "MEETINGS"), 3, "unknown lexicon 'MEETINGS'"),
    "unknown relation type": (_RULE.replace("met_with", "likes"), 1, "unknown relation type 'likes'"),
    "unknown entity type": (_RULE.replace("ent: PER, as: object", "ent: PERSON, as: object"), 3,
                            "unknown entity type 'PERSON'"),
    "duplicate of a shipped id": (_RULE.replace("user.r", "statement_to.media_noun"), 1, "duplicate rule id"),
    "confidence out of range": (_RULE + "  confidence: 7\n", 1, "confidence must be a number from 0 to 1"),
    "confidence not a number": (_RULE + "  confidence: high\n", 1, "confidence must be a number from 0 to 1"),
    "no object slot": (_RULE.replace("as: object", "as: obj"), 1, "fills no subject and object slots"),
    "not YAML": ("- id: [unclosed\n", 2, "not valid YAML"),
    "no pattern": ("- id: user.r\n  type: met_with\n", 1, "no pattern"),
    "unknown kind": (_RULE + "  kind: magic\n", 1, "unknown kind 'magic'"),
}


@pytest.mark.parametrize("case", sorted(BAD_YAML))
def test_bad_rule_file(tmp_path: Path, case: str) -> None:
    content, line, message = BAD_YAML[case]
    path = tmp_path / "rules.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(UserDataError, match=message) as info:
        load_engine((str(path),))
    assert info.value.path == str(path) and info.value.line == line


def test_missing_rule_file_fails_before_the_model_loads(tmp_path: Path) -> None:
    with pytest.raises(UserDataError, match="no such rule file"):
        Extractor(model_dir=tmp_path / "no_model", rules=[tmp_path / "missing.yaml"])


def test_shipped_rules_pass_the_same_checks() -> None:
    assert len(load_engine(()).rules) >= 29
