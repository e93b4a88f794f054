"""Offline gazetteer: countries (CLDR, ISO 3166), cities (geonames), nisba adjectives, and
well-known international organisations (``organisations.tsv``, hand-written).

Everything is keyed by :func:`ner_ar.text.normalize_key` and loaded once per process.
Regenerate the data files with ``python -m ner_ar.gazetteer.build_data``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ner_ar.text import normalize_key

DATA = Path(__file__).parent / "data"


@cache
def word_list(name: str) -> frozenset[str]:
    """Normalised keys of a one-word-a-line list in ``gazetteer/data/`` (``#`` starts a comment
    line), such as ``place_nouns.txt`` or ``name_particles.txt``."""
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return frozenset(normalize_key(w.strip()) for w in lines if w.strip() and not w.startswith("#"))
WELL_KNOWN_POPULATION = 500_000


@dataclass(frozen=True)
class Place:
    """A gazetteer entry: a country or a city."""

    kind: str  #: "country" or "city"
    iso2: str  #: the country's ISO 3166 alpha-2 code (for a city: its country's)
    name: str  #: canonical Arabic name
    kb_id: str  #: "iso3166:RU" or "geonames:524901"
    population: int = 0  #: cities only (geonames); 0 for countries


@dataclass(frozen=True)
class Gazetteer:
    places: dict[str, Place]  #: normalised name -> place (a country wins over a city)
    countries: dict[str, Place]  #: iso2 -> country
    nisba: dict[str, str]  #: normalised nisba form -> iso2
    ambiguous_nisba: frozenset[str]  #: iso2 codes whose nisba forms are also common words
    max_words: int  #: longest name or nisba, in words
    #: names safe to spot without the model: every country name, and for cities of at least
    #: WELL_KNOWN_POPULATION their canonical and hand-written names (geonames' alternate names
    #: include common words: رقه، ابا)
    well_known: frozenset[str] = frozenset()

    def place(self, name: str) -> Place | None:
        return self.places.get(normalize_key(name))

    def nisba_country(self, form: str) -> str | None:
        return self.nisba.get(normalize_key(form))


def _rows(name: str) -> list[list[str]]:
    with open(DATA / name, encoding="utf-8") as f:
        return [line.rstrip("\n").split("\t") for line in f if line.strip() and not line.startswith("#")]


@cache
def gazetteer() -> Gazetteer:
    """The gazetteer, loaded from ``ner_ar/gazetteer/data`` on first use."""
    places: dict[str, Place] = {}
    countries: dict[str, Place] = {}
    well_known = {normalize_key(n) for kind, _iso, _en, names in _rows("places_extra.tsv")
                  if kind == "city" for n in names.split("|")}
    for iso, _gid, names in _rows("countries.tsv"):
        alias = names.split("|")
        country = Place("country", iso, alias[0], f"iso3166:{iso}")
        countries[iso] = country
        for n in alias:
            places[normalize_key(n)] = country
            well_known.add(normalize_key(n))
    # cities.tsv is sorted by population: the first city to claim a name keeps it.
    for gid, iso, pop, names in _rows("cities.tsv"):
        alias = names.split("|")
        city = Place("city", iso, alias[0], f"geonames:{gid}", int(pop or 0))
        for n in alias:
            places.setdefault(normalize_key(n), city)
        if city.population >= WELL_KNOWN_POPULATION:
            well_known.add(normalize_key(alias[0]))
    nisba: dict[str, str] = {}
    ambiguous: set[str] = set()
    for iso, forms, flag in _rows("nisba.tsv"):
        if flag == "1":
            ambiguous.add(iso)
        for f in forms.split("|"):
            nisba[normalize_key(f)] = iso
    for iso, forms in _rows("nisba_plural.tsv"):
        for f in forms.split("|"):
            nisba[normalize_key("ال" + f)] = iso
    # Duals, regular like the plurals but not in nisba.tsv: الأمريكيتين, الأمريكيتان, الأمريكيان
    # (ولايتي أيوا وإيلينوي الأميركيتين). The masculine oblique dual (الأمريكيين) is the plural's form.
    for k, iso in list(nisba.items()):
        if k.endswith("يه"):
            for dual in (k[:-1] + "تين", k[:-1] + "تان"):
                nisba.setdefault(dual, iso)
        elif k.endswith("ي"):
            nisba.setdefault(k + "ان", iso)
    # Hand-written regions (regions.tsv) override a geonames city of the same name, never a country.
    for k, (region, _evidence) in regions().items():
        if places.get(k) is None or places[k].kind != "country":
            places[k] = region
    max_words = max(len(k.split()) for k in [*places, *nisba])
    well_known &= places.keys()
    return Gazetteer(places, countries, nisba, frozenset(ambiguous), max_words,
                     frozenset(well_known))


@cache
def regions() -> dict[str, tuple[Place, int]]:
    """Normalised name -> (place, evidence level) for the governorates, provinces and towns of
    ``regions.tsv``: level 0 is safe anywhere, 1 and 2 need evidence in the document (read by
    ``complete.regions``). A town of ``cities.tsv`` keeps its geonames id and population."""
    population = {gid: int(pop or 0) for gid, _iso, pop, _names in _rows("cities.tsv")}
    out: dict[str, tuple[Place, int]] = {}
    for iso, gid, evidence, english, names in _rows("regions.tsv"):
        alias = names.split("|")
        kb_id = f"geonames:{gid}" if gid else f"region:{iso.lower()}:{english.lower().replace(' ', '_')}"
        place = Place("city", iso, alias[0], kb_id, population.get(gid, 0))
        for n in alias:
            out[normalize_key(n)] = (place, int(evidence))
    return out


@dataclass(frozen=True)
class Organisation:
    """An international organisation, alliance, bloc or agency from ``organisations.tsv``."""

    kind: str  #: "alliance", "bloc", "un_agency", ...
    name: str  #: canonical Arabic name
    kb_id: str  #: "wikidata:Q7184" or "org:unicef"


@dataclass(frozen=True)
class OrgGazetteer:
    names: dict[str, Organisation]  #: normalised name -> organisation
    #: normalised first word -> [(the other words, organisation)], longest first
    by_first: dict[str, list[tuple[tuple[str, ...], Organisation]]]


@cache
def organisations() -> OrgGazetteer:
    """The organisation gazetteer, loaded from ``organisations.tsv`` on first use."""
    names: dict[str, Organisation] = {}
    for kb_id, kind, aliases in _rows("organisations.tsv"):
        alias = aliases.split("|")
        org = Organisation(kind, alias[0], kb_id)
        for n in alias:
            k = normalize_key(n)
            if k in names and names[k] != org:
                raise ValueError(f"organisations.tsv: {n!r} names two organisations")
            names[k] = org
        for n in alias:
            # A foreign name often takes the article in Arabic (الأسوشيتد برس): derived, never
            # overriding a written name.
            k = normalize_key(n)
            if " " in k and not k.startswith("ال"):
                names.setdefault("ال" + k, org)
    by_first: dict[str, list[tuple[tuple[str, ...], Organisation]]] = {}
    for k, org in names.items():
        words = k.split()
        by_first.setdefault(words[0], []).append((tuple(words[1:]), org))
    for lst in by_first.values():
        lst.sort(key=lambda item: -len(item[0]))
    return OrgGazetteer(names, by_first)


@cache
def word_freq() -> dict[str, int]:
    """Normalised word -> count in 16M tokens of news and Wikipedia (``word_freq.tsv``, built by
    ``benchmarks/build_word_freq.py``)."""
    return {w: int(n) for w, n in _rows("word_freq.tsv")}


@cache
def ambiguous_places() -> dict[str, list[tuple[Place, tuple[str, ...], bool]]]:
    """Normalised name -> its readings (``ambiguous_places.tsv``): ``(place, evidence keys, a
    shadda is evidence)``; evidence keys may be several words."""
    out: dict[str, list[tuple[Place, tuple[str, ...], bool]]] = {}
    for name, kb_id, kind, iso2, canonical, evidence in _rows("ambiguous_places.tsv"):
        words = evidence.split("|")
        out.setdefault(normalize_key(name), []).append(
            (Place(kind, iso2, canonical, kb_id),
             tuple(normalize_key(w) for w in words if w != "shadda"), "shadda" in words))
    return out
