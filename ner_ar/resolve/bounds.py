"""Resolution step 1, ``resolve.bounds``: where each span begins and ends.

Punctuation at the edges goes; the organisation gazetteer types and links a span the tagger found
(``الناتو`` as LOC); leading titles and descriptors are context, not name (``المتحدث باسم``,
``وكالة``), and a nisba leading a person's span becomes a mention of its country; a span that is a
bare nisba (``الكوبيين``) or a lone title names nobody (``RawSpan.dropped``).
Reads ``DocState.spans``; writes their bounds and labels, and ``DocState.nisbas``.
"""

from __future__ import annotations

from spacy.tokens import Doc

from ner_ar.docstate import NisbaSpan, state
from ner_ar.gazetteer import gazetteer
from ner_ar.gazetteer.lookup import org_match
from ner_ar.keys import clitic_variants
from ner_ar.resolve.nisba import DESCRIPTORS, LEADING_NOISE, definite, in_lex, nisba_at


def _is_break(tok_text: str) -> bool:
    return not tok_text.strip()


def bound_spans(doc: Doc) -> Doc:
    """Trim and type the spans of ``doc`` (see the module docstring)."""
    st = state(doc)
    toks, keys = st.tokens, st.keys
    places = gazetteer().places
    st.spans.sort(key=lambda s: s.start)
    # last words of the persons' names of two or more words: a tagged PER span of one such word
    # without the article is that surname, though it reads as a nisba (إسلام سليماني ... سليماني)
    surnames = {keys[r.end - 1] for r in st.spans
                if r.label == "PER" and r.end - r.start > 1 and not definite(keys[r.end - 1])}
    for r in st.spans:
        if r.user is not None:
            continue  # a user's entry keeps its bounds and type
        while r.end > r.start and (_is_break(toks[r.end - 1].text) or toks[r.end - 1].is_punct):
            r.end -= 1
        while r.end - r.start > 1 and toks[r.start].is_punct:
            r.start += 1
        if r.org is None and r.end > r.start:
            known_org = org_match(keys, r.start, r.end)
            if known_org is not None:
                r.clitic, r.org = known_org[:2], known_org[2]
                r.label = "ORG"
        while r.org is None and r.end - r.start > 1:
            i = r.start
            # A nisba leads a person's span only with its article (الروسي سيرغي); without it, it
            # is a name that looks like one (جورجي جيسوس, not Georgia).
            person_nisba = nisba_at(keys, i) if definite(keys[i]) else None
            if r.label == "PER" and (in_lex(keys, i, LEADING_NOISE) is not None or person_nisba):
                found = person_nisba
                if found and found[0] < r.end:
                    st.nisbas.append(NisbaSpan(i, found[0], found[1], found[2]))
                    r.start = found[0]
                    continue
                r.start += 1
            elif r.label != "PER" and in_lex(keys, i, DESCRIPTORS) is not None \
                    and not any(k.startswith(("ال", "لل")) or k.isdigit() for k in keys[i + 1:r.end]):
                # وكالة سبوتنيك -> سبوتنيك, but وكالة تونس افريقيا للأنباء (and القناة 13) is a
                # name whole.
                r.start += 1
            elif r.label != "PER" and keys[i].endswith("تي") and in_lex(keys, i, ("PLACE_PLURAL",)) is not None \
                    and " ".join(keys[i + 1:r.end]) in places:
                # بولايتي [أيوا]: a dual place noun before a gazetteer place (a plural may be the
                # name's own: جزر ماديرا)
                r.start += 1
            else:
                break
        found = nisba_at(keys, r.start) if r.end > r.start and r.org is None else None
        if found and found[0] == r.end and not (
                r.label == "PER" and r.end - r.start == 1 and keys[r.start] in surnames) and not any(
                " ".join([base, *keys[r.start + 1:r.end]]) in places
                for _plen, base in clitic_variants(keys[r.start])):
            # (a place's name, read with its proclitic cut, is the place: مصر والسعودية are two
            # countries, not Egypt and a nisba)
            # The tagger sometimes tags a bare nisba (الكوبيين): it is a mention of the country.
            st.nisbas.append(NisbaSpan(r.start, r.end, found[1], found[2]))
            r.end = r.start
            r.dropped = True
            continue
        # A title or descriptor alone names nobody; but an organisation may be named by its head
        # noun alone (الجزيرة the channel, الشروق the paper).
        lone = LEADING_NOISE + DESCRIPTORS if r.label != "ORG" else LEADING_NOISE
        if r.end - r.start == 1 and (in_lex(keys, r.start, lone) is not None or toks[r.start].is_punct):
            r.end = r.start
            r.dropped = True
    return doc
