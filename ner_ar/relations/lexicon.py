"""Lexicons (``lexicons/*.txt``, one class per file) and clitic-aware lookup of tokens in them.

A lexicon entry matches a run of tokens whose :func:`~ner_ar.text.normalize_key` keys equal the
entry's words; the first token may carry proclitics (و ف ب ل ك, and ل before an elided ال), and
the definite/indefinite pair of the first word is derived (وزير <-> الوزير).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from functools import cache, lru_cache
from pathlib import Path

from ner_ar.text import normalize_key

LEXICONS = Path(__file__).parent / "lexicons"
_CONJ = "وف"
_PREP = "بلك"


@lru_cache(maxsize=200_000)
def key(text: str) -> str:
    """Cached :func:`normalize_key` (news vocabularies repeat, tokens are looked up many times)."""
    return normalize_key(text)


def _is_punct_char(c: str) -> bool:
    return unicodedata.category(c)[0] in "PS"


@lru_cache(maxsize=200_000)
def trailing_punct(text: str) -> int:
    """Punctuation characters glued to the end of a word token (the tokenizer leaves ``".`` on
    ``والدوحة".``): they belong to no name."""
    n = 0
    while n < len(text) - 1 and _is_punct_char(text[len(text) - 1 - n]):
        n += 1
    return n


@lru_cache(maxsize=200_000)
def token_key(text: str) -> str:
    """:func:`key` of a token without its trailing punctuation; '' for a blank token."""
    if not text.strip():
        return ""
    n = trailing_punct(text)
    return key(text[:len(text) - n] if n else text)


@lru_cache(maxsize=200_000)
def clitic_variants(k: str) -> tuple[tuple[int, str], ...]:
    """``(prefix length, base key)`` for each proclitic split of a normalised token, longest prefix
    first, ending with ``(0, k)``. ``للبحريه`` also yields ``(1, 'البحريه')`` (ل + ال with its alef
    elided): the prefix length is what to cut from the text, the base what to look up."""
    out: list[tuple[int, str]] = []
    for c in (2, 1):
        if len(k) - c < 2:
            continue
        pre, rest = k[:c], k[c:]
        ok = (c == 1 and pre in _CONJ + _PREP) or (c == 2 and pre[0] in _CONJ and pre[1] in _PREP)
        if not ok:
            continue
        if pre[-1] == "ل" and rest.startswith("ل") and len(rest) > 2:
            out.append((c, "ا" + rest))
        out.append((c, rest))
    out.append((0, k))
    return tuple(out)


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
def _index() -> tuple[dict[str, list[tuple[tuple[str, ...], str]]], int]:
    """First word -> [(remaining words, class)], longest first; and the longest entry in words."""
    index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    longest = 1
    for cls, entries in lexicons().items():
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


def tag_classes(keys: Sequence[str]) -> dict[int, set[str]]:
    """Lexicon classes of the tokens in any class, by token index, for tokens given by their
    normalised keys ('' = a break); most tokens are in none and are left out.

    Every entry that matches at a position marks all its tokens; entries of different classes may
    overlap (``لقاء`` is both a meeting and an interview noun). A first token that needed a
    conjunction proclitic (والسفير) is also marked ``CONJ``: it starts a new item, not an apposition."""
    index, _ = _index()
    classes: dict[int, set[str]] = {}
    n = len(keys)
    for i, k in enumerate(keys):
        if not k:
            continue
        for _plen, base in clitic_variants(k):
            for rest, cls in index.get(base, ()):
                j = i + 1 + len(rest)
                if j <= n and all(keys[i + 1 + m] == w for m, w in enumerate(rest)):
                    for t in range(i, j):
                        classes.setdefault(t, set()).add(cls)
                    if _plen and k[0] in _CONJ:
                        classes[i].add("CONJ")
    return classes
