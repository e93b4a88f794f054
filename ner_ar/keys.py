"""Normalised keys of words and tokens, and their proclitic readings: what every lookup in the
gazetteers and lexicons compares (:func:`ner_ar.text.normalize_key` with caches)."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import TypeVar

from ner_ar.text import normalize_key

DASHES = "–—-ـ"  #: dashes that join a compound surname (ميليك –باغداساروف)
#: Characters between a proclitic and the name it is written apart from: tatweel and opening
#: quotes (لـ"رويترز, بـ«الناتو»).
CLITIC_MARKS = "ـ\"'«“‘("
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


T = TypeVar("T")


def longest_at(keys: Sequence[str], i: int, by_first: dict[str, list[tuple[tuple[str, ...], T]]],
               readings: Callable[[str], Sequence[tuple[int, str]]] = clitic_variants,
               ) -> tuple[int, int, str, T] | None:
    """``(end token, characters of proclitic, base key, value)`` of the longest name of an index
    (normalised first word -> [(the other words, value)], longest first) that starts at token
    ``i``, its first word read with each of ``readings`` (proclitic cuts); None if there is none."""
    best: tuple[int, int, str, T] | None = None
    for plen, base in readings(keys[i]):
        for rest, value in by_first.get(base, ()):
            j = i + 1 + len(rest)
            if j <= len(keys) and tuple(keys[i + 1:j]) == rest:
                if best is None or j > best[0]:
                    best = (j, plen, base, value)
                break  # longest first
    return best
