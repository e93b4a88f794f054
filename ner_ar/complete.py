"""Completing the NER model's spans before resolution, from data files rather than the model.

Each function has one job and works on token indices of the spaCy Doc and the tokens'
normalised keys (:func:`~ner_ar.relations.lexicon.token_key`, '' for a blank token):

- :func:`join_dash_surnames`: a compound surname glued to a dash (``سيرغي ميليك –باغداساروف``)
  stays in the person's span;
- :func:`drop_common_words`: a one-token MISC/ORG that is a common word (``أفكارك``) is dropped;
- :func:`split_place_from_person`: after a title, a place the model put at the head of a
  person's span (``والي [نابل منور الورتاني]``) is split off;
- :func:`split_at_part_of`: a span the model ran across ``التابع ل`` (``مجلس الأمن التابع للأمم
  المتحدة``) becomes the two organisations it names;
- :func:`add_gazetteer_orgs`: names from ``gazetteer/data/organisations.tsv`` (``الناتو``,
  ``والأمم المتحدة``) become ORG spans where the model missed them;
- :func:`add_state_orgs`: a state body with the article and its state's nisba
  (``للبحرية الروسية``, ``وزارة الدفاع الأمريكية``) becomes an ORG span;
- :func:`add_spoken_for_bodies`: the body after ``باسم`` (``المتحدث باسم المحكمة الابتدائية``)
  becomes an ORG span where the model missed it;
- :func:`add_gazetteer_places`: a well-known place (every country, large cities: see
  :attr:`~ner_ar.gazetteer.Gazetteer.well_known`) becomes a LOC span where the model missed it
  (``لهافانا``), and a name the model cut in pieces (``[الكوت] [ديفوار]``) becomes one span;
- :func:`add_repeated_names`: a person, organisation or place the model found in one sentence
  becomes a span where it recurs, untagged, elsewhere in the document (``لاريجاني``).

:func:`complete_spans` runs them in that order; :func:`org_match` types and links a span the model
found itself. Clitics are not cut here: :mod:`ner_ar.resolve` trims them with exact offsets.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

from spacy.tokens import Doc

from ner_ar.gazetteer import Organisation, gazetteer, organisations
from ner_ar.relations.lexicon import clitic_variants, lexicons

DASHES = "–—-ـ"
_SUFFIXES = ("كما", "كم", "كن", "هما", "هم", "هن", "ها", "نا", "ك", "ه", "ي")
_DROPPABLE = frozenset({"MISC", "ORG"})
_PLACE_PIECES = frozenset({"LOC", "MISC"})


@dataclass
class RawSpan:
    """An entity span over tokens ``[start, end)``, from the model or from this module."""

    label: str
    start: int
    end: int
    org: Organisation | None = None  #: the organisation gazetteer's entry, when it names one
    clitic: tuple[int, str] | None = None  #: (characters to cut, base key) found with ``org``


def complete_spans(doc: Doc, keys: Sequence[str]) -> list[RawSpan]:
    """The model's entity spans of ``doc``, completed; sorted, never overlapping."""
    spans = [RawSpan(e.label_, e.start, e.end) for e in doc.ents]
    spans = join_dash_surnames(doc, spans)
    spans = drop_common_words(keys, spans)
    spans = split_at_part_of(keys, spans)
    spans = split_place_from_person(keys, spans)
    spans = add_gazetteer_orgs(keys, spans)
    spans = add_state_orgs(keys, spans)
    spans = add_spoken_for_bodies(keys, spans)
    spans = add_gazetteer_places(keys, spans)
    spans = add_repeated_names(keys, spans)
    return sorted(spans, key=lambda s: s.start)


def _owners(n: int, spans: Sequence[RawSpan]) -> list[int]:
    """Token index -> index in ``spans`` of the span covering it, or -1."""
    owner = [-1] * n
    for k, s in enumerate(spans):
        for t in range(s.start, s.end):
            owner[t] = k
    return owner


Proposal = tuple[RawSpan, set[int]]


def _replace_scan(n: int, spans: list[RawSpan],
                  propose: Callable[[int, list[int]], Proposal | None]) -> list[RawSpan]:
    """Walk tokens left to right; where ``propose(i, owner)`` returns a span starting at ``i`` with
    the model spans it covers, those give way to it and the walk resumes after it. ``owner`` maps
    each token to the index of the model span covering it, or -1."""
    owner = _owners(n, spans)
    drop: set[int] = set()
    added: list[RawSpan] = []
    i = 0
    while i < n:
        proposal = propose(i, owner)
        if proposal is None:
            i += 1
            continue
        new, covered = proposal
        drop |= covered
        added.append(new)
        i = new.end
    return [s for k, s in enumerate(spans) if k not in drop] + added


