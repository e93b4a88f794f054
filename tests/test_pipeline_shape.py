"""The pipeline's shape: one visible order of named stages, no import circle in the package."""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

from ner_ar.pipeline import BATCH_STAGES, default_stages

PACKAGE = Path(__file__).resolve().parents[1] / "ner_ar"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _top_level_imports(path: Path, modules: set[str]) -> set[str]:
    """``ner_ar`` modules imported at module level (not in functions, not under TYPE_CHECKING)."""
    found: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        found |= {n for n in names if n in modules}
    return found


def test_no_module_level_import_circle() -> None:
    files = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph = nx.DiGraph()
    for name, path in files.items():
        graph.add_node(name)
        for target in _top_level_imports(path, set(files)):
            # a submodule's package is imported before it anyway: ``from ner_ar import x`` is no circle
            if target != name and not name.startswith(target + "."):
                graph.add_edge(name, target)
    assert list(nx.simple_cycles(graph)) == []


def test_resolution_does_not_import_completion() -> None:
    files = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    for path in (PACKAGE / "resolve").glob("*.py"):
        assert not any(m.startswith("ner_ar.complete") for m in _top_level_imports(path, set(files)))


def test_stage_order_is_the_documented_one(extractor) -> None:  # type: ignore[no-untyped-def]
    names = extractor.stages
    assert names[:3] == list(BATCH_STAGES) == ["normalize", "segment", "tag"]
    assert names[-1] == "relate"
    kinds = [n.split(".")[0] for n in names[3:-1]]
    # every completion step before every resolution step
    assert kinds == sorted(kinds, key=["complete", "resolve"].index)
    assert names[-5:-1] == ["resolve.bounds", "resolve.names", "resolve.nisbas", "resolve.entities"]
    assert [s.name for s in default_stages()] == names[3:]
