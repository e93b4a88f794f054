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

import html
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import networkx as nx
from spacy import displacy
from spacy.displacy.templates import TPL_ENT_RTL
from spacy.lang.ar import ArabicDefaults

from ner_ar.graph.build import SEP, assign_nodes, to_networkx
from ner_ar.schema import Document, EntityType

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

ENTITY_COLORS: dict[str, str] = {
    EntityType.PER.value: "#aa9cfc",
    EntityType.ORG.value: "#7aecec",
    EntityType.GPE.value: "#feca74",
    EntityType.LOC.value: "#ff9561",
    EntityType.FAC.value: "#9cc9cc",
    EntityType.MISC.value: "#e4e7d2",
}
"""One colour per entity type, shared by the HTML view and the graph drawing."""

ENTITY_COLUMNS = ["id", "type", "name", "kb_id", "mention_count", "mentions", "start", "end",
                  "confidence"]
"""Columns of :func:`entities_frame`; ``start``/``end`` are those of the first mention."""

RELATION_COLUMNS = ["id", "type", "subject_id", "subject", "object_id", "object", "role",
                    "evidence", "evidence_count", "rule", "confidence", "symmetric"]
"""Columns of :func:`relations_frame`; ``evidence`` is the first evidence text."""

# displaCy picks its right-to-left entity template before it knows the direction, so ask for it.
_DIRECTION = ArabicDefaults.writing_system.get("direction", "rtl")
_KB_URLS = {
    "geonames": "https://www.geonames.org/{}",
    "wikidata": "https://www.wikidata.org/wiki/{}",
}
_JUPYTER_HINT = 'pip install "ner_ar[jupyter]"'


def _kb_url(kb_id: str) -> str:
    prefix, _, local = kb_id.partition(":")
    template = _KB_URLS.get(prefix)
    return template.format(local) if template else "#"


def _displacy_spans(doc: Document) -> list[dict[str, Any]]:
    spans = sorted(
        ((m.start, m.end, ent) for ent in doc.entities for m in ent.mentions if m.end > m.start),
        key=lambda s: (s[0], -s[1]),
    )
    out: list[dict[str, Any]] = []
    last_end = -1
    for start, end, ent in spans:
        # displaCy cannot draw nested or overlapping marks: the earlier, longer mention wins.
        if start < last_end:
            continue
        span: dict[str, Any] = {"start": start, "end": end, "label": ent.type.value}
        if ent.kb_id:
            span.update(kb_id=ent.kb_id, kb_url=_kb_url(ent.kb_id))
        out.append(span)
        last_end = end
    return out


def _relation_rows(doc: Document) -> list[dict[str, Any]]:
    names = {ent.id: ent.name for ent in doc.entities}
    return [
        {
            "id": rel.id, "type": rel.type.value,
            "subject_id": rel.subject, "subject": names.get(rel.subject, rel.subject),
            "object_id": rel.object, "object": names.get(rel.object, rel.object),
            "role": rel.role or "",
            "evidence": rel.evidence[0].text if rel.evidence else "",
            "evidence_count": len(rel.evidence), "rule": rel.rule,
            "confidence": rel.confidence, "symmetric": rel.type.symmetric,
        }
        for rel in doc.relations
    ]


def _relation_table(doc: Document) -> str:
    if not doc.relations:
        return ""
    head = ("subject", "relation", "object", "role", "evidence")
    cells = "".join(f"<th style='text-align:right;padding:2px 8px'>{h}</th>" for h in head)
    body = []
    for row in _relation_rows(doc):
        arrow = "↔" if row["symmetric"] else ""
        values = (row["subject"], f"{arrow}{row['type']}", row["object"], row["role"], row["evidence"])
        tds = "".join(f"<td style='text-align:right;padding:2px 8px'>{html.escape(str(v))}</td>"
                      for v in values)
        body.append(f"<tr>{tds}</tr>")
    return (f'<table class="ner-ar-relations" dir="{_DIRECTION}" lang="ar" '
            f'style="font-size:0.9em;border-collapse:collapse;margin-top:0.5em">'
            f"<thead><tr>{cells}</tr></thead><tbody>{''.join(body)}</tbody></table>")


def render_html(doc: Document) -> str:
    """The text right to left with its entities highlighted by displaCy, then a relation table.

    Nested mentions (a nisba inside an organisation name) show the outer one only.
    """
    parsed = {
        "text": doc.text,
        "ents": _displacy_spans(doc),
        "title": doc.id,
        "settings": {"lang": "ar", "direction": _DIRECTION},
    }
    options = {"colors": ENTITY_COLORS, "template": TPL_ENT_RTL}
    marked = displacy.render(parsed, style="ent", manual=True, options=options, jupyter=False)
    return f'<div class="ner-ar" dir="{_DIRECTION}" lang="ar">{marked}{_relation_table(doc)}</div>'


def _pandas() -> Any:
    try:
        import pandas
    except ImportError as err:
        raise ImportError(f"DataFrames need pandas: {_JUPYTER_HINT}") from err
    return pandas


def _entity_rows(doc: Document) -> list[dict[str, Any]]:
    rows = []
    for ent in doc.entities:
        first = min(ent.mentions, key=lambda m: m.start, default=None)
        rows.append({
            "id": ent.id, "type": ent.type.value, "name": ent.name, "kb_id": ent.kb_id or "",
            "mention_count": len(ent.mentions),
            "mentions": SEP.join(dict.fromkeys(m.text for m in ent.mentions)),
            "start": first.start if first else None, "end": first.end if first else None,
            "confidence": ent.confidence,
        })
    return rows


def entities_frame(doc: Document) -> pd.DataFrame:
    """One row per entity, columns :data:`ENTITY_COLUMNS`."""
    return _pandas().DataFrame(_entity_rows(doc), columns=ENTITY_COLUMNS)


def relations_frame(doc: Document) -> pd.DataFrame:
    """One row per relation, columns :data:`RELATION_COLUMNS`, entity names next to their ids."""
    return _pandas().DataFrame(_relation_rows(doc), columns=RELATION_COLUMNS)


def _doc_ids(docs: list[Document]) -> list[str]:
    return [doc.id if doc.id else f"#{i}" for i, doc in enumerate(docs)]


def corpus_entities_frame(docs: Iterable[Document]) -> pd.DataFrame:
    """Entities of every document: ``doc_id``, ``node_id`` (the merged graph node), then
    :data:`ENTITY_COLUMNS`. Group by ``node_id`` to count an entity across the corpus.
    """
    docs = list(docs)
    rows = []
    for doc_id, doc, nodes in zip(_doc_ids(docs), docs, assign_nodes(docs), strict=True):
        rows += [{"doc_id": doc_id, "node_id": nodes[row["id"]], **row} for row in _entity_rows(doc)]
    return _pandas().DataFrame(rows, columns=["doc_id", "node_id", *ENTITY_COLUMNS])


def corpus_relations_frame(docs: Iterable[Document]) -> pd.DataFrame:
    """Relations of every document: ``doc_id``, ``subject_node``, ``object_node`` (graph node ids),
    then :data:`RELATION_COLUMNS`.
    """
    docs = list(docs)
    rows = []
    for doc_id, doc, nodes in zip(_doc_ids(docs), docs, assign_nodes(docs), strict=True):
        rows += [{"doc_id": doc_id, "subject_node": nodes.get(row["subject_id"], ""),
                  "object_node": nodes.get(row["object_id"], ""), **row} for row in _relation_rows(doc)]
    return _pandas().DataFrame(rows, columns=["doc_id", "subject_node", "object_node", *RELATION_COLUMNS])


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
