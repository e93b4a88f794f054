"""An interactive view of an entity graph: one self-contained HTML file that works offline.

The page is made by pyvis (vis-network) with its scripts and stylesheets inlined
(``cdn_resources="in_line"``); the two links to Bootstrap that pyvis's template always adds are
taken out (the page does not use Bootstrap's scripts, and its look does not depend on them), and
:func:`graph_html` refuses to return a page that would still load anything over the network.

In the page: pan and zoom with the mouse, nodes coloured by entity type and sized by mentions,
Arabic names right to left, edges coloured by relation type (arrows for directed relations), a
tooltip on each node (type, knowledge-base id, the other spellings, mentions and documents) and
on each edge (relation, role, the evidence sentence, documents, rules), and a legend.

Needs pyvis: ``pip install "ner_ar[jupyter]"``.
"""

from __future__ import annotations

import html
import json
import os
import re
from collections.abc import Hashable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from ner_ar.docview import ENTITY_COLORS, JUPYTER_HINT, SEP
from ner_ar.graph.build import to_networkx
from ner_ar.graphplot import RELATION_COLORS, select_nodes
from ner_ar.schema import Document

if TYPE_CHECKING:
    from IPython.display import HTML

_EDGE_LABELS_UP_TO = 150  # more edges than this: relation names in the tooltips only
_BOOTSTRAP = re.compile(
    r"<link\b[^>]*\bhref=\"https://cdn\.jsdelivr\.net/npm/bootstrap@[^\"]*\"[^>]*>\s*"
    r"|<script\b[^>]*\bsrc=\"https://cdn\.jsdelivr\.net/npm/bootstrap@[^\"]*\"[^>]*>\s*</script>",
    re.S)
_REMOTE = re.compile(
    r"""<(?:script|link|img|iframe|source|embed)\b[^>]*\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//"""
    r"""|@import\b|url\(\s*["']?\s*(?:https?:)?//""",
    re.I)

_STYLE = """
<style>
  body { margin: 0; font-family: Tahoma, "Noto Sans Arabic", "DejaVu Sans", Arial, sans-serif; }
  #mynetwork { direction: rtl; border: 0 !important; float: none !important; }
  div.vis-tooltip { unicode-bidi: plaintext; text-align: start; white-space: pre-wrap !important;
                    max-width: 28em; font-family: inherit !important; line-height: 1.45; }
  .ner-ar-legend { position: absolute; top: 8px; left: 8px; z-index: 10; background: #ffffffdd;
                   border: 1px solid #ddd; border-radius: 4px; padding: 6px 8px; font-size: 12px;
                   direction: ltr; line-height: 1.6; }
  .ner-ar-legend b { display: block; font-size: 11px; color: #555; }
  .ner-ar-legend i { display: inline-block; width: 11px; height: 11px; border-radius: 50%;
                     margin-right: 4px; vertical-align: -1px; border: 1px solid #555; }
  .ner-ar-legend s { display: inline-block; width: 16px; height: 0; border-top: 3px solid;
                     margin-right: 4px; vertical-align: 3px; }
  .ner-ar-title { position: absolute; top: 8px; right: 12px; z-index: 10; font-size: 14px;
                  color: #333; direction: rtl; }
</style>
"""


def _iso(text: object) -> str:
    """``text`` as a bidi isolate, so an Arabic name keeps its place in a left-to-right line."""
    return f"\u2068{text}\u2069"


# Tooltips are plain text (vis-network shows a string title as text, never as HTML). Each line is
# its own bidi paragraph (see _STYLE): Arabic lines run right to left, the others left to right.
def _node_tooltip(data: dict[str, Any]) -> str:
    lines = [str(data.get("label", ""))]
    kind = str(data.get("entity_type", ""))
    lines.append(f"{kind} · {data['kb_id']}" if data.get("kb_id") else kind)
    if data.get("aliases"):
        lines.append("also written: " + ", ".join(_iso(a) for a in str(data["aliases"]).split(SEP)))
    mentions, docs = int(data.get("mention_count", 0)), int(data.get("doc_count", 0))
    lines.append(f"{mentions} mention{'s' * (mentions != 1)} in {docs} document{'s' * (docs != 1)}")
    return "\n".join(lines)


