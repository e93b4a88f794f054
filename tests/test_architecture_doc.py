"""docs/architecture.md shows the pipeline as it is: the stage list an Extractor prints, and one
table row for every stage (a user reads there what each stage does and which data it reads)."""

from __future__ import annotations

import ast
import re

from conftest import ROOT

from ner_ar.pipeline import BATCH_STAGES, default_stages

ARCHITECTURE = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")


def _stages() -> list[str]:
    return [*BATCH_STAGES, *(s.name for s in default_stages())]


def test_documented_stage_list_is_the_pipelines() -> None:
    block = re.search(r">>> Extractor\(\)\.stages\n(\[.*?\])\n", ARCHITECTURE, re.S)
    assert block, "no Extractor().stages example in docs/architecture.md"
    assert ast.literal_eval(block.group(1)) == _stages()


def test_every_stage_has_a_table_row_in_pipeline_order() -> None:
    rows = [m.group(1) for m in re.finditer(r"^\| `([\w.]+)` \|", ARCHITECTURE, re.M)]
    stages = _stages()
    assert [r for r in rows if r in stages] == stages
    assert "complete.user_gazetteer" in rows  # the optional stage a user gazetteer adds
