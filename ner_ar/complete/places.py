"""A well-known place of the gazetteer (every country, large cities) becomes a LOC span where the
tagger missed it (``لهافانا``), and a name the tagger cut in pieces (``[الكوت] [ديفوار]``) one span;
any gazetteer place right after a town or region noun (``مدينة درعا``) becomes a LOC span."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from spacy.tokens import Doc

from ner_ar.complete.spans import Proposal, bases, inside, nisba_adjective, owners, replace_scan, starts_of
from ner_ar.docstate import RawSpan
from ner_ar.gazetteer import gazetteer, regions, word_list
from ner_ar.keys import clitic_variants
from ner_ar.relations.lexicon import lexicons

_PLACE_PIECES = frozenset({"LOC", "MISC"})


@cache
def _places_by_first(well_known: bool) -> dict[str, list[tuple[str, ...]]]:
    """First word -> [other words], longest first, for the gazetteer's well-known places (or for
    all its places)."""
    out: dict[str, list[tuple[str, ...]]] = {}
    lex = lexicons()
    gaz = gazetteer()
    for k in (gaz.well_known if well_known else gaz.places.keys()) - lex["COMMON_WORD"] \
            - lex["PLACE_STOP"]:
        words = k.split()
        if len(words) > 1 and words[0] in lex["PLACE_NOUN"]:
            continue  # دولة الكويت: the place noun is no part of the name; الكويت is spotted
        out.setdefault(words[0], []).append(tuple(words[1:]))
    for lst in out.values():
        lst.sort(key=lambda rest: -len(rest))
    return out


def place_at(keys: Sequence[str], i: int, well_known: bool) -> int | None:
    """End token of the longest place name at token ``i``; a proclitic و ف ب ل may come first
    (not ك: كبيرا is no كـبيرا)."""
    by_first = _places_by_first(well_known)
    best: int | None = None
    stop = lexicons()["PLACE_STOP"]
    if keys[i] in stop:
        return None
    for base in bases(keys[i]):
        if len(base) < 3 or base in stop:
            continue
        for rest in by_first.get(base, ()):
            j = i + 1 + len(rest)
            if j <= len(keys) and tuple(keys[i + 1:j]) == rest:
                best = max(best or 0, j)
                break  # longest first
    return best


def add_gazetteer_places(doc: Doc, keys: Sequence[str], spans: list[RawSpan]) -> list[RawSpan]:
    """LOC spans for well-known places outside the model's spans; the model's LOC/MISC pieces of
    any gazetteer place give way to its whole name (``[سيدي] [بوزيد]``). A name next to a
    person's span is left alone (it may be part of the name)."""
    def propose(i: int, owner: list[int]) -> Proposal | None:
        if not keys[i] or (owner[i] != -1 and spans[owner[i]].start != i):
            return None
        # Where the model saw a place, any gazetteer name may join its pieces; elsewhere only a
        # well-known one is spotted.
        end = place_at(keys, i, well_known=owner[i] == -1)
        if end is None:
            return None
        covered = inside(owner, i, end)
        pieces = all(spans[k].label in _PLACE_PIECES and spans[k].end <= end for k in covered)
        done = any((spans[k].start, spans[k].end) == (i, end) for k in covered)
        beside_person = any(0 <= t < len(keys) and owner[t] != -1 and spans[owner[t]].label == "PER"
                            for t in (i - 1, end))
        if not pieces or done or beside_person or nisba_adjective(keys, i, end):
            return None
        return RawSpan("LOC", i, end), covered

    return replace_scan(len(keys), spans, propose, starts_of(keys, _places_by_first(False)))


def place_nouns() -> frozenset[str]:
    """Normalised nouns of ``gazetteer/data/place_nouns.txt``."""
    return word_list("place_nouns.txt")


def add_places_after_nouns(doc: Doc, keys: Sequence[str], spans: list[RawSpan]) -> list[RawSpan]:
    """LOC spans for gazetteer places of any size right after a noun of ``place_nouns.txt``
    (``مدينة درعا``, ``بولاية سليانة``) where the tagger found nothing; the name as written, with
    no proclitic of its own."""
    nouns = place_nouns()
    places = gazetteer().places
    stop = lexicons()["COMMON_WORD"] | lexicons()["PLACE_STOP"]
    owner = owners(len(keys), spans)
    added: list[RawSpan] = []
    for i in range(len(keys) - 1):
        if not keys[i] or owner[i] != -1 or not any(b in nouns for b in bases(keys[i])):
            continue
        j = i + 1
        end = place_at(keys, j, well_known=False)
        if end is None or any(owner[t] != -1 for t in range(j, end)) \
                or " ".join(keys[j:end]) not in places or keys[j] in stop \
                or (end < len(keys) and owner[end] != -1 and spans[owner[end]].label == "PER"):
            continue
        added.append(RawSpan("LOC", j, end))
    return spans + added if added else spans