def _inside(owner: list[int], start: int, end: int) -> set[int]:
    """Indices of the model spans over tokens ``[start, end)``."""
    return {owner[t] for t in range(start, end)} - {-1}


def _bases(k: str) -> list[str]:
    """The token's key less each proclitic reading (و ف ب ل; not ك: كبيرا is no كـبيرا), itself
    last."""
    return [base for plen, base in clitic_variants(k) if "ك" not in k[:plen]]


# -- dash-joined surnames ------------------------------------------------------------------------

def _dash_word_end(doc: Doc, j: int) -> int | None:
    """End token of a word glued to a dash that starts at token ``j`` (``–باغداساروف`` as one
    token, or ``–`` then ``باغداساروف`` with nothing between), or None."""
    if j >= len(doc):
        return None
    tok = doc[j]
    if tok.text[0] not in DASHES:
        return None
    if len(tok.text) > 1:
        return j + 1 if tok.text.lstrip(DASHES)[:1].isalpha() else None
    if not tok.whitespace_ and j + 1 < len(doc) and doc[j + 1].text[0].isalpha():
        return j + 2
    return None


def join_dash_surnames(doc: Doc, spans: list[RawSpan]) -> list[RawSpan]:
    """A PER span followed (only spaces between, no line break) by a word glued to a dash takes
    that word in: ``سيرغي ميليك –باغداساروف``. A dash with spaces on both sides separates."""
    out: list[RawSpan] = []
    k = 0
    while k < len(spans):
        s = spans[k]
        k += 1
        j = s.end
        if s.label == "PER" and "\n" not in doc[s.end - 1].whitespace_:
            while j < len(doc) and doc[j].is_space and "\n" not in doc[j].text:
                j += 1
            end = _dash_word_end(doc, j)
            if end is not None:
                s.end = end
                # A span the model started on the glued word is part of the name.
                while k < len(spans) and spans[k].start < s.end:
                    nxt = spans[k]
                    if nxt.end <= s.end or nxt.label == "PER":
                        s.end = max(s.end, nxt.end)
                        k += 1
                    else:
                        nxt.start = s.end
                        break
        out.append(s)
    return out


# -- common words --------------------------------------------------------------------------------

def _stems(k: str) -> list[str]:
    """The word, and the word less one possessive suffix (افكارك -> افكار)."""
    return [k] + [k[:-len(s)] for s in _SUFFIXES if k.endswith(s) and len(k) - len(s) >= 3]


def drop_common_words(keys: Sequence[str], spans: list[RawSpan]) -> list[RawSpan]:
    """Drop one-token MISC/ORG spans whose word is in the COMMON_WORD lexicon."""
    common = lexicons()["COMMON_WORD"]

    def common_word(k: str) -> bool:
        return any(stem in common for _, base in clitic_variants(k) for stem in _stems(base))

    return [s for s in spans if not (s.label in _DROPPABLE and s.end - s.start == 1
                                     and keys[s.start] and common_word(keys[s.start]))]


# -- two organisations in one span ---------------------------------------------------------------

def split_at_part_of(keys: Sequence[str], spans: list[RawSpan]) -> list[RawSpan]:
    """Cut a non-person span at a PART_OF word followed by a ل-prefixed word: both sides become
    ORG spans, the PART_OF word between them (the part_of rule's cue)."""
    cue = lexicons()["PART_OF"]
    out: list[RawSpan] = []
    for s in spans:
        cut = next((p for p in range(s.start + 1, s.end - 1)
                    if keys[p] in cue and keys[p + 1].startswith("ل")), None)
        if s.label == "PER" or cut is None:
            out.append(s)
            continue
        out += [RawSpan("ORG", s.start, cut), RawSpan("ORG", cut + 1, s.end)]
    return out


def split_place_from_person(keys: Sequence[str], spans: list[RawSpan]) -> list[RawSpan]:
    """A PER span right after a TITLE_LOCAL word (``والي``, ``محافظ``) that starts with a gazetteer
    place and goes on for two words or more becomes that place (LOC) and the person:
    ``والي نابل منور الورتاني``."""
    titles = lexicons()["TITLE_LOCAL"]
    out: list[RawSpan] = []
    for s in spans:
        cut = _place_at(keys, s.start, well_known=False) \
            if s.label == "PER" and s.start > 0 and keys[s.start - 1] in titles else None
        if cut is None or s.end - cut < 2:
            out.append(s)
            continue
        out += [RawSpan("LOC", s.start, cut), RawSpan("PER", cut, s.end)]
    return out


