"""Shared shape of the completion steps: token scans that add, replace or drop entity spans.

Every step is a function ``(doc, keys, spans) -> spans``: ``doc`` the spaCy Doc, ``keys`` its
tokens' normalised keys (:func:`~ner_ar.keys.token_key`, '' for a blank token), ``spans`` the
current :class:`~ner_ar.docstate.RawSpan` list; it returns the new list. Token indices throughout.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Sequence
from functools import lru_cache

from spacy.tokens import Doc

from ner_ar.docstate import RawSpan
from ner_ar.gazetteer import gazetteer
from ner_ar.gazetteer.lookup import nisba_end
from ner_ar.keys import DASHES, clitic_variants

__all__ = ["DASHES", "Proposal", "Step", "bases", "inside", "lex_end", "nisba_end", "owners", "replace_scan",
           "starts_of"]

Step = Callable[[Doc, Sequence[str], list[RawSpan]], list[RawSpan]]

def owners(n: int, spans: Sequence[RawSpan]) -> list[int]:
    """Token index -> index in ``spans`` of the span covering it, or -1."""
    owner = [-1] * n
    for k, s in enumerate(spans):
        for t in range(s.start, s.end):
            owner[t] = k
    return owner


Proposal = tuple[RawSpan, set[int]]


def replace_scan(n: int, spans: list[RawSpan],
                  propose: Callable[[int, list[int]], Proposal | None],
                  starts: Sequence[int] | None = None) -> list[RawSpan]:
    """Walk tokens left to right; where ``propose(i, owner)`` returns a span starting at ``i`` with
    the model spans it covers, those give way to it and the walk resumes after it. ``owner`` maps
    each token to the index of the model span covering it, or -1. ``starts``: the only tokens
    ``propose`` may return a span at, in order (:func:`starts_of`), when the step knows them."""
    owner = owners(n, spans)
    drop: set[int] = set()
    added: list[RawSpan] = []
    i = 0
    for t in range(n) if starts is None else starts:
        if t < i:
            continue  # inside a span proposed before
        proposal = propose(t, owner)
        if proposal is None:
            continue
        new, covered = proposal
        drop |= covered
        added.append(new)
        i = new.end
    return [s for k, s in enumerate(spans) if k not in drop] + added


def starts_of(keys: Sequence[str], first_words: Container[str]) -> list[int]:
    """The tokens one of whose :func:`bases` is in ``first_words``: where a step whose names begin
    with those words may propose a span (a token in none is skipped without a call)."""
    return [i for i, k in enumerate(keys) if k and any(b in first_words for b in bases(k))]


def inside(owner: list[int], start: int, end: int) -> set[int]:
    """Indices of the model spans over tokens ``[start, end)``."""
    return {owner[t] for t in range(start, end)} - {-1}


@lru_cache(maxsize=200_000)
def bases(k: str) -> tuple[str, ...]:
    """The token's key less each proclitic reading (و ف ب ل; not ك: كبيرا is no كـبيرا), itself
    last. Cached: every completion step asks it of every token."""
    return tuple(base for plen, base in clitic_variants(k) if "ك" not in k[:plen])



def nisba_adjective(keys: Sequence[str], start: int, end: int) -> bool:
    """Tokens ``[start, end)`` are a nisba right after a definite noun (الحكومة السعودية, السوق
    السعودية): the adjective, not the country's name."""
    return start > 0 and keys[start - 1].startswith("ال") \
        and " ".join(keys[start:end]) in gazetteer().nisba


def lex_end(keys: Sequence[str], j: int, entries: frozenset[str]) -> int | None:
    """End of the longest lexicon entry (up to 3 words) starting at token ``j``."""
    for n in range(min(3, len(keys) - j), 0, -1):
        if all(keys[j:j + n]) and " ".join(keys[j:j + n]) in entries:
            return j + n
    return None
