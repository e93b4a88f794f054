"""Resolution step 4, ``resolve.entities``: name mentions grouped into entities.

Mentions with the same knowledge-base link, or the same normalised name, are one entity; a
surname alone joins the full name met before it (and a full name joins a surname met alone
before it); nisbas become mentions of their country (an ambiguous nisba only when the country is
named). Entity ids follow the order of first mention. Reads ``DocState.spans`` and
``DocState.nisbas``; writes ``DocState.resolution``.
"""

from __future__ import annotations

from typing import Any

from spacy.tokens import Doc

from ner_ar.docstate import Resolution, state
from ner_ar.gazetteer import Organisation, Place, gazetteer
from ner_ar.keys import DASHES, key, trailing_punct
from ner_ar.resolve.confidence import NISBA_CONFIDENCE, span_confidence
from ner_ar.schema import Entity, EntityType, Mention


def group_entities(doc: Doc) -> Doc:
    """Build the document's entities and token maps (see the module docstring)."""
    st = state(doc)
    gaz = gazetteer()
    toks, text = st.tokens, st.text
    ents: list[dict[str, Any]] = []
    by_key: dict[str, int] = {}
    by_kb: dict[str, int] = {}
    token_entity: list[int | None] = [None] * len(toks)
    token_nisba: list[int | None] = [None] * len(toks)
    token_begin = [False] * len(toks)

    def mention(s: int, e: int, cut: int, kind: str) -> Mention:
        start = toks[s].idx + cut
        end = toks[e - 1].idx + len(toks[e - 1].text) - trailing_punct(toks[e - 1].text)
        return Mention(start=start, end=end, text=text[start:end], kind=kind)

    for r in st.spans:
        if r.end <= r.start:
            continue
        k = key(r.name)
        idx: int | None = None
        kb_id = r.user.kb_id if r.user is not None else r.place.kb_id if r.place is not None \
            else r.org.kb_id if r.org is not None else None
        if kb_id is not None:
            idx = by_kb.get(kb_id)
        if idx is None and k in by_key and (ents[by_key[k]]["type"] == "PER") == (r.label == "PER"):
            idx = by_key[k]
        if idx is None and r.label == "PER":
            idx = _person_by_name(ents, k)
        if idx is None:
            idx = len(ents)
            ents.append({"type": r.label, "names": [], "keys": set(), "mentions": [], "place": r.place,
                         "org": r.org, "user": r.user, "conf": 0.0})
        ent = ents[idx]
        ent["names"].append(r.name)
        ent["keys"].add(k)
        ent["mentions"].append(mention(r.start, r.end, r.cut, "name"))
        ent["conf"] = max(ent["conf"], span_confidence(r.source, r.label))
        if r.user is not None:
            ent["user"] = r.user
            ent["type"] = r.user.type
            if r.user.kb_id:
                by_kb[r.user.kb_id] = idx
        elif r.place is not None:
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
    for n in st.nisbas:
        if n.iso2 in gaz.ambiguous_nisba and n.iso2 not in named_countries:
            continue
        country = gaz.countries[n.iso2]
        idx = by_kb.get(country.kb_id)
        if idx is None:
            idx = len(ents)
            ents.append({"type": "GPE", "names": [], "keys": set(), "mentions": [], "place": country,
                         "org": None, "user": None, "conf": NISBA_CONFIDENCE})
            by_kb[country.kb_id] = idx
        ents[idx]["mentions"].append(mention(n.start, n.end, n.cut, "nisba"))
        for t in range(n.start, n.end):
            token_nisba[t] = idx
        if token_entity[n.start] is None:
            token_begin[n.start] = True

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
        user = ent["user"]
        name = user.name if user is not None else \
            max(ent["names"], key=lambda n: len(n.split()), default=place.name if place else "")
        kb_id = user.kb_id if user is not None and user.kb_id else place.kb_id if place \
            else org.kb_id if org else None
        entities.append(Entity(id=f"E{new + 1}", type=EntityType(ent["type"]), name=name,
                               mentions=mentions, kb_id=kb_id, confidence=round(ent["conf"], 3)))
        if place is not None:
            places[new] = place
    remap = [None if v is None else new_index[v] for v in token_entity]
    remap_n = [None if v is None else new_index[v] for v in token_nisba]
    st.resolution = Resolution(entities, remap, remap_n, token_begin, places, toks, st.keys)
    return doc


def _person_by_name(ents: list[dict[str, Any]], k: str) -> int | None:
    """The person a name joins: a surname alone joins the full name met earlier; a full name joins
    a surname met alone before it."""
    words = k.split()
    for j, ent in enumerate(ents):
        if ent["type"] != "PER":
            continue
        if len(words) == 1 and any(len(n.split()) > 1 and n.split()[-1].lstrip(DASHES) == k
                                   for n in ent["keys"]):
            return j
        if len(words) > 1 and ent["keys"] == {words[-1]}:
            return j
    return None
