"""Spans that name nothing: a name inside a fixed religious or common phrase (lexicon
FIXED_PHRASE: ``الحمد لله`` gives no ``لله``), and Latin-script runs that do not look like names
(``hello world``; kept: capitalised words and acronyms such as ``Bonbast.com``, ``NASA``,
``Linux Kernel``)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from spacy.tokens import Doc

from ner_ar.docstate import RawSpan
from ner_ar.relations.lexicon import lexicons

_LATIN = re.compile(r"[A-Za-z]")
_ARABIC = re.compile(r"[\u0600-\u06FF]")
# A Latin word that looks like a name: capitalised (Linux), an acronym (NASA, F-16), a domain.
_NAME_LIKE = re.compile(r"^[\"'(«]*([A-Z][\w.\-&']*|[\w.\-]+\.(com|org|net|gov|fr|uk))[\"')»,.:;]*$")


@cache
def _phrases() -> dict[str, list[tuple[str, ...]]]:
    out: dict[str, list[tuple[str, ...]]] = {}
    for entry in lexicons()["FIXED_PHRASE"]:
        words = entry.split()
        out.setdefault(words[0], []).append(tuple(words[1:]))
    return out


def drop_fixed_phrases(doc: Doc, keys: Sequence[str], spans: list[RawSpan]) -> list[RawSpan]:
    """Drop the spans that overlap an occurrence of a FIXED_PHRASE entry (a proclitic allowed on
    its first word: والحمد لله)."""
    phrases = _phrases()
    inside = [False] * len(keys)
    for i, k in enumerate(keys):
        for base in {k, k[1:] if k[:1] in "وف" else k}:
            for rest in phrases.get(base, ()):
                j = i + 1 + len(rest)
                if tuple(keys[i + 1:j]) == rest:
                    for t in range(i, j):
                        inside[t] = True
    return [s for s in spans if not any(inside[t] for t in range(s.start, s.end))]


def drop_latin_junk(doc: Doc, keys: Sequence[str], spans: list[RawSpan]) -> list[RawSpan]:
    """Drop a span written only in Latin script unless each of its words looks like a name."""
    out = []
    for s in spans:
        words = [doc[t].text for t in range(s.start, s.end) if doc[t].text.strip()]
        latin = words and all(_LATIN.search(w) and not _ARABIC.search(w) for w in words)
        if latin and s.user is None and not all(_NAME_LIKE.match(w) for w in words):
            continue
        out.append(s)
    return out
