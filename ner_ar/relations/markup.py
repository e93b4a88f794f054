"""Inline entity markup for rule examples and gold data: ``[سيرغي شويغو](PER) زار [كوبا](LOC)``.

:func:`doc_from_markup` builds the same kind of spaCy Doc the Extractor hands to
the pipeline's stages (:mod:`ner_ar.pipeline`) (blank Arabic tokenizer, sentence starts, raw NER spans), so rules
can be tested without the NER model.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc

from ner_ar.docstate import state
from ner_ar.pipeline import default_stages, run_stages
from ner_ar.schema import Document
from ner_ar.text import split_sentences, tokenizer

_MARK = re.compile(r"\[([^\[\]]+)\]\((PER|ORG|LOC|MISC|GPE|FAC)\)")


def parse_markup(marked: str) -> tuple[str, list[tuple[int, int, str]]]:
    """Plain text and ``(start, end, label)`` character spans."""
    out: list[str] = []
    spans: list[tuple[int, int, str]] = []
    pos = 0
    length = 0
    for m in _MARK.finditer(marked):
        before = marked[pos:m.start()]
        out.append(before)
        length += len(before)
        spans.append((length, length + len(m.group(1)), m.group(2)))
        out.append(m.group(1))
        length += len(m.group(1))
        pos = m.end()
    out.append(marked[pos:])
    return "".join(out), spans


def doc_from_markup(marked: str) -> Doc:
    """A Doc with sentence starts and ``ents`` from the markup (spans widened to whole tokens,
    as the NER model tags whole whitespace tokens)."""
    text, spans = parse_markup(marked)
    doc = tokenizer()(text)
    starts = {sent[0].i for sent in split_sentences(text, [t for t in doc if not t.is_space])}
    for tok in doc:
        tok.is_sent_start = tok.i == 0 or tok.i in starts
    ents = []
    for start, end, label in spans:
        span = doc.char_span(start, end, label=label, alignment_mode="expand")
        if span is None:
            raise ValueError(f"cannot align entity {text[start:end]!r} in {text!r}")
        if ents and span.start < ents[-1].end:
            # two names in one token (إفريقيا،مارياكارمن): the token is the first name's, as the
            # tagger, which tags whole tokens, would give it; the second keeps the tokens after it
            span = doc[ents[-1].end:span.end]
            if not len(span):
                continue
            span.label_ = label
        ents.append(span)
    doc.ents = ents
    return doc


def document_from_markup(marked: str) -> Document:
    """The Document the Extractor would build if its NER found exactly the marked entities."""
    doc = run_stages(doc_from_markup(marked), default_stages())
    st = state(doc)
    assert st.resolution is not None
    return Document(text=doc.text, entities=st.resolution.entities, relations=st.relations)