# -- the organisation gazetteer ------------------------------------------------------------------

def _another_body(keys: Sequence[str], end: int) -> bool:
    """A gazetteer name ending before token ``end`` names another, national body when a nisba or
    a qualifier follows: مجلس الأمن القومي، مجلس الأمن الروسي."""
    return end < len(keys) and (keys[end] in lexicons()["ORG_QUALIFIER"]
                                or _nisba_end(keys, end) is not None)


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


def _nisba_end(keys: Sequence[str], i: int) -> tuple[int, str] | None:
    """(end token, iso2) of the longest nisba starting exactly at token ``i`` (no proclitic)."""
    gaz = gazetteer()
    for n in range(min(3, len(keys) - i), 0, -1):
        words = keys[i:i + n]
        if all(words):
            iso = gaz.nisba.get(" ".join(words))
            if iso:
                return i + n, iso
    return None


def add_gazetteer_orgs(keys: Sequence[str], spans: list[RawSpan]) -> list[RawSpan]:
    """ORG spans for gazetteer names outside the model's spans. A name followed by a nisba or a
    qualifier (مجلس الأمن القومي، مجلس الأمن الروسي) is another body and is skipped; the model's
    spans strictly inside a name (حلف [شمال الأطلسي]) give way to it."""
    def propose(i: int, owner: list[int]) -> Proposal | None:
        found = _org_at(keys, i) if keys[i] else None
        if found is None:
            return None
        end, cut, base, org = found
        inside = _inside(owner, i, end)
        crossing = any(spans[k].start < i or spans[k].end > end for k in inside)
        exact = any(spans[k].start == i and spans[k].end == end for k in inside)
        if crossing or exact or _another_body(keys, end):
            return None
        return RawSpan("ORG", i, end, org=org, clitic=(cut, base)), inside

    return _replace_scan(len(keys), spans, propose)


# -- state institutions with a nisba -------------------------------------------------------------

@cache
def _state_heads() -> dict[str, list[tuple[tuple[str, ...], bool]]]:
    """First word -> [(other words, needs a portfolio)], longest first, for STATE_INSTITUTION
    and MINISTRY entries."""
    lex = lexicons()
    heads: dict[str, list[tuple[tuple[str, ...], bool]]] = {}
    for cls, portfolio in (("STATE_INSTITUTION", False), ("MINISTRY", True)):
        for entry in lex[cls]:
            words = entry.split()
            heads.setdefault(words[0], []).append((tuple(words[1:]), portfolio))
    for lst in heads.values():
        lst.sort(key=lambda item: -len(item[0]))
    return heads


def _lex_end(keys: Sequence[str], j: int, entries: frozenset[str]) -> int | None:
    """End of the longest lexicon entry (up to 3 words) starting at token ``j``."""
    for n in range(min(3, len(keys) - j), 0, -1):
        if all(keys[j:j + n]) and " ".join(keys[j:j + n]) in entries:
            return j + n
    return None


def _state_org_at(keys: Sequence[str], i: int) -> tuple[int, int] | None:
    """(nisba start, end) of a state body at token ``i``: head (+ portfolio) + nisba, with the
    article somewhere before the nisba and on the nisba itself (البحرية الروسية, not بحرية روسية).
    A ministry needs no nisba (``وزارة الشؤون الخارجية``): then both are the portfolio's end."""
    heads = _state_heads()
    portfolio = lexicons()["PORTFOLIO"]
    for _plen, base in clitic_variants(keys[i]):
        for rest, needs_portfolio in heads.get(base, ()):
            j = i + 1 + len(rest)
            if j > len(keys) or tuple(keys[i + 1:j]) != rest:
                continue
            words = [base, *rest]
            if needs_portfolio:
                n_port = 0
                while n_port < 3 and (nxt := _lex_end(keys, j, portfolio)) is not None:
                    words += keys[j:nxt]
                    j = nxt
                    n_port += 1
                if not n_port:
                    continue
            if not any(w.startswith("ال") for w in words):
                continue
            found = _nisba_end(keys, j) if keys[j:j + 1] and keys[j].startswith("ال") else None
            if found and found[1] not in gazetteer().ambiguous_nisba:
                return j, found[0]
            if needs_portfolio:
                return j, j  # وزارة الداخلية: a ministry is named by its portfolio alone
    return None


