"""Node-link JSON, as read by d3.js, vis.js, sigma.js and ``networkx.node_link_graph``.

``{"directed": true, "multigraph": true, "graph": {...}, "nodes": [{"id": ...}, ...],
"edges": [{"source": ..., "target": ..., "key": ..., ...}, ...]}``, UTF-8, Arabic unescaped.

>>> import os, tempfile
>>> import networkx as nx
>>> G = nx.MultiDiGraph(library="ner_ar")
>>> G.add_node("iso3166:CU", label="كوبا")
>>> path = os.path.join(tempfile.mkdtemp(), "g.json")
>>> write_nodelink(G, path)
>>> '"label": "كوبا"' in open(path, encoding="utf-8").read()
True
>>> read_nodelink(path).nodes["iso3166:CU"]["label"]
'كوبا'
"""

from __future__ import annotations

import json
import re

import networkx as nx

from ner_ar.graph._io import PathLike, atomic_file, attribute_types

_SURROGATE = re.compile("[\ud800-\udfff]")


def write_nodelink(G: nx.MultiDiGraph, path: PathLike) -> None:
    """Write ``G`` to ``path`` as node-link JSON, atomically (a failed write leaves no file).

    Every string is kept exactly: control characters are escaped as JSON does, and a lone
    surrogate (which UTF-8 cannot encode) is written as its ``\\uXXXX`` escape, which JSON
    readers give back as it was."""
    attribute_types(G)
    data = nx.node_link_data(G, edges="edges")
    text = json.dumps(data, ensure_ascii=False, indent=2)
    text = _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    with atomic_file(path) as fh:
        fh.write(text.encode("utf-8"))
        fh.write(b"\n")


def read_nodelink(path: PathLike) -> nx.MultiDiGraph:
    """Read a node-link JSON file written by :func:`write_nodelink`."""
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    G = nx.node_link_graph(data, directed=True, multigraph=True, edges="edges")
    return G if isinstance(G, nx.MultiDiGraph) else nx.MultiDiGraph(G)
