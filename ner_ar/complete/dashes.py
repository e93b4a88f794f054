"""A compound surname glued to a dash stays in the person's span: ``سيرغي ميليك –باغداساروف``."""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Doc

from ner_ar.complete.spans import DASHES
from ner_ar.docstate import RawSpan


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


def join_dash_surnames(doc: Doc, keys: Sequence[str], spans: list[RawSpan]) -> list[RawSpan]:
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
