"""What every writer shares: atomic file and directory writes, and attribute checks.

A writer never leaves a truncated or empty file behind: it writes a temporary file in the target's
directory (so the final rename stays on one file system) and renames it over the target only
once it is complete.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import BinaryIO

import networkx as nx

# mkstemp creates files readable by the owner only; exported graphs should get the permissions
# any other file the user writes would get. The umask can only be read by setting it.
_UMASK = os.umask(0o022)
os.umask(_UMASK)

SCALAR_TYPES: tuple[type, ...] = (str, bool, int, float)
"""The attribute value types every format can store and give back."""

PathLike = str | os.PathLike[str]

# Characters XML 1.0 cannot carry, plus CR (an XML parser reads it back as LF).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0d\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_XML_LINE_BREAKS = frozenset("\x0b\x0c\x1c\x1d\x1e")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _xml_char(m: re.Match[str]) -> str:
    c = m.group()
    if c in _XML_LINE_BREAKS or c == "\r":
        return "\n"
    return " " if c == "\x1f" else "\ufffd"


def xml_safe(value: str) -> str:
    """``value`` with every character XML 1.0 cannot carry replaced, so that a GraphML or GEXF
    file reads back: CR LF and CR become LF (as any XML parser reads them), the vertical tab, form
    feed and the information separators FS GS RS a line break (LF), US a space, any other C0
    control, lone surrogate or U+FFFE/U+FFFF the replacement character U+FFFD.

    >>> xml_safe("فلاديمير\x0bبوتين\x00")
    'فلاديمير\nبوتين\ufffd'
    """
    if _NOT_XML.search(value) is None:
        return value
    return _NOT_XML.sub(_xml_char, value.replace("\r\n", "\n"))


def utf8_safe(value: str) -> str:
    """``value`` with lone surrogates (which UTF-8 cannot encode) replaced by U+FFFD."""
    return _SURROGATE.sub("\ufffd", value)


def _clean_graph(G: nx.MultiDiGraph, clean: Callable[[str], str], what: str) -> nx.MultiDiGraph:
    """``G`` with ``clean`` applied to every string node id, edge key and attribute value; ``G``
    itself when nothing changes. Raises ``ValueError`` when two node ids become one."""
    def fix(value: object) -> object:
        return clean(value) if isinstance(value, str) else value

    def dirty(value: object) -> bool:
        return isinstance(value, str) and clean(value) != value

    changed = (any(dirty(v) for v in G.graph.values())
               or any(dirty(n) or any(dirty(v) for v in d.values()) for n, d in G.nodes(data=True))
               or any(dirty(k) or any(dirty(v) for v in d.values())
                      for _, _, k, d in G.edges(keys=True, data=True)))
    if not changed:
        return G
    ids: dict[object, object] = {}
    seen: dict[object, object] = {}
    for n in G.nodes:
        new = ids[n] = fix(n)
        other = seen.setdefault(new, n)
        if other != n:
            raise ValueError(f"node ids {other!r} and {n!r} are the same once made {what}; "
                             "rename one before writing")
    H = nx.MultiDiGraph(**{k: fix(v) for k, v in G.graph.items()})
    H.add_nodes_from((ids[n], {k: fix(v) for k, v in d.items()}) for n, d in G.nodes(data=True))
    H.add_edges_from((ids[u], ids[v], fix(k), {a: fix(x) for a, x in d.items()})
                     for u, v, k, d in G.edges(keys=True, data=True))
    return H


def xml_safe_graph(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """``G`` as the GraphML and GEXF writers store it: :func:`xml_safe` applied to every string
    (node ids, edge keys, attribute values); ``G`` itself when none needs it. Raises
    ``ValueError`` when two node ids differ only in characters XML cannot carry."""
    return _clean_graph(G, xml_safe, "XML-safe")


def utf8_safe_graph(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """``G`` with :func:`utf8_safe` applied to every string, as the Neo4j CSV writer stores it."""
    return _clean_graph(G, utf8_safe, "UTF-8-safe")


@contextmanager
def atomic_file(path: PathLike) -> Iterator[BinaryIO]:
    """A binary file handle whose content replaces ``path`` only if the block ends without error.

    >>> import os, tempfile
    >>> target = os.path.join(tempfile.mkdtemp(), "g.txt")
    >>> with atomic_file(target) as fh:
    ...     _ = fh.write("روسيا".encode())
    >>> open(target, encoding="utf-8").read()
    'روسيا'
    """
    target = Path(path)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_UMASK)
        os.replace(tmp, target)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


@contextmanager
def atomic_dir(path: PathLike) -> Iterator[Path]:
    """A temporary directory whose files are moved into ``path`` only if the block succeeds.

    A new ``path`` appears in one rename; into an existing directory each file is renamed into
    place (each rename is atomic, the set of them is not), and other files there are left alone.
    """
    target = Path(path)
    if target.exists() and not target.is_dir():
        raise NotADirectoryError(f"{target} exists and is not a directory")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"))
    try:
        yield tmp
        for child in tmp.iterdir():
            os.chmod(child, 0o666 & ~_UMASK)
        if target.exists():
            for child in tmp.iterdir():
                os.replace(child, target / child.name)
            tmp.rmdir()
        else:
            os.chmod(tmp, 0o777 & ~_UMASK)
            os.replace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def attribute_types(G: nx.Graph) -> tuple[dict[str, type], dict[str, type], dict[str, type]]:
    """The one Python type of every graph, node and edge attribute.

    Raises ``TypeError`` for a value that is not ``str``, ``bool``, ``int`` or ``float`` (``None``,
    lists and dicts included) and for an attribute whose values have different types, naming
    the first offending node or edge: file formats declare one type per attribute.

    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("a", label="روسيا", mention_count=3)
    >>> attribute_types(G)[1]
    {'label': <class 'str'>, 'mention_count': <class 'int'>}
    """
    graph_types = _collect([("graph", G.graph)])
    node_types = _collect((f"node {n!r}", d) for n, d in G.nodes(data=True))
    if G.is_multigraph():
        edge_items = ((f"edge {u!r}->{v!r} [{k!r}]", d) for u, v, k, d in G.edges(keys=True, data=True))
    else:
        edge_items = ((f"edge {u!r}->{v!r}", d) for u, v, d in G.edges(data=True))
    return graph_types, node_types, _collect(edge_items)


def _collect(items: Iterable[tuple[str, dict[str, object]]]) -> dict[str, type]:
    types: dict[str, type] = {}
    for where, data in items:
        for name, value in data.items():
            vtype = type(value)
            if vtype not in SCALAR_TYPES:
                raise TypeError(f"{where}: attribute {name!r} is a {vtype.__name__} ({value!r}); "
                                f"graph files store only str, bool, int and float values")
            seen = types.setdefault(name, vtype)
            if seen is not vtype:
                raise TypeError(f"{where}: attribute {name!r} is a {vtype.__name__} here but a "
                                f"{seen.__name__} elsewhere; give it one type across the graph")
    return types
