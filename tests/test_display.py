"""Jupyter display: displaCy HTML, DataFrames and the matplotlib drawing."""

from __future__ import annotations

import re
import sys

import matplotlib
import networkx as nx
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


def _marks(html: str) -> list[str]:
    return re.findall(r'<mark class="entity".*?</mark>', html, re.S)


def test_html_keeps_each_label_with_its_name() -> None:
    from fixtures_docs import make_doc

    text = "قال السفير لسبوتنيك 28 - كانون الثاني إن روسيا تتعاون مع للبحرية الكوبية"
    doc = make_doc("d", text, [
        ("E1", "ORG", "سبوتنيك", "org:sputnik", [("سبوتنيك", 1)]),
        ("E2", "GPE", "روسيا", "iso3166:RU", [("روسيا", 1)]),
        ("E3", "ORG", "البحرية الكوبية", None, [("لبحرية الكوبية", 1)]),
    ], [])
    html = display.render_html(doc)
    marks = _marks(html)
    assert len(marks) == 3
    for mark, label in zip(marks, ("ORG", "GPE", "ORG"), strict=True):
        # the label sits inside its mark, isolated, and the mark never breaks across lines
        assert '<span dir="ltr"' in mark and f">{label}" in mark
        assert "white-space:nowrap" in mark and "unicode-bidi:isolate" in mark
        assert "28" not in mark
    # a clitic cut off the name is glued to the mark and joined to its first letter (ZWJ)
    assert '<span style="white-space:nowrap">ل\u200d<mark class="entity"' in html
    assert "\u200dلبحرية الكوبية" in marks[2]
    # knowledge-base ids: a link where the id has a page, plain text where it has none
    assert 'href="https://www.iso.org/obp/ui/#iso:code:3166:RU"' in marks[1]
    assert "org:sputnik" in marks[0] and "href" not in marks[0]
    assert 'href="#"' not in html
    # the text outside the marks is all there, in order
    visible = re.sub(r"<span dir=\"ltr\".*?</span></mark>|<[^>]+>|\u200d", "", html)
    assert visible.endswith(text) or text in visible


def test_html_of_the_seed_links_every_kb_id(seed_doc) -> None:  # type: ignore[no-untyped-def]
    html = display.render_html(seed_doc)
    assert 'href="#"' not in html
    marks = _marks(html)
    assert len(marks) >= len(seed_doc.entities)
    assert all('<span dir="ltr"' in m and "white-space:nowrap" in m for m in marks)
    cuba = next(m for m in marks if "iso3166:CU" in m)
    assert "https://www.iso.org/obp/ui/#iso:code:3166:CU" in cuba
    # the date in the first line is drawn outside every mark
    assert not any("28 -" in m or "2022" in m for m in marks)


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


def _drawn_text_boxes(ax):  # type: ignore[no-untyped-def]
    renderer = ax.figure.canvas.get_renderer()
    return [(t.get_text(), t.get_window_extent(renderer)) for t in ax.texts if t.get_text()]


def _discs(ax):  # type: ignore[no-untyped-def]
    """Centres (pixels) and radii (pixels) of the drawn nodes."""
    import numpy as np

    scatter = ax.collections[0]
    centres = ax.transData.transform(scatter.get_offsets())
    radii = np.sqrt(scatter.get_sizes()) / 2 * ax.figure.dpi / 72
    return centres, radii


def _assert_readable(ax) -> None:  # type: ignore[no-untyped-def]
    """No two node discs overlap, no two texts overlap, no text leaves the axes."""
    import numpy as np

    centres, radii = _discs(ax)
    dist = np.linalg.norm(centres[:, None] - centres[None, :], axis=-1)
    np.fill_diagonal(dist, np.inf)
    assert (dist >= (radii[:, None] + radii[None, :]) * 0.999).all(), "two nodes overlap"
    boxes = _drawn_text_boxes(ax)
    frame = ax.get_window_extent(ax.figure.canvas.get_renderer())
    for i, (text, box) in enumerate(boxes):
        assert frame.x0 - 1 <= box.x0 and box.x1 <= frame.x1 + 1, f"{text} leaves the drawing"
        for other, other_box in boxes[i + 1:]:
            assert not box.overlaps(other_box), f"{text!r} covers {other!r}"


