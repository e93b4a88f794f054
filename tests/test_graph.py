"""Graph building and the four export formats, on hand-made documents (tests/fixtures_docs.py)."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest
from fixtures_docs import (
    assert_roundtrip,
    corpus_docs,
    exported_text,
    graph_file,
    make_doc,
    seed_like_doc,
)

from ner_ar.graph import (
    EDGE_ATTRIBUTES,
    FORMATS,
    NODE_ATTRIBUTES,
    attribute_types,
    get_format,
    read,
    to_networkx,
    write,
)
from ner_ar.graph import _io as graph_io

ALL_FORMATS = sorted(FORMATS)


@pytest.fixture(scope="module")
def seed_graph() -> nx.MultiDiGraph:
    return to_networkx(seed_like_doc())


@pytest.fixture(scope="module")
def corpus_graph() -> nx.MultiDiGraph:
    return to_networkx(corpus_docs())


def _edges(G: nx.MultiDiGraph, relation: str) -> list[tuple[str, str]]:
    return [(u, v) for u, v, k in G.edges(keys=True) if k == relation]


# ---- building -------------------------------------------------------------------------------

def test_one_node_per_entity_and_one_edge_per_relation(seed_graph: nx.MultiDiGraph) -> None:
    doc = seed_like_doc()
    assert seed_graph.number_of_nodes() == len(doc.entities)
    # ten relations, of which the two cooperates_with (both directions) collapse into one edge
    assert seed_graph.number_of_edges() == len(doc.relations) - 1
    assert seed_graph.graph["library"] == "ner_ar"
    shoigu = seed_graph.nodes["PER:سيرغي_شويغو"]
    assert shoigu == {"label": "سيرغي شويغو", "entity_type": "PER", "kb_id": "", "aliases": "",
                      "mention_count": 1, "doc_count": 1}
    edge = seed_graph.edges["PER:سيرغي_شويغو", "iso3166:RU", "employee_of"]
    assert edge["role"] == "وزير الدفاع"
    assert edge["evidence"] == "وزير الدفاع الروسي، سيرغي شويغو"
    assert edge["weight"] == 1 and edge["symmetric"] is False


def test_attribute_types_are_the_declared_ones(corpus_graph: nx.MultiDiGraph) -> None:
    graph_types, node_types, edge_types = attribute_types(corpus_graph)
    assert node_types == NODE_ATTRIBUTES
    assert edge_types == EDGE_ATTRIBUTES
    assert set(graph_types.values()) <= {str, int}
    for _, data in corpus_graph.nodes(data=True):
        assert set(data) == set(NODE_ATTRIBUTES)
    for _, _, data in corpus_graph.edges(data=True):
        assert set(data) == set(EDGE_ATTRIBUTES)


def test_symmetric_relation_stored_once(corpus_graph: nx.MultiDiGraph) -> None:
    # seed-like states RU~CU twice (both orders), havana once as CU~RU: one edge, first order kept
    assert _edges(corpus_graph, "cooperates_with") == [("iso3166:RU", "iso3166:CU")]
    edge = corpus_graph.edges["iso3166:RU", "iso3166:CU", "cooperates_with"]
    assert edge["symmetric"] is True
    assert edge["weight"] == 3
    assert edge["doc_ids"] == "seed-like | havana"
    assert edge["rules"] == "cooperation_between | partnership_with"
    assert _edges(corpus_graph, "met_with") == [("PER:ميغيل_دياز_كانيل", "PER:سيرغي_شويغو")]


def test_corpus_merges_by_kb_id_then_by_type_and_name(corpus_graph: nx.MultiDiGraph) -> None:
    russia = corpus_graph.nodes["iso3166:RU"]
    # "روسيا الاتحادية" in the second article has the same kb_id: one node, both names kept
    assert russia["label"] == "روسيا"
    assert "روسيا الاتحادية" in russia["aliases"].split(" | ")
    assert russia["doc_count"] == 2
    # the third article's Cuba has no kb_id but the same type and name as a linked one
    cuba = corpus_graph.nodes["iso3166:CU"]
    assert cuba["doc_count"] == 3 and cuba["kb_id"] == "iso3166:CU"
    assert "GPE:كوبا" not in corpus_graph
    # an unlinked person merges by normalised name across the three articles
    assert corpus_graph.nodes["PER:سيرغي_شويغو"]["doc_count"] == 3
    # a document without id is named by its position
    assert corpus_graph.edges["PER:سيرغي_شويغو", "iso3166:CU", "visited"]["doc_ids"] == "#2"


def test_same_name_different_type_stays_apart() -> None:
    text = "زار وفد من الجزائر مدينة الجزائر"
    doc = make_doc("d", text, [
        ("E1", "GPE", "الجزائر", None, [("الجزائر", 1)]),
        ("E2", "FAC", "الجزائر", None, [("الجزائر", 2)]),
    ], [])
    assert sorted(to_networkx(doc)) == ["FAC:الجزائر", "GPE:الجزائر"]


def test_normalised_names_merge_and_ids_are_stable() -> None:
    docs = [
        make_doc("a", "قال أسامة", [("E1", "PER", "أسامة", None, [("أسامة", 1)])], []),
        make_doc("b", "قال اسامه", [("E1", "PER", "اسامه", None, [("اسامه", 1)])], []),
    ]
    G = to_networkx(docs)
    assert list(G) == ["PER:اسامه"]
    assert G.nodes["PER:اسامه"]["aliases"] == "اسامه"
    assert list(to_networkx(docs[::-1])) == list(G)


def test_relation_to_unknown_entity_is_an_error() -> None:
    doc = seed_like_doc()
    doc.relations[0].object = "E99"
    with pytest.raises(ValueError, match="E99"):
        to_networkx(doc)


# ---- formats --------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ALL_FORMATS)
def test_roundtrip_single_document(seed_graph: nx.MultiDiGraph, fmt: str, tmp_path: Path) -> None:
    assert_roundtrip(seed_graph, fmt, tmp_path)


@pytest.mark.parametrize("fmt", ALL_FORMATS)
def test_roundtrip_corpus(corpus_graph: nx.MultiDiGraph, fmt: str, tmp_path: Path) -> None:
    assert_roundtrip(corpus_graph, fmt, tmp_path)


@pytest.mark.parametrize("fmt", ALL_FORMATS)
def test_roundtrip_empty_graph(fmt: str, tmp_path: Path) -> None:
    assert_roundtrip(to_networkx([]), fmt, tmp_path)


@pytest.mark.parametrize("fmt", ALL_FORMATS)
def test_arabic_is_written_unescaped(seed_graph: nx.MultiDiGraph, fmt: str, tmp_path: Path) -> None:
    path = graph_file(tmp_path, fmt)
    write(seed_graph, path, format=fmt)
    text = exported_text(path)
    for word in ("أندريه غوسكوف", "وزير الدفاع", "مؤتمر موسكو للأمن الدولي"):
        assert word in text
    assert "\\u06" not in text and "&#" not in text


def test_graphml_is_well_formed_for_gephi_and_cytoscape(corpus_graph: nx.MultiDiGraph,
                                                         tmp_path: Path) -> None:
    path = tmp_path / "g.graphml"
    write(corpus_graph, path)
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    root = ET.parse(path).getroot()
    keys = root.findall("g:key", ns)
    declared = {(k.get("for"), k.get("attr.name")) for k in keys}
    assert len(declared) == len(keys), "an attribute is declared twice"
    assert {k.get("attr.type") for k in keys} <= {"string", "boolean", "int", "long", "float", "double"}
    key_ids = {k.get("id") for k in keys}
    assert all(d.get("key") in key_ids for d in root.iter("{http://graphml.graphdrawing.org/xmlns}data"))
    (graph,) = root.findall("g:graph", ns)
    assert graph.get("edgedefault") == "directed"
    node_ids = [n.get("id") for n in graph.findall("g:node", ns)]
    assert len(node_ids) == len(set(node_ids)) and all(" " not in n for n in node_ids)
    edges = graph.findall("g:edge", ns)
    edge_ids = [e.get("id") for e in edges]
    assert len(edge_ids) == len(set(edge_ids)), "Gephi drops edges whose id repeats"
    assert all(e.get("source") in node_ids and e.get("target") in node_ids for e in edges)


def test_gexf_shows_labels_and_avoids_reserved_names(corpus_graph: nx.MultiDiGraph,
                                                      tmp_path: Path) -> None:
    path = tmp_path / "g.gexf"
    write(corpus_graph, path)
    ns = {"x": "http://www.gexf.net/1.2draft"}
    root = ET.parse(path).getroot()
    labels = {n.get("id"): n.get("label") for n in root.iter("{http://www.gexf.net/1.2draft}node")}
    assert labels["iso3166:RU"] == "روسيا"
    titles = {a.get("title") for a in root.iterfind(".//x:attribute", ns)}
    assert not titles & {"start", "end", "type"}
    weights = {e.get("weight") for e in root.iter("{http://www.gexf.net/1.2draft}edge")}
    assert "3" in weights


def test_gexf_refuses_reserved_attribute_names(tmp_path: Path) -> None:
    G = nx.MultiDiGraph()
    G.add_node("a", type="PER")
    with pytest.raises(ValueError, match="reserves"):
        write(G, tmp_path / "g.gexf")
    assert list(tmp_path.iterdir()) == []


def test_nodelink_uses_edges_key(seed_graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    import json

    path = tmp_path / "g.json"
    write(seed_graph, path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert "edges" in data and "links" not in data
    assert {"source", "target", "key", "relation"} <= set(data["edges"][0])


def test_neo4j_headers(seed_graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    out = tmp_path / "neo4j"
    write(seed_graph, out, format="neo4j")
    nodes_header = (out / "nodes.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    rels_header = (out / "relationships.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    assert nodes_header[:2] == ["id:ID", ":LABEL"]
    assert "mention_count:long" in nodes_header and "label:string" in nodes_header
    assert rels_header[:3] == [":START_ID", ":END_ID", ":TYPE"]
    assert "symmetric:boolean" in rels_header and "weight:long" in rels_header
    assert "iso3166:RU,Entity;GPE,روسيا" in (out / "nodes.csv").read_text(encoding="utf-8")
    # writing again into the same directory replaces the files
    write(seed_graph, out, format="neo4j")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["neo4j"]


def test_format_selection(tmp_path: Path) -> None:
    assert get_format(tmp_path / "x.GEXF").name == "gexf"
    assert get_format(tmp_path / "x.json").name == "json"
    with pytest.raises(ValueError, match="format"):
        get_format(tmp_path / "x.txt")
    with pytest.raises(ValueError, match="unknown graph format"):
        get_format(tmp_path / "x.graphml", "dot")
    out = tmp_path / "db"
    write(to_networkx(seed_like_doc()), out, format="neo4j")
    assert read(out).number_of_nodes() == 9  # a Neo4j directory is recognised when reading


@pytest.mark.parametrize("value", [None, ["a", "b"], {"a": 1}])
@pytest.mark.parametrize("fmt", ALL_FORMATS)
def test_non_scalar_values_never_reach_a_writer(fmt: str, value: object, tmp_path: Path) -> None:
    G = to_networkx(seed_like_doc())
    G.nodes["iso3166:RU"]["aliases"] = value
    path = graph_file(tmp_path, fmt)
    with pytest.raises(TypeError, match="aliases"):
        write(G, path, format=fmt)
    assert list(tmp_path.iterdir()) == []


def test_mixed_attribute_types_are_refused(tmp_path: Path) -> None:
    G = to_networkx(seed_like_doc())
    G.nodes["iso3166:RU"]["mention_count"] = "4"
    with pytest.raises(TypeError, match="mention_count"):
        write(G, tmp_path / "g.graphml")


# ---- atomic writes --------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ALL_FORMATS)
def test_failed_write_leaves_no_file(seed_graph: nx.MultiDiGraph, fmt: str, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(graph_io.os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        write(seed_graph, graph_file(tmp_path, fmt), format=fmt)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "json"])
def test_failed_write_keeps_the_previous_file(seed_graph: nx.MultiDiGraph, fmt: str, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    path = graph_file(tmp_path, fmt)
    write(seed_graph, path, format=fmt)
    before = path.read_bytes()

    def fail(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(graph_io.os, "replace", fail)
    with pytest.raises(OSError):
        write(to_networkx(corpus_docs()), path, format=fmt)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_write_interrupted_midway_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "g.graphml"
    with pytest.raises(RuntimeError), graph_io.atomic_file(target) as fh:
        fh.write(b"<?xml version='1.0'?><graphml>")
        raise RuntimeError("interrupted")
    assert list(tmp_path.iterdir()) == []


def test_exported_files_get_normal_permissions(seed_graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    path = tmp_path / "g.json"
    write(seed_graph, path)
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask
