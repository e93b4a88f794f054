"""Organisation names built as a definite head noun, adjectives and a genitive with لل
(``gazetteer/data/org_chains.tsv``): ``الجمعية التونسية للأمن الجمهوري``, ``النقابة الوطنية
للصحفيين التونسيين``, ``الاتحاد العام التونسي للشغل``, ``المجلس البابوي للحوار``. The tagger
usually leaves them out or keeps only the nisba; the whole chain becomes one ORG span.

The chain: the head (a proclitic allowed), one to three adjectives (a gazetteer nisba or an
``adj`` row), a word with لل, then words joined by وال (``للصناعة والتجارة``) or adjectives ending
in ي or ة (``التقليدية``, ``الجمهوري``, ``للكرة الطائرة``), up to six words after the head; not a
وال that starts another head (``والرابطة``), and no span where the name goes on with عن or بين
(``للدفاع عن ...``, ``للحوار بين ...``). Without the لل genitive a
head and its adjectives are a description (``الحزب الحاكم``, ``الحكومة العراقية``), not a name."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from spacy.tokens import Doc

from ner_ar.complete.spans import bases, owners
from ner_ar.docstate import RawSpan
from ner_ar.gazetteer import DATA, gazetteer
from ner_ar.gazetteer.lookup import org_match
from ner_ar.keys import key

_MAX_AFTER = 6
#: لل words of time or manner, no genitive of a name (الاتحاد الأوروبي للفترة من ...)
_NOT_GENITIVE = frozenset(key(w) for w in ("للمرة", "للفترة", "للعام", "للسنة", "لليوم", "للشهر",
                                            "للأسبوع", "للموسم", "للحظة", "للغاية", "للتو"))


#: function words whose key looks like an ال adjective (إلى -> الي, التي)
_FUNCTION_WORDS = frozenset(key(w) for w in ("إلى", "التي", "الذي", "اللتي", "الذين", "اللاتي", "اللتين",
                                              "اللذين", "اللواتي"))


@cache
def chain_words() -> tuple[frozenset[str], frozenset[str]]:
    """(heads, adjectives) of ``org_chains.tsv``, normalised."""
    rows = [line.split("\t") for line in (DATA / "org_chains.tsv").read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]
    return (frozenset(key(w) for k, w in rows if k == "head"),
            frozenset(key(w) for k, w in rows if k == "adj"))


def _chain_end(keys: Sequence[str], i: int) -> int | None:
    """End of adjectives + لل genitive + its continuation after the head at token ``i``, or None
    (also when head and adjectives already name a gazetteer organisation: الاتحاد الأوروبي)."""
    j = i + 1
    heads, adjs = chain_words()
    nisba = gazetteer().nisba
    t = j
    while t < len(keys) and t - j < 3 and keys[t] and (keys[t] in adjs or keys[t] in nisba):
        t += 1
    if t == j or t >= len(keys) or not keys[t].startswith("لل") or len(keys[t]) < 4 \
            or keys[t] in _NOT_GENITIVE or org_match(keys, i, t) is not None:
        return None
    t += 1
    while t < len(keys) and t - j < _MAX_AFTER and keys[t]:
        k = keys[t]
        if (k.startswith("وال") and len(k) > 4 and k[1:] not in heads) or k in adjs or k in nisba \
                or (k.startswith("ال") and k[-1] in "يه" and k not in _FUNCTION_WORDS):
            t += 1
        else:
            break
    # للدفاع عن حقوق ...، للحوار بين الأديان: the name goes on past what can be bounded
    return None if t < len(keys) and keys[t] in ("عن", "بين") else t


@cache
def team_heads() -> frozenset[str]:
    """``team`` rows of ``org_chains.tsv``, normalised."""
    return frozenset(key(w) for k, w in (line.split("\t") for line in
                     (DATA / "org_chains.tsv").read_text(encoding="utf-8").splitlines()
                     if line.strip() and not line.startswith("#")) if k == "team")


def add_team_heads(doc: Doc, keys: Sequence[str], spans: list[RawSpan]) -> list[RawSpan]:
    """A team or force head (``منتخب``, ``نادي``, ``شرطة``; a proclitic allowed) right before a
    place span makes one ORG span of both: ``منتخب الأرجنتين``, ``نادي الكويت``."""
    heads = team_heads()
    owner = owners(len(keys), spans)
    drop: set[int] = set()
    added: list[RawSpan] = []
    for i in range(len(keys) - 1):
        if not keys[i] or owner[i] != -1 or not any(b in heads for b in bases(keys[i])):
            continue
        k = owner[i + 1]
        if k == -1 or spans[k].start != i + 1 or spans[k].label not in ("GPE", "LOC") or spans[k].user is not None:
            continue
        drop.add(k)
        added.append(RawSpan("ORG", i, spans[k].end))
    if not added:
        return spans
    return [s for n, s in enumerate(spans) if n not in drop] + added


def add_org_chains(doc: Doc, keys: Sequence[str], spans: list[RawSpan]) -> list[RawSpan]:
    """One ORG span per head + adjectives + لل chain; the spans inside it (nisbas, pieces) give
    way, a span running across its edges leaves it alone."""
    heads, _ = chain_words()
    owner = owners(len(keys), spans)
    drop: set[int] = set()
    added: list[RawSpan] = []
    i = 0
    while i < len(keys) - 2:
        if not keys[i] or not any(b in heads for b in bases(keys[i])):
            i += 1
            continue
        end = _chain_end(keys, i)
        covered = {owner[t] for t in range(i, end)} - {-1} if end else set()
        if end is None or any(spans[k].start < i or spans[k].end > end or spans[k].user is not None
                              or (spans[k].start, spans[k].end) == (i, end) for k in covered):
            i += 1
            continue
        drop |= covered
        added.append(RawSpan("ORG", i, end))
        i = end
    if not added:
        return spans
    return [s for n, s in enumerate(spans) if n not in drop] + added
