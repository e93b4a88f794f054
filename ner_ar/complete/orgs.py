"""Names of the organisation gazetteer (``gazetteer/data/organisations.tsv``: ``الناتو``,
``والأمم المتحدة``) become ORG spans where the tagger missed them; :func:`org_match` types and
links a span the tagger found itself."""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Doc

from ner_ar.complete.spans import Proposal, inside, nisba_end, replace_scan
from ner_ar.docstate import RawSpan
from ner_ar.gazetteer import Organisation, organisations
from ner_ar.keys import clitic_variants
from ner_ar.relations.lexicon import lexicons


def _another_body(keys: Sequence[str], end: int) -> bool:
    """A gazetteer name ending before token ``end`` names another, national body when a nisba or
    a qualifier follows: مجلس الأمن القومي، مجلس الأمن الروسي."""
    return end < len(keys) and (keys[end] in lexicons()["ORG_QUALIFIER"]
                                or nisba_end(keys, end) is not None)


def org_match(keys: Sequence[str], start: int, end: int) -> tuple[int, str, Organisation] | None:
    """(characters to cut, base key, organisation) if tokens ``[start, end)`` name exactly one
    organisation of the gazetteer, the first word with or without its proclitics."""
    names = organisations().names
    if _another_body(keys, end):
        return None
    rest = keys[start + 1:end]
    for plen, base in clitic_variants(keys[start]):
        org = names.get(" ".join([base, *rest]) if rest else base)
        if org is not None:
            return plen, base, org
    return None


def _org_at(keys: Sequence[str], i: int) -> tuple[int, int, str, Organisation] | None:
    """(end token, cut, base key, organisation) of the longest gazetteer name at token ``i``."""
    by_first = organisations().by_first
    best: tuple[int, int, str, Organisation] | None = None
    for plen, base in clitic_variants(keys[i]):
        for rest, org in by_first.get(base, ()):
            j = i + 1 + len(rest)
            if j <= len(keys) and tuple(keys[i + 1:j]) == rest:
                if best is None or j > best[0]:
                    best = (j, plen, base, org)
                break  # longest first
    return best


def add_gazetteer_orgs(doc: Doc, keys: Sequence[str], spans: list[RawSpan]) -> list[RawSpan]:
    """ORG spans for gazetteer names outside the model's spans. A name followed by a nisba or a
    qualifier (مجلس الأمن القومي، مجلس الأمن الروسي) is another body and is skipped; the model's
    spans strictly inside a name (حلف [شمال الأطلسي]) give way to it."""
    def propose(i: int, owner: list[int]) -> Proposal | None:
        found = _org_at(keys, i) if keys[i] else None
        if found is None:
            return None
        end, cut, base, org = found
        covered = inside(owner, i, end)
        crossing = any(spans[k].start < i or spans[k].end > end for k in covered)
        exact = any(spans[k].start == i and spans[k].end == end for k in covered)
        if crossing or exact or _another_body(keys, end):
            return None
        return RawSpan("ORG", i, end, org=org, clitic=(cut, base)), covered

    return replace_scan(len(keys), spans, propose)
