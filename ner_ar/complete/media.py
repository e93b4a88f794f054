"""Names of radio and television stations built by construction: a word before ``أف أم`` (FM;
``الجوهرة أف أم``, ``شمس إف إم``, ``Mosaique FM``), and ``القناة`` with its number (``القناة
العاشرة``, ``القناة 13``; the ordinals are ``gazetteer/data/channel_ordinals.txt``). The tagger keeps ``أف أم`` alone (as an ORG or a person) or nothing;
the whole name becomes one ORG span and the tagger's pieces inside it give way."""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Doc

from ner_ar.complete.spans import Proposal, bases, inside, replace_scan
from ner_ar.docstate import RawSpan
from ner_ar.gazetteer import word_list

_F = frozenset({"اف", "إف"})
_M = frozenset({"ام", "إم"})
_QUOTES = frozenset({'"', "«", "»", "“", "”"})
_CHANNEL = "القناه"


def _fm_end(keys: Sequence[str], j: int) -> int | None:
    """End of ``أف أم`` or ``FM`` at token ``j``, or None (not in quotes of their own: الجوهرة
    "اف ام" would make a name with a quote inside)."""
    if j + 1 < len(keys) and keys[j] in _F and keys[j + 1] in _M:
        return j + 2
    if j < len(keys) and keys[j].lower() == "fm":
        return j + 1
    return None


def add_media_names(doc: Doc, keys: Sequence[str], spans: list[RawSpan]) -> list[RawSpan]:
    """One ORG span per station name of the module docstring; the model's spans inside it give
    way, one running beyond it leaves it alone (then the tagger's name stands)."""
    n = len(keys)
    ordinals = word_list("channel_ordinals.txt")  # a number names a channel too (القناة 13)

    def propose(i: int, owner: list[int]) -> Proposal | None:
        nxt = keys[i + 1] if i + 1 < n else ""
        if not nxt or not (nxt in _F or nxt in ordinals or nxt.isdigit() or nxt.lower() == "fm"):
            return None  # the cheap test first: most tokens stop here
        k = keys[i]
        if not k or k in _QUOTES or (owner[i] != -1 and spans[owner[i]].start != i):
            return None
        if _CHANNEL in bases(k):
            end = i + 2 if nxt in ordinals or nxt.isdigit() else None
        else:
            end = _fm_end(keys, i + 1) if any(ch.isalpha() for ch in k) and k not in _F else None
        if end is None:
            return None
        covered = inside(owner, i, end)
        if any(spans[c].start < i or spans[c].end > end or spans[c].user is not None for c in covered):
            return None
        if any((spans[c].start, spans[c].end, spans[c].label) == (i, end, "ORG") for c in covered):
            return None
        # للجوهرة أف أم: ل + الجوهرة (the article's alef elided), named الجوهرة أف أم
        clitic = (1, "ا" + k[1:]) if k.startswith("لل") and len(k) > 4 and k[2].isalpha() else None
        return RawSpan("ORG", i, end, clitic=clitic), covered

    return replace_scan(len(keys), spans, propose)
