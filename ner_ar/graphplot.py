"""A static drawing of an entity graph with matplotlib, readable from one article to a corpus.

What makes it readable:

* **layout**: each connected part is laid out on its own (Kamada-Kawai, or a spring layout for
  large parts) and the parts are packed in rows, largest first, so separate stories do not pile
  into one ring; a last pass pushes apart any two nodes that would touch;
* **node size** grows with the mention count, colour gives the entity type, edge colour the
  relation type; symmetric relations have no arrow head;
* **labels only where they fit**: names are placed by importance (degree, then mentions), below or
  above their node, and a name that would cover another name or a node is left out, as is an edge
  label; the interactive view (:func:`ner_ar.display.write_graph_html`) shows every name;
* **legends** for the entity and relation types, outside the drawing;
* **big graphs**: entities without any relation are left out above ``isolates_up_to`` nodes, and
  only the ``max_nodes`` best connected ones are drawn; a note under the drawing says so.

Needs matplotlib (and, before matplotlib 3.11, arabic-reshaper and python-bidi):
``pip install "ner_ar[jupyter]"``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np

from ner_ar.docview import ENTITY_COLORS, JUPYTER_HINT
from ner_ar.graph.build import to_networkx
from ner_ar.schema import Document, RelationType

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.text import Text
    from matplotlib.transforms import Bbox

RELATION_COLORS: dict[str, str] = {
    RelationType.employee_of.value: "#1f77b4",
    RelationType.posted_to.value: "#17becf",
    RelationType.nationality.value: "#8c564b",
    RelationType.part_of.value: "#7f7f7f",
    RelationType.located_in.value: "#bcbd22",
    RelationType.cooperates_with.value: "#2ca02c",
    RelationType.met_with.value: "#d62728",
    RelationType.visited.value: "#ff7f0e",
    RelationType.statement_to.value: "#9467bd",
}
"""One colour per relation type for the drawn edges."""

_NODE_MIN_R = 0.09  # node radius in layout units (1 unit = the typical distance between nodes)
_NODE_MAX_R = 0.24
_GAP = 0.12  # the least free space between two node discs, in layout units
_UNIT_INCHES = 1.1  # size of a layout unit when plot_graph makes its own figure
_MAX_LABEL = 28  # longer names are cut with an ellipsis


def _bidi() -> Callable[[str], str]:
    try:
        import arabic_reshaper
        try:
            from bidi import get_display  # python-bidi >= 0.5
        except ImportError:
            from bidi.algorithm import get_display  # older python-bidi
    except ImportError as err:
        raise ImportError(f"Arabic labels need arabic-reshaper and python-bidi: {JUPYTER_HINT}") from err

    def shape(text: str) -> str:
        # matplotlib draws characters left to right without joining them: join the letters into
        # their contextual forms, then put them in visual order.
        return str(get_display(arabic_reshaper.reshape(text)))

    return shape


def shape_arabic(text: str) -> str:
    """``text`` with Arabic letters joined and in visual order, for libraries without RTL support.

    >>> shape_arabic("كوبا") == "كوبا"
    False
    >>> shape_arabic("NATO")
    'NATO'
    """
    return _bidi()(text)


def label_shaper() -> Callable[[str], str]:
    """How to turn a name into the string matplotlib should draw."""
    from matplotlib import ft2font

    # matplotlib >= 3.11 lays text out with libraqm, which joins and orders Arabic itself;
    # shaping it beforehand would then reverse it a second time.
    if getattr(ft2font, "__libraqm_version__", ""):
        return str
    return _bidi()


# ---- which nodes ------------------------------------------------------------------------------

def _importance(G: nx.MultiDiGraph, n: Hashable) -> tuple[int, int, str]:
    return (G.degree(n), int(G.nodes[n].get("mention_count", 1)), str(n))


def select_nodes(G: nx.MultiDiGraph, *, isolates_up_to: int = 60,
                 max_nodes: int | None = 300) -> tuple[nx.MultiDiGraph, str]:
    """The part of ``G`` worth drawing, and a note on what was left out (``""`` when nothing).

    Entities without a relation are dropped when ``G`` has more than ``isolates_up_to`` nodes;
    then, above ``max_nodes``, only the best connected nodes (degree, then mentions) are kept.
    """
    keep = list(G.nodes)
    notes = []
    if G.number_of_nodes() > isolates_up_to:
        linked = [n for n in keep if G.degree(n) > 0]
        if len(linked) < len(keep):
            notes.append(f"{len(keep) - len(linked)} entities without a relation not drawn")
            keep = linked
    if max_nodes is not None and len(keep) > max_nodes:
        ranked = sorted(keep, key=lambda n: _importance(G, n), reverse=True)
        notes.append(f"only the {max_nodes} best connected of {len(keep)} linked entities drawn")
        keep = ranked[:max_nodes]
    if len(keep) == G.number_of_nodes():
        return G, ""
    return G.subgraph(keep).copy(), "; ".join(notes)


# ---- layout -----------------------------------------------------------------------------------

def _component_layout(H: nx.Graph, seed: int) -> dict[Hashable, np.ndarray]:
    nodes = sorted(H.nodes, key=str)
    if len(nodes) == 1:
        return {nodes[0]: np.zeros(2)}
    if len(nodes) == 2:
        return {nodes[0]: np.array([-0.5, 0.0]), nodes[1]: np.array([0.5, 0.0])}
    # weight=None: an edge's weight counts evidence, it is neither a length nor a pull
    start = nx.spring_layout(H, seed=seed, weight=None)
    if len(nodes) <= 200:
        try:
            return dict(nx.kamada_kawai_layout(H, pos=start, weight=None))
        except ImportError:  # Kamada-Kawai needs scipy
            pass
    # Hubs with many leaves (a country and its cities): a spring layout spreads the leaves
    # around their hub where Kamada-Kawai would stretch a few edges across the picture.
    return dict(nx.spring_layout(H, seed=seed, pos=start, iterations=300, weight=None,
                                 k=2.0 / math.sqrt(len(nodes))))


def _unit_scale(pos: dict[Hashable, np.ndarray]) -> dict[Hashable, np.ndarray]:
    """Scale a component so that the median distance to the nearest node is one unit."""
    if len(pos) < 2:
        return pos
    xy = np.array(list(pos.values()))
    d = np.linalg.norm(xy[:, None, :] - xy[None, :, :], axis=-1)
    np.fill_diagonal(d, np.inf)
    nearest = float(np.median(d.min(axis=1)))
    factor = 1.0 / nearest if nearest > 1e-9 else 1.0
    centred = (xy - xy.mean(axis=0)) * factor
    # turn the part so that its longest extent lies across: names are wide, pages are wide
    _, _, axes = np.linalg.svd(centred, full_matrices=False)
    turned = centred @ axes.T
    return {n: turned[i] for i, n in enumerate(pos)}


def _separate(pos: dict[Hashable, np.ndarray], radii: dict[Hashable, float],
              iterations: int = 200) -> dict[Hashable, np.ndarray]:
    """Push apart any two discs closer than the sum of their radii plus a gap."""
    nodes = list(pos)
    if len(nodes) < 2:
        return pos
    xy = np.array([pos[n] for n in nodes], dtype=float)
    r = np.array([radii[n] for n in nodes])
    need = r[:, None] + r[None, :] + _GAP
    rng = np.random.default_rng(0)
    for _ in range(iterations):
        delta = xy[:, None, :] - xy[None, :, :]
        dist = np.linalg.norm(delta, axis=-1)
        np.fill_diagonal(dist, np.inf)
        overlap = np.clip(need - dist, 0.0, None)
        np.fill_diagonal(overlap, 0.0)
        if overlap.max() < 1e-6:
            break
        same = dist < 1e-9  # nodes on the same spot: split them in a random direction
        if same.any():
            xy += rng.normal(scale=1e-3, size=xy.shape) * same.any(axis=1)[:, None]
            continue
        push = (delta / dist[..., None]) * (overlap / 2)[..., None]
        xy += push.sum(axis=1)
    return {n: xy[i] for i, n in enumerate(nodes)}


def _pack(parts: list[dict[Hashable, np.ndarray]], margin: float = 1.0) -> dict[Hashable, np.ndarray]:
    """Shelf-pack laid-out parts, largest first, into rows of a roughly 16:9 block."""
    boxes = []
    for part in parts:
        xy = np.array(list(part.values()))
        lo, hi = xy.min(axis=0), xy.max(axis=0)
        boxes.append((part, lo, hi - lo + margin))
    area = sum(float(size[0] * size[1]) for _, _, size in boxes)
    widest = max(float(size[0]) for _, _, size in boxes)
    row_width = max(widest, math.sqrt(area * 16 / 9))
    out: dict[Hashable, np.ndarray] = {}
    x = y = row_height = 0.0
    for part, lo, size in boxes:
        if x > 0 and x + size[0] > row_width:
            x, y, row_height = 0.0, y - row_height, 0.0
        offset = np.array([x, y - size[1]]) - lo + margin / 2
        out.update({n: p + offset for n, p in part.items()})
        x += float(size[0])
        row_height = max(row_height, float(size[1]))
    return out


def node_radii(G: nx.MultiDiGraph) -> dict[Hashable, float]:
    """Radius of each node in layout units, growing with the square root of its mention count."""
    counts = {n: max(1, int(G.nodes[n].get("mention_count", 1))) for n in G}
    top = max(counts.values(), default=1)
    if top <= 1:
        return {n: (_NODE_MIN_R + _NODE_MAX_R) / 2 for n in G}
    return {n: _NODE_MIN_R + (_NODE_MAX_R - _NODE_MIN_R) * math.sqrt((c - 1) / (top - 1))
            for n, c in counts.items()}


def layout(G: nx.MultiDiGraph, *, seed: int = 0) -> dict[Hashable, np.ndarray]:
    """Positions in layout units: parts laid out one by one, packed, nodes kept apart."""
    if not G.number_of_nodes():
        return {}
    U = nx.Graph(G.to_undirected())
    parts = sorted(nx.connected_components(U), key=lambda c: (-len(c), sorted(map(str, c))))
    radii = node_radii(G)
    laid = [_separate(_unit_scale(_component_layout(U.subgraph(c), seed)), radii) for c in parts]
    return _pack(laid)


# ---- drawing ----------------------------------------------------------------------------------

def _short(name: str) -> str:
    return name if len(name) <= _MAX_LABEL else name[:_MAX_LABEL - 1].rstrip() + "…"


class _Placer:
    """Keeps the boxes already drawn on and places a text only where it covers none of them."""

    def __init__(self, ax: Axes) -> None:
        self.renderer = ax.figure.canvas.get_renderer()  # type: ignore[attr-defined]
        self.frame = ax.get_window_extent(self.renderer)
        self.boxes = np.empty((0, 4))  # x0, y0, x1, y1 in pixels

    def block(self, box: Bbox) -> None:
        self.boxes = np.vstack([self.boxes, box.extents])

    def fits(self, text: Text, ignore: Bbox | None = None) -> bool:
        """Whether ``text`` lies inside the axes and covers no box; if so its box is kept."""
        x0, y0, x1, y1 = text.get_window_extent(self.renderer).expanded(1.04, 1.1).extents
        frame = self.frame
        if not (frame.x0 <= x0 and x1 <= frame.x1 and frame.y0 <= y0 and y1 <= frame.y1):
            return False
        b = self.boxes
        hit = (b[:, 0] < x1) & (x0 < b[:, 2]) & (b[:, 1] < y1) & (y0 < b[:, 3])
        if ignore is not None:
            hit &= ~np.all(np.isclose(b, ignore.extents), axis=1)
        if hit.any():
            return False
        self.boxes = np.vstack([self.boxes, [x0, y0, x1, y1]])
        return True


def _names(node: dict[str, Any]) -> list[str]:
    """The name to draw, then for a person whose full name does not fit, the last name."""
    full = str(node.get("label", ""))
    names = [_short(full)]
    words = full.split()
    if node.get("entity_type") == "PER" and len(words) > 1:
        names.append(words[-1])
    return names


def _place_name(ax: Axes, placer: _Placer, node: dict[str, Any], xy: np.ndarray, radius_pts: float,
                disc: Bbox, shape: Callable[[str], str], font_size: int) -> None:
    """Write the node's name under it, over it or beside it, wherever it covers nothing."""
    offset = radius_pts + 2
    spots = ((0, -offset, "center", "top"), (0, offset, "center", "bottom"),
             (offset + 1, 0, "left", "center"), (-offset - 1, 0, "right", "center"))
    for name in _names(node):
        for dx, dy, ha, va in spots:
            text = ax.annotate(shape(name), xy, xytext=(dx, dy), textcoords="offset points",
                               ha=ha, va=va, fontsize=font_size, zorder=4,
                               bbox={"boxstyle": "square,pad=0.05", "fc": "white", "ec": "none",
                                     "alpha": 0.6})
            if placer.fits(text, ignore=disc):
                return
            text.remove()


