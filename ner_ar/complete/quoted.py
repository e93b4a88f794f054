"""Names in quotation marks after an organisation or media head noun (``gazetteer/data/org_heads.txt``)
become ORG spans, head and quotes left out: ``صحيفة "المحور"``, ``لإذاعة "موزاييك"``, ``تنظيم
"داعش"``, ``شركة "كامبريدج أناليتيكا"``, ``صحيفة "لا ريبوبليكا" الإيطالية``; one nisba may stand
between head and name (``صحيفة بريطانية "الغارديان"``). After a media head a Latin-script name
needs no quotes (``لإذاعة RTL``, ``قناة CNN``) when the tagger found nothing there (a Latin name
it typed, such as a magazine as MISC, stays as it is). The tagger's spans inside the quotes give
way (it often types a paper's name as a place: ``"الرياض"``); a span that runs across a quote is
left alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from spacy.tokens import Doc

from ner_ar.complete.spans import bases, owners
from ner_ar.docstate import RawSpan, state
from ner_ar.gazetteer import DATA, gazetteer
from ner_ar.gazetteer.lookup import org_match
from ner_ar.keys import key
from ner_ar.text import doc_text

OPEN = {'"': '"', "«": "»", "“": "”", "„": "“", "”": "”"}
_MAX_NAME = 5  # tokens between the quotes
_LATIN_NAME = re.compile(r"^([A-Z][A-Za-z0-9&.\-']*|[A-Z0-9]{2,}[A-Za-z0-9.\-]*)$")
_ANY_MARK = re.compile("[" + "".join(OPEN) + "A-Z0-9]")  # what a token of OPEN or _LATIN_NAME needs


@cache
def org_heads() -> dict[str, str]:
    """Normalised head -> ``media`` or ``org``. Without the article: after a definite head a quoted
    word is an epithet (النادي "الملكي", الحزب "الحاكم"), after the construct form a name."""
    out: dict[str, str] = {}
    for line in (DATA / "org_heads.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            kind, word = line.split("\t")
            out[key(word.strip())] = kind
    return out


def _head_kind(keys: Sequence[str], i: int) -> tuple[str, int] | None:
    """(kind, end token) of a head noun at token ``i`` (a proclitic allowed; two-word heads such
    as ``وكالة أنباء`` first)."""
    heads = org_heads()
    if i + 1 < len(keys) and keys[i + 1]:
        for b in bases(keys[i]):
            kind = heads.get(f"{b} {keys[i + 1]}")
            if kind:
                return kind, i + 2
    for b in bases(keys[i]):
        kind = heads.get(b)
        if kind:
            return kind, i + 1
    return None


def _quoted(doc: Doc, keys: Sequence[str], j: int) -> tuple[int, int] | None:
    """(start, end) of the 1-5 name tokens between a quotation mark at token ``j`` and its mate."""
    close = OPEN.get(doc[j].text)
    if close is None:
        return None
    for t in range(j + 1, min(j + 2 + _MAX_NAME, len(doc))):
        text = doc[t].text
        if text == close or (close == "”" and text == '"'):
            return (j + 1, t) if t > j + 1 else None
        if not keys[t] or doc[t].is_punct or doc[t].is_sent_start:
            return None
    return None


def _latin(doc: Doc, j: int) -> int | None:
    """End of a run of 1-3 Latin-script name words starting at token ``j``."""
    t = j
    while t < len(doc) and t - j < 3 and _LATIN_NAME.match(doc[t].text):
        t += 1
    return t if t > j else None


def add_quoted_names(doc: Doc, keys: Sequence[str], spans: list[RawSpan]) -> list[RawSpan]:
    """An ORG span for each quoted (or, after a media head, Latin-script) name after a head noun
    of ``org_heads.txt``; model spans inside it give way."""
    if _ANY_MARK.search(doc_text(doc)) is None:
        return spans  # no quotation mark, capital Latin letter or digit: nothing to look for
    words = [t.text for t in state(doc).tokens]  # the tokens built once per Doc
    marks = {t for t, w in enumerate(words) if w in OPEN or _LATIN_NAME.match(w)}
    if not marks:
        return spans
    owner = owners(len(keys), spans)
    nisba = gazetteer().nisba
    drop: set[int] = set()
    added: list[RawSpan] = []
    # a head stands one to three tokens before a mark
    for i in sorted({m - d for m in marks for d in (1, 2, 3) if 0 <= m - d < len(keys) - 1}):
        if not keys[i] or (owner[i] != -1 and spans[owner[i]].label == "PER"):
            continue
        found = _head_kind(keys, i)
        if found is None:
            continue
        kind, j = found
        if j < len(keys) and keys[j] in nisba:
            j += 1
        if j >= len(keys):
            continue
        name = _quoted(doc, keys, j)
        if name is None and kind == "media":
            end = _latin(doc, j)
            name = (j, end) if end is not None and all(owner[t] == -1 for t in range(j, end)) else None
        if name is None:
            continue
        start, end = name
        inner = {owner[t] for t in range(start, end)} - {-1}
        if any(spans[k].start < start or spans[k].end > end or spans[k].user is not None for k in inner):
            continue
        drop |= inner
        found_org = org_match(keys, start, end)
        org = found_org[2] if found_org is not None and found_org[0] == 0 else None
        if added and added[-1].start == start:
            continue
        added.append(RawSpan("ORG", start, end, org=org))
    if not added:
        return spans
    return [s for n, s in enumerate(spans) if n not in drop] + added
