"""GEXF 1.2, Gephi's native format.

Node ``label`` becomes the GEXF label that Gephi shows; edge ``weight`` becomes the GEXF weight
that sets edge thickness. GEXF reserves some attribute names for itself (``start``, ``end`` for
time, ``type`` for edge direction; networkx also takes ``id``, ``pid`` and ``viz``): a graph that
uses them is refused rather than silently altered.

GEXF has no graph attributes, so ``G.graph`` is not kept; nodes, edges, keys and attributes are.

>>> import os, tempfile
>>> import networkx as nx
>>> G = nx.MultiDiGraph()
>>> G.add_node("iso3166:CU", label="كوبا", entity_type="GPE")
>>> path = os.path.join(tempfile.mkdtemp(), "g.gexf")
>>> write_gexf(G, path)
>>> read_gexf(path).nodes["iso3166:CU"]
{'entity_type': 'GPE', 'label': 'كوبا'}
"""

from __future__ import annotations

import networkx as nx
from networkx.readwrite.gexf import GEXFReader

from ner_ar.graph._io import PathLike, atomic_file, attribute_types, xml_safe_graph
from ner_ar.graph.build import EDGE_ATTRIBUTES

RESERVED = frozenset({"start", "end", "type", "id", "pid", "viz", "networkx_key", "spells", "slices"})
"""Attribute names that GEXF or networkx's GEXF code give a meaning of their own."""


class _MultiGEXFReader(GEXFReader):
    # networkx turns a multigraph without parallel edges into a DiGraph, which drops the edge
    # keys (our relation names); flagging every graph as multi keeps them.
    def add_edge(self, G: nx.MultiDiGraph, edge_element: object, edge_attr: object) -> None:
        super().add_edge(G, edge_element, edge_attr)
        self.simple_graph = False


def write_gexf(G: nx.MultiDiGraph, path: PathLike) -> None:
    """Write ``G`` to ``path`` as GEXF 1.2, atomically (a failed write leaves no file); strings as
    :func:`~ner_ar.graph._io.xml_safe` makes them."""
    _, node_types, edge_types = attribute_types(G)
    clash = sorted(RESERVED & (node_types.keys() | edge_types.keys()))
    if clash:
        raise ValueError(f"GEXF reserves the attribute names {clash}; rename them before writing")
    if "weight" in edge_types and edge_types["weight"] not in (int, float):
        raise TypeError("GEXF edge weights must be numbers")
    G = xml_safe_graph(G)
    with atomic_file(path) as fh:
        nx.write_gexf(G, fh, encoding="utf-8", prettyprint=True, version="1.2draft")


def read_gexf(path: PathLike) -> nx.MultiDiGraph:
    """Read a GEXF file written by :func:`write_gexf`, giving back the writer's attributes.

    GEXF weights are doubles; ``weight`` is turned back into the ``int`` that
    :func:`~ner_ar.graph.to_networkx` produces when it is whole.
    """
    with open(path, "rb") as fh:
        G = _MultiGEXFReader(version="1.2draft")(fh)
    # Reader bookkeeping, not data of ours: GEXF has no graph attributes to give back.
    for name in ("mode", "node_default", "edge_default"):
        G.graph.pop(name, None)
    weight_type = EDGE_ATTRIBUTES["weight"]
    for _, _, data in G.edges(data=True):
        # The reader copies GEXF's own edge id (a counter) into the data; the key is what we wrote.
        data.pop("id", None)
        weight = data.get("weight")
        if isinstance(weight, float) and weight_type is int and weight.is_integer():
            data["weight"] = int(weight)
    return nx.MultiDiGraph(G)
