"""The data model is at the bottom of the package: graph and display code depend on it, never the
other way round (no import circle schema -> display -> graph -> schema, not even a lazy one)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "ner_ar"


def _ner_ar_imports(path: Path) -> set[str]:
    """Every ``ner_ar`` module ``path`` imports anywhere: top level, in functions, under
    ``TYPE_CHECKING``."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "ner_ar"}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "ner_ar":
                found |= {f"ner_ar.{a.name}" for a in node.names}
            elif node.module.startswith("ner_ar."):
                found.add(node.module)
    return found


def test_schema_imports_only_the_leaf_view() -> None:
    assert _ner_ar_imports(PACKAGE / "schema.py") == {"ner_ar.docview"}


def test_docview_imports_nothing_from_the_package() -> None:
    assert _ner_ar_imports(PACKAGE / "docview.py") == set()


def test_graph_and_display_depend_on_the_schema() -> None:
    assert "ner_ar.schema" in _ner_ar_imports(PACKAGE / "graph" / "build.py")
    assert {"ner_ar.schema", "ner_ar.docview"} <= _ner_ar_imports(PACKAGE / "display.py")


def test_importing_the_schema_loads_neither_graph_display_nor_heavy_libraries() -> None:
    code = ("import sys, ner_ar.schema; "
            "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('ner_ar', 'spacy', 'pandas', 'matplotlib', 'torch', 'stanza'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=ROOT).stdout.split()
    assert out == ["ner_ar", "ner_ar.docview", "ner_ar.schema"]
