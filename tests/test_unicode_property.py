"""Property test (hypothesis): random Unicode through ``extract`` and every graph writer.

Texts mix Arabic names and sentences with controls, format characters (Cf), every kind of space and
line break, markup residue, emoji, lone surrogates and huge tokens. For each: either the documented
typed error (a lone surrogate: :class:`~ner_ar.extractor.InvalidTextError`, a ``ValueError`` naming
its position), or a Document whose offsets slice the input exactly, whose names and graph keys hold
no format character, that survives JSON, and whose graph every writer writes and reads back.

The example count is kept small (CI has two cores); the examples are derandomised, so every run
checks the same ones.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ner_ar import Document, graph
from ner_ar.extractor import Extractor, InvalidTextError
from ner_ar.graph._io import utf8_safe_graph, xml_safe_graph
from ner_ar.normalize import format_chars

_CF = re.compile(f"[{format_chars()}]")
_SURROGATE = re.compile("[\ud800-\udfff]")

WORDS = ["روسيا", "وكوبا", "فلاديمير", "بوتين", "الرئيس", "الروسي", "وزير", "الخارجية", "سيرغي",
         "لافروف", "زار", "هافانا", "قال", "إن", "التعاون", "بين", "موسكو", "الأمم", "المتحدة",
         "وزارة", "الدفاع", "في", "مع", "Putin", "2022", "ـ", "مُحَمَّد"]
PUNCT = ["،", ".", ":", "؟", "!", '"', "«", "»", "(", ")", "-", "–", "/", "…"]
SPACES = [" ", " ", " ", "  ", "\t", "\u00a0", "\u2009", "\u3000", "\n", "\n", "\r\n", "\r", "\n\n",
          "\x0b", "\x0c", "\x85", "\u2028", "\u2029"]
FORMAT = ["\u200f", "\u200e", "\u200b", "\u200c", "\u200d", "\ufeff", "\u00ad", "\u202b", "\u202c",
          "\u2066", "\u2069", "\u061c", "\u0600", "\U000e0067"]
CONTROLS = [chr(c) for c in (*range(0x00, 0x09), 0x0e, 0x1b, 0x1f, 0x7f, 0x80, 0x9f)]
MARKUP = ["&quot;", "&amp;", "&nbsp;", "&#1605;", "&#x645;", "&lt;", "<b>", "</b>", "<p>", "</p>",
          "<br/>", '<a href="x?a=1&amp;b=2">', "<!-- x -->", "&#xD800;", "&bogus;"]
EMOJI = ["😀", "👍🏽", "👨‍👩‍👧", "🏴󠁧󠁢󠁳󠁣󠁴󠁿", "🇷🇺", "❤️"]
SURROGATES = ["\ud800", "\udfff", "\udc80"]

atoms = st.one_of(
    st.sampled_from(WORDS), st.sampled_from(WORDS), st.sampled_from(WORDS),
    st.sampled_from(PUNCT), st.sampled_from(SPACES), st.sampled_from(SPACES),
    st.sampled_from(FORMAT), st.sampled_from(CONTROLS), st.sampled_from(MARKUP),
    st.sampled_from(EMOJI),
    st.text(max_size=6),  # any code points, surrogates included
    # Huge tokens: a base64-like blob or a run of one punctuation mark.
    st.builds(lambda c, n: c * n, st.sampled_from(["=", "A", "ا", "/", "-", "x+"]),
              st.integers(min_value=60, max_value=20_000)),
)
# A lone surrogate is rare among the rest; a few texts carry one on purpose.
texts = st.one_of(
    st.lists(atoms, max_size=60).map("".join),
    st.tuples(st.lists(atoms, max_size=20).map("".join), st.sampled_from(SURROGATES),
              st.lists(atoms, max_size=5).map("".join)).map("".join),
)


def _graph_data(G: nx.MultiDiGraph) -> tuple[dict[str, dict[str, object]], set[tuple[str, str, str]]]:
    return dict(G.nodes(data=True)), {(u, v, k) for u, v, k in G.edges(keys=True)}


def _check_document(doc: Document, text: str) -> None:
    assert doc.text == text
    spans = [m for e in doc.entities for m in e.mentions]
    spans += [ev for r in doc.relations for ev in r.evidence] + list(doc.sentences)
    for span in spans:
        assert 0 <= span.start <= span.end <= len(text)
        assert text[span.start:span.end] == span.text
    for ent in doc.entities:
        assert ent.name and not _CF.search(ent.name) and ent.name == ent.name.strip()
        for m in ent.mentions:
            assert m.text and not _CF.match(m.text[0]) and not _CF.match(m.text[-1])
            assert not m.text[0].isspace() and not m.text[-1].isspace()
    assert Document.model_validate_json(doc.model_dump_json()) == doc


def _check_graph(G: nx.MultiDiGraph, out: Path) -> None:
    xml, utf8 = _graph_data(xml_safe_graph(G)), _graph_data(utf8_safe_graph(G))
    for fmt, name in (("graphml", "g.graphml"), ("gexf", "g.gexf"), ("json", "g.json"),
                      ("neo4j", "neo4j")):
        graph.write(G, out / name, format=fmt)
        back = graph.read(out / name, format=fmt)
        nodes, edges = _graph_data(back)
        if fmt == "json":  # node-link JSON keeps every string exactly
            assert (nodes, edges) == _graph_data(G)
        elif fmt == "neo4j":
            assert set(nodes) == set(utf8[0]) and edges == utf8[1]
        else:
            assert set(nodes) == set(xml[0]) and edges == xml[1]
            for n, data in nodes.items():
                assert data.get("label", n) == xml[0][n].get("label", n)


@settings(max_examples=40, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.large_base_example])
@given(text=texts)
def test_random_unicode_through_extract_and_every_writer(extractor: Extractor, text: str) -> None:
    bad = _SURROGATE.search(text)
    if bad is not None:
        with pytest.raises(InvalidTextError, match=f"at character {bad.start()}") as info:
            extractor.extract(text)
        assert isinstance(info.value, ValueError)
        return
    doc = extractor.extract(text, doc_id="p")
    _check_document(doc, text)
    G = graph.to_networkx(doc)
    assert not any(_CF.search(n) or _CF.search(d["label"]) for n, d in G.nodes(data=True))
    with tempfile.TemporaryDirectory() as tmp:
        _check_graph(G, Path(tmp))


@settings(max_examples=25, deadline=None, derandomize=True, database=None)
@given(labels=st.lists(st.text(max_size=12), min_size=1, max_size=6))
def test_any_strings_in_a_graph_reach_every_writer_safely(labels: list[str]) -> None:
    """Graphs that users build themselves, with any string at all (surrogates and controls
    included), are written by every writer and read back (XML formats as ``xml_safe`` makes the
    strings, Neo4j CSV with surrogates replaced, node-link JSON exactly)."""
    G = nx.MultiDiGraph()
    for i, label in enumerate(labels):
        G.add_node(f"n{i}:{label}", label=label, aliases=label[::-1])
    for i in range(len(labels) - 1):
        G.add_edge(f"n{i}:{labels[i]}", f"n{i + 1}:{labels[i + 1]}", key="met_with", evidence=labels[i])
    with tempfile.TemporaryDirectory() as tmp:
        _check_graph(G, Path(tmp))
