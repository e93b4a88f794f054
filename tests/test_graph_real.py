"""Graph export on real extractions: the seed article and 50 news articles from ANT.

Every format is written and read back with nodes, edges and attributes unchanged (value types
included, see ``fixtures_docs.assert_roundtrip``); every attribute has one type across the graph.
"""

from __future__ import annotations

import lzma
from pathlib import Path

import networkx as nx
import pytest
from fixtures_docs import assert_roundtrip

from ner_ar.graph import EDGE_ATTRIBUTES, FORMATS, NODE_ATTRIBUTES, attribute_types, to_networkx
from ner_ar.schema import Document

CORPUS_SIZE = 50
ALL_FORMATS = sorted(FORMATS)


def read_ant(shared_data: Path, n: int) -> list[str]:
    """The first ``n`` articles of ANT ("title . body", one per line)."""
    path = shared_data / "text" / "ant" / "ant.txt.xz"
    lines: list[str] = []
    with lzma.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                lines.append(line.rstrip("\n"))
            if len(lines) == n:
                break
    assert len(lines) == n, f"{path} has fewer than {n} articles"
    return lines


@pytest.fixture(scope="module")
def ant_docs(extractor, shared_data: Path) -> list[Document]:  # type: ignore[no-untyped-def]
    texts = read_ant(shared_data, CORPUS_SIZE)
    docs = list(extractor.pipe(texts, doc_ids=[f"ant-{i:02d}" for i in range(len(texts))]))
    assert [d.text for d in docs] == texts
    return docs


@pytest.fixture(scope="module")
def seed_graph(seed_doc: Document) -> nx.MultiDiGraph:
    return to_networkx(seed_doc)


@pytest.fixture(scope="module")
def corpus_graph(ant_docs: list[Document], seed_doc: Document) -> nx.MultiDiGraph:
    return to_networkx([seed_doc, *ant_docs])


@pytest.mark.parametrize("fmt", ALL_FORMATS)
def test_seed_roundtrip(seed_graph: nx.MultiDiGraph, fmt: str, tmp_path: Path) -> None:
    assert seed_graph.number_of_nodes() > 0
    H = assert_roundtrip(seed_graph, fmt, tmp_path)
    assert H.number_of_edges() == seed_graph.number_of_edges()


@pytest.mark.parametrize("fmt", ALL_FORMATS)
def test_corpus_roundtrip(corpus_graph: nx.MultiDiGraph, fmt: str, tmp_path: Path) -> None:
    assert corpus_graph.graph["doc_count"] == CORPUS_SIZE + 1
    assert corpus_graph.number_of_nodes() > 0
    assert_roundtrip(corpus_graph, fmt, tmp_path)


def test_graphml_is_read_by_plain_networkx(corpus_graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    path = tmp_path / "corpus.graphml"
    FORMATS["graphml"].write(corpus_graph, path)
    G = nx.read_graphml(path, force_multigraph=True)
    assert set(G.nodes) == set(corpus_graph.nodes)
    assert G.number_of_edges() == corpus_graph.number_of_edges()
    for n, data in corpus_graph.nodes(data=True):
        assert G.nodes[n] == data
    text = path.read_text(encoding="utf-8")
    assert "&#" not in text  # Arabic stays Arabic, not character references


@pytest.mark.parametrize("which", ["seed", "corpus"])
def test_attribute_types_are_consistent(which: str, seed_graph: nx.MultiDiGraph,
                                        corpus_graph: nx.MultiDiGraph) -> None:
    G = seed_graph if which == "seed" else corpus_graph
    graph_types, node_types, edge_types = attribute_types(G)
    assert set(graph_types.values()) <= {str, int}
    if G.number_of_nodes():
        assert node_types == NODE_ATTRIBUTES
    if G.number_of_edges():
        assert edge_types == EDGE_ATTRIBUTES
    for _, data in G.nodes(data=True):
        assert set(data) == set(NODE_ATTRIBUTES)
        assert data["mention_count"] >= data["doc_count"] >= 1
        assert data["label"]
    for _, _, key, data in G.edges(keys=True, data=True):
        assert set(data) == set(EDGE_ATTRIBUTES)
        assert data["relation"] == key and data["weight"] >= 1 and data["doc_ids"]


def test_corpus_graph_counts_match_the_documents(ant_docs: list[Document], seed_doc: Document,
                                                 corpus_graph: nx.MultiDiGraph) -> None:
    docs = [seed_doc, *ant_docs]
    assert sum(d["mention_count"] for _, d in corpus_graph.nodes(data=True)) == sum(
        len(e.mentions) for doc in docs for e in doc.entities)
    assert corpus_graph.number_of_nodes() <= sum(len(doc.entities) for doc in docs)


def test_real_graphs_have_people_and_relations(seed_graph: nx.MultiDiGraph,
                                               corpus_graph: nx.MultiDiGraph) -> None:
    """Needs the real model: the placeholder tags almost nothing."""
    seed_types = {d["entity_type"] for _, d in seed_graph.nodes(data=True)}
    assert {"PER", "GPE"} <= seed_types
    assert seed_graph.number_of_edges() >= 2
    corpus_types = {d["entity_type"] for _, d in corpus_graph.nodes(data=True)}
    assert {"PER", "ORG", "GPE"} <= corpus_types
    assert corpus_graph.number_of_nodes() >= 100
    assert any(d["doc_count"] >= 2 for _, d in corpus_graph.nodes(data=True))
