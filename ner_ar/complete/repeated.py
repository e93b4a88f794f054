"""A name the tagger found in one sentence becomes a span where it recurs, untagged, elsewhere in
the document (``لاريجاني``); so does a person's surname alone (``وقال الشاهد`` after ``يوسف
الشاهد``)."""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Doc

from ner_ar.complete.spans import bases, inside, nisba_adjective, owners
from ner_ar.docstate import RawSpan
from ner_ar.gazetteer import gazetteer, word_list
from ner_ar.relations.lexicon import lexicons

_REPEATED = ("PER", "ORG", "LOC")
_MIN_SINGLE = 4  # letters in a one-word name that may be repeated: shorter ones are often words

Name = tuple[str, ...]


def _surname(words: Name, single_stop: frozenset[str]) -> str | None:
    """The last word of a person's name of two or more words, when it may stand alone for the
    person (``وقال الشاهد`` after ``يوسف الشاهد``): five letters or more with the article, four
    without; not after a name particle (``عبد الله``, ``بن علي``), not a common, title or time word,
    a nisba or a place."""
    if len(words) < 2 or words[-2] in word_list("name_particles.txt"):
        return None
    last = words[-1]
    if len(last) < _MIN_SINGLE + last.startswith("ال") or last in single_stop:
        return None
    gaz = gazetteer()
    return None if last in gaz.nisba or last in gaz.places else last


def _document_names(keys: Sequence[str], spans: Sequence[RawSpan], single_stop: frozenset[str]
                    ) -> tuple[dict[str, list[Name]], dict[Name, dict[str, int]]]:
    """The names of the model's PER/ORG/LOC spans, as first word (without proclitics) -> names
    starting with it, longest first; and how often the model gave each name each label."""
    votes: dict[Name, dict[str, int]] = {}
    for s in spans:
        words = tuple(keys[s.start:s.end])
        if s.label not in _REPEATED or not words or not all(words):
            continue
        if s.label == "PER" and (surname := _surname(words, single_stop)) is not None:
            counts = votes.setdefault((surname,), {})
            counts["PER"] = counts.get("PER", 0) + 1
        for base in bases(words[0]):
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
            for base in bases(keys[i]):
                for name in by_first.get(base, ()):
                    end = i + len(name)
                    if end <= len(keys) and tuple(keys[i + 1:end]) == name[1:] \
                            and not inside(owner, i, end):
                        found = (i, end, name)
                        break
                if found:
                    break
        if found is None:
            i += 1
            continue
        if not nisba_adjective(keys, found[0], found[1]) and not any(0 <= t < len(keys) and owner[t] != -1 for t in (found[0] - 1, found[1])):
            out.append(found)
        i = found[1]
    return out


def add_repeated_names(doc: Doc, keys: Sequence[str], spans: list[RawSpan]) -> list[RawSpan]:
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
    found = _recurrences(keys, owners(len(keys), spans), by_first)
    return spans + [RawSpan(max(_REPEATED, key=lambda lab: votes[name].get(lab, 0)), start, end)
                    for start, end, name in found]