@cache
def _regions_by_first() -> dict[str, list[tuple[tuple[str, ...], str]]]:
    """First word -> [(other words, full key)], longest first, for the names of ``regions.tsv``."""
    out: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for k in regions():
        words = k.split()
        out.setdefault(words[0], []).append((tuple(words[1:]), k))
    for lst in out.values():
        lst.sort(key=lambda item: -len(item[0]))
    return out


def _region_at(keys: Sequence[str], i: int) -> tuple[int, str, str] | None:
    """(end token, proclitic, full key) of the longest region name at token ``i``."""
    by_first = _regions_by_first()
    for plen, base in clitic_variants(keys[i]):
        if "ك" in keys[i][:plen]:
            continue
        for rest, full in by_first.get(base, ()):
            j = i + 1 + len(rest)
            if j <= len(keys) and tuple(keys[i + 1:j]) == rest:
                return j, keys[i][:plen], full
    return None


def _countries_named(keys: Sequence[str]) -> set[str]:
    """ISO codes of the countries a document names in one word, or by a one-word nisba."""
    gaz = gazetteer()
    found: set[str] = set()
    for k in set(keys):
        for b in bases(k) if k else ():
            place = gaz.places.get(b)
            if place is not None and place.kind == "country":
                found.add(place.iso2)
            elif b in gaz.nisba and gaz.nisba[b] not in gaz.ambiguous_nisba:
                found.add(gaz.nisba[b])
    return found


def add_region_places(doc: Doc, keys: Sequence[str], spans: list[RawSpan]) -> list[RawSpan]:
    """Governorates, provinces and towns of ``regions.tsv`` (``بمعتمدية بن قردان``, ``جندوبة``)
    become LOC spans where the tagger found nothing, and a tagger's span of exactly the name (``[بن
    قردان]`` as a person) is retyped LOC; the tagger's place pieces inside a longer name give way
    to it (``ذي [قار]``). A name that is also a word or a person's name needs
    evidence (its evidence level): the country or another of its sure places named in the
    document, and/or a cue right before it (a place noun, في, a proclitic ب or ل, or و joining it to
    an accepted name of the same country: ``مكثر والروحية``)."""
    found: list[tuple[int, int, str, str]] = []
    for i in starts_of(keys, _regions_by_first()):
        if (hit := _region_at(keys, i)) is not None:
            found.append((i, *hit))
    if not found:
        return spans
    regs = regions()
    named = _countries_named(keys) | {regs[full][0].iso2 for *_, full in found if regs[full][1] == 0}
    nouns = place_nouns()
    ok: dict[int, tuple[int, int]] = {}
    last = (-1, "")  # end and country of the latest accepted name
    for i, end, proclitic, full in found:
        place, level = regs[full]
        before = keys[i - 1] if i > 0 else ""
        noun = bool(before) and any(b in nouns for b in bases(before))
        # joined by و to an accepted name of the same country: بين معتمديتي مكثر والروحية
        joined = proclitic.startswith("و") and last == (i, place.iso2)
        cue = noun or before == "في" or "ب" in proclitic or joined
        if level == 1:
            good = place.iso2 in named or cue or "ل" in proclitic
        else:
            good = level == 0 or (place.iso2 in named and cue)
        if good:
            ok[i] = (end, level)
            last = (end, place.iso2)

    def propose(i: int, owner: list[int]) -> Proposal | None:
        if i not in ok:
            return None
        end, _level = ok[i]
        covered = inside(owner, i, end)
        if not covered:
            beside_person = any(0 <= t < len(keys) and owner[t] != -1 and spans[owner[t]].label == "PER"
                                for t in (i - 1, end))
            return None if beside_person else (RawSpan("LOC", i, end), covered)
        if len(covered) == 1:
            s = spans[next(iter(covered))]
            if (s.start, s.end) == (i, end) and s.label in ("PER", "ORG", "MISC"):
                return RawSpan("LOC", i, end), covered
        # the tagger's place pieces of a longer name (ذي [قار]) give way to it
        if end - i > 1 and all(spans[k].label in _PLACE_PIECES | {"GPE"} and spans[k].start >= i
                               and spans[k].end <= end and spans[k].user is None for k in covered):
            return RawSpan("LOC", i, end), covered
        return None

    return replace_scan(len(keys), spans, propose, sorted(ok))
