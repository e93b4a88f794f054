"""Facilities (FAC): a head noun of lexicon FAC_HEAD (``مطار``, ``قصر``, ``برج``, ``ملعب``...)
right before a name the tagger found, or before a gazetteer place, takes the name into one FAC
span with the head included and a closing FAC_QUALIFIER (``الدولي``): ``مطار هواري بومدين
الدولي``, ``برج إيفل``, ``ملعب القاهرة الدولي``. Well-known facilities the tagger misses or mistypes
(``البيت الأبيض``, ``الكرملين``) come from ``gazetteer/data/facilities.tsv`` (stage
``complete.facility_names``, the user-gazetteer mechanism with a shipped file)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from spacy.tokens import Doc

from ner_ar.complete.places import place_at
from ner_ar.complete.spans import Proposal, bases, replace_scan, starts_of
from ner_ar.docstate import RawSpan
from ner_ar.gazetteer import DATA
from ner_ar.gazetteer.user import UserGazetteer
from ner_ar.relations.lexicon import lexicons

_MAX_NAME = 4  # tokens of the proper name after the head


@cache
def facility_gazetteer() -> UserGazetteer:
    """Well-known facilities (``gazetteer/data/facilities.tsv``, hand-written; Wikidata ids)."""
    return UserGazetteer.from_files([DATA / "facilities.tsv"])


def add_facility_names(doc: Doc, keys: Sequence[str], spans: list[RawSpan]) -> list[RawSpan]:
    """Spans for the well-known facilities of ``facilities.tsv``; spans over them give way."""
    return facility_gazetteer().add_spans(doc, keys, spans)


def add_facility_heads(doc: Doc, keys: Sequence[str], spans: list[RawSpan]) -> list[RawSpan]:
    """A FAC_HEAD word (a proclitic allowed) followed by a non-person span or a gazetteer place
    becomes one FAC span from the head to the name's end, a FAC_QUALIFIER included."""
    lex = lexicons()
    heads, qualifiers = lex["FAC_HEAD"], lex["FAC_QUALIFIER"]

    def propose(i: int, owner: list[int]) -> Proposal | None:
        if i + 1 >= len(keys) or not keys[i] or owner[i] != -1 or not any(b in heads for b in bases(keys[i])):
            return None
        j = i + 1
        k = owner[j]
        if k != -1 and spans[k].start == j and spans[k].label != "PER" and spans[k].user is None \
                and spans[k].end - j <= _MAX_NAME:
            end = spans[k].end
        elif k == -1 and (found := place_at(keys, j, well_known=False)) is not None:
            end = found
        else:
            return None
        if end < len(keys) and keys[end] in qualifiers and owner[end] == -1:
            end += 1
        return RawSpan("FAC", i, end), ({k} if k != -1 else set())

    return replace_scan(len(keys), spans, propose, starts_of(keys, heads))
