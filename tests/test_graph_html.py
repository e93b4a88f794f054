"""The interactive graph page: one self-contained file, nothing loaded over the network, the
entities and relations of the real seed extraction with their tooltips."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from fixtures_docs import corpus_docs

from ner_ar import display
from ner_ar.graph import to_networkx
from ner_ar.graphhtml import remote_references
from ner_ar.schema import Document


def _dataset(page: str, name: str) -> list[dict[str, Any]]:
    """The nodes or edges handed to vis-network in the page."""
    found = re.search(rf"{name} = new vis\.DataSet\((\[.*?\])\);", page, re.S)
    assert found, f"no {name} DataSet in the page"
    return list(json.loads(found.group(1)))


@pytest.fixture(scope="module")
def seed_page(seed_doc: Document) -> str:
    return display.graph_html(seed_doc, title="seed")


def test_page_is_self_contained(seed_page: str) -> None:
    assert remote_references(seed_page) == []
    # no element loads anything from elsewhere: every script and stylesheet is inline
    assert not re.search(r"<script\b[^>]*\bsrc=", seed_page)
    assert not re.search(r"<link\b[^>]*\bhref=", seed_page)
    assert "vis.Network" in seed_page and ".vis-network" in seed_page  # the library, inlined
    assert seed_page.count("<script") >= 3 and "<style" in seed_page
    assert '<html lang="ar">' in seed_page and "#mynetwork { direction: rtl" in seed_page


def test_nodes_are_the_entities_coloured_by_type(seed_page: str, seed_doc: Document) -> None:
    G = to_networkx(seed_doc)
    nodes = {n["id"]: n for n in _dataset(seed_page, "nodes")}
    assert set(nodes) == set(G.nodes)
    for nid, data in G.nodes(data=True):
        node = nodes[nid]
        assert node["label"] == data["label"]
        assert node["color"]["background"] == display.ENTITY_COLORS[data["entity_type"]]
        assert node["value"] == data["mention_count"]
        tooltip = node["title"]
        assert tooltip.splitlines()[0] == data["label"]
        if data["kb_id"]:
            assert data["kb_id"] in tooltip
        for alias in filter(None, data["aliases"].split(" | ")):
            assert alias in tooltip
    russia = nodes["iso3166:RU"]["title"]
    assert "GPE · iso3166:RU" in russia and f"{G.nodes['iso3166:RU']['mention_count']} mentions" in russia


def test_edges_carry_relation_and_evidence(seed_page: str, seed_doc: Document) -> None:
    G = to_networkx(seed_doc)
    edges = _dataset(seed_page, "edges")
    assert len(edges) == G.number_of_edges()
    by_pair = {(e["from"], e["to"], e["label"]): e for e in edges}
    for u, v, key, data in G.edges(keys=True, data=True):
        edge = by_pair[(u, v, key)]
        assert edge["color"] == display.RELATION_COLORS[key]
        assert edge["arrows"] == ("" if data["symmetric"] else "to")
        assert edge["title"].startswith(f"{key}: \u2068{G.nodes[u]['label']}\u2069")
        if data["evidence"]:
            assert f"«{data['evidence']}»" in edge["title"]
        if data["role"]:
            assert data["role"] in edge["title"]
    shoigu = by_pair[("PER:سيرغي_شويغو", "iso3166:RU", "employee_of")]
    assert "وزير الدفاع" in shoigu["title"]


@pytest.mark.filterwarnings("error")  # IPython warns about a bare <iframe>
def test_write_and_notebook_view(tmp_path: Path) -> None:
    out = display.write_graph_html(corpus_docs(), tmp_path / "corpus.html", title="three articles")
    page = out.read_text(encoding="utf-8")
    assert "three articles" in page and remote_references(page) == []
    frame = display.show_graph(to_networkx(corpus_docs()), height=400)
    assert frame.data.startswith('<div class="ner-ar-graph"><iframe srcdoc=') and "height:400px" in frame.data
    assert "https://cdn" not in frame.data


def test_big_graphs_leave_out_entities_without_relations() -> None:
    docs = corpus_docs()
    G = to_networkx(docs)
    for i in range(320):
        G.add_node(f"MISC:{i}", label=f"شيء {i}", entity_type="MISC", kb_id="", aliases="",
                   mention_count=1, doc_count=1)
    page = display.graph_html(G, title="big")
    assert len(_dataset(page, "nodes")) == sum(1 for n in G if G.degree(n))
    assert "big — " in page and "entities without a relation not drawn" in page
    assert len(_dataset(display.graph_html(G, isolates_up_to=10_000), "nodes")) == G.number_of_nodes()


def test_remote_references_are_found() -> None:
    page = ('<link rel="stylesheet" href="https://cdn.example.org/a.css">'
            "<style>@import 'x.css'; body{background:url(//example.org/i.png)}</style>"
            '<a href="https://example.org/">a link is followed only when clicked</a>')
    assert len(remote_references(page)) == 3


def test_cli_graph_writes_the_page(tmp_path: Path, seed_doc: Document,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    from ner_ar.cli import main

    jsonl = tmp_path / "seed.jsonl"
    jsonl.write_text(seed_doc.model_dump_json() + "\n", encoding="utf-8")
    out = tmp_path / "pages" / "seed.html"
    assert main(["graph", str(jsonl), "--html", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert remote_references(page) == []
    assert {n["id"] for n in _dataset(page, "nodes")} == set(to_networkx(seed_doc).nodes)
    # the page alone is a valid output; no output at all is still a usage error
    assert main(["graph", str(jsonl)]) == 2
    assert "--html" in capsys.readouterr().err
