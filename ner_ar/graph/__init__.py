"""Entity-relation graphs: build them from documents, write and read them in four formats.

>>> import os, tempfile
>>> from ner_ar.schema import Document, Entity, Mention
>>> doc = Document(id="d1", text="كوبا", entities=[Entity(id="E1", type="GPE", name="كوبا",
...     kb_id="iso3166:CU", mentions=[Mention(start=0, end=4, text="كوبا")])])
>>> G = to_networkx(doc)
>>> out = tempfile.mkdtemp()
>>> write(G, os.path.join(out, "doc.gexf"))                 # format from the extension
>>> write(G, os.path.join(out, "neo4j"), format="neo4j")   # a directory of CSV files
>>> read(os.path.join(out, "neo4j")).nodes["iso3166:CU"]["label"]
'كوبا'
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import networkx as nx

from ner_ar.graph._io import PathLike, attribute_types
from ner_ar.graph.build import EDGE_ATTRIBUTES, NODE_ATTRIBUTES, SEP, assign_nodes, node_id, to_networkx
from ner_ar.graph.gexf import read_gexf, write_gexf
from ner_ar.graph.graphml import read_graphml, write_graphml
from ner_ar.graph.neo4j import read_neo4j, write_neo4j
from ner_ar.graph.nodelink import read_nodelink, write_nodelink


@dataclass(frozen=True)
class GraphFormat:
    """One export format: its writer, its reader and the file extensions that select it."""

    name: str
    write: Callable[[nx.MultiDiGraph, PathLike], None]
    read: Callable[[PathLike], nx.MultiDiGraph]
    extensions: tuple[str, ...]
    directory: bool = False


FORMATS: dict[str, GraphFormat] = {
    f.name: f
    for f in (
        GraphFormat("graphml", write_graphml, read_graphml, (".graphml",)),
        GraphFormat("gexf", write_gexf, read_gexf, (".gexf",)),
        GraphFormat("json", write_nodelink, read_nodelink, (".json",)),
        GraphFormat("neo4j", write_neo4j, read_neo4j, (), directory=True),
    )
}
"""Every format by name: ``graphml``, ``gexf``, ``json`` (node-link) and ``neo4j`` (CSV directory)."""


def get_format(path: PathLike, format: str | None = None) -> GraphFormat:
    """The format named ``format``, else the one ``path``'s extension selects.

    >>> get_format("out/corpus.GraphML").name
    'graphml'
    >>> get_format("out/neo4j", "neo4j").name
    'neo4j'
    """
    if format is not None:
        try:
            return FORMATS[format.lower()]
        except KeyError:
            raise ValueError(f"unknown graph format {format!r}; choose one of {sorted(FORMATS)}") from None
    suffix = Path(path).suffix.lower()
    for fmt in FORMATS.values():
        if suffix in fmt.extensions:
            return fmt
    if os.path.isfile(os.path.join(path, "nodes.csv")):
        return FORMATS["neo4j"]
    known = sorted(e for f in FORMATS.values() for e in f.extensions)
    raise ValueError(f"cannot tell the graph format of {os.fspath(path)!r} from its extension "
                     f"(known: {known}); pass format= one of {sorted(FORMATS)}")


def write(G: nx.MultiDiGraph, path: PathLike, format: str | None = None) -> None:
    """Write ``G`` to ``path`` in ``format`` (a key of :data:`FORMATS`), else by extension."""
    get_format(path, format).write(G, path)


def read(path: PathLike, format: str | None = None) -> nx.MultiDiGraph:
    """Read a graph written by :func:`write`; the format as for :func:`write`, or a Neo4j directory."""
    return get_format(path, format).read(path)


__all__ = [
    "EDGE_ATTRIBUTES", "FORMATS", "NODE_ATTRIBUTES", "SEP", "GraphFormat", "assign_nodes",
    "attribute_types",
    "get_format", "node_id", "read", "read_gexf", "read_graphml", "read_neo4j", "read_nodelink",
    "to_networkx", "write", "write_gexf", "write_graphml", "write_neo4j", "write_nodelink",
]
