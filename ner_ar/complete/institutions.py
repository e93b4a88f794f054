"""Local institutions placed by the town after them (``gazetteer/data/institutions.tsv``):
``المحكمة الابتدائية بسوسة``, ``المستشفى الجامعي الطاهر المعموري بنابل``, ``كلية الطب
بالمنستير``, ``الإدارة الجهوية للصحة بتونس``, ``المركز الثقافي الإسلامي في كيبيك``. The tagger
leaves such names out, or runs a person's span over the eponym and the town (``الحبيب [ثامر
ببوسالم]``); local news places its courts, hospitals, schools and stadiums this way.

The construction: a head noun (a proclitic and the article allowed), one to four qualifiers (a
qualifier row, a genitive with لل, a gazetteer nisba), optionally an eponym (a person's span, or
up to three rare untagged words), and right after it the place: a ب-proclitic place (``بنابل``),
``في`` and a place, or ``بمدينة``/``بولاية`` and a place. A FAC head may take a person's span as
its eponym without a qualifier (``مستشفى شارل نيكول بتونس``). Without the place a head and its
adjectives are a description (``المستشفى الجامعي``), left alone. The institution is evidence for
the town: an untagged gazetteer or region name after ب becomes a LOC span (``بالمستشفى الجهوي
بقبلي``). A person's or an institution's span ending in a ب-proclitic place (``[ثامر ببوسالم]``,
``[كلية الطب بالمنستير]``) loses that token to the place first."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache, lru_cache

from spacy.tokens import Doc

from ner_ar.complete.places import _places_by_first, place_nouns
from ner_ar.complete.spans import bases, owners
from ner_ar.docstate import RawSpan
from ner_ar.gazetteer import DATA, gazetteer, regions, word_freq
from ner_ar.keys import clitic_variants, key
from ner_ar.relations.lexicon import lexicons

_MAX_QUALIFIERS = 4
_MAX_EPONYM = 3
#: An untagged word of the eponym is rarer than this in the corpus counts (البيروني 50, المعموري 12;
#: الوحيد 2,104, الكبير 3,118 are descriptions).
_RARE = 1000
#: Letters of a place after ب: shorter rests are mostly not places (باور is no ب + أور).
_MIN_PLACE = 4
_PLACE_LABELS = frozenset({"GPE", "LOC"})


@cache
def institution_words() -> dict[str, frozenset[str]]:
    """The rows of ``institutions.tsv`` by kind (``fac_head``, ``org_head``, ``qualifier``),
    normalised; heads with and without the article."""
    out: dict[str, set[str]] = {}
    for line in (DATA / "institutions.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            kind, word = line.split("\t")
            k = key(word)
            out.setdefault(kind, set()).add(k)
            if kind.endswith("_head"):
                out[kind].add("ال" + k)
    return {kind: frozenset(words) for kind, words in out.items()}


@lru_cache(maxsize=1 << 16)
def _head_type(k: str) -> str | None:
    """FAC or ORG when token key ``k`` is a head of ``institutions.tsv`` (a proclitic allowed)."""
    words = institution_words()
    for b in bases(k):
        if b in words["fac_head"]:
            return "FAC"
        if b in words["org_head"]:
            return "ORG"
    return None


def _untagged_b_place(keys: Sequence[str], c: int) -> int | None:
    """End of the gazetteer or region name after the proclitic ب at token ``c`` (``بنابل``), or
    None; not a name of its own that starts with ب (``بنزرت``, ``بوسالم``)."""
    k = keys[c]
    if not k.startswith("ب") or len(k) <= _MIN_PLACE:
        return None
    by_first, regs = _places_by_first(False), regions()
    if k in by_first or k in regs:
        return None
    for plen, base in clitic_variants(k):
        if "ب" not in k[:plen] or "ك" in k[:plen] or len(base) < _MIN_PLACE:
            continue
        if base in regs:
            return c + 1
        for rest in by_first.get(base, ()):
            j = c + 1 + len(rest)
            if j <= len(keys) and tuple(keys[c + 1:j]) == rest:
                return j
    return None


def _place_cue(keys: Sequence[str], owner: list[int], spans: list[RawSpan], c: int) -> int | None:
    """A place starts at token ``c`` (``بنابل``, ``في كيبيك``, ``بمدينة كيبيك``, ``في مدينة
    كيبيك``): 0 when it is a span already, the end of an untagged gazetteer name after ب (the
    institution is the evidence that names the town: ``بالمستشفى الجهوي بقبلي``), else None."""
    if c >= len(keys) or not keys[c]:
        return None
    k = keys[c]
    if k.startswith("ب") and len(k) > _MIN_PLACE:
        if owner[c] != -1:
            s = spans[owner[c]]
            if s.start == c and s.label in _PLACE_LABELS:
                return 0
        elif (end := _untagged_b_place(keys, c)) is not None:
            return end
    nouns = place_nouns()
    j = c
    if k == "في":
        j += 1
        if j < len(keys) and keys[j] in nouns:
            j += 1
    elif k.startswith("ب") and k[1:] in nouns:
        j += 1
    else:
        return None
    ok = j < len(keys) and owner[j] != -1 and spans[owner[j]].start == j \
        and spans[owner[j]].label in _PLACE_LABELS
    return 0 if ok else None


def _split_places(keys: Sequence[str], spans: list[RawSpan]) -> list[RawSpan]:
    """A person's span of two words or more, or an institution's (its first word a head), that
    ends in a ب-proclitic place (``[ثامر ببوسالم]``, ``[كلية الطب بالمنستير]``) ends before it; the
    place becomes a LOC span."""
    out: list[RawSpan] = []
    changed = False
    for s in spans:
        last = s.end - 1
        if s.end - s.start >= 2 and s.user is None \
                and (s.label == "PER" or (s.label in ("ORG", "FAC") and _head_type(keys[s.start]))) \
                and _untagged_b_place(keys, last) == s.end:
            if s.label == "PER" or last - s.start > 1:
                out.append(RawSpan(s.label, s.start, last))
            # else the head alone is no name (غارة على [مستشفى بعفرين]): only the town stays
            out.append(RawSpan("LOC", last, s.end))
            changed = True
        else:
            out.append(s)
    return out if changed else spans


def add_local_institutions(doc: Doc, keys: Sequence[str], spans: list[RawSpan]) -> list[RawSpan]:
    """One FAC or ORG span per head + qualifiers (+ eponym) right before a place (see the module
    docstring); the person spans inside the eponym give way."""
    words = institution_words()
    if not any(_head_type(k) for k in keys if k):
        return spans
    spans = _split_places(keys, spans)
    qualifiers = words["qualifier"]
    nisba = gazetteer().nisba
    freq = word_freq()
    lex = lexicons()
    stop = lex["TIME_WORD"] | lex["COMMON_WORD"] | lex["PREPOSITION"] | lex["BARRIER"]
    owner = owners(len(keys), spans)
    drop: set[int] = set()
    added: list[RawSpan] = []
    i = 0
    while i < len(keys):
        label = _head_type(keys[i]) if keys[i] and owner[i] == -1 else None
        if label is None:
            i += 1
            continue
        j = i + 1
        while j < len(keys) and j - i <= _MAX_QUALIFIERS and owner[j] == -1 and keys[j] \
                and (keys[j] in qualifiers or keys[j] in nisba
                     or (keys[j].startswith("لل") and len(keys[j]) > 4)):
            j += 1
        found: tuple[int, set[int]] | None = None
        town: int | None = None
        qualified = j > i + 1
        if qualified and (town := _place_cue(keys, owner, spans, j)) is not None:
            found = (j, set())
        elif qualified or label == "FAC":
            # an eponym: persons' spans and (after a qualifier) rare untagged words
            e, covered = j, set()
            while e < len(keys) and e - j < _MAX_EPONYM and keys[e]:
                k = owner[e]
                if k != -1 and spans[k].start == e and spans[k].label == "PER" \
                        and spans[k].end - j <= _MAX_EPONYM:
                    covered.add(k)
                    e = spans[k].end
                elif k == -1 and qualified and keys[e] not in stop and keys[e] not in nisba \
                        and freq.get(keys[e], 0) < _RARE:
                    e += 1
                else:
                    break
                if (town := _place_cue(keys, owner, spans, e)) is not None:
                    found = (e, covered)
                    break
        if found is None:
            i += 1
            continue
        end, covered = found
        drop |= covered
        added.append(RawSpan(label, i, end))
        if town:
            added.append(RawSpan("LOC", end, town))
        i = max(end, town or 0)
    if not added:
        return spans
    return [s for n, s in enumerate(spans) if n not in drop] + added
