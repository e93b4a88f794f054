"""Gazetteer lookups over a run of tokens given by their normalised keys (a proclitic allowed on
the first): the organisation that tokens name, the nisba that starts at a token. Used by
completion (to add spans) and resolution (to type and link the tagger's spans)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from ner_ar.gazetteer import Organisation, gazetteer, organisations
from ner_ar.keys import clitic_variants, longest_at
from ner_ar.relations.lexicon import lexicons


@lru_cache(maxsize=200_000)
def _readings(k: str) -> tuple[tuple[int, str], ...]:
    """Proclitic readings of a token for organisation names: و ف ب ل, not ك (كابل is Kabul, not
    كـ + آبل), and none that cuts into a gazetteer place a shorter reading names (وبابل is و +
    بابل, not وب + آبل). Cached: asked of every token."""
    variants = [(plen, base) for plen, base in clitic_variants(k) if "ك" not in k[:plen]]
    places = gazetteer().places
    shortest_place = min((plen for plen, base in variants if base in places), default=None)
    if shortest_place is None:
        return tuple(variants)
    return tuple((plen, base) for plen, base in variants if plen <= shortest_place)


#: Endings of the dual nisbas (الأمريكيتين, الأمريكيتان, الأمريكيان): they agree with two things
#: (القاعدتين الجوية والبحرية الروسيتين), never with one body's name.
_DUAL = ("يتين", "يتان", "يان")


def nisba_end(keys: Sequence[str], i: int) -> tuple[int, str] | None:
    """(end token, iso2) of the longest nisba starting exactly at token ``i`` (no proclitic); not a
    dual, which names no body."""
    gaz = gazetteer()
    for n in range(min(3, len(keys) - i), 0, -1):
        words = keys[i:i + n]
        if all(words) and not words[-1].endswith(_DUAL):
            iso = gaz.nisba.get(" ".join(words))
            if iso:
                return i + n, iso
    return None


def another_body(keys: Sequence[str], end: int) -> bool:
    """A gazetteer name ending before token ``end`` names another, national body when a nisba or
    a qualifier follows: مجلس الأمن القومي، مجلس الأمن الروسي."""
    return end < len(keys) and (keys[end] in lexicons()["ORG_QUALIFIER"]
                                or nisba_end(keys, end) is not None)


def org_match(keys: Sequence[str], start: int, end: int) -> tuple[int, str, Organisation] | None:
    """(characters to cut, base key, organisation) if tokens ``[start, end)`` name exactly one
    organisation of the gazetteer, the first word with or without its proclitics."""
    names = organisations().names
    if another_body(keys, end):
        return None
    rest = keys[start + 1:end]
    for plen, base in _readings(keys[start]):
        org = names.get(" ".join([base, *rest]) if rest else base)
        if org is not None:
            return plen, base, org
    return None


def org_at(keys: Sequence[str], i: int) -> tuple[int, int, str, Organisation] | None:
    """(end token, cut, base key, organisation) of the longest gazetteer name at token ``i``."""
    return longest_at(keys, i, organisations().by_first, _readings)
