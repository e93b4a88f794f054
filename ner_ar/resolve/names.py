"""Resolution step 2, ``resolve.names``: each span's clitics, canonical name and gazetteer place.

A proclitic is cut off the first token (:func:`~ner_ar.resolve.clitics.clitic_cut`) with exact
offsets; the name is the text as written; the place gazetteer links and retypes a span
(LOC/MISC naming a city, any type but PER naming a country -> GPE); a nisba ending a place's or
person's span is split off as a mention of its country (``سوسة التونسية``).
Reads ``DocState.spans`` (bounded); writes their ``cut``, ``name``, ``place``, ``label``, and
``DocState.nisbas``.
"""

from __future__ import annotations

from spacy.tokens import Doc

from ner_ar.docstate import NisbaSpan, RawSpan, state
from ner_ar.gazetteer import Place, ambiguous_places, gazetteer
from ner_ar.keys import CLITIC_MARKS, key, trailing_punct
from ner_ar.resolve.clitics import clitic_cut
from ner_ar.resolve.nisba import definite, nisba_at

# NER labels the gazetteer may promote to GPE (a person is never retyped).
_RETYPE = frozenset({"LOC", "ORG", "MISC"})
# Trailing nisbas split off these types (سوسة التونسية -> سوسة + nisba); an ORG keeps its nisba
# inside its name (البحرية الروسية) and gets an overlapping nisba mention.
_SPLIT_NISBA = frozenset({"GPE", "LOC", "FAC", "PER"})
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
_CITY_LABELS = frozenset({"GPE", "LOC", "MISC"})


def name_spans(doc: Doc) -> Doc:
    """Cut clitics, name, link and type the spans of ``doc`` (see the module docstring)."""
    st = state(doc)
    gaz = gazetteer()
    toks, keys, text = st.tokens, st.keys, st.text
    doc_words = set(keys)
    live = [r for r in st.spans if not r.dropped]
    doc_names = {keys[r.start] for r in live if r.end - r.start == 1}
    # A person's ب/ل is cut only if the rest is a word of another name (لغوسكوف after أندريه
    # غوسكوف), not any word of the text (بوعلي is no ب + وعلي "and Ali").
    words_in_names = {keys[i] for r in live for i in range(r.start, r.end)}
    prev_end = -1
    prev_label = ""
    for r in live:
        # Names coordinated by و are of one kind (روسيا وكوبا); a person right after an
        # organisation is not coordinated with it (لدى الأمم المتحدة وانغ غوانغيا).
        coordinated = prev_end >= 0 and all(not t.text.strip() for t in toks[prev_end:r.start]) \
            and (r.label == "PER") == (prev_label == "PER")
        after_place = coordinated and prev_label in _PLACE_LABELS
        prev_end = r.end
        prev_label = r.label
        if r.end <= r.start:
            continue
        if r.clitic is not None:
            r.cut, base = r.clitic
        else:
            r.cut, base = clitic_cut(keys[r.start], r.label, gaz, doc_names,
                                     words_in_names if r.label == "PER" else doc_words,
                                     coordinated, after_place)
        first = toks[r.start].text
        if r.cut == 0 and len(first) > 2 and first[0] in "وفبلك" and first[1] in CLITIC_MARKS:
            r.cut = 1  # لـ"رويترز: the tatweel or quote after a letter marks it as a clitic
        elif r.cut < 2 and len(first) > 3 and first[0] in "وفبلك" and first[1] in "بلك" \
                and first[2] in CLITIC_MARKS:
            r.cut = 2  # للـ"جوهرة, وبـ"الناتو: two letters before the mark
        while r.cut < len(first) - 1 and first[r.cut] in CLITIC_MARKS:
            r.cut += 1
        # The name as a key: ل + ال keeps its article in the canonical name (للبحرية -> البحرية).
        name_words = [toks[r.start].text[r.cut:]] + [t.text for t in toks[r.start + 1:r.end]]
        tail = trailing_punct(toks[r.end - 1].text)
        if tail:
            name_words[-1] = name_words[-1][:-tail]
        elided_alef = base.startswith("ال") and not key(name_words[0]).startswith("ال")
        if elided_alef:
            name_words[0] = "ا" + name_words[0]
        if r.user is None:
            _link_place(r, base, keys, st.nisbas, text[toks[r.start].idx:toks[r.end - 1].idx
                                                       + len(toks[r.end - 1].text)])
        # The name as written (ميليك –باغداساروف keeps its spacing), whitespace runs collapsed.
        begin = toks[r.start].idx + r.cut
        end = toks[r.end - 1].idx + len(toks[r.end - 1].text) - trailing_punct(toks[r.end - 1].text)
        written = text[begin:end]
        if "#" in written or "_" in written:  # a hashtag's words (دونالد #ترمب, كوريا_الشمالية)
            written = written.replace("#", " ").replace("_", " ")
        written = " ".join(written.split())
        r.name = "ا" + written if elided_alef else written
    return doc


def _disambiguate(full_key: str, written: str, keys: list[str]) -> Place | None:
    """The reading of an ambiguous place name (:func:`~ner_ar.gazetteer.ambiguous_places`) the
    document gives evidence for; None when it gives none or evidence for both (no link)."""
    text_keys = " " + " ".join(k for k in keys if k) + " "
    found = [place for place, words, shadda in ambiguous_places()[full_key]
             if (shadda and "\u0651" in written) or any(f" {w} " in text_keys for w in words)]
    return found[0] if len(found) == 1 else None


def _link_place(r: RawSpan, base: str, keys: list[str], nisbas: list[NisbaSpan], written: str = "") -> None:
    """The gazetteer place a span names (a trailing nisba split off first), and its type. An
    ambiguous name (عمان: Oman or Amman) takes the reading the document gives evidence for (a
    shadda, the country named, سلطنة), or no link."""
    gaz = gazetteer()
    full_key = " ".join([base, *keys[r.start + 1:r.end]])
    r.place = gaz.places.get(full_key) if r.org is None else None
    if r.place is not None and full_key in ambiguous_places():
        r.place = _disambiguate(full_key, written, keys)
        if r.place is None:
            r.label = "GPE" if r.label in _RETYPE - {"ORG"} else r.label
            return
    if r.place is None and r.org is None and r.label in _SPLIT_NISBA | _RETYPE \
            and r.end - r.start > 1:
        found = nisba_at(keys, r.end - 1) if r.label != "PER" or definite(keys[r.end - 1]) else None
        if found and found[0] == r.end and r.label not in ("ORG", "MISC"):  # الدوري الإسباني is a name
            nisbas.append(NisbaSpan(r.end - 1, r.end, found[1], found[2]))
            r.end -= 1
            full_key = " ".join([base, *keys[r.start + 1:r.end]])
            r.place = gaz.places.get(full_key)
    if r.label == "PER":
        r.place = None
    elif r.place is not None and (r.label in _CITY_LABELS or r.place.kind == "country"):
        # A city's name is often an organisation's too (الشروق): only GPE/LOC/MISC become cities
        # (GPE: entity markup and the news names, never the tagger).
        r.label = "GPE"
    elif r.place is not None:
        r.place = None
