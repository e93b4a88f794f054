"""Users' own gazetteers: the names an analyst knows and the package cannot (local ministries,
parties, companies, the people they follow), as UTF-8 TSV files.

File format (one header line, then one entry a line; ``#`` lines and blank lines are skipped)::

    name<TAB>type<TAB>kb_id<TAB>aliases
    شركة النسيم للتقنية<TAB>ORG<TAB>local:naseem<TAB>النسيم للتقنية

``type`` is one of PER ORG GPE LOC FAC MISC; ``kb_id`` (any string, e.g. ``wikidata:Q123`` or your
own ``local:...``) and ``aliases`` (``|``-separated) may be empty; the ``kb_id`` and ``aliases``
columns may be left out altogether. Every name and alias found in a text, a proclitic allowed
before it (``ولشركة النسيم للتقنية``), becomes an entity of that type with that ``kb_id``,
overriding the tagger's type and bounds where they overlap. Names are compared after
normalisation (:func:`ner_ar.text.normalize_key`: diacritics, tatweel, hamza forms of alef).
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from spacy.tokens import Doc

from ner_ar.docstate import RawSpan
from ner_ar.errors import UserDataError
from ner_ar.keys import longest_at
from ner_ar.text import normalize_key

ENTITY_TYPES = ("PER", "ORG", "GPE", "LOC", "FAC", "MISC")
HEADER = ("name", "type", "kb_id", "aliases")


@dataclass(frozen=True)
class UserEntry:
    """One row of a user gazetteer."""

    name: str  #: the canonical name, as written in the file
    type: str  #: PER ORG GPE LOC FAC MISC
    kb_id: str | None  #: the user's link, or None
    aliases: tuple[str, ...] = ()
    path: str = ""  #: the file the entry comes from
    line: int = 0  #: its line in that file (1-based)

    @property
    def source(self) -> str:
        """``file:line`` of the entry."""
        return f"{self.path}:{self.line}"


@dataclass
class UserGazetteer:
    """Entries of one or more user TSV files, indexed by normalised first word."""

    entries: list[UserEntry] = field(default_factory=list)
    #: normalised first word -> [(other words, entry)], longest first
    by_first: dict[str, list[tuple[tuple[str, ...], UserEntry]]] = field(default_factory=dict)

    @classmethod
    def from_files(cls, paths: Iterable[str | os.PathLike[str]]) -> UserGazetteer:
        """Read and check every file. Raises :class:`~ner_ar.errors.UserDataError` naming the
        file and line for a missing or unreadable file, a bad header, an unknown type, a row
        without a name, or one name given two different entries."""
        gaz = cls()
        seen: dict[tuple[str, ...], UserEntry] = {}
        for path in paths:
            for entry in _read(path):
                gaz.entries.append(entry)
                for n in (entry.name, *entry.aliases):
                    words = tuple(normalize_key(n).split())
                    if not words:
                        continue
                    other = seen.get(words)
                    if other is not None and (other.type, other.kb_id) != (entry.type, entry.kb_id):
                        raise UserDataError(entry.path, entry.line,
                                            f"{n!r} is already an entry of {other.source}")
                    seen[words] = entry
        for words, entry in seen.items():
            gaz.by_first.setdefault(words[0], []).append((words[1:], entry))
        for lst in gaz.by_first.values():
            lst.sort(key=lambda item: -len(item[0]))
        return gaz

    def match_at(self, keys: Sequence[str], i: int) -> tuple[int, int, str, UserEntry] | None:
        """``(end token, characters of proclitic, base key, entry)`` of the longest entry whose
        name starts at token ``i`` (a proclitic allowed), or None."""
        return longest_at(keys, i, self.by_first)

    def matches(self, keys: Sequence[str]) -> Iterator[tuple[int, int, int, str, UserEntry]]:
        """``(start, end, characters of proclitic, base key, entry)`` of each entry found, left to
        right, the longest at each token; the next is looked for after it (token indices)."""
        i = 0
        while i < len(keys):
            found = self.match_at(keys, i) if keys[i] else None
            if found is None:
                i += 1
                continue
            yield i, *found
            i = found[0]

    def add_spans(self, doc: Doc, keys: Sequence[str], spans: list[RawSpan]) -> list[RawSpan]:
        """Completion step: a span for every entry found; spans overlapping it give way."""
        added = [RawSpan(entry.type, i, end, clitic=(cut, base), user=entry)
                 for i, end, cut, base, entry in self.matches(keys)]
        if not added:
            return spans
        taken = [False] * len(keys)
        for s in added:
            for t in range(s.start, s.end):
                taken[t] = True
        kept = [s for s in spans if not any(taken[t] for t in range(s.start, s.end))]
        return kept + added


def _read(path: str | os.PathLike[str]) -> list[UserEntry]:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UserDataError(path, None, "no such gazetteer file") from None
    except UnicodeDecodeError as exc:
        raise UserDataError(path, None, f"not UTF-8 ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise UserDataError(path, None, f"cannot read ({exc.strerror or exc})") from None
    rows = [(n, row) for n, row in enumerate(csv.reader(text.splitlines(), delimiter="\t",
                                                         quoting=csv.QUOTE_NONE), start=1)
            if row and any(c.strip() for c in row) and not row[0].startswith("#")]
    if not rows:
        raise UserDataError(path, None, "empty: expected a header line: name, type, kb_id, aliases "
                            "(tab-separated)")
    line, header = rows[0]
    header = [h.strip().lower() for h in header]
    if header[:2] != ["name", "type"] or any(h not in HEADER for h in header) or len(set(header)) != len(header):
        raise UserDataError(path, line, f"bad header {header!r}: expected the tab-separated columns "
                            "name, type, kb_id, aliases (kb_id and aliases optional)")
    col = {h: k for k, h in enumerate(header)}
    entries: list[UserEntry] = []
    for line, row in rows[1:]:
        if len(row) > len(header):
            raise UserDataError(path, line, f"{len(row)} columns, the header has {len(header)}")
        cells = [c.strip() for c in row] + [""] * (len(header) - len(row))
        name, etype = cells[col["name"]], cells[col["type"]]
        if not name:
            raise UserDataError(path, line, "no name")
        if etype not in ENTITY_TYPES:
            raise UserDataError(path, line, f"unknown type {etype!r}: expected one of {', '.join(ENTITY_TYPES)}")
        kb_id = cells[col["kb_id"]] if "kb_id" in col else ""
        aliases = cells[col["aliases"]] if "aliases" in col else ""
        entries.append(UserEntry(name, etype, kb_id or None,
                                 tuple(a.strip() for a in aliases.split("|") if a.strip()),
                                 os.fspath(path), line))
    return entries