def test_plot_graph_draws_shaped_labels() -> None:
    import matplotlib.pyplot as plt
    from matplotlib import ft2font

    G = to_networkx(corpus_docs())
    ax = display.plot_graph(G)
    try:
        texts = {t.get_text() for t in ax.texts}
        # matplotlib >= 3.11 shapes Arabic itself; older ones get pre-shaped, reordered labels
        shaped = str if getattr(ft2font, "__libraqm_version__", "") else display.shape_arabic
        assert shaped("سيرغي شويغو") in texts and shaped("كوبا") in texts
        assert any(rel in t for t in texts for rel in ("employee_of", "visited", "met_with"))
        legend = {t.get_text() for t in ax.get_legend().get_texts()}
        assert {"PER", "ORG", "GPE", "MISC"} <= legend
        assert {"employee_of", "cooperates_with", "met_with", "visited"} <= legend
        assert "LOC" not in legend and "nationality" not in legend  # only what is drawn
        _assert_readable(ax)
    finally:
        plt.close(ax.figure)


def test_plot_graph_given_axes_keeps_nodes_apart() -> None:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 4))
    try:
        assert display.plot_graph(to_networkx(corpus_docs()), ax=ax) is ax
        _assert_readable(ax)
    finally:
        plt.close(fig)


def test_plot_graph_of_the_seed_separates_russia_and_cuba(seed_doc) -> None:  # type: ignore[no-untyped-def]
    import matplotlib.pyplot as plt
    from matplotlib import ft2font

    G = to_networkx(seed_doc)
    ax = display.plot_graph(G)
    try:
        _assert_readable(ax)
        centres, radii = _discs(ax)
        assert len(centres) == G.number_of_nodes()  # a small graph: every entity is drawn
        nodes = list(G.nodes)
        ru, cu = nodes.index("iso3166:RU"), nodes.index("iso3166:CU")
        gap = float(((centres[ru] - centres[cu]) ** 2).sum() ** 0.5) - radii[ru] - radii[cu]
        assert gap > 5  # pixels of edge visible between them
        # the most mentioned entity is drawn largest
        most = max(nodes, key=lambda n: G.nodes[n]["mention_count"])
        assert radii[nodes.index(most)] == radii.max()
        shaped = str if getattr(ft2font, "__libraqm_version__", "") else display.shape_arabic
        texts = {t.get_text() for t in ax.texts}
        assert shaped("روسيا") in texts and shaped("كوبا") in texts
    finally:
        plt.close(ax.figure)


def _big_graph(n_hubs: int = 30, leaves: int = 9, isolates: int = 400) -> nx.MultiDiGraph:
    """A corpus-sized graph: hubs (countries) with leaves (people, cities), and many entities
    without a relation, with every attribute to_networkx gives."""
    G = nx.MultiDiGraph()

    def node(nid: str, label: str, etype: str, mentions: int) -> None:
        G.add_node(nid, label=label, entity_type=etype, kb_id="", aliases="", mention_count=mentions,
                   doc_count=1)

    for h in range(n_hubs):
        node(f"GPE:{h}", f"دولة رقم {h}", "GPE", 5 + h)
        for i in range(leaves):
            kind, rel = (("PER", "employee_of"), ("GPE", "located_in"), ("ORG", "part_of"))[i % 3]
            node(f"{kind}:{h}:{i}", f"اسم {h} {i}", kind, 1 + i % 4)
            G.add_edge(f"{kind}:{h}:{i}", f"GPE:{h}", key=rel, relation=rel, role="", weight=1,
                       evidence="", doc_ids="d", rules="r", symmetric=False, confidence=0.9)
        if h:
            G.add_edge(f"GPE:{h}", f"GPE:{h - 1}", key="cooperates_with", relation="cooperates_with",
                       role="", weight=2, evidence="", doc_ids="d", rules="r", symmetric=True,
                       confidence=0.9)
    for i in range(isolates):
        node(f"MISC:{i}", f"شيء {i}", "MISC", 1)
    return G


def test_plot_graph_of_a_few_hundred_nodes_is_readable() -> None:
    import matplotlib.pyplot as plt

    G = _big_graph()
    ax = display.plot_graph(G)
    try:
        _assert_readable(ax)
        centres, _ = _discs(ax)
        assert len(centres) == 300  # the 400 entities without a relation are left out, and said so
        assert ax.get_title(loc="left") == "400 entities without a relation not drawn"
        labels = [t for t in ax.texts if t.get_text() and "_" not in t.get_text()]
        assert 40 <= len(labels) < 300  # names where they fit, not everywhere
        w, h = ax.figure.get_size_inches()
        assert w <= 18 and h <= 18
    finally:
        plt.close(ax.figure)
    ax = display.plot_graph(G, max_nodes=50)
    try:
        assert len(_discs(ax)[0]) == 50
        assert "only the 50 best connected of 300 linked entities drawn" in ax.get_title(loc="left")
    finally:
        plt.close(ax.figure)


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
