"""docs/relations.md documents each of the nine relation types (definition, argument types, cues,
example), its argument types are the enforced ones, and each example gives the relation shown."""

from __future__ import annotations

import re

import pytest
import yaml
from conftest import ROOT

from ner_ar import RelationType

RELATIONS_MD = ROOT / "docs" / "relations.md"
INVENTORY = ROOT / "ner_ar" / "relations" / "rules" / "inventory.yaml"
FIELDS = ("Definition", "Arguments", "Cues", "Example")


def _sections() -> dict[str, dict[str, str]]:
    """``### `type``` sections of the relation types: their ``- **Field**: text`` items."""
    text = RELATIONS_MD.read_text(encoding="utf-8")
    part = text.split("## The nine relation types", 1)[1].split("\n## ", 1)[0]
    sections = {}
    for block in re.split(r"^### ", part, flags=re.M)[1:]:
        name = re.match(r"`(\w+)`", block)
        assert name, block[:40]
        items = re.findall(r"^- \*\*(\w+)\*\*: (.*?)(?=^- \*\*|\Z)", block, re.M | re.S)
        sections[name.group(1)] = {k: " ".join(v.split()) for k, v in items}
    return sections


SECTIONS = _sections()


def test_every_type_has_definition_arguments_cues_and_example() -> None:
    assert set(SECTIONS) == {t.value for t in RelationType}
    for name, fields in SECTIONS.items():
        for field in FIELDS:
            assert len(fields.get(field, "")) > 10, f"{name}: no {field}"


def test_documented_arguments_are_the_enforced_ones() -> None:
    inventory = yaml.safe_load(INVENTORY.read_text(encoding="utf-8"))
    for name, fields in SECTIONS.items():
        found = re.fullmatch(r"subject ([A-Z, ]+); object ([A-Z, ]+)", fields["Arguments"])
        assert found, f"{name}: {fields['Arguments']!r}"
        subject, obj = ({t.strip() for t in g.split(",")} for g in found.groups())
        assert subject == set(inventory[name]["subject"]), name
        assert obj == set(inventory[name]["object"]), name


@pytest.mark.parametrize("name", sorted(SECTIONS))
def test_example_gives_the_relation_shown(name: str, extractor) -> None:  # type: ignore[no-untyped-def]
    example = SECTIONS[name]["Example"]
    found = re.fullmatch(r"`([^`]+)` gives subject \*\*(.+?)\*\*, object \*\*(.+?)\*\*"
                         r"(?:, role \*\*(.+?)\*\*)?", example)
    assert found, f"{name}: {example!r}"
    sentence, subject, obj, role = found.groups()
    doc = extractor.extract(sentence)
    got = {(r.type.value, doc.entity(r.subject).name, doc.entity(r.object).name, r.role)
           for r in doc.relations}
    wanted = {(name, subject, obj, role)}
    if RelationType(name).symmetric:
        wanted.add((name, obj, subject, role))
    assert got & wanted, f"{sentence}: {sorted(got)}"
