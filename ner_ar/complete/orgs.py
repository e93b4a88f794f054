"""Names of the organisation gazetteer (``gazetteer/data/organisations.tsv``: ``الناتو``,
``والأمم المتحدة``) become ORG spans where the tagger missed them; :func:`org_match` types and
links a span the tagger found itself."""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Doc

from ner_ar.complete.spans import Proposal, inside, replace_scan, starts_of
from ner_ar.docstate import RawSpan
from ner_ar.gazetteer import organisations
from ner_ar.gazetteer.lookup import another_body, org_at, org_match

__all__ = ["add_gazetteer_orgs", "org_match"]


def add_gazetteer_orgs(doc: Doc, keys: Sequence[str], spans: list[RawSpan]) -> list[RawSpan]:
    """ORG spans for gazetteer names outside the model's spans. A name followed by a nisba or a
    qualifier (مجلس الأمن القومي، مجلس الأمن الروسي) is another body and is skipped; the model's
    spans strictly inside a name (حلف [شمال الأطلسي]) give way to it."""
    def propose(i: int, owner: list[int]) -> Proposal | None:
        found = org_at(keys, i) if keys[i] else None
        if found is None:
            return None
        end, cut, base, org = found
        covered = inside(owner, i, end)
        crossing = any(spans[k].start < i or spans[k].end > end for k in covered)
        exact = any(spans[k].start == i and spans[k].end == end for k in covered)
        if crossing or exact or another_body(keys, end):
            return None
        return RawSpan("ORG", i, end, org=org, clitic=(cut, base)), covered

    return replace_scan(len(keys), spans, propose, starts_of(keys, organisations().by_first))
