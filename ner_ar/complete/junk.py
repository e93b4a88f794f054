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
from ner_ar.relations.lexicon import clitic_variants, lexicons

_LATIN = re.compile(r"[A-Za-z]")
_ARABIC = re.compile(r"[\u0600-\u06FF]")
# A Latin word that looks like a name: capitalised (Linux), an acronym (NASA, F-16), a domain.
_NAME_LIKE = re.compile(r"^[\"'(«]*([A-Z][\w.\-&']*|[\w.\-]+\.(com|org|net|gov|fr|uk))[\"')»,.:;]*$")


@cache
def _phrases() -> dict[str, list[tuple[str, ...]]]:
    """FIXED_PHRASE entries by first word: the rest of each entry's words."""
    out: dict[str, list[tuple[str, ...]]] = {}
    for entry in lexicons()["FIXED_PHRASE"]:
        words = entry.split()
        out.setdefault(words[0], []).append(tuple(words[1:]))
    return out


def phrase_tokens(keys: Sequence[str]) -> set[int]:
    """Indices of the tokens inside an occurrence of a FIXED_PHRASE entry, matched as
    :func:`~ner_ar.relations.lexicon.tag_classes` matches every lexicon entry (a proclitic allowed
    on the first word: والحمد لله), but only for this class: a first word is looked up with its
    proclitics cut only when the token could be one (the class's first words include في and لا,
    found in nearly every document)."""
    phrases = _phrases()
    marked: set[int] = set()
    n = len(keys)
    for i, k in enumerate(keys):
        if not k or not (k in phrases or k[1:] in phrases or k[2:] in phrases):
            continue
        for _plen, base in clitic_variants(k):
            for rest in phrases.get(base, ()):
                j = i + 1 + len(rest)
                if j <= n and all(keys[i + 1 + m] == w for m, w in enumerate(rest)):
                    marked.update(range(i, j))
    return marked


def drop_fixed_phrases(doc: Doc, keys: Sequence[str], spans: list[RawSpan]) -> list[RawSpan]:
    """Drop the spans that overlap an occurrence of a FIXED_PHRASE entry (:func:`phrase_tokens`)."""
    if not spans:
        return spans
    inside = phrase_tokens(keys)
    if not inside:
        return spans
    return [s for s in spans if not any(t in inside for t in range(s.start, s.end))]


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