def _edge_tooltip(G: nx.MultiDiGraph, u: Hashable, v: Hashable, data: dict[str, Any]) -> str:
    arrow = "↔" if data.get("symmetric") else "→"
    subject, obj = G.nodes[u].get("label", u), G.nodes[v].get("label", v)
    lines = [f"{data.get('relation', '')}: {_iso(subject)} {arrow} {_iso(obj)}"]
    if data.get("role"):
        lines.append(f"role: {_iso(data['role'])}")
    if data.get("evidence"):
        lines.append(f"«{data['evidence']}»")
    weight = int(data.get("weight", 1))
    lines.append(f"{weight} statement{'s' * (weight != 1)}, documents: {data.get('doc_ids', '')}")
    if data.get("rules"):
        lines.append(f"rules: {data['rules']}")
    return "\n".join(lines)


def _legend(G: nx.MultiDiGraph, title: str | None) -> str:
    types = {str(d.get("entity_type", "")) for _, d in G.nodes(data=True)}
    relations = {str(d.get("relation", "")) for *_, d in G.edges(data=True)}
    rows = ["<b>entities</b>"]
    rows += [f'<span><i style="background:{c}"></i>{t}</span><br>'
             for t, c in ENTITY_COLORS.items() if t in types]
    if relations:
        rows.append("<b>relations</b>")
        rows += [f'<span><s style="border-color:{c}"></s>{r}</span><br>'
                 for r, c in RELATION_COLORS.items() if r in relations]
    heading = f'<div class="ner-ar-title">{html.escape(title)}</div>' if title else ""
    return f'<div class="ner-ar-legend">{"".join(rows)}</div>{heading}'


def _options(G: nx.MultiDiGraph) -> dict[str, Any]:
    big = G.number_of_nodes() > 300
    return {
        "nodes": {"shape": "dot", "borderWidth": 1,
                  "font": {"size": 16, "face": "Tahoma, 'Noto Sans Arabic', 'DejaVu Sans', Arial"},
                  "scaling": {"min": 8, "max": 40, "label": {"enabled": True, "min": 12, "max": 26,
                                                             "drawThreshold": 7}}},
        "edges": {"font": {"size": 11, "align": "middle", "color": "#444"},
                  "smooth": {"enabled": True, "type": "dynamic"},
                  "color": {"inherit": False}, "selectionWidth": 2},
        "interaction": {"hover": True, "tooltipDelay": 120, "navigationButtons": False,
                        "keyboard": True, "hideEdgesOnDrag": big},
        "physics": {"solver": "forceAtlas2Based",
                    "forceAtlas2Based": {"gravitationalConstant": -60, "springLength": 110,
                                         "avoidOverlap": 0.6},
                    "stabilization": {"enabled": True, "iterations": 400, "fit": True},
                    "minVelocity": 1.0},
    }


