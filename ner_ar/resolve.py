"""Entity resolution within a document: clitic trimming with exact offsets, gazetteer typing and
linking, coreference by name, and nisba adjectives as mentions of their country.

The model's spans are first completed by :mod:`ner_ar.complete` (organisation gazetteer, state
bodies with a nisba, dash-joined surnames, common words dropped).

Input is the spaCy Doc whose ``ents`` hold the raw NER spans; output is a :class:`Resolution`
whose ``entities`` are the public :class:`~ner_ar.schema.Entity` objects and whose token maps let
the relation engine see, for every token, which entity (or nisba) it belongs to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from spacy.tokens import Doc, Token

from ner_ar.complete import DASHES, complete_spans, org_match
from ner_ar.gazetteer import Gazetteer, Organisation, Place, gazetteer
from ner_ar.relations.lexicon import clitic_variants, key, lexicons, token_key, trailing_punct
from ner_ar.schema import Entity, EntityType, Mention
from ner_ar.text import doc_text

# NER labels the gazetteer may promote to GPE (a person is never retyped).
_RETYPE = frozenset({"LOC", "ORG", "MISC"})
# Trailing nisbas split off these types (سوسة التونسية -> سوسة + nisba); an ORG keeps its nisba
# inside its name (البحرية الروسية) and gets an overlapping nisba mention.
_SPLIT_NISBA = frozenset({"GPE", "LOC", "FAC", "PER"})
_LEADING_NOISE = ("TITLE_GOV", "TITLE_DIPLO", "TITLE_JOB", "PORTFOLIO", "PERSON_NOUN")
_DESCRIPTORS = ("MEDIA", "PLACE_NOUN")
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})


@dataclass
class _Raw:
    label: str
    start: int  # token indices [start, end)
    end: int
    cut: int = 0  # characters trimmed off the first token (clitics)
    name: str = ""
    place: Place | None = None
    org: Organisation | None = None
    clitic: tuple[int, str] | None = None  # (cut, base key) found with ``org``


@dataclass
class Resolution:
    """What :func:`resolve` found; ``entities`` is the public result."""

    entities: list[Entity]
    token_entity: list[int | None]  #: token index -> index in ``entities`` of its name mention
    token_nisba: list[int | None]  #: token index -> index in ``entities`` of the nisba's country
    token_begin: list[bool]  #: token starts a mention
    places: dict[int, Place] = field(default_factory=dict)  #: entity index -> gazetteer entry
    #: the Doc's tokens, for the relation engine (building them again costs as much as resolving)
    tokens: list[Token] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)  #: each token's normalised key ('' = a break)


def _is_break(tok_text: str) -> bool:
    return not tok_text.strip()


def _known(k: str, gaz: Gazetteer) -> bool:
    return k in gaz.places or k in gaz.nisba


def _clitic_cut(k: str, label: str, gaz: Gazetteer, doc_names: set[str], doc_words: set[str],
                coordinated: bool, after_place: bool = False) -> tuple[int, str]:
    """Characters to cut off a name's first token, and the base key left.

    A name keeps its first letter when the whole word is known (gazetteer, another mention).
    Otherwise a proclitic is cut when what is left is known, or appears on its own elsewhere in
    the document (لغوسكوف after غوسكوف), or when the clitic is certain: before the article
    (والجيش, بالعراق, للبحرية) or before another clitic (ووليد). A lone و is cut only between
    coordinated names (روسيا وكوبا); otherwise the word is kept whole (وليد, واشنطن).
    """
    if _known(k, gaz):
        return 0, k
    variants = clitic_variants(k)
    for plen, base in variants:
        if plen and len(base) >= 3 and _known(base, gaz):
            return plen, base
    for plen, base in variants:
        if plen and base.startswith("ال") and len(base) > 3:
            return plen, base
    for plen, base in variants:
        if plen and len(base) >= 3 and (base in doc_names or (len(base) >= 4 and base in doc_words)):
            return plen, base
    # ف never coordinates names (فارس, فيصل): only و does, and و before another و/ف is one
    # (ووليد, وفيصل); ف before و is the name's own (فوزي, فوكوس).
    if k[:1] == "و" and len(k) > 3 and (k[1] in "وف" or coordinated):
        return 1, k[1:]
    # A place right after another place takes ب as "in" (جانت بإيليزي): cut it.
    if after_place and label != "PER" and k[:1] == "ب" and len(k) > 4:
        return 1, k[1:]
    # Organisation names rarely start with ب/ل, prepositions before them often do (لرويترز).
    if label == "ORG" and k[:1] in "بل" and len(k) > 4 and k not in lexicons()["ORG_NOUN"]:
        return 1, k[1:]
    return 0, k


@cache
def _nisba_first_words() -> frozenset[str]:
    return frozenset(form.split()[0] for form in gazetteer().nisba)


def resolve(doc: Doc) -> Resolution:
    """Resolve the raw entity spans of ``doc`` into one :class:`Entity` per referent."""
    gaz = gazetteer()
    lex = lexicons()
    first_words = _nisba_first_words()
    toks = list(doc)
    text = doc_text(doc)
    keys = [token_key(t.text) for t in toks]
    doc_words = set(keys)
    raws = [_Raw(s.label, s.start, s.end, org=s.org, clitic=s.clitic)
            for s in complete_spans(doc, keys)]
    doc_names = {keys[r.start] for r in raws if r.end - r.start == 1}
    # A person's ب/ل is cut only if the rest is a word of another name (لغوسكوف after أندريه
    # غوسكوف), not any word of the text (بوعلي is no ب + وعلي "and Ali").
    words_in_names = {keys[i] for r in raws for i in range(r.start, r.end)}
    nisba_spans: list[tuple[int, int, int, str]] = []  # (tok start, tok end, cut, iso2)

    def nisba_at(i: int) -> tuple[int, int, str] | None:
        """(end token, cut, iso2) of the longest nisba starting at token i."""
        if not any(base in first_words for _, base in clitic_variants(keys[i])):
            return None  # most tokens start no nisba: skip the n-gram lookups
        for n in range(min(3, len(toks) - i), 0, -1):
            if not all(keys[i:i + n]):
                continue
            rest = " ".join(keys[i + 1:i + n])
            for plen, base in clitic_variants(keys[i]):
                iso = gaz.nisba.get(f"{base} {rest}" if rest else base)
                if iso:
                    return i + n, plen, iso
        return None

    def in_lex(i: int, classes: tuple[str, ...]) -> int | None:
        for plen, base in clitic_variants(keys[i]):
            if any(base in lex[c] for c in classes):
                return plen
        return None

    prev_end = -1
    prev_label = ""
    for r in raws:
        while r.end > r.start and (_is_break(toks[r.end - 1].text) or toks[r.end - 1].is_punct):
            r.end -= 1
        while r.end - r.start > 1 and toks[r.start].is_punct:
            r.start += 1
        if r.org is None and r.end > r.start:
            # The organisation gazetteer types and links a span the model found (الناتو as LOC).
            known_org = org_match(keys, r.start, r.end)
            if known_org is not None:
                r.clitic, r.org = known_org[:2], known_org[2]
                r.label = "ORG"
        # Leading titles and descriptors are context, not name: المتحدث باسم، وكالة، مدينة.
        while r.org is None and r.end - r.start > 1:
            i = r.start
            if r.label == "PER" and (in_lex(i, _LEADING_NOISE) is not None or nisba_at(i)):
                found = nisba_at(i)
                if found and found[0] < r.end:
                    nisba_spans.append((i, found[0], found[1], found[2]))
                    r.start = found[0]
                    continue
                r.start += 1
            elif r.label != "PER" and in_lex(i, _DESCRIPTORS) is not None \
                    and not any(k.startswith(("ال", "لل")) for k in keys[i + 1:r.end]):
                # وكالة سبوتنيك -> سبوتنيك, but وكالة تونس افريقيا للأنباء is a name whole.
                r.start += 1
            else:
                break
        found = nisba_at(r.start) if r.end > r.start and r.org is None else None
        if found and found[0] == r.end and " ".join(keys[r.start:r.end]) not in gaz.places:
            # The model sometimes tags a bare nisba (الكوبيين): it is a mention of the country.
            nisba_spans.append((r.start, r.end, found[1], found[2]))
            r.end = r.start
            continue
        if r.end - r.start == 1 and (in_lex(r.start, _LEADING_NOISE + _DESCRIPTORS) is not None
                                     or toks[r.start].is_punct):
            r.end = r.start  # a title or descriptor alone names nobody
            continue
        # Names coordinated by و are of one kind (روسيا وكوبا); a person right after an
        # organisation is not coordinated with it (لدى الأمم المتحدة وانغ غوانغيا).
        coordinated = prev_end >= 0 and all(_is_break(t.text) for t in toks[prev_end:r.start]) \
            and (r.label == "PER") == (prev_label == "PER")
        after_place = coordinated and prev_label in _PLACE_LABELS
        prev_end = r.end
        prev_label = r.label
        if r.end <= r.start:
            continue
        if r.clitic is not None:
            r.cut, base = r.clitic
        else:
            r.cut, base = _clitic_cut(keys[r.start], r.label, gaz, doc_names,
                                      words_in_names if r.label == "PER" else doc_words,
                                      coordinated, after_place)
        # The name as a key: ل + ال keeps its article in the canonical name (للبحرية -> البحرية).
        name_words = [toks[r.start].text[r.cut:]] + [t.text for t in toks[r.start + 1:r.end]]
        tail = trailing_punct(toks[r.end - 1].text)
        if tail:
            name_words[-1] = name_words[-1][:-tail]
        elided_alef = base.startswith("ال") and not key(name_words[0]).startswith("ال")
        if elided_alef:
            name_words[0] = "ا" + name_words[0]
        full_key = " ".join([base, *keys[r.start + 1:r.end]])
        r.place = gaz.places.get(full_key) if r.org is None else None
        if r.place is None and r.org is None and r.label in _SPLIT_NISBA | _RETYPE \
                and r.end - r.start > 1:
            found = nisba_at(r.end - 1)
            if found and found[0] == r.end and r.label != "ORG":
                nisba_spans.append((r.end - 1, r.end, found[1], found[2]))
                r.end -= 1
                name_words.pop()
                full_key = " ".join([base, *keys[r.start + 1:r.end]])
                r.place = gaz.places.get(full_key)
        if r.label == "PER":
            r.place = None
        elif r.place is not None and (r.label in _RETYPE - {"ORG"} or r.place.kind == "country"):
            # A city's name is often an organisation's too (الشروق): only LOC/MISC become cities.
            r.label = "GPE"
        elif r.place is not None:
            r.place = None
        # The name as written (ميليك –باغداساروف keeps its spacing), whitespace runs collapsed.
        begin = toks[r.start].idx + r.cut
        end = toks[r.end - 1].idx + len(toks[r.end - 1].text) - trailing_punct(toks[r.end - 1].text)
        written = " ".join(text[begin:end].split())
        r.name = "ا" + written if elided_alef else written

    # Nisbas outside person names; inside an ORG they overlap its name (part_of evidence).
    in_name = [False] * len(toks)
    in_org = [False] * len(toks)
    for r in raws:
        for i in range(r.start, r.end):
            in_name[i] = True
            in_org[i] = r.label == "ORG" and r.org is None  # not منظمة الدول الأمريكية
    i = 0
    while i < len(toks):
        if keys[i] and (not in_name[i] or in_org[i]):
            found = nisba_at(i)
            if found and all(not in_name[j] or in_org[j] for j in range(i, found[0])):
                nisba_spans.append((i, found[0], found[1], found[2]))
                i = found[0]
                continue
        i += 1

    # Group name mentions into entities.
    ents: list[dict] = []
    by_key: dict[str, int] = {}
    by_kb: dict[str, int] = {}
    token_entity: list[int | None] = [None] * len(toks)
    token_nisba: list[int | None] = [None] * len(toks)
    token_begin = [False] * len(toks)

    def mention(s: int, e: int, cut: int, kind: str) -> Mention:
        start = toks[s].idx + cut
        end = toks[e - 1].idx + len(toks[e - 1].text) - trailing_punct(toks[e - 1].text)
        return Mention(start=start, end=end, text=text[start:end], kind=kind)

    for r in raws:
        if r.end <= r.start:
            continue
        k = key(r.name)
        idx: int | None = None
        kb_id = r.place.kb_id if r.place is not None else r.org.kb_id if r.org is not None else None
        if kb_id is not None:
            idx = by_kb.get(kb_id)
        if idx is None and k in by_key and (ents[by_key[k]]["type"] == "PER") == (r.label == "PER"):
            idx = by_key[k]
        if idx is None and r.label == "PER":
            words = k.split()
            for j, ent in enumerate(ents):
                if ent["type"] != "PER":
                    continue
                # A surname alone joins the full name met earlier; a full name joins a surname
                # met alone before it.
                if len(words) == 1 and any(len(n.split()) > 1 and n.split()[-1].lstrip(DASHES) == k
                                           for n in ent["keys"]):
                    idx = j
                    break
                if len(words) > 1 and ent["keys"] == {words[-1]}:
                    idx = j
                    break
        if idx is None:
            idx = len(ents)
            ents.append({"type": r.label, "names": [], "keys": set(), "mentions": [], "place": r.place,
                         "org": r.org})
        ent = ents[idx]
        ent["names"].append(r.name)
        ent["keys"].add(k)
        ent["mentions"].append(mention(r.start, r.end, r.cut, "name"))
        if r.place is not None:
            ent["place"] = r.place
            ent["type"] = "GPE" if ent["type"] != "PER" else "PER"
            by_kb[r.place.kb_id] = idx
        elif r.org is not None:
            ent["org"] = r.org
            ent["type"] = "ORG"
            by_kb[r.org.kb_id] = idx
        by_key[k] = idx
        for t in range(r.start, r.end):
            token_entity[t] = idx
        token_begin[r.start] = True

    named_countries = {e["place"].iso2 for e in ents if e["place"] and e["place"].kind == "country"}
    for s, e, cut, iso in nisba_spans:
        if iso in gaz.ambiguous_nisba and iso not in named_countries:
            continue
        country = gaz.countries[iso]
        idx = by_kb.get(country.kb_id)
        if idx is None:
            idx = len(ents)
            ents.append({"type": "GPE", "names": [], "keys": set(), "mentions": [], "place": country,
                         "org": None})
            by_kb[country.kb_id] = idx
        ents[idx]["mentions"].append(mention(s, e, cut, "nisba"))
        for t in range(s, e):
            token_nisba[t] = idx
        if token_entity[s] is None:
            token_begin[s] = True

    # Ids in order of first mention.
    order = sorted(range(len(ents)), key=lambda j: min(m.start for m in ents[j]["mentions"]))
    new_index = {old: new for new, old in enumerate(order)}
    entities: list[Entity] = []
    places: dict[int, Place] = {}
    for new, old in enumerate(order):
        ent = ents[old]
        mentions = sorted({(m.start, m.end, m.kind): m for m in ent["mentions"]}.values(),
                          key=lambda m: (m.start, m.end))
        place: Place | None = ent["place"]
        org: Organisation | None = ent["org"]
        name = max(ent["names"], key=lambda n: len(n.split()), default=place.name if place else "")
        kb_id = place.kb_id if place else org.kb_id if org else None
        entities.append(Entity(id=f"E{new + 1}", type=EntityType(ent["type"]), name=name,
                               mentions=mentions, kb_id=kb_id))
        if place is not None:
            places[new] = place
    remap = [None if v is None else new_index[v] for v in token_entity]
    remap_n = [None if v is None else new_index[v] for v in token_nisba]
    return Resolution(entities, remap, remap_n, token_begin, places, toks, keys)
