"""Resolution step 3, ``resolve.nisbas``: nationality adjectives outside person names become
mentions of their country (``الرئيس الروسي``); inside an organisation's name they overlap it
(``البحرية الروسية``: evidence for ``part_of``), except in a gazetteer organisation's name
(``منظمة الدول الأمريكية``). Reads ``DocState.spans``; appends to ``DocState.nisbas``."""

from __future__ import annotations

from spacy.tokens import Doc

from ner_ar.docstate import NisbaSpan, state
from ner_ar.resolve.nisba import definite, nisba_at

#: Kinds of gazetteer organisations (organisations.tsv) whose nisba names the country they are in.
_SEATED = frozenset({"news_agency", "newspaper", "broadcaster", "magazine", "company"})


def find_nisbas(doc: Doc) -> Doc:
    """Add the nisbas of ``doc`` outside names (see the module docstring)."""
    st = state(doc)
    keys = st.keys
    n = len(keys)
    in_name = [False] * n
    in_org = [False] * n
    person_edge = [False] * n  # right before or after a person's name
    for r in st.spans:
        if r.label == "PER" and not r.dropped and r.end > r.start:
            for t in (r.start - 1, r.end):
                if 0 <= t < n:
                    person_edge[t] = True
    for r in st.spans:
        if r.dropped:
            continue
        for i in range(r.start, r.end):
            in_name[i] = True
            # a gazetteer organisation's nisba is its seat only for bodies of one country
            # (وكالة الأنباء الألمانية), not for blocs (منظمة الدول الأمريكية)
            in_org[i] = r.label == "ORG" and r.user is None and (r.org is None or r.org.kind in _SEATED)
    i = 0
    while i < n:
        if keys[i] and (not in_name[i] or in_org[i]):
            found = nisba_at(keys, i)
            if found and person_edge[i] and not definite(keys[i]):
                found = None  # ليلى سليماني, جورجي جيسوس: a name, not a nationality
            if found and all(not in_name[j] or in_org[j] for j in range(i, found[0])):
                st.nisbas.append(NisbaSpan(i, found[0], found[1], found[2]))
                i = found[0]
                continue
        i += 1
    return doc
