"""The body after ``باسم`` (``المتحدث باسم المحكمة الابتدائية``) becomes an ORG span where the tagger
missed it (lexicons SPEAKS_FOR, ORG_NOUN)."""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Doc

from ner_ar.complete.spans import Proposal, lex_end, nisba_end, replace_scan
from ner_ar.docstate import RawSpan
from ner_ar.relations.lexicon import lexicons

_MAX_BODY_WORDS = 6


def add_spoken_for_bodies(doc: Doc, keys: Sequence[str], spans: list[RawSpan]) -> list[RawSpan]:
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
                or lex_end(keys, start, titles) is not None or nisba_end(keys, start) is not None:
            return None  # باسم الأمين العام, باسم التونسيين: a person or a people, not a body
        end, seen_definite, nisba_at = start, False, None
        while end < len(keys) and end - start < _MAX_BODY_WORDS and owner[end] == -1 \
                and keys[end] and keys[end] not in stop:
            definite = keys[end].startswith(("ال", "لل"))  # للانتخابات is ل + ال
            if seen_definite and not definite:
                break
            if nisba_at is None and end > start and nisba_end(keys, end) is not None:
                nisba_at = end
            seen_definite |= definite
            end += 1
        if not seen_definite or (nisba_at or end) - start < 2:
            return None
        return RawSpan("ORG", start, end), set()  # over no model span, by construction

    return replace_scan(len(keys), spans, propose)
