"""Lookups shared by the resolution steps: nisbas (nationality adjectives) and lexicon classes at a
token, proclitics allowed."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from ner_ar.gazetteer import gazetteer
from ner_ar.keys import clitic_variants
from ner_ar.relations.lexicon import lexicons

#: Leading words of a person's span that are context, not name (lexicon classes).
LEADING_NOISE = ("TITLE_GOV", "TITLE_DIPLO", "TITLE_JOB", "PORTFOLIO", "PERSON_NOUN")
#: Leading words of a place's or organisation's span that describe it (وكالة، مدينة).
DESCRIPTORS = ("MEDIA", "PLACE_NOUN")


@cache
def _nisba_first_words() -> frozenset[str]:
    return frozenset(form.split()[0] for form in gazetteer().nisba)


def nisba_at(keys: Sequence[str], i: int) -> tuple[int, int, str] | None:
    """``(end token, characters of proclitic, iso2)`` of the longest nisba (up to three words)
    starting at token ``i``, or None."""
    if not any(base in _nisba_first_words() for _, base in clitic_variants(keys[i])):
        return None  # most tokens start no nisba: skip the n-gram lookups
    nisba = gazetteer().nisba
    for n in range(min(3, len(keys) - i), 0, -1):
        if not all(keys[i:i + n]):
            continue
        rest = " ".join(keys[i + 1:i + n])
        for plen, base in clitic_variants(keys[i]):
            iso = nisba.get(f"{base} {rest}" if rest else base)
            if iso:
                return i + n, plen, iso
    return None


def in_lex(keys: Sequence[str], i: int, classes: tuple[str, ...]) -> int | None:
    """Characters of proclitic to cut if token ``i`` is a word of one of the lexicon ``classes``."""
    lex = lexicons()
    for plen, base in clitic_variants(keys[i]):
        if any(base in lex[c] for c in classes):
            return plen
    return None


def definite(k: str) -> bool:
    """The word carries the article, after its proclitics or not (الروسي, والروسية, للروسي)."""
    return any(base.startswith("ال") for _, base in clitic_variants(k))
