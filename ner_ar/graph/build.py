"""Build a networkx graph of entities and relations from one or several documents.

One node per entity, one edge per (subject, object, relation type). Across documents, entities
merge by ``kb_id`` when they have one, else by entity type and normalised canonical name; an
entity without ``kb_id`` whose type and name match a linked entity joins that linked node.

Every node and edge carries the same attributes with the same Python types (``str``, ``int``,
``bool``, ``float``), and never ``None``, lists or dicts, so that every writer in this package can
export the graph as is.

>>> from ner_ar.schema import Document, Entity, Mention
>>> doc = Document(id="d1", text="زار شويغو موسكو", entities=[
...     Entity(id="E1", type="PER", name="شويغو", mentions=[Mention(start=4, end=9, text="شويغو")]),
...     Entity(id="E2", type="GPE", name="موسكو", kb_id="geonames:524901",
...            mentions=[Mention(start=10, end=15, text="موسكو")])])
>>> G = to_networkx(doc)
>>> sorted(G.nodes)
['PER:شويغو', 'geonames:524901']
>>> G.nodes["geonames:524901"]["label"]
'موسكو'
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import metadata

import networkx as nx

from ner_ar.normalize import strip_format
from ner_ar.schema import Document, Entity, Relation
from ner_ar.text import normalize_key

SEP = " | "
"""Separator of the joined string attributes (``aliases``, ``doc_ids``, ``rules``, ``role``)."""

NODE_ATTRIBUTES: dict[str, type] = {
    "label": str, "entity_type": str, "kb_id": str, "aliases": str,
    "mention_count": int, "doc_count": int,
}
"""Every node attribute and its Python type."""

EDGE_ATTRIBUTES: dict[str, type] = {
    "relation": str, "role": str, "weight": int, "evidence": str, "doc_ids": str,
    "rules": str, "symmetric": bool, "confidence": float,
}
"""Every edge attribute and its Python type."""


_NOT_ID_CHAR = re.compile(r"[^\w.:-]+")


def _version() -> str:
    try:
        return metadata.version("ner_ar")
    except metadata.PackageNotFoundError:  # running from a source tree that is not installed
        return "unknown"


def node_id(entity: Entity) -> str:
    """The stable node id of an entity: its ``kb_id``, else ``TYPE:normalised_name``.

    Spaces and punctuation become ``_`` so that ids are XML name tokens, as GraphML asks.

    >>> from ner_ar.schema import Entity
    >>> node_id(Entity(id="E1", type="GPE", name="كوبا", kb_id="iso3166:CU"))
    'iso3166:CU'
    >>> node_id(Entity(id="E2", type="ORG", name="البحرية الروسية"))
    'ORG:البحريه_الروسيه'
    """
    return _make_id(entity.kb_id or f"{entity.type.value}:{normalize_key(entity.name)}")


def _make_id(raw: str) -> str:
    return _NOT_ID_CHAR.sub("_", raw)


def _join(items: Iterable[str]) -> str:
    # dict.fromkeys: distinct values in first-seen order, so output does not depend on hashing
    return SEP.join(dict.fromkeys(i for i in items if i))


@dataclass
class _Node:
    entity_type: str
    kb_id: str
    names: Counter[str] = field(default_factory=Counter)
    surface: dict[str, None] = field(default_factory=dict)
    mention_count: int = 0
    docs: dict[str, None] = field(default_factory=dict)


@dataclass
class _Edge:
    relation: str
    symmetric: bool
    roles: dict[str, None] = field(default_factory=dict)
    evidence: list[str] = field(default_factory=list)
    weight: int = 0
    docs: dict[str, None] = field(default_factory=dict)
    rules: dict[str, None] = field(default_factory=dict)
    confidence: float = 0.0


def _as_list(doc_or_docs: Document | Iterable[Document]) -> list[Document]:
    return [doc_or_docs] if isinstance(doc_or_docs, Document) else list(doc_or_docs)


def _assign(docs: list[Document]) -> list[dict[str, tuple[str, str]]]:
    # First pass: names of linked entities, so an unlinked mention of the same name joins them.
    linked: dict[tuple[str, str], str] = {}
    for doc in docs:
        for ent in doc.entities:
            if ent.kb_id:
                linked.setdefault((ent.type.value, normalize_key(ent.name)), ent.kb_id)
    assigned = []
    for doc in docs:
        local: dict[str, tuple[str, str]] = {}
        for ent in doc.entities:
            key = normalize_key(ent.name)
            kb_id = ent.kb_id or linked.get((ent.type.value, key), "")
            local[ent.id] = (_make_id(kb_id or f"{ent.type.value}:{key}"), kb_id)
        assigned.append(local)
    return assigned


def assign_nodes(doc_or_docs: Document | Iterable[Document]) -> list[dict[str, str]]:
    """For each document, its entity ids mapped to the graph node ids :func:`to_networkx` gives them.

    >>> from ner_ar.schema import Document, Entity
    >>> docs = [Document(text="", entities=[Entity(id="E1", type="GPE", name="كوبا", kb_id="iso3166:CU")]),
    ...         Document(text="", entities=[Entity(id="E7", type="GPE", name="كوبا")])]
    >>> assign_nodes(docs)
    [{'E1': 'iso3166:CU'}, {'E7': 'iso3166:CU'}]
    """
    return [{eid: nid for eid, (nid, _) in local.items()} for local in _assign(_as_list(doc_or_docs))]


def _doc_label(doc: Document, index: int) -> str:
    return doc.id if doc.id else f"#{index}"


def to_networkx(doc_or_docs: Document | Iterable[Document]) -> nx.MultiDiGraph:
    """The entity-relation graph of one document or of a corpus.

    Node ids are stable strings (see :func:`node_id`); edge keys are the relation type names, so
    ``G.edges[u, v, "employee_of"]`` addresses one edge. Symmetric relations (``met_with``,
    ``cooperates_with``) are stored once, in the direction first seen, even when another document
    states them the other way round.

    Node attributes: ``label`` (the most frequent canonical name), ``entity_type``, ``kb_id``
    (``""`` when none), ``aliases`` (the other surface forms, without format characters and
    with whitespace collapsed, joined by ``" | "``),
    ``mention_count``, ``doc_count``. Edge attributes: ``relation``, ``role`` (``""`` when none;
    several roles joined), ``weight`` (number of evidence spans; a relation stated without one,
    such as a gazetteer link, counts once), ``evidence`` (first evidence text), ``doc_ids``
    (``#i`` for the i-th document when it has no id), ``rules``, ``symmetric``, ``confidence``
    (the highest).

    >>> to_networkx([]).graph["library"]
    'ner_ar'
    """
    docs = _as_list(doc_or_docs)
    nodes: dict[str, _Node] = {}
    edges: dict[tuple[str, str, str], _Edge] = {}
    for index, (doc, assigned) in enumerate(zip(docs, _assign(docs), strict=True)):
        label = _doc_label(doc, index)
        local = {eid: nid for eid, (nid, _) in assigned.items()}
        for ent in doc.entities:
            nid, kb_id = assigned[ent.id]
            node = nodes.get(nid)
            if node is None:
                node = nodes[nid] = _Node(ent.type.value, kb_id)
            node.names[ent.name] += 1
            node.surface[ent.name] = None
            # Surface forms as they read: no format characters (direction marks, joiners), one
            # space for any run of whitespace (a mention may run across a wrapped line).
            node.surface.update(dict.fromkeys(" ".join(strip_format(m.text).split())
                                              for m in ent.mentions))
            node.mention_count += len(ent.mentions)
            node.docs[label] = None
        for rel in doc.relations:
            _add_relation(edges, rel, local, label)

    G = nx.MultiDiGraph(library="ner_ar", version=_version(), doc_count=len(docs))
    for nid, node in nodes.items():
        # most frequent canonical name; ties go to the one seen first (Counter keeps insertion order)
        name = max(node.names, key=lambda n: node.names[n])
        G.add_node(nid, label=name, entity_type=node.entity_type, kb_id=node.kb_id,
                   aliases=_join(s for s in node.surface if s != name),
                   mention_count=node.mention_count, doc_count=len(node.docs))
    for (u, v, rel_type), edge in edges.items():
        G.add_edge(u, v, key=rel_type, relation=rel_type, role=_join(edge.roles),
                   weight=edge.weight, evidence=edge.evidence[0] if edge.evidence else "",
                   doc_ids=_join(edge.docs), rules=_join(edge.rules), symmetric=edge.symmetric,
                   confidence=edge.confidence)
    return G


def _add_relation(edges: dict[tuple[str, str, str], _Edge], rel: Relation,
                  local: dict[str, str], doc_label: str) -> None:
    try:
        u, v = local[rel.subject], local[rel.object]
    except KeyError as err:
        raise ValueError(f"relation {rel.id} in document {doc_label} names unknown entity {err}") from err
    rel_type = rel.type.value
    key = (u, v, rel_type)
    if rel.type.symmetric and key not in edges and (v, u, rel_type) in edges:
        key = (v, u, rel_type)
    edge = edges.get(key)
    if edge is None:
        edge = edges[key] = _Edge(rel_type, rel.type.symmetric)
    if rel.role:
        edge.roles[rel.role] = None
    edge.evidence.extend(span.text for span in rel.evidence)
    # A relation without a span (a gazetteer link) still counts: weight 0 edges vanish in Gephi.
    edge.weight += max(1, len(rel.evidence))
    edge.docs[doc_label] = None
    edge.rules[rel.rule] = None
    edge.confidence = max(edge.confidence, rel.confidence)