def _network(G: nx.MultiDiGraph, height: str) -> Any:
    try:
        from pyvis.network import Network
    except ImportError as err:
        raise ImportError(f"the interactive graph needs pyvis: {JUPYTER_HINT}") from err
    net = Network(height=height, width="100%", directed=True, cdn_resources="in_line",
                  notebook=False, bgcolor="#ffffff")
    for n, data in G.nodes(data=True):
        etype = str(data.get("entity_type", ""))
        net.add_node(str(n), label=str(data.get("label", n)), title=_node_tooltip(data),
                     color={"background": ENTITY_COLORS.get(etype, "#dddddd"), "border": "#555555",
                            "highlight": {"background": ENTITY_COLORS.get(etype, "#dddddd"),
                                          "border": "#000000"}},
                     value=max(1, int(data.get("mention_count", 1))))
    labelled = G.number_of_edges() <= _EDGE_LABELS_UP_TO
    seen: dict[frozenset[Hashable], int] = {}
    for u, v, key, data in G.edges(keys=True, data=True):
        rel = str(data.get("relation", key))
        rank = seen.get(frozenset((u, v)), 0)
        seen[frozenset((u, v))] = rank + 1
        edge: dict[str, Any] = {
            "title": _edge_tooltip(G, u, v, data),
            "color": RELATION_COLORS.get(rel, "#888888"),
            "width": 1 + min(4, int(data.get("weight", 1)) - 1) * 0.75,
            "arrows": "" if data.get("symmetric") else "to",
        }
        if labelled:
            edge["label"] = rel
        if rank:  # the second relation of a pair bends away from the first
            edge["smooth"] = {"enabled": True, "type": "curvedCW" if rank % 2 else "curvedCCW",
                              "roundness": 0.15 * ((rank + 1) // 2)}
        net.add_edge(str(u), str(v), **edge)
    net.set_options(json.dumps(_options(G)))
    return net


def graph_html(graph: nx.MultiDiGraph | Document | Iterable[Document], *, title: str | None = None,
               height: str = "90vh", isolates_up_to: int = 300) -> str:
    """The interactive page of ``graph`` (a graph from :func:`~ner_ar.graph.to_networkx`, or the
    documents to build it from) as one HTML string with every script and stylesheet inlined.

    In a graph of more than ``isolates_up_to`` nodes the entities without any relation are left
    out, and the heading says how many.

    Raises RuntimeError if the page would load anything from the network (a safeguard against a
    change in pyvis's template).
    """
    full = graph if isinstance(graph, nx.Graph) else to_networkx(graph)
    G, note = select_nodes(full, isolates_up_to=isolates_up_to, max_nodes=None)
    title = " — ".join(t for t in (title, note) if t) or None
    page = _network(G, height).generate_html(notebook=False)
    page = _strip_comments(_BOOTSTRAP.sub("", page))
    page = page.replace("<html>", '<html lang="ar">', 1)
    page = page.replace("<head>", '<head>\n<meta name="viewport" content="width=device-width">', 1)
    page = page.replace("</head>", _STYLE + "</head>", 1)
    page = re.sub(r"<center>\s*<h1>\s*</h1>\s*</center>", "", page)  # pyvis's empty headings
    page = page.replace('<div class="card" style="width: 100%">',
                        '<div class="card" style="width: 100%; position: relative">'
                        + _legend(G, title), 1)
    remote = remote_references(page)
    if remote:
        raise RuntimeError(f"the graph page would load {remote[:3]} over the network")
    return page


def _strip_comments(page: str) -> str:
    """``page`` without its HTML comments (pyvis's template keeps a commented-out script tag),
    leaving the inside of scripts and styles as they are."""
    block_or_comment = re.compile(r"(<(script|style)\b.*?</\2\s*>)|<!--.*?-->", re.S | re.I)
    return block_or_comment.sub(lambda m: m.group(1) or "", page)


def remote_references(page: str) -> list[str]:
    """What ``page`` would fetch over the network when opened: ``src``/``href`` of scripts,
    stylesheets, images and frames, CSS ``@import`` and ``url()`` pointing at another host.

    >>> remote_references('<script src="https://cdn.example.org/x.js"></script><a href="https://x">')
    ['<script src="https://']
    """
    return [m.group(0) for m in _REMOTE.finditer(page)]


def write_graph_html(graph: nx.MultiDiGraph | Document | Iterable[Document],
                     path: str | os.PathLike[str], *, title: str | None = None,
                     isolates_up_to: int = 300) -> Path:
    """Write :func:`graph_html` to ``path`` (UTF-8) and return the path."""
    target = Path(path)
    target.write_text(graph_html(graph, title=title, isolates_up_to=isolates_up_to), encoding="utf-8")
    return target


def show_graph(graph: nx.MultiDiGraph | Document | Iterable[Document], *, height: int = 650,
               title: str | None = None, isolates_up_to: int = 300) -> HTML:
    """The interactive view for a notebook cell: the page in a sandboxed ``<iframe srcdoc>``, so
    it needs neither a file nor a server nor the network.
    """
    from IPython.display import HTML

    page = graph_html(graph, title=title, height=f"{height - 10}px", isolates_up_to=isolates_up_to)
    # (wrapped in a div: IPython warns about a bare iframe, though a file-less one is what we want)
    return HTML(f'<div class="ner-ar-graph"><iframe srcdoc="{html.escape(page, quote=True)}" '
                f'sandbox="allow-scripts" style="width:100%;height:{height}px;border:1px solid #ddd">'
                f"</iframe></div>")
