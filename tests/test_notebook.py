"""docs/quickstart.ipynb runs top to bottom in a real Jupyter kernel and shows what it promises.

The kernel is this interpreter (``sys.executable``), so the test works in any virtual environment
without a kernelspec installed; it runs in a temporary directory so the exports stay out of the
repository, and finds the seed article through ``NER_AR_SEED``.
"""

from __future__ import annotations

import json
import sys
from html import escape
from pathlib import Path
from typing import Any

import nbclient
import nbformat
import networkx as nx
import pytest
from conftest import ROOT, SEED

from ner_ar.graph import read, to_networkx
from ner_ar.schema import Document

NOTEBOOK = ROOT / "docs" / "quickstart.ipynb"
KERNEL = "python3"


def _install_kernelspec(jupyter_dir: Path) -> None:
    """A ``python3`` kernelspec for this interpreter, first on ``JUPYTER_PATH``.

    It shadows any ``python3`` kernel in the user's or system's Jupyter folders, which may
    belong to another Python without ner_ar.
    """
    spec = jupyter_dir / "kernels" / KERNEL
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "ner_ar tests", "language": "python",
    }), encoding="utf-8")


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path]:
    base = tmp_path_factory.mktemp("notebook")
    workdir = base / "work"
    workdir.mkdir()
    _install_kernelspec(base / "jupyter")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("JUPYTER_PATH", str(base / "jupyter"))
        mp.setenv("IPYTHONDIR", str(base / "ipython"))  # no user profile or startup files
        mp.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
        mp.setenv("NER_AR_SEED", str(SEED))
        nb = nbformat.read(NOTEBOOK, as_version=4)
        client = nbclient.NotebookClient(nb, timeout=300, kernel_name=KERNEL,
                                         resources={"metadata": {"path": str(workdir)}})
        client.execute()
    return nb, workdir


def _outputs(nb: Any, source: str) -> list[dict[str, Any]]:
    """Outputs of the one code cell whose source is exactly ``source``."""
    cells = [c for c in nb.cells if c.cell_type == "code" and c.source.strip() == source]
    assert len(cells) == 1, f"expected one cell {source!r}, found {len(cells)}"
    return list(cells[0].outputs)


def _data(outputs: list[dict[str, Any]], mime: str) -> str:
    found = [o["data"][mime] for o in outputs if mime in o.get("data", {})]
    assert found, f"no {mime} output in {[o.get('output_type') for o in outputs]}"
    return "".join(found[0]) if isinstance(found[0], list) else str(found[0])


def test_notebook_runs_without_errors(executed: tuple[Any, Path]) -> None:
    nb, _ = executed
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(c.execution_count for c in code)
    for cell in code:
        for out in cell.outputs:
            assert out.output_type != "error", f"{out.get('ename')}: {out.get('evalue')}"
            assert not (out.output_type == "stream" and out.name == "stderr"
                        and "Traceback" in out.text), out.text


def test_document_html_shows_entities(executed: tuple[Any, Path], seed_doc: Document) -> None:
    nb, _ = executed
    html = _data(_outputs(nb, "doc"), "text/html")
    assert 'dir="rtl"' in html
    assert seed_doc.entities, "the model found no entity in the seed article"
    # displaCy escapes the text (a mention may end in a quote mark) and marks each mention once
    for ent in seed_doc.entities:
        assert any(escape(t, quote=q) in html for t in [ent.name, *(m.text for m in ent.mentions)]
                   for q in (True, False)), ent.name


def test_frames_are_dataframes(executed: tuple[Any, Path], seed_doc: Document) -> None:
    nb, _ = executed
    ents = _data(_outputs(nb, "doc.entities_frame()"), "text/html")
    assert "<table" in ents and 'class="dataframe' in ents
    # pandas escapes <, > and & but not quote marks; displaCy escapes them too
    for ent in seed_doc.entities:
        assert escape(ent.name, quote=False) in ents, ent.name
    assert ents.count("<tr>") == len(seed_doc.entities)  # body rows; the header row has a style
    rels = _data(_outputs(nb, "doc.relations_frame()"), "text/html")
    assert "<table" in rels and "subject" in rels


def test_graph_is_drawn(executed: tuple[Any, Path]) -> None:
    nb, _ = executed
    cell = next(c for c in nb.cells if c.cell_type == "code" and "plot_graph(G)" in c.source)
    assert _data(list(cell.outputs), "image/png")


def test_exports_are_written_in_the_working_directory(executed: tuple[Any, Path],
                                                      seed_doc: Document) -> None:
    _, workdir = executed
    assert sorted(p.name for p in workdir.iterdir()) == ["seed.gexf", "seed.graphml"]
    expected = to_networkx(seed_doc)
    for G in (nx.read_graphml(workdir / "seed.graphml"), read(workdir / "seed.gexf")):
        assert set(G.nodes) == set(expected.nodes) != set()
        assert G.number_of_edges() == expected.number_of_edges()
    assert not list(NOTEBOOK.parent.glob("seed.*")), "the notebook wrote into docs/"
