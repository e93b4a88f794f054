"""Lexicons (``lexicons/*.txt``, one class per file) and clitic-aware lookup of tokens in them.

A lexicon entry matches a run of tokens whose :func:`~ner_ar.text.normalize_key` keys equal the
entry's words; the first token may carry proclitics (و ف ب ل ك, and ل before an elided ال), and
the definite/indefinite pair of the first word is derived (وزير <-> الوزير).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache, lru_cache
from pathlib import Path

from ner_ar.keys import _CONJ, clitic_variants, key, token_key, trailing_punct

__all__ = ["clitic_variants", "in_class", "key", "lexicons", "tag_classes", "token_key", "trailing_punct"]

LEXICONS = Path(__file__).parent / "lexicons"


def _article_pair(word: str) -> list[str]:
    return [word, word[2:]] if word.startswith("ال") and len(word) > 3 else [word, "ال" + word]


@cache
def lexicons() -> dict[str, frozenset[str]]:
    """Class name (file stem, upper case) -> normalised entries, both article forms included."""
    out: dict[str, frozenset[str]] = {}
    for path in sorted(LEXICONS.glob("*.txt")):
        entries: set[str] = set()
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            words = key(line).split()
            for first in _article_pair(words[0]):
                entries.add(" ".join([first, *words[1:]]))
        out[path.stem.upper()] = frozenset(entries)
    return out


@cache
def _index(only: str | None = None) -> tuple[dict[str, list[tuple[tuple[str, ...], str]]], int]:
    """First word -> [(remaining words, class)], longest first; and the longest entry in words.
    ``only``: the entries of that one class."""
    index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    longest = 1
    for cls, entries in lexicons().items():
        if only is not None and cls != only:
            continue
        for entry in entries:
            words = entry.split()
            longest = max(longest, len(words))
            index.setdefault(words[0], []).append((tuple(words[1:]), cls))
    for lst in index.values():
        lst.sort(key=lambda item: -len(item[0]))
    return index, longest


def in_class(text: str, cls: str) -> int | None:
    """Prefix length to cut if the single word ``text`` is in lexicon ``cls`` (clitics allowed)."""
    entries = lexicons()[cls]
    for plen, base in clitic_variants(key(text)):
        if base in entries:
            return plen
    return None


def tag_classes(keys: Sequence[str], only: str | None = None) -> dict[int, set[str]]:
    """Lexicon classes of the tokens in any class, by token index, for tokens given by their
    normalised keys ('' = a break); most tokens are in none and are left out.

    Every entry that matches at a position marks all its tokens; entries of different classes may
    overlap (``لقاء`` is both a meeting and an interview noun). A first token that needed a
    conjunction proclitic (والسفير) is also marked ``CONJ``: it starts a new item, not an apposition;
    one that needed ب or ل (بمديرة, للرئيس) is marked ``B_CLITIC`` or ``L_CLITIC``. ``only``: look
    up that one class's entries (much faster where other classes' entries are everywhere)."""
    classes: dict[int, set[str]] = {}
    n = len(keys)
    for i, k in enumerate(keys):
        if not k:
            continue
        for rest, cls, marks in _hits(k, only):
            j = i + 1 + len(rest)
            if j <= n and (not rest or tuple(keys[i + 1:j]) == rest):
                for t in range(i, j):
                    classes.setdefault(t, set()).add(cls)
                if marks:
                    classes[i].update(marks)
    return classes


@lru_cache(maxsize=200_000)
def _hits(k: str, only: str | None) -> tuple[tuple[tuple[str, ...], str, tuple[str, ...]], ...]:
    """The entries whose first word is token key ``k`` read with a proclitic cut or not: (the
    entry's other words, its class, the marks its first token gets: ``CONJ`` after a conjunction
    proclitic (والسفير starts a new item), ``B_CLITIC`` / ``L_CLITIC`` after ب / ل (بمديرة,
    للرئيس: a preposition's object, not an apposition))."""
    index, _ = _index(only)
    out: list[tuple[tuple[str, ...], str, tuple[str, ...]]] = []
    for plen, base in clitic_variants(k):
        marks: list[str] = []
        if plen and k[0] in _CONJ:
            marks.append("CONJ")
        if "ب" in k[:plen]:
            marks.append("B_CLITIC")
        if "ل" in k[:plen]:
            marks.append("L_CLITIC")
        out += [(rest, cls, tuple(marks)) for rest, cls in index.get(base, ())]
    return tuple(out)
