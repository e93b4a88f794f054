"""docs/quickstart.ipynb and docs/corpus.ipynb run top to bottom in a real Jupyter kernel and
show what they promise.

The kernel is this interpreter (``sys.executable``), so the test works in any virtual environment
without a kernelspec installed; each notebook runs in an empty temporary directory, writes its
files to ``NER_AR_OUT`` (another temporary directory: nothing lands in the repository), and finds
its data through ``NER_AR_SEED`` / ``NER_AR_CORPUS``.
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
from conftest import ROOT, SEED, SHARED_DATA

from ner_ar.graph import read, to_networkx
from ner_ar.graphhtml import remote_references
from ner_ar.schema import Document

NOTEBOOK = ROOT / "docs" / "quickstart.ipynb"
CORPUS_NOTEBOOK = ROOT / "docs" / "corpus.ipynb"
CORPUS = SHARED_DATA / "text" / "ant_multisource" / "ant_multisource.txt.xz"
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


def _execute(notebook: Path, base: Path) -> tuple[Any, Path, Path]:
    """Run ``notebook``; return it with its outputs, its working directory and its output folder."""
    workdir, out = base / "work", base / "out"
    workdir.mkdir()
    _install_kernelspec(base / "jupyter")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("JUPYTER_PATH", str(base / "jupyter"))
        mp.setenv("IPYTHONDIR", str(base / "ipython"))  # no user profile or startup files
        mp.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
        mp.setenv("NER_AR_SEED", str(SEED))
        mp.setenv("NER_AR_CORPUS", str(CORPUS))
        mp.setenv("NER_AR_OUT", str(out))
        nb = nbformat.read(notebook, as_version=4)
        client = nbclient.NotebookClient(nb, timeout=600, kernel_name=KERNEL,
                                         resources={"metadata": {"path": str(workdir)}})
        client.execute()
    return nb, workdir, out


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path, Path]:
    return _execute(NOTEBOOK, tmp_path_factory.mktemp("notebook"))


@pytest.fixture(scope="module")
def executed_corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path, Path]:
    return _execute(CORPUS_NOTEBOOK, tmp_path_factory.mktemp("corpus_notebook"))


def _outputs(nb: Any, source: str) -> list[dict[str, Any]]:
    """Outputs of the one code cell whose source is exactly ``source``."""
    cells = [c for c in nb.cells if c.cell_type == "code" and c.source.strip() == source]
    assert len(cells) == 1, f"expected one cell {source!r}, found {len(cells)}"
    return list(cells[0].outputs)


def _data(outputs: list[dict[str, Any]], mime: str) -> str:
    found = [o["data"][mime] for o in outputs if mime in o.get("data", {})]
    assert found, f"no {mime} output in {[o.get('output_type') for o in outputs]}"
    return "".join(found[0]) if isinstance(found[0], list) else str(found[0])


def _assert_ran_cleanly(nb: Any) -> None:
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(c.execution_count for c in code)
    for cell in code:
        for out in cell.outputs:
            assert out.output_type != "error", f"{out.get('ename')}: {out.get('evalue')}"
            if out.output_type == "stream" and out.name == "stderr":
                assert "Traceback" not in out.text, out.text
                assert "Warning" not in out.text, out.text  # e.g. tqdm's IProgress not found


def test_notebook_runs_without_errors(executed: tuple[Any, Path, Path]) -> None:
    _assert_ran_cleanly(executed[0])


def test_document_html_shows_entities(executed: tuple[Any, Path, Path], seed_doc: Document) -> None:
    nb = executed[0]
    html = _data(_outputs(nb, "doc"), "text/html")
    assert 'dir="rtl"' in html
    assert seed_doc.entities, "the model found no entity in the seed article"
    # displaCy escapes the text (a mention may end in a quote mark) and marks each mention once
    for ent in seed_doc.entities:
        assert any(escape(t, quote=q) in html for t in [ent.name, *(m.text for m in ent.mentions)]
                   for q in (True, False)), ent.name


def test_frames_are_dataframes(executed: tuple[Any, Path, Path], seed_doc: Document) -> None:
    nb = executed[0]
    ents = _data(_outputs(nb, "doc.entities_frame()"), "text/html")
    assert "<table" in ents and 'class="dataframe' in ents
    # pandas escapes <, > and & but not quote marks; displaCy escapes them too
    for ent in seed_doc.entities:
        assert escape(ent.name, quote=False) in ents, ent.name
    assert ents.count("<tr>") == len(seed_doc.entities)  # body rows; the header row has a style
    rels = _data(_outputs(nb, "doc.relations_frame()"), "text/html")
    assert "<table" in rels and "subject" in rels


def test_graph_is_drawn(executed: tuple[Any, Path, Path]) -> None:
    nb = executed[0]
    cell = next(c for c in nb.cells if c.cell_type == "code" and "plot_graph(G)" in c.source)
    assert _data(list(cell.outputs), "image/png")


def _iframe_page(outputs: list[dict[str, Any]]) -> str:
    from html import unescape

    frame = _data(outputs, "text/html")
    assert frame.startswith('<div class="ner-ar-graph"><iframe srcdoc=')
    page = unescape(frame.split('srcdoc="', 1)[1].split('" sandbox=', 1)[0])
    assert remote_references(page) == [] and "vis.Network" in page
    return page


def test_interactive_view_is_shown(executed: tuple[Any, Path, Path], seed_doc: Document) -> None:
    nb = executed[0]
    page = _iframe_page(_outputs(nb, 'from ner_ar.display import show_graph\n\nshow_graph(G, height=550)'))
    for node in to_networkx(seed_doc).nodes:
        assert json.dumps(node)[1:-1] in page


def test_exports_go_to_the_output_folder(executed: tuple[Any, Path, Path],
                                         seed_doc: Document) -> None:
    _, workdir, out = executed
    assert list(workdir.iterdir()) == [], "the notebook wrote into its working directory"
    assert sorted(p.name for p in out.iterdir()) == ["seed.gexf", "seed.graphml", "seed.html"]
    expected = to_networkx(seed_doc)
    for G in (nx.read_graphml(out / "seed.graphml"), read(out / "seed.gexf")):
        assert set(G.nodes) == set(expected.nodes) != set()
        assert G.number_of_edges() == expected.number_of_edges()
    assert remote_references((out / "seed.html").read_text(encoding="utf-8")) == []
    for folder in (NOTEBOOK.parent, ROOT):
        assert not list(folder.glob("seed.*")), f"a notebook wrote into {folder}"


# ---- docs/corpus.ipynb ------------------------------------------------------------------------

def _code_cell(nb: Any, start: str) -> list[dict[str, Any]]:
    cells = [c for c in nb.cells if c.cell_type == "code" and c.source.startswith(start)]
    assert len(cells) == 1, f"expected one cell starting {start!r}, found {len(cells)}"
    return list(cells[0].outputs)


def _stdout(outputs: list[dict[str, Any]]) -> str:
    return "".join(o["text"] for o in outputs if o["output_type"] == "stream" and o["name"] == "stdout")


def test_corpus_notebook_runs_without_errors(executed_corpus: tuple[Any, Path, Path]) -> None:
    _assert_ran_cleanly(executed_corpus[0])


def test_corpus_notebook_reads_200_articles(executed_corpus: tuple[Any, Path, Path]) -> None:
    nb = executed_corpus[0]
    assert _stdout(_code_cell(nb, "import lzma")).startswith("200 articles, ")
    graph_line = _stdout(_code_cell(nb, "from ner_ar.graph import to_networkx"))
    nodes, edges = (int(x) for x in graph_line.replace(";", "").split()[0:4:2])
    assert nodes > 300 and edges > 50


def test_corpus_notebook_answers_its_questions(executed_corpus: tuple[Any, Path, Path]) -> None:
    nb = executed_corpus[0]
    meetings = _data(_code_cell(nb, "import pandas as pd"), "text/html")
    assert 'class="dataframe' in meetings and "<th>subject</th>" in meetings
    posts = _data(_code_cell(nb, "posts = relation_table"), "text/html")
    assert posts.count("<tr>") >= 5 and "<th>role</th>" in posts
    top = _data(_code_cell(nb, "connected = pd.DataFrame"), "text/html")
    assert top.count("<tr>") == 15 and "مصر" in top  # Egypt is the hub of these 200 articles
    assert _data(_code_cell(nb, "import matplotlib.pyplot as plt"), "image/png")


def test_corpus_notebook_writes_the_interactive_view(executed_corpus: tuple[Any, Path, Path]) -> None:
    nb, workdir, out = executed_corpus
    page = _iframe_page(_code_cell(nb, "import tempfile"))
    assert "ANT v2.1, first 200 articles" in page
    assert list(workdir.iterdir()) == []
    written = (out / "ant200.html").read_text(encoding="utf-8")
    assert remote_references(written) == [] and "ANT v2.1, first 200 articles" in written