def add_state_orgs(keys: Sequence[str], spans: list[RawSpan]) -> list[RawSpan]:
    """ORG spans for state bodies with their nisba outside the model's spans: ``الجيش العراقي``,
    ``للبحرية الروسية``, ``وزارة الخارجية الأمريكية``. A span the model put on the nisba alone
    joins the body's, and so does one it put on the head alone (``[الجيش] السوري``)."""
    first = _state_heads()

    def propose(i: int, owner: list[int]) -> Proposal | None:
        head_span = spans[owner[i]] if owner[i] != -1 else None
        if not keys[i] or (head_span is not None and (head_span.start != i or head_span.label == "PER")) \
                or not any(base in first for _, base in clitic_variants(keys[i])):
            return None
        found = _state_org_at(keys, i)
        if found is None:
            return None
        nisba, end = found
        inside = _inside(owner, i, end)
        if any((spans[k].start, spans[k].end) not in ((nisba, end), (i, nisba)) for k in inside):
            return None
        return RawSpan("ORG", i, end), inside

    return _replace_scan(len(keys), spans, propose)


# -- the body someone speaks for ----------------------------------------------------------------

_MAX_BODY_WORDS = 6


def add_spoken_for_bodies(keys: Sequence[str], spans: list[RawSpan]) -> list[RawSpan]:
    """After a SPEAKS_FOR word, the noun phrase outside the model's spans up to a preposition or
    a name: a construct chain whose head is an ORG_NOUN or definite, ending in definite words
    (``هيئة سلامة الطيران المدني``, ``المجلس الأعلى الإسلامي``). It needs two words besides a
    trailing nisba."""
    lex = lexicons()
    cue, heads = lex["SPEAKS_FOR"], lex["ORG_NOUN"]
    stop = lex["PREPOSITION"] | lex["TIME_WORD"]
    titles = lex["TITLE_GOV"] | lex["TITLE_DIPLO"] | lex["TITLE_JOB"]

    def propose(start: int, owner: list[int]) -> Proposal | None:
        if start == 0 or keys[start - 1] not in cue or owner[start] != -1 or not keys[start] \
                or not (keys[start].startswith("ال") or keys[start] in heads) \
                or _lex_end(keys, start, titles) is not None or _nisba_end(keys, start) is not None:
            return None  # باسم الأمين العام, باسم التونسيين: a person or a people, not a body
        end, seen_definite, nisba_at = start, False, None
        while end < len(keys) and end - start < _MAX_BODY_WORDS and owner[end] == -1 \
                and keys[end] and keys[end] not in stop:
            definite = keys[end].startswith(("ال", "لل"))  # للانتخابات is ل + ال
            if seen_definite and not definite:
                break
            if nisba_at is None and end > start and _nisba_end(keys, end) is not None:
                nisba_at = end
            seen_definite |= definite
            end += 1
        if not seen_definite or (nisba_at or end) - start < 2:
            return None
        return RawSpan("ORG", start, end), set()  # over no model span, by construction

    return _replace_scan(len(keys), spans, propose)


# -- places of the gazetteer ---------------------------------------------------------------------

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


def _place_at(keys: Sequence[str], i: int, well_known: bool) -> int | None:
    """End token of the longest place name at token ``i``; a proclitic و ف ب ل may come first
    (not ك: كبيرا is no كـبيرا)."""
    by_first = _places_by_first(well_known)
    best: int | None = None
    stop = lexicons()["PLACE_STOP"]
    if keys[i] in stop:
        return None
    for base in _bases(keys[i]):
        if len(base) < 3 or base in stop:
            continue
        for rest in by_first.get(base, ()):
            j = i + 1 + len(rest)
            if j <= len(keys) and tuple(keys[i + 1:j]) == rest:
                best = max(best or 0, j)
                break  # longest first
    return best


