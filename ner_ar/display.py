"""Looking at results in Jupyter: highlighted text, DataFrames and graph drawings.

``render_html`` needs only spaCy (a core dependency), so ``Document._repr_html_`` always works.
The frames need pandas and ``plot_graph`` needs matplotlib (before 3.11 also arabic-reshaper and
python-bidi):
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
from typing import TYPE_CHECKING, Any

import networkx as nx

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
from ner_ar.graph.build import assign_nodes, to_networkx
from ner_ar.schema import Document

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

__all__ = ["ENTITY_COLORS", "ENTITY_COLUMNS", "RELATION_COLUMNS", "corpus_entities_frame",
           "corpus_relations_frame", "entities_frame", "plot_graph", "relations_frame",
           "render_html", "shape_arabic"]

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


def _bidi() -> Any:
    try:
        import arabic_reshaper
        try:
            from bidi import get_display  # python-bidi >= 0.5
        except ImportError:
            from bidi.algorithm import get_display  # older python-bidi
    except ImportError as err:
        raise ImportError(f"Arabic labels need arabic-reshaper and python-bidi: {_JUPYTER_HINT}") from err

    def shape(text: str) -> str:
        # matplotlib draws characters left to right without joining them: join the letters into
        # their contextual forms, then put them in visual order.
        return str(get_display(arabic_reshaper.reshape(text)))

    return shape


def shape_arabic(text: str) -> str:
    """``text`` with Arabic letters joined and in visual order, for libraries without RTL support.

    >>> shape_arabic("كوبا") == "كوبا"
    False
    >>> shape_arabic("NATO")
    'NATO'
    """
    return _bidi()(text)


def _label_shaper() -> Any:
    from matplotlib import ft2font

    # matplotlib >= 3.11 lays text out with libraqm, which joins and orders Arabic itself;
    # shaping it beforehand would then reverse it a second time.
    if getattr(ft2font, "__libraqm_version__", ""):
        return str
    return _bidi()


def plot_graph(graph: nx.MultiDiGraph | Document | Iterable[Document], ax: Axes | None = None,
               *, seed: int = 0, edge_labels: bool = True, font_size: int = 10) -> Axes:
    """Draw an entity graph with matplotlib: nodes coloured by type and sized by mentions,
    labels shaped right to left, relation names on the edges. Returns the axes.

    matplotlib 3.11 and later shape Arabic themselves (libraqm); with older versions the labels
    are joined and reordered with arabic-reshaper and python-bidi first.

    ``graph`` may also be a Document or several, drawn through :func:`~ner_ar.graph.to_networkx`.
    The layout is a spring layout with a fixed ``seed``, so a drawing can be reproduced.
    """
    try:
        import matplotlib.pyplot as plt
        from matplotlib.patches import Patch
    except ImportError as err:
        raise ImportError(f"plot_graph needs matplotlib: {_JUPYTER_HINT}") from err
    shape = _label_shaper()
    G = graph if isinstance(graph, nx.Graph) else to_networkx(graph)
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 8))

    pos = nx.spring_layout(G, seed=seed, k=1.5 / max(1, G.number_of_nodes()) ** 0.5)
    types = [G.nodes[n].get("entity_type", "") for n in G]
    colors = [ENTITY_COLORS.get(t, "#dddddd") for t in types]
    sizes = [300 + 150 * min(int(G.nodes[n].get("mention_count", 1)), 20) for n in G]
    nx.draw_networkx_nodes(G, pos, ax=ax, node_color=colors, node_size=sizes, edgecolors="#555555")
    nx.draw_networkx_edges(G, pos, ax=ax, node_size=sizes, arrows=True, arrowstyle="-|>",
                           edge_color="#888888", connectionstyle="arc3,rad=0.08")
    labels = {n: shape(str(G.nodes[n].get("label", n))) for n in G}
    nx.draw_networkx_labels(G, pos, labels=labels, ax=ax, font_size=font_size)
    if edge_labels and G.number_of_edges():
        # Parallel edges of one pair share a single label: "employee_of, posted_to".
        pair_labels: dict[tuple[Any, Any], list[str]] = {}
        for u, v, k, d in G.edges(keys=True, data=True):
            pair_labels.setdefault((u, v), []).append(str(d.get("relation", k)))
        nx.draw_networkx_edge_labels(nx.DiGraph(G), pos, ax=ax, font_size=font_size - 2,
                                     edge_labels={p: ", ".join(v) for p, v in pair_labels.items()})
    present = [t for t in ENTITY_COLORS if t in types]
    if present:
        ax.legend(handles=[Patch(color=ENTITY_COLORS[t], label=t) for t in present],
                  loc="best", fontsize=font_size - 1)
    ax.margins(0.15)  # room for long labels at the edges
    ax.set_axis_off()
    return ax
