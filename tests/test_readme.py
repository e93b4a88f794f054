"""The README is true: every Python block runs as written, from the repository root, and the sample
output it shows is what its first block prints on the seed article.

When the sample drifts (entities improve), regenerate it with ``python benchmarks/readme_sample.py``.
"""

from __future__ import annotations

import importlib.util
import re
from types import ModuleType

import pytest
from conftest import ROOT, SEED


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("readme_sample", ROOT / "benchmarks" / "readme_sample.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


TOOL = _tool()
README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def printed() -> list[str]:
    """What each Python block of the README prints, run in a fresh namespace from the root."""
    assert SEED.is_file(), f"the README reads the seed article at {SEED}"
    return [TOOL.run_block(code) for code in TOOL.python_blocks(README)]


def test_every_python_block_runs(printed: list[str]) -> None:
    assert printed, "the README has no Python block"
    assert all(isinstance(out, str) for out in printed)


def test_sample_output_is_what_the_code_prints(printed: list[str]) -> None:
    shown = TOOL.shown_sample(README)
    assert printed[0] == shown, "README.md's sample output is stale: python benchmarks/readme_sample.py"
    lines = shown.splitlines()
    assert lines[0].startswith("E1 ") and any(line.startswith("employee_of ") for line in lines)
    assert all(line == line.rstrip() for line in lines)  # nothing an editor would strip


def test_regenerating_keeps_the_rest_of_the_readme() -> None:
    redone = TOOL.with_sample(README, "E1 GPE x\n")
    assert TOOL.shown_sample(redone) == "E1 GPE x\n"
    assert redone.replace("E1 GPE x\n", TOOL.shown_sample(README), 1) == README


def test_local_links_exist() -> None:
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", README):
        if not re.match(r"[a-z]+:", target):
            assert (ROOT / target).exists(), f"README links to a missing {target}"


def test_limitations_are_stated() -> None:
    section = README.split("## Limitations", 1)[1].split("\n## ", 1)[0]
    for topic in ("encoding", "Size", "Latin", "2007", "Wikipedia", "FAC", "thread"):
        assert topic in section, topic
