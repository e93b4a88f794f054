"""Jupyter display: displaCy HTML, DataFrames and the matplotlib drawing."""

from __future__ import annotations

import sys

import matplotlib
import pytest
from fixtures_docs import corpus_docs, seed_like_doc

from ner_ar import display
from ner_ar.graph import to_networkx

matplotlib.use("Agg")


def test_html_is_rtl_with_entities_and_relations() -> None:
    doc = seed_like_doc()
    html = doc._repr_html_()
    assert html == display.render_html(doc)
    assert 'dir="rtl"' in html
    for ent in doc.entities:
        assert ent.name in html
    # every mention is marked but موسكو, which lies inside مؤتمر موسكو للأمن الدولي
    assert html.count('<mark class="entity"') == sum(len(e.mentions) for e in doc.entities) - 1
    assert display.ENTITY_COLORS["PER"] in html
    assert "ner-ar-relations" in html and "وزير الدفاع" in html and "↔cooperates_with" in html


def test_html_escapes_text_and_skips_overlaps() -> None:
    from fixtures_docs import make_doc

    doc = make_doc("<x>", "قال <b> البحرية الروسية", [
        ("E1", "ORG", "البحرية الروسية", None, [("البحرية الروسية", 1)]),
        ("E2", "GPE", "روسيا", None, [("الروسية", 1)]),
    ], [])
    html = display.render_html(doc)
    assert "<b>" not in html and "&lt;b&gt;" in html
    assert html.count('<mark class="entity"') == 1


def test_entity_and_relation_frames() -> None:
    doc = seed_like_doc()
    ents = doc.entities_frame()
    assert list(ents.columns) == display.ENTITY_COLUMNS
    assert len(ents) == len(doc.entities)
    row = ents.set_index("id").loc["E1"]
    assert row["name"] == "أندريه غوسكوف" and row["mention_count"] == 2
    assert doc.text[row["start"]:row["end"]] == "أندريه غوسكوف"
    rels = doc.relations_frame()
    assert list(rels.columns) == display.RELATION_COLUMNS
    assert len(rels) == len(doc.relations)
    assert set(rels.loc[rels["symmetric"], "type"]) == {"cooperates_with"}


def test_empty_frames_keep_their_columns() -> None:
    from ner_ar.schema import Document

    doc = Document(text="لا شيء")
    assert list(display.entities_frame(doc).columns) == display.ENTITY_COLUMNS
    assert list(display.corpus_relations_frame([doc]).columns)[:3] == ["doc_id", "subject_node", "object_node"]


def test_corpus_frames_point_at_graph_nodes() -> None:
    docs = corpus_docs()
    ents = display.corpus_entities_frame(docs)
    assert list(ents.columns) == ["doc_id", "node_id", *display.ENTITY_COLUMNS]
    assert len(ents) == sum(len(d.entities) for d in docs)
    G = to_networkx(docs)
    assert set(ents["node_id"]) == set(G.nodes)
    assert ents.groupby("node_id")["doc_id"].nunique()["iso3166:CU"] == 3
    rels = display.corpus_relations_frame(docs)
    assert len(rels) == sum(len(d.relations) for d in docs)
    assert all(G.has_edge(u, v) or G.has_edge(v, u) for u, v in zip(rels["subject_node"], rels["object_node"], strict=True))


def test_missing_pandas_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r'pip install "ner_ar\[jupyter\]"'):
        seed_like_doc().entities_frame()


def test_plot_graph_draws_shaped_labels() -> None:
    import matplotlib.pyplot as plt
    from matplotlib import ft2font

    G = to_networkx(corpus_docs())
    fig, ax = plt.subplots()
    try:
        assert display.plot_graph(G, ax=ax) is ax
        texts = {t.get_text() for t in ax.texts}
        # matplotlib >= 3.11 shapes Arabic itself; older ones get pre-shaped, reordered labels
        shaped = str if getattr(ft2font, "__libraqm_version__", "") else display.shape_arabic
        assert shaped("سيرغي شويغو") in texts
        assert any("employee_of" in t for t in texts)
        assert {t.get_text() for t in ax.get_legend().get_texts()} == {"PER", "ORG", "GPE", "MISC"}
    finally:
        plt.close(fig)


def test_plot_graph_accepts_documents_and_empty_graphs() -> None:
    import matplotlib.pyplot as plt

    ax = display.plot_graph(seed_like_doc())
    assert ax.figure is not None
    plt.close(ax.figure)
    ax = display.plot_graph(to_networkx([]))
    plt.close(ax.figure)


def test_shape_arabic_joins_and_reorders() -> None:
    shaped = display.shape_arabic("كوبا")
    assert shaped != "كوبا" and len(shaped) == 4
    assert all("\ufb50" <= ch <= "\ufeff" for ch in shaped)  # presentation forms, visual order
