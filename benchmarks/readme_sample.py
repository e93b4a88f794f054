"""The README's sample output is the output of the README's first Python block: regenerate it.

    python benchmarks/readme_sample.py           # run the block, write its output into README.md
    python benchmarks/readme_sample.py --check   # exit 1 if README.md shows something else

The block runs as a user would run it, from the repository root (it reads the seed article from
``../shared/data/seed/``). The sample is the ```text block right after the marker comment
:data:`MARKER`. ``tests/test_readme.py`` runs every Python block of the README and fails when the
sample drifts from what the code prints.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
MARKER = "<!-- sample output: python benchmarks/readme_sample.py writes it, tests/test_readme.py checks it -->"
_BLOCK = re.compile(r"^```python\n(.*?)^```\n", re.M | re.S)
_SAMPLE = re.compile(re.escape(MARKER) + r"\n```text\n(.*?)^```\n", re.M | re.S)


def python_blocks(readme: str) -> list[str]:
    """The code of every ```python block, in order."""
    return _BLOCK.findall(readme)


def shown_sample(readme: str) -> str:
    """The sample output the README shows (the ```text block after :data:`MARKER`)."""
    found = _SAMPLE.search(readme)
    if not found:
        raise ValueError(f"README.md has no ```text block after {MARKER!r}")
    return found.group(1)


def with_sample(readme: str, sample: str) -> str:
    """``readme`` showing ``sample`` as its sample output."""
    shown_sample(readme)  # the marker is there
    return _SAMPLE.sub(lambda m: f"{MARKER}\n```text\n{sample}```\n", readme, count=1)


def run_block(code: str, cwd: Path = ROOT) -> str:
    """Run one README block in a fresh namespace from ``cwd``; return what it printed."""
    out = io.StringIO()
    here = Path.cwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(code, str(README), "exec"), {"__name__": "__readme__"})  # noqa: S102
    finally:
        os.chdir(here)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 on a difference")
    args = parser.parse_args(argv)
    readme = README.read_text(encoding="utf-8")
    printed = run_block(python_blocks(readme)[0])
    if args.check:
        if printed != shown_sample(readme):
            print("README.md's sample output is stale: run python benchmarks/readme_sample.py",
                  file=sys.stderr)
            return 1
        return 0
    README.write_text(with_sample(readme, printed), encoding="utf-8")
    print(f"README.md: sample output of {len(printed.splitlines())} lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
