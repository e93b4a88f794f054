"""GraphML, for Gephi, Cytoscape, yEd and any XML tool.

Written by networkx's own writer, after checking that every attribute has one type across the
graph, so each is declared once (``<key attr.type=...>``: ``string``, ``boolean``, ``long``,
``double``). UTF-8, Arabic as is.

>>> import os, tempfile
>>> import networkx as nx
>>> G = nx.MultiDiGraph()
>>> G.add_edge("PER:شويغو", "iso3166:RU", key="employee_of", role="وزير الدفاع", weight=1)
'employee_of'
>>> path = os.path.join(tempfile.mkdtemp(), "g.graphml")
>>> write_graphml(G, path)
>>> H = read_graphml(path)
>>> H.edges["PER:شويغو", "iso3166:RU", "employee_of"]["role"]
'وزير الدفاع'
"""

from __future__ import annotations

import networkx as nx

from ner_ar.graph._io import PathLike, atomic_file, attribute_types, xml_safe_graph

KEY_ATTRIBUTE = "networkx_key"
"""Edge attribute holding the networkx edge key (the relation name), as networkx's GEXF does."""


def write_graphml(G: nx.MultiDiGraph, path: PathLike) -> None:
    """Write ``G`` to ``path`` as GraphML, atomically (a failed write leaves no file).

    Edge ids are ``e0``, ``e1``, ...: Gephi keeps only the first of several edges with one id,
    and a key such as ``employee_of`` repeats across the graph. The key goes to the edge
    attribute ``networkx_key`` instead. Strings are written as
    :func:`~ner_ar.graph._io.xml_safe` makes them (a character XML cannot carry never reaches
    the file).
    """
    _, _, edge_types = attribute_types(G)
    G = xml_safe_graph(G)
    if KEY_ATTRIBUTE in edge_types:
        raise ValueError(f"edge attribute name {KEY_ATTRIBUTE!r} is reserved for the edge key")
    H = nx.MultiDiGraph(**G.graph)
    H.add_nodes_from(G.nodes(data=True))
    H.add_edges_from((u, v, f"e{i}", {**d, KEY_ATTRIBUTE: str(k)})
                     for i, (u, v, k, d) in enumerate(G.edges(keys=True, data=True)))
    with atomic_file(path) as fh:
        nx.write_graphml(H, fh, encoding="utf-8", prettyprint=True)


def read_graphml(path: PathLike) -> nx.MultiDiGraph:
    """Read a GraphML file written by :func:`write_graphml`: string node ids and edge keys."""
    G = nx.read_graphml(path, node_type=str, edge_key_type=str, force_multigraph=True)
    # The reader adds these GraphML <default> holders even when the file declares no defaults.
    for holder in ("node_default", "edge_default"):
        if not G.graph.get(holder):
            G.graph.pop(holder, None)
    H = nx.MultiDiGraph(**G.graph)
    H.add_nodes_from(G.nodes(data=True))
    for u, v, k, d in G.edges(keys=True, data=True):
        key = d.pop(KEY_ATTRIBUTE, k)
        H.add_edge(u, v, key=key, **d)
    return H
