"""Names written as hashtags, as one 2018 outlet of ANT v2.1 writes them in running text (about one
article in seven of lines 0-19999): ``مع #كوريا_الشمالية``, ``ميليشيات #الحوثي``, ``الرئيس
الأميركي، دونالد #ترمب``.

- A hashtag of words joined by ``_`` is one token the tagger cannot read; it becomes a span when
  its words, as written apart, name exactly a gazetteer place, organisation, facility or news name,
  or a state body with its nisba (``#الجيش_اليمني``). The span covers the token, the ``#`` (and a
  proclitic glued before it, ``و#``) cut like a proclitic; resolution links it like the same name
  written with spaces and names it without ``_`` (:mod:`ner_ar.resolve.names`).
- A person's name whose last word is a hashtag (``دونالد #ترمب``, ``ريكس #تيلرسون``) is one span:
  the tagger's two pieces (or its span over the first name alone) join.

Documents without ``#`` cost one substring test.
"""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Doc

from ner_ar.complete.facilities import facility_gazetteer
from ner_ar.complete.news import news_gazetteer
from ner_ar.complete.spans import owners
from ner_ar.complete.state_orgs import state_org_words
from ner_ar.docstate import RawSpan
from ner_ar.gazetteer import gazetteer, organisations
from ner_ar.keys import key, trailing_punct
from ner_ar.text import doc_text

_CLITICS = "وفبل"
_MAX_WORDS = 6


def _hashtag(tok_text: str, after_hash: bool) -> tuple[int, str] | None:
    """(characters before the name, the name with ``_``) of a hashtag token: ``كوريا_الشمالية``
    after a ``#`` token, or ``#كوريا_الشمالية`` / ``و#كوريا_الشمالية`` in one token."""
    text = tok_text[:len(tok_text) - trailing_punct(tok_text)] if tok_text else tok_text
    at = text.find("#")
    if at == -1:
        cut, name = (0, text) if after_hash else (-1, "")
    elif at <= 1 and all(c in _CLITICS for c in text[:at]):
        cut, name = at + 1, text[at + 1:]
    else:
        return None
    if cut < 0 or "_" not in name or name.startswith("_") or name.endswith("_"):
        return None
    return cut, name


def _lookup(words: list[str], cut: int, i: int) -> RawSpan | None:
    """The span a hashtag's words name, or None."""
    base = " ".join(words)
    clitic = (cut, base)
    place = gazetteer().places.get(base)
    if place is not None:
        return RawSpan("LOC", i, i + 1, clitic=clitic)
    org = organisations().names.get(base)
    if org is not None:
        return RawSpan("ORG", i, i + 1, org=org, clitic=clitic)
    for gaz in (news_gazetteer(), facility_gazetteer()):
        found = gaz.match_at(words, 0)
        if found is not None and found[0] == len(words) and found[1] == 0:
            entry = found[3]
            if entry.type in ("GPE", "LOC") and gazetteer().places.get(base):
                return RawSpan("LOC", i, i + 1, clitic=clitic)
            return RawSpan(entry.type, i, i + 1, clitic=clitic, user=entry)
    if state_org_words(words):
        return RawSpan("ORG", i, i + 1, clitic=clitic)
    return None


def add_hashtag_names(doc: Doc, keys: Sequence[str], spans: list[RawSpan]) -> list[RawSpan]:
    """Hashtag names (see the module docstring)."""
    if "#" not in doc_text(doc):
        return spans
    owner = owners(len(keys), spans)
    drop: set[int] = set()
    added: list[RawSpan] = []
    for i, tok in enumerate(doc):
        if "#" not in tok.text and "_" not in tok.text:
            continue
        after_hash = i > 0 and doc[i - 1].text == "#"
        tag = _hashtag(tok.text, after_hash)
        if tag is not None:
            words = key(tag[1].replace("_", " ")).split()
            if 2 <= len(words) <= _MAX_WORDS and (span := _lookup(words, tag[0], i)) is not None:
                k = owner[i]
                if k != -1 and (spans[k].start < i or spans[k].end > i + 1):
                    continue  # the tagger's span reaches beyond the hashtag: left alone
                if k != -1:
                    drop.add(k)
                added.append(span)
            continue
        if tok.text == "#" and 0 < i < len(keys) - 1:
            # دونالد #ترمب: a person's first name(s), then the surname as a hashtag
            a, b = owner[i - 1], owner[i + 1]
            if a != -1 and b != -1 and a != b and spans[a].label == "PER" and spans[b].label == "PER" \
                    and spans[b].start == i + 1 and spans[a].end == i \
                    and spans[a].end - spans[a].start <= 2 and spans[b].end - spans[b].start == 1 \
                    and not (spans[a].start > 0 and doc[spans[a].start - 1].text == "#") \
                    and a not in drop and b not in drop:
                drop |= {a, b}
                added.append(RawSpan("PER", spans[a].start, spans[b].end))
    if not added:
        return spans
    return [s for n, s in enumerate(spans) if n not in drop] + added
