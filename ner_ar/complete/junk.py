"""Spans that name nothing: a name inside a fixed religious or common phrase (lexicon
FIXED_PHRASE: ``الحمد لله`` gives no ``لله``), and Latin-script runs that do not look like names
(``hello world``; kept: capitalised words and acronyms such as ``Bonbast.com``, ``NASA``,
``Linux Kernel``)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from spacy.tokens import Doc

from ner_ar.docstate import RawSpan
from ner_ar.relations.lexicon import tag_classes

_LATIN = re.compile(r"[A-Za-z]")
_ARABIC = re.compile(r"[\u0600-\u06FF]")
# A Latin word that looks like a name: capitalised (Linux), an acronym (NASA, F-16), a domain.
_NAME_LIKE = re.compile(r"^[\"'(«]*([A-Z][\w.\-&']*|[\w.\-]+\.(com|org|net|gov|fr|uk))[\"')»,.:;]*$")


def drop_fixed_phrases(doc: Doc, keys: Sequence[str], spans: list[RawSpan]) -> list[RawSpan]:
    """Drop the spans that overlap an occurrence of a FIXED_PHRASE entry (matched as every lexicon
    entry is, a proclitic allowed on its first word: والحمد لله)."""
    if not spans:
        return spans
    inside = tag_classes(keys, only="FIXED_PHRASE")
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