def add_gazetteer_places(keys: Sequence[str], spans: list[RawSpan]) -> list[RawSpan]:
    """LOC spans for well-known places outside the model's spans; the model's LOC/MISC pieces of
    any gazetteer place give way to its whole name (``[سيدي] [بوزيد]``). A name next to a
    person's span is left alone (it may be part of the name)."""
    nisba = gazetteer().nisba

    def propose(i: int, owner: list[int]) -> Proposal | None:
        if not keys[i] or (owner[i] != -1 and spans[owner[i]].start != i):
            return None
        # Where the model saw a place, any gazetteer name may join its pieces; elsewhere only a
        # well-known one is spotted.
        end = _place_at(keys, i, well_known=owner[i] == -1)
        if end is None:
            return None
        inside = _inside(owner, i, end)
        pieces = all(spans[k].label in _PLACE_PIECES and spans[k].end <= end for k in inside)
        done = any((spans[k].start, spans[k].end) == (i, end) for k in inside)
        beside_person = any(0 <= t < len(keys) and owner[t] != -1 and spans[owner[t]].label == "PER"
                            for t in (i - 1, end))
        # السعودية after a definite noun (الحكومة السعودية) is the nisba adjective.
        adjective = i > 0 and keys[i - 1].startswith("ال") and " ".join(keys[i:end]) in nisba
        if not pieces or done or beside_person or adjective:
            return None
        return RawSpan("LOC", i, end), inside

    return _replace_scan(len(keys), spans, propose)


# -- names repeated in the document --------------------------------------------------------------

_REPEATED = ("PER", "ORG", "LOC")
_MIN_SINGLE = 4  # letters in a one-word name that may be repeated: shorter ones are often words

Name = tuple[str, ...]


def _document_names(keys: Sequence[str], spans: Sequence[RawSpan], single_stop: frozenset[str]
                    ) -> tuple[dict[str, list[Name]], dict[Name, dict[str, int]]]:
    """The names of the model's PER/ORG/LOC spans, as first word (without proclitics) -> names
    starting with it, longest first; and how often the model gave each name each label."""
    votes: dict[Name, dict[str, int]] = {}
    for s in spans:
        words = tuple(keys[s.start:s.end])
        if s.label not in _REPEATED or not all(words):
            continue
        for base in _bases(words[0]):
            name = (base, *words[1:])
            if len(name) == 1 and (len(base) < _MIN_SINGLE or base in single_stop):
                continue
            counts = votes.setdefault(name, {})
            counts[s.label] = counts.get(s.label, 0) + 1
    by_first: dict[str, list[Name]] = {}
    for name in votes:
        by_first.setdefault(name[0], []).append(name)
    for lst in by_first.values():
        lst.sort(key=lambda name: -len(name))
    return by_first, votes


def _recurrences(keys: Sequence[str], owner: list[int], by_first: dict[str, list[Name]]
                 ) -> list[tuple[int, int, Name]]:
    """Untagged occurrences ``(start, end, name)`` of the names, left to right, longest first; one
    right next to a span is skipped (it may be part of a longer name)."""
    out: list[tuple[int, int, Name]] = []
    i = 0
    while i < len(keys):
        found = None
        if keys[i] and owner[i] == -1:
            for base in _bases(keys[i]):
                for name in by_first.get(base, ()):
                    end = i + len(name)
                    if end <= len(keys) and tuple(keys[i + 1:end]) == name[1:] \
                            and not _inside(owner, i, end):
                        found = (i, end, name)
                        break
                if found:
                    break
        if found is None:
            i += 1
            continue
        if not any(0 <= t < len(keys) and owner[t] != -1 for t in (found[0] - 1, found[1])):
            out.append(found)
        i = found[1]
    return out


def add_repeated_names(keys: Sequence[str], spans: list[RawSpan]) -> list[RawSpan]:
    """Where a name of the model's PER/ORG/LOC spans recurs outside every span, it becomes a span
    of the same type: the model tags each sentence on its own, and often finds a name in one
    sentence that it misses in the next. A proclitic may precede the recurrence (``ولاريجاني``).

    Guards: one-word names need four letters and must not be common, title or time words
    (months: ``يوليو``); a recurrence next to another span is left alone (it may be part of a
    longer name). A name seen with two labels keeps its most frequent one. Not guarded: a name
    the model left untagged more often than it tagged it is repeated all the same; skipping those
    lost more right spans than wrong ones on ANERcorp test and dev
    (``benchmarks/ner_completion.py``)."""
    lex = lexicons()
    by_first, votes = _document_names(keys, spans,
                                      lex["COMMON_WORD"] | lex["PERSON_NOUN"] | lex["PLACE_STOP"]
                                      | lex["TIME_WORD"])
    if not votes:
        return spans
    found = _recurrences(keys, _owners(len(keys), spans), by_first)
    return spans + [RawSpan(max(_REPEATED, key=lambda lab: votes[name].get(lab, 0)), start, end)
                    for start, end, name in found]
