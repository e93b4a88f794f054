"""Spans the tagger ran across two names: ``مجلس الأمن التابع للأمم المتحدة`` (two organisations),
``والي [نابل منور الورتاني]`` (a place and a person)."""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Doc

from ner_ar.complete.places import place_at
from ner_ar.docstate import RawSpan
from ner_ar.relations.lexicon import lexicons


def split_at_part_of(doc: Doc, keys: Sequence[str], spans: list[RawSpan]) -> list[RawSpan]:
    """Cut a non-person span at a PART_OF word followed by a ل-prefixed word: both sides become
    ORG spans, the PART_OF word between them (the part_of rule's cue)."""
    cue = lexicons()["PART_OF"]
    out: list[RawSpan] = []
    for s in spans:
        cut = next((p for p in range(s.start + 1, s.end - 1)
                    if keys[p] in cue and keys[p + 1].startswith("ل")), None)
        if s.label == "PER" or cut is None:
            out.append(s)
            continue
        out += [RawSpan("ORG", s.start, cut), RawSpan("ORG", cut + 1, s.end)]
    return out


def split_place_from_person(doc: Doc, keys: Sequence[str], spans: list[RawSpan]) -> list[RawSpan]:
    """A PER span right after a TITLE_LOCAL word (``والي``, ``محافظ``) that starts with a gazetteer
    place and goes on for two words or more becomes that place (LOC) and the person:
    ``والي نابل منور الورتاني``."""
    titles = lexicons()["TITLE_LOCAL"]
    out: list[RawSpan] = []
    for s in spans:
        cut = place_at(keys, s.start, well_known=False) \
            if s.label == "PER" and s.start > 0 and keys[s.start - 1] in titles else None
        if cut is None or s.end - cut < 2:
            out.append(s)
            continue
        out += [RawSpan("LOC", s.start, cut), RawSpan("PER", cut, s.end)]
    return out
