"""Looking at results in Jupyter: highlighted text, DataFrames, graph drawings, interactive graphs.

One place to import every view from:

* the document view (:mod:`ner_ar.docview`): ``render_html`` (what ``Document._repr_html_``
  shows), ``entities_frame``, ``relations_frame``;
* corpus tables here: ``corpus_entities_frame``, ``corpus_relations_frame``;
* the static drawing (:mod:`ner_ar.graphplot`): ``plot_graph``;
* the interactive, offline page (:mod:`ner_ar.graphhtml`): ``write_graph_html``, ``graph_html``,
  and ``show_graph`` for a notebook cell.

``render_html`` needs only the core dependencies. The frames need pandas, ``plot_graph``
matplotlib (before 3.11 also arabic-reshaper and python-bidi), the interactive view pyvis:
``pip install "ner_ar[jupyter]"``.

>>> from ner_ar.schema import Document, Entity, Mention
>>> doc = Document(id="d1", text="زار شويغو كوبا", entities=[
...     Entity(id="E1", type="PER", name="شويغو", mentions=[Mention(start=4, end=9, text="شويغو")]),
...     Entity(id="E2", type="GPE", name="كوبا", mentions=[Mention(start=10, end=14, text="كوبا")])])
>>> 'dir="rtl"' in render_html(doc)
True
>>> list(entities_frame(doc)["name"])
['شويغو', 'كوبا']
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from ner_ar.docview import (
    ENTITY_COLORS,
    ENTITY_COLUMNS,
    JUPYTER_HINT,
    RELATION_COLUMNS,
    entities_frame,
    entity_rows,
    pandas_module,
    relation_rows,
    relations_frame,
    render_html,
)
from ner_ar.graph.build import assign_nodes
from ner_ar.graphhtml import graph_html, show_graph, write_graph_html
from ner_ar.graphplot import RELATION_COLORS, plot_graph, shape_arabic
from ner_ar.schema import Document

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["ENTITY_COLORS", "ENTITY_COLUMNS", "RELATION_COLORS", "RELATION_COLUMNS",
           "corpus_entities_frame", "corpus_relations_frame", "entities_frame", "graph_html",
           "plot_graph", "relations_frame", "render_html", "shape_arabic", "show_graph",
           "write_graph_html"]

_JUPYTER_HINT = JUPYTER_HINT


def _doc_ids(docs: list[Document]) -> list[str]:
    return [doc.id if doc.id else f"#{i}" for i, doc in enumerate(docs)]


def corpus_entities_frame(docs: Iterable[Document]) -> pd.DataFrame:
    """Entities of every document: ``doc_id``, ``node_id`` (the merged graph node), then
    :data:`ENTITY_COLUMNS`. Group by ``node_id`` to count an entity across the corpus.
    """
    docs = list(docs)
    rows = []
    for doc_id, doc, nodes in zip(_doc_ids(docs), docs, assign_nodes(docs), strict=True):
        rows += [{"doc_id": doc_id, "node_id": nodes[row["id"]], **row} for row in entity_rows(doc)]
    return pandas_module().DataFrame(rows, columns=["doc_id", "node_id", *ENTITY_COLUMNS])


def corpus_relations_frame(docs: Iterable[Document]) -> pd.DataFrame:
    """Relations of every document: ``doc_id``, ``subject_node``, ``object_node`` (graph node ids),
    then :data:`RELATION_COLUMNS`.
    """
    docs = list(docs)
    rows = []
    for doc_id, doc, nodes in zip(_doc_ids(docs), docs, assign_nodes(docs), strict=True):
        rows += [{"doc_id": doc_id, "subject_node": nodes.get(row["subject_id"], ""),
                  "object_node": nodes.get(row["object_id"], ""), **row} for row in relation_rows(doc)]
    return pandas_module().DataFrame(rows, columns=["doc_id", "subject_node", "object_node", *RELATION_COLUMNS])
