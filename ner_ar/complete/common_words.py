"""A one-token MISC/ORG span that is a common word (``أفكارك``) is dropped (lexicon COMMON_WORD)."""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Doc

from ner_ar.docstate import RawSpan
from ner_ar.keys import clitic_variants
from ner_ar.relations.lexicon import lexicons

_SUFFIXES = ("كما", "كم", "كن", "هما", "هم", "هن", "ها", "نا", "ك", "ه", "ي")
_DROPPABLE = frozenset({"MISC", "ORG"})


def _stems(k: str) -> list[str]:
    """The word, and the word less one possessive suffix (افكارك -> افكار)."""
    return [k] + [k[:-len(s)] for s in _SUFFIXES if k.endswith(s) and len(k) - len(s) >= 3]


def drop_common_words(doc: Doc, keys: Sequence[str], spans: list[RawSpan]) -> list[RawSpan]:
    """Drop one-token MISC/ORG spans whose word is in the COMMON_WORD lexicon."""
    common = lexicons()["COMMON_WORD"]

    def common_word(k: str) -> bool:
        return any(stem in common for _, base in clitic_variants(k) for stem in _stems(base))

    return [s for s in spans if not (s.label in _DROPPABLE and s.end - s.start == 1
                                     and keys[s.start] and common_word(keys[s.start]))]