def _disc_box(ax: Axes, xy: np.ndarray, radius_pts: float) -> Bbox:
    from matplotlib.transforms import Bbox

    cx, cy = ax.transData.transform(xy)
    r = radius_pts * ax.figure.dpi / 72
    return Bbox.from_extents(cx - r, cy - r, cx + r, cy + r)


def plot_graph(graph: nx.MultiDiGraph | Document | Iterable[Document], ax: Axes | None = None,
               *, seed: int = 0, edge_labels: bool = True, font_size: int = 10,
               isolates_up_to: int = 60, max_nodes: int | None = 300) -> Axes:
    """Draw an entity graph: nodes coloured by type and sized by mentions, edges coloured by
    relation, names and relation labels wherever they fit, legends below. Returns the axes.

    ``graph`` may also be a Document or several, drawn through :func:`~ner_ar.graph.to_networkx`.
    Without ``ax`` a figure is made whose size follows the graph's. The layout is seeded
    (``seed``), so a drawing can be reproduced. See the module docstring for what is left out of
    big graphs (``isolates_up_to``, ``max_nodes``).

    matplotlib 3.11 and later shape Arabic themselves (libraqm); with older versions the labels
    are joined and reordered with arabic-reshaper and python-bidi first.
    """
    try:
        import matplotlib.pyplot as plt
    except ImportError as err:
        raise ImportError(f"plot_graph needs matplotlib: {JUPYTER_HINT}") from err
    shape = label_shaper()
    full = graph if isinstance(graph, nx.Graph) else to_networkx(graph)
    G, note = select_nodes(full, isolates_up_to=isolates_up_to, max_nodes=max_nodes)
    pos = layout(G, seed=seed)
    radii = node_radii(G)

    xy = np.array(list(pos.values())) if pos else np.zeros((1, 2))
    pad = np.array([1.0, _NODE_MAX_R + 0.5])  # room for names beside and under the outer nodes
    lo, hi = xy.min(axis=0) - pad, xy.max(axis=0) + pad
    span = hi - lo
    if ax is None:
        width = float(np.clip(span[0] * _UNIT_INCHES, 6, 18))
        height = float(np.clip(width * span[1] / span[0], 3, 18))
        _, ax = plt.subplots(figsize=(width, height))
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    ax.set_aspect("equal", adjustable="box")
    ax.set_axis_off()
    ax.apply_aspect()
    points_per_unit = ax.get_window_extent().width / span[0] * 72 / ax.figure.dpi

    nodes = list(G.nodes)
    types = [str(G.nodes[n].get("entity_type", "")) for n in nodes]
    radius_pts = {n: radii[n] * points_per_unit for n in nodes}
    sizes = [(2 * radius_pts[n]) ** 2 for n in nodes]
    if nodes:
        ax.scatter([pos[n][0] for n in nodes], [pos[n][1] for n in nodes], s=sizes, zorder=3,
                   c=[ENTITY_COLORS.get(t, "#dddddd") for t in types], edgecolors="#555555",
                   linewidths=0.8)

    # One drawn curve per relation; the relations of one pair bend apart from each other.
    relations_present: list[str] = []
    pair_labels: dict[frozenset[Hashable], list[str]] = {}
    for u, v, key, data in sorted(G.edges(keys=True, data=True), key=lambda e: tuple(map(str, e[:3]))):
        if u == v:
            continue
        rel = str(data.get("relation", key))
        if rel not in relations_present:
            relations_present.append(rel)
        pair = frozenset((u, v))
        rank = len(pair_labels.setdefault(pair, []))
        pair_labels[pair].append(rel)
        symmetric = bool(data.get("symmetric", False))
        width = 0.8 + min(2.5, math.log1p(int(data.get("weight", 1))))
        bend = 0.12 * rank * (1 if str(u) < str(v) else -1)
        arrow = ax.annotate(
            "", xy=pos[v], xytext=pos[u], zorder=2,
            arrowprops={"arrowstyle": "-" if symmetric else "-|>,head_length=0.5,head_width=0.25",
                        "color": RELATION_COLORS.get(rel, "#888888"), "lw": width,
                        "shrinkA": radius_pts[u] + 1, "shrinkB": radius_pts[v] + 1,
                        "connectionstyle": f"arc3,rad={bend}", "alpha": 0.8})
        arrow.set_gid(f"edge:{rel}")

    placer = _Placer(ax)
    discs = {n: _disc_box(ax, pos[n], radius_pts[n]) for n in nodes}
    for box in discs.values():
        placer.block(box)
    for n in sorted(nodes, key=lambda n: _importance(G, n), reverse=True):
        _place_name(ax, placer, G.nodes[n], pos[n], radius_pts[n], discs[n], shape, font_size)
    if edge_labels:
        for pair, rels in pair_labels.items():
            u, v = sorted(pair, key=str)
            middle = (pos[u] + pos[v]) / 2
            text = ax.annotate(", ".join(rels), middle, ha="center", va="center",
                               fontsize=max(6, font_size - 3), color="#333333", zorder=4,
                               bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none",
                                     "alpha": 0.75})
            if not placer.fits(text):
                text.remove()

    _legends(ax, [t for t in ENTITY_COLORS if t in types],
             [r for r in RELATION_COLORS if r in relations_present], font_size)
    if note:
        ax.set_title(note, loc="left", fontsize=font_size - 1, color="#555555")
    return ax


def _legends(ax: Axes, types: list[str], relations: list[str], font_size: int) -> None:
    """One legend under the drawing: the entity types (discs), then the relation types (lines).

    It is the axes' own legend (``ax.get_legend()``), so ``bbox_inches="tight"`` keeps it.
    """
    from matplotlib.lines import Line2D

    handles: list[Any] = [
        Line2D([], [], ls="", marker="o", markersize=9, markerfacecolor=ENTITY_COLORS[t],
               markeredgecolor="#555555", label=t) for t in types]
    handles += [Line2D([], [], color=RELATION_COLORS.get(r, "#888888"), lw=2, label=r)
                for r in relations]
    if handles:
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0),
                  ncol=min(5, len(handles)), fontsize=font_size - 1, frameon=False)
