"""Neo4j ``neo4j-admin database import`` CSV: a directory with ``nodes.csv`` and ``relationships.csv``.

``nodes.csv``::

    id:ID,:LABEL,label:string,entity_type:string,kb_id:string,aliases:string,mention_count:long,...
    iso3166:RU,Entity;GPE,روسيا,GPE,iso3166:RU,روسيا الاتحادية,4,...

``relationships.csv``::

    :START_ID,:END_ID,:TYPE,relation:string,role:string,weight:long,...,symmetric:boolean,...
    PER:شويغو,iso3166:RU,employee_of,employee_of,وزير الدفاع,1,...,false,...

Every node gets the Neo4j label ``Entity`` plus its ``entity_type``; the relationship type is the
edge key (the relation name, kept as spelled in the relation inventory). Property types come
from the attribute values (``str`` → ``string``, ``int`` → ``long``, ``float`` → ``double``,
``bool`` → ``boolean``). UTF-8 without BOM, RFC 4180 quoting. Graph attributes are not stored.

>>> import os, tempfile
>>> import networkx as nx
>>> G = nx.MultiDiGraph()
>>> G.add_node("iso3166:CU", label="كوبا", entity_type="GPE", mention_count=2)
>>> out = os.path.join(tempfile.mkdtemp(), "neo4j")
>>> write_neo4j(G, out)
>>> read_neo4j(out).nodes["iso3166:CU"]
{'label': 'كوبا', 'entity_type': 'GPE', 'mention_count': 2}
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import networkx as nx

from ner_ar.graph._io import PathLike, atomic_dir, attribute_types, utf8_safe_graph

NODES_FILE = "nodes.csv"
RELATIONSHIPS_FILE = "relationships.csv"
NODE_LABEL = "Entity"

_NEO4J_TYPE: dict[type, str] = {str: "string", bool: "boolean", int: "long", float: "double"}
_PARSE: dict[str, Callable[[str], object]] = {
    "string": str, "long": int, "int": int, "double": float, "float": float,
    "boolean": lambda s: s.lower() == "true",
}


def _header(name: str, ptype: type) -> str:
    return f"{name}:{_NEO4J_TYPE[ptype]}"


def _cell(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)  # str(float) round-trips exactly


_NEEDS_QUOTES = frozenset(',"\r\n')


def _csv_field(value: str) -> str:
    # RFC 4180: a field holding a comma, a quote or a line break of either kind is quoted (the csv
    # module quotes a CR only when the line terminator holds one, and ours is LF).
    if _NEEDS_QUOTES.isdisjoint(value):
        return value
    return '"' + value.replace('"', '""') + '"'


def _csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    lines = [",".join(map(_csv_field, row)) + "\n" for row in [header, *rows]]
    return "".join(lines).encode("utf-8")


def write_neo4j(G: nx.MultiDiGraph, path: PathLike) -> None:
    """Write ``G`` into the directory ``path`` (created if needed) as Neo4j import CSV.

    Both files are written to a temporary directory first and moved into place only when both
    are complete. Strings are written as they are (RFC 4180 quoting keeps line breaks and control
    characters), except lone surrogates, which UTF-8 cannot encode: they become U+FFFD. Then,
    for example::

        neo4j-admin database import full --nodes=nodes.csv --relationships=relationships.csv \\
            --multiline-fields=true neo4j
    """
    _, node_types, edge_types = attribute_types(G)
    G = utf8_safe_graph(G)
    for name in node_types.keys() | edge_types.keys():
        if ":" in name:
            raise ValueError(f"attribute name {name!r} has a ':', which Neo4j headers reserve")
    node_cols = list(node_types)
    edge_cols = list(edge_types)
    node_rows = [
        [str(n), f"{NODE_LABEL};{d['entity_type']}" if d.get("entity_type") else NODE_LABEL]
        + [_cell(d[c]) if c in d else "" for c in node_cols]
        for n, d in G.nodes(data=True)
    ]
    edge_rows = [
        [str(u), str(v), str(k)] + [_cell(d[c]) if c in d else "" for c in edge_cols]
        for u, v, k, d in G.edges(keys=True, data=True)
    ]
    nodes = _csv_bytes(["id:ID", ":LABEL"] + [_header(c, node_types[c]) for c in node_cols], node_rows)
    rels = _csv_bytes([":START_ID", ":END_ID", ":TYPE"] + [_header(c, edge_types[c]) for c in edge_cols],
                      edge_rows)
    with atomic_dir(path) as tmp:
        (tmp / NODES_FILE).write_bytes(nodes)
        (tmp / RELATIONSHIPS_FILE).write_bytes(rels)


def _properties(header: list[str], row: list[str], skip: int) -> dict[str, object]:
    props: dict[str, object] = {}
    for col, cell in zip(header[skip:], row[skip:], strict=True):
        name, _, ptype = col.partition(":")
        ptype = ptype or "string"
        if cell == "" and ptype != "string":
            continue  # Neo4j reads an empty cell as "no property"
        props[name] = _PARSE[ptype](cell)
    return props


def _read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    if not rows:
        raise ValueError(f"{path} is empty: no header row")
    return rows[0], rows[1:]


def read_neo4j(path: PathLike) -> nx.MultiDiGraph:
    """Read a directory written by :func:`write_neo4j` back into a graph.

    The first column of ``nodes.csv`` (``...:ID``) gives node ids, ``:LABEL`` is not read back
    (``entity_type`` holds the same), ``:TYPE`` gives edge keys.
    """
    root = Path(path)
    G = nx.MultiDiGraph()
    header, rows = _read_csv(root / NODES_FILE)
    if not header[0].endswith(":ID") or header[1] != ":LABEL":
        raise ValueError(f"{root / NODES_FILE}: expected 'id:ID,:LABEL,...' header, got {header[:2]}")
    for row in rows:
        G.add_node(row[0], **_properties(header, row, 2))
    header, rows = _read_csv(root / RELATIONSHIPS_FILE)
    if header[:3] != [":START_ID", ":END_ID", ":TYPE"]:
        raise ValueError(f"{root / RELATIONSHIPS_FILE}: expected ':START_ID,:END_ID,:TYPE,...' header")
    for row in rows:
        G.add_edge(row[0], row[1], key=row[2], **_properties(header, row, 3))
    return G
