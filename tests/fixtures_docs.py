"""Hand-made documents and reusable graph checks for the graph and display tests.

The documents are short news-like texts written for these tests (not copied from any corpus);
offsets are computed from the text, so ``doc.text[m.start:m.end] == m.text`` always holds.

The ``assert_*`` helpers are meant to be reused by tests on real extractions, e.g.::

    from fixtures_docs import assert_roundtrip
    def test_seed_gexf(seed_doc, tmp_path):
        assert_roundtrip(to_networkx(seed_doc), "gexf", tmp_path)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import networkx as nx

from ner_ar.graph import FORMATS, attribute_types
from ner_ar.schema import Document, Entity, Mention, Relation, Span

# Each entity: id, type, canonical name, kb_id, mentions as (surface, occurrence) with the
# occurrence counted among exact substring matches in the text, 1-based.
EntitySpec = tuple[str, str, str, str | None, list[tuple[str, int]]]
# Each relation: type, subject, object, role, evidence substrings, rule.
RelationSpec = tuple[str, str, str, str | None, list[str], str]


def _find(text: str, sub: str, occurrence: int = 1) -> Span:
    start = -1
    for _ in range(occurrence):
        start = text.find(sub, start + 1)
        if start < 0:
            raise ValueError(f"{sub!r} occurs fewer than {occurrence} times in the text")
    return Span(start=start, end=start + len(sub), text=sub)


def make_doc(doc_id: str | None, text: str, entities: list[EntitySpec],
             relations: list[RelationSpec]) -> Document:
    """A Document from readable specs; every offset is looked up in ``text``."""
    ents = [
        Entity(id=eid, type=etype, name=name, kb_id=kb,
               mentions=[Mention(**_find(text, s, n).model_dump(),
                                 kind="nisba" if s.startswith("ال") and etype == "GPE" else "name")
                         for s, n in mentions],
               confidence=0.9)
        for eid, etype, name, kb, mentions in entities
    ]
    rels = [
        Relation(id=f"R{i}", type=rtype, subject=subj, object=obj, role=role,
                 evidence=[_find(text, e) for e in evidence], rule=rule, confidence=0.8)
        for i, (rtype, subj, obj, role, evidence, rule) in enumerate(relations, 1)
    ]
    return Document(id=doc_id, text=text, entities=ents, relations=rels,
                    meta={"model": "hand-made", "version": "test"})


SEED_LIKE_TEXT = (
    "أعلن السفير الروسي لدى كوبا، أندريه غوسكوف، أن التعاون بين روسيا وكوبا يتطور بشكل نشط.\n"
    "وقال غوسكوف لوكالة سبوتنيك إن قائد البحرية الروسية، نيكولاي إيفمينوف، زار كوبا.\n"
    "وكان وزير الدفاع الروسي، سيرغي شويغو، قد تحدث في مؤتمر موسكو للأمن الدولي عن الشراكة مع كوبا."
)


def seed_like_doc() -> Document:
    """Nine entities of five types and ten relations, two of them symmetric."""
    t = SEED_LIKE_TEXT
    return make_doc("seed-like", t, [
        ("E1", "PER", "أندريه غوسكوف", None, [("أندريه غوسكوف", 1), ("غوسكوف", 2)]),
        ("E2", "GPE", "روسيا", "iso3166:RU",
         [("الروسي", 1), ("روسيا", 1), ("الروسي", 3)]),
        ("E3", "GPE", "كوبا", "iso3166:CU", [("كوبا", 1), ("كوبا", 2), ("كوبا", 3), ("كوبا", 4)]),
        ("E4", "ORG", "سبوتنيك", None, [("سبوتنيك", 1)]),
        ("E5", "ORG", "البحرية الروسية", None, [("البحرية الروسية", 1)]),
        ("E6", "PER", "نيكولاي إيفمينوف", None, [("نيكولاي إيفمينوف", 1)]),
        ("E7", "PER", "سيرغي شويغو", None, [("سيرغي شويغو", 1)]),
        ("E8", "GPE", "موسكو", "geonames:524901", [("موسكو", 1)]),
        ("E9", "MISC", "مؤتمر موسكو للأمن الدولي", None, [("مؤتمر موسكو للأمن الدولي", 1)]),
    ], [
        ("posted_to", "E1", "E3", "السفير", ["السفير الروسي لدى كوبا، أندريه غوسكوف"], "ambassador_to"),
        ("employee_of", "E1", "E2", "السفير", ["السفير الروسي لدى كوبا، أندريه غوسكوف"], "title_nisba_name"),
        ("cooperates_with", "E2", "E3", None, ["التعاون بين روسيا وكوبا"], "cooperation_between"),
        ("statement_to", "E1", "E4", None, ["وقال غوسكوف لوكالة سبوتنيك"], "said_to_agency"),
        ("part_of", "E5", "E2", None, ["البحرية الروسية"], "org_nisba"),
        ("employee_of", "E6", "E5", "قائد", ["قائد البحرية الروسية، نيكولاي إيفمينوف"],
         "title_idafa_name"),
        ("visited", "E6", "E3", None, ["نيكولاي إيفمينوف، زار كوبا"], "visited"),
        ("employee_of", "E7", "E2", "وزير الدفاع", ["وزير الدفاع الروسي، سيرغي شويغو"], "title_nisba_name"),
        ("located_in", "E8", "E2", None, [], "gazetteer_city_country"),
        ("cooperates_with", "E3", "E2", None, ["الشراكة مع كوبا"], "partnership_with"),
    ])


def havana_doc() -> Document:
    """A second article: Russia under another name, Cuba reversed in a symmetric relation."""
    t = ("استقبل الرئيس الكوبي ميغيل دياز كانيل في هافانا سيرغي شويغو، "
         "وبحث معه التعاون بين كوبا وروسيا الاتحادية.")
    return make_doc("havana", t, [
        ("E1", "PER", "ميغيل دياز كانيل", None, [("ميغيل دياز كانيل", 1)]),
        ("E2", "GPE", "كوبا", "iso3166:CU", [("الكوبي", 1), ("كوبا", 1)]),
        ("E3", "GPE", "هافانا", None, [("هافانا", 1)]),
        ("E4", "PER", "سيرغي شويغو", None, [("سيرغي شويغو", 1)]),
        ("E5", "GPE", "روسيا الاتحادية", "iso3166:RU", [("روسيا الاتحادية", 1)]),
    ], [
        ("employee_of", "E1", "E2", "الرئيس", ["الرئيس الكوبي ميغيل دياز كانيل"], "title_nisba_name"),
        ("met_with", "E1", "E4", None, ["استقبل الرئيس الكوبي ميغيل دياز كانيل في هافانا سيرغي شويغو"],
         "received"),
        ("cooperates_with", "E2", "E5", None, ["التعاون بين كوبا وروسيا الاتحادية"], "cooperation_between"),
        ("visited", "E4", "E3", None, ["في هافانا سيرغي شويغو"], "received_in"),
    ])


def unlinked_doc() -> Document:
    """A third article whose Cuba has no ``kb_id``, and no document id."""
    t = "وصل سيرغي شويغو إلى كوبا في زيارة رسمية."
    return make_doc(None, t, [
        ("E1", "PER", "سيرغي شويغو", None, [("سيرغي شويغو", 1)]),
        ("E2", "GPE", "كوبا", None, [("كوبا", 1)]),
    ], [
        ("visited", "E1", "E2", None, ["وصل سيرغي شويغو إلى كوبا"], "arrived_in"),
    ])


def corpus_docs() -> list[Document]:
    return [seed_like_doc(), havana_doc(), unlinked_doc()]


# ---- reusable checks --------------------------------------------------------------------------

def _typed(data: dict[str, Any]) -> dict[str, tuple[type, Any]]:
    # 1 == 1.0 == True in Python: compare types too, or an int read back as float would pass.
    return {k: (type(v), v) for k, v in data.items()}


def assert_graphs_equal(G: nx.MultiDiGraph, H: nx.MultiDiGraph, graph_attrs: bool = True) -> None:
    """Same nodes, edges (with keys) and attributes, value types included."""
    assert isinstance(H, nx.MultiDiGraph)
    assert {n: _typed(d) for n, d in G.nodes(data=True)} == {n: _typed(d) for n, d in H.nodes(data=True)}
    assert ({(u, v, k): _typed(d) for u, v, k, d in G.edges(keys=True, data=True)}
            == {(u, v, k): _typed(d) for u, v, k, d in H.edges(keys=True, data=True)})
    if graph_attrs:
        assert _typed(G.graph) == _typed(H.graph)


def graph_file(tmp_path: Path, fmt: str) -> Path:
    """Where a test writes format ``fmt``: a file with the format's extension, or a directory."""
    spec = FORMATS[fmt]
    return tmp_path / (f"graph{spec.extensions[0]}" if spec.extensions else f"graph-{fmt}")


def assert_roundtrip(G: nx.MultiDiGraph, fmt: str, tmp_path: Path) -> nx.MultiDiGraph:
    """Write ``G`` in ``fmt``, read it back, and check that nothing changed; returns the copy.

    GEXF and Neo4j CSV have no graph attributes, so only nodes and edges are compared there.
    """
    path = graph_file(tmp_path, fmt)
    FORMATS[fmt].write(G, path)
    H = FORMATS[fmt].read(path)
    assert_graphs_equal(G, H, graph_attrs=fmt in ("graphml", "json"))
    assert_consistent_types(H)
    return H


def assert_consistent_types(G: nx.MultiDiGraph) -> None:
    """Every attribute holds one scalar type across the graph (``attribute_types`` raises if not)."""
    attribute_types(G)


def exported_text(path: Path) -> str:
    """The UTF-8 text of an exported file, or of every file of an exported directory."""
    if path.is_dir():
        return "\n".join(p.read_text(encoding="utf-8") for p in sorted(path.iterdir()))
    return path.read_text(encoding="utf-8")
