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

from ner_ar.complete.spans import Proposal, bases, inside, replace_scan, starts_of
from ner_ar.docstate import RawSpan
from ner_ar.gazetteer import DATA, gazetteer
from ner_ar.gazetteer.lookup import org_match
from ner_ar.keys import key
from ner_ar.relations.lexicon import lexicons

_MAX_AFTER = 6


@cache
def chain_words() -> dict[str, frozenset[str]]:
    """The rows of ``org_chains.tsv`` by kind (``head``, ``adj``, ``team``, ``not_genitive``,
    ``function``, ``goes_on``), normalised."""
    out: dict[str, set[str]] = {}
    for line in (DATA / "org_chains.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            kind, word = line.split("\t")
            out.setdefault(kind, set()).add(key(word))
    out["state_head_first"] = {w.split()[0] for w in out.get("state_head", ())}
    return {kind: frozenset(words) for kind, words in out.items()}


@cache
def _titles() -> frozenset[str]:
    """Titles that begin a new phrase after و (الهيئة العامة للرياضة [والرئيس] الشرفي للنادي)."""
    lex = lexicons()
    return lex["TITLE_GOV"] | lex["TITLE_JOB"]


def _chain_end(keys: Sequence[str], i: int) -> int | None:
    """End of adjectives + لل genitive + its continuation after the head at token ``i``, or None
    (also when head and adjectives already name a gazetteer organisation: الاتحاد الأوروبي)."""
    j = i + 1
    words = chain_words()
    heads, adjs = words["head"], words["adj"]
    nisba = gazetteer().nisba
    t = j
    while t < len(keys) and t - j < 3 and keys[t] and (keys[t] in adjs or keys[t] in nisba):
        t += 1
    if t == j or t >= len(keys) or not keys[t].startswith("لل") or len(keys[t]) < 4 \
            or keys[t] in words["not_genitive"] or org_match(keys, i, t) is not None:
        return None
    t += 1
    while t < len(keys) and t - j < _MAX_AFTER and keys[t]:
        k = keys[t]
        if (k.startswith("وال") and len(k) > 4 and k[1:] not in heads and k[1:] not in _titles()) \
                or k in adjs or k in nisba \
                or (k.startswith("ال") and k[-1] in "يه" and k not in words["function"]):
            t += 1
        else:
            break
    return None if t < len(keys) and keys[t] in words["goes_on"] else t


def add_team_heads(doc: Doc, keys: Sequence[str], spans: list[RawSpan]) -> list[RawSpan]:
    """A team or force head (``منتخب``, ``نادي``, ``شرطة``; a proclitic allowed) right before a
    place span makes one ORG span of both: ``منتخب الأرجنتين``, ``نادي الكويت``."""
    heads = chain_words()["team"]

    def propose(i: int, owner: list[int]) -> Proposal | None:
        if i + 1 >= len(keys) or not keys[i] or owner[i] != -1 or not any(b in heads for b in bases(keys[i])):
            return None
        k = owner[i + 1]
        if k == -1 or spans[k].start != i + 1 or spans[k].label not in ("GPE", "LOC") or spans[k].user is not None:
            return None
        return RawSpan("ORG", i, spans[k].end), {k}

    return replace_scan(len(keys), spans, propose, starts_of(keys, heads))


def add_org_chains(doc: Doc, keys: Sequence[str], spans: list[RawSpan]) -> list[RawSpan]:
    """One ORG span per head + adjectives + لل chain; the spans inside it (nisbas, pieces) give
    way, a span running across its edges leaves it alone."""
    heads = chain_words()["head"]

    def propose(i: int, owner: list[int]) -> Proposal | None:
        if not keys[i] or not any(b in heads for b in bases(keys[i])):
            return None
        end = _chain_end(keys, i)
        if end is None:
            return None
        covered = inside(owner, i, end)
        if any(spans[k].start < i or spans[k].end > end or spans[k].user is not None
               or (spans[k].start, spans[k].end) == (i, end) for k in covered):
            return None
        return RawSpan("ORG", i, end), covered

    return replace_scan(len(keys), spans, propose, starts_of(keys, heads))
