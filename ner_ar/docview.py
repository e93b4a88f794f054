"""The view of one document: its text highlighted right to left, and its tables as DataFrames.

This module is a leaf: it imports nothing from ``ner_ar`` (in particular neither
:mod:`ner_ar.schema` nor :mod:`ner_ar.graph`), so :class:`~ner_ar.schema.Document` can call it
from ``_repr_html_``, ``entities_frame`` and ``relations_frame`` without an import circle. It reads
a document through its attributes only (see :class:`DocumentLike`). ``render_html`` needs
nothing beyond the standard library (it draws the marks as displaCy does, in displaCy's colours);
the frames need pandas, an optional dependency imported when a frame is asked for
(``pip install "ner_ar[jupyter]"``).

:mod:`ner_ar.display` re-exports everything public here, next to the graph drawings.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import pandas as pd


class _SpanLike(Protocol):
    start: int
    end: int
    text: str


class _TypeLike(Protocol):
    @property
    def value(self) -> str: ...


class _RelationTypeLike(_TypeLike, Protocol):
    @property
    def symmetric(self) -> bool: ...


class _EntityLike(Protocol):
    id: str
    name: str
    kb_id: str | None
    confidence: float | None

    @property
    def type(self) -> _TypeLike: ...

    @property
    def mentions(self) -> Sequence[_SpanLike]: ...


class _RelationLike(Protocol):
    id: str
    subject: str
    object: str
    role: str | None
    rule: str
    confidence: float

    @property
    def type(self) -> _RelationTypeLike: ...

    @property
    def evidence(self) -> Sequence[_SpanLike]: ...


class DocumentLike(Protocol):
    """What the view reads of a :class:`ner_ar.schema.Document`."""

    id: str | None
    text: str

    @property
    def entities(self) -> Sequence[_EntityLike]: ...

    @property
    def relations(self) -> Sequence[_RelationLike]: ...


ENTITY_COLORS: dict[str, str] = {
    "PER": "#aa9cfc",
    "ORG": "#7aecec",
    "GPE": "#feca74",
    "LOC": "#ff9561",
    "FAC": "#9cc9cc",
    "MISC": "#e4e7d2",
}
"""One colour per entity type (the values of ``EntityType``), shared by every view."""

ENTITY_COLUMNS = ["id", "type", "name", "kb_id", "mention_count", "mentions", "start", "end",
                  "confidence"]
"""Columns of :func:`entities_frame`; ``start``/``end`` are those of the first mention."""

RELATION_COLUMNS = ["id", "type", "subject_id", "subject", "object_id", "object", "role",
                    "evidence", "evidence_count", "rule", "confidence", "symmetric"]
"""Columns of :func:`relations_frame`; ``evidence`` is the first evidence text."""

SEP = " | "
"""Joins the distinct mention texts in a frame cell; the same separator as ``ner_ar.graph.SEP``."""

JUPYTER_HINT = 'pip install "ner_ar[jupyter]" (from a checkout: pip install -e ".[jupyter]")'
"""What to install for the optional views."""

_DIRECTION = "rtl"
_KB_URLS = {
    "iso3166": "https://www.iso.org/obp/ui/#iso:code:3166:{}",
    "geonames": "https://www.geonames.org/{}",
    "wikidata": "https://www.wikidata.org/wiki/{}",
}
# Arabic letters that never join the letter after them: no joiner is needed after them.
_RIGHT_JOINING = frozenset("ءآأؤإاةدذرزوٱ")
_ZWJ = "\u200d"


def kb_url(kb_id: str) -> str | None:
    """The web page of a knowledge-base id, or None for a prefix without one (``org:``, a user's).

    >>> kb_url("iso3166:CU")
    'https://www.iso.org/obp/ui/#iso:code:3166:CU'
    >>> kb_url("org:sputnik") is None
    True
    """
    prefix, _, local = kb_id.partition(":")
    template = _KB_URLS.get(prefix)
    return template.format(local) if template and local else None


def _marked_spans(doc: DocumentLike) -> list[tuple[int, int, _EntityLike]]:
    spans = sorted(
        ((m.start, m.end, ent) for ent in doc.entities for m in ent.mentions if m.end > m.start),
        key=lambda s: (s[0], -s[1]),
    )
    out = []
    last_end = -1
    for start, end, ent in spans:
        # marks cannot nest or overlap: the earlier, longer mention wins.
        if start < last_end:
            continue
        out.append((start, end, ent))
        last_end = end
    return out


def _is_letter(ch: str) -> bool:
    # Arabic letters and their marks (harakat, tatweel) belong to the word
    return ch.isalpha() or "\u064b" <= ch <= "\u065f" or ch in "\u0640\u0670"


def _joins_next(ch: str) -> bool:
    """Whether an Arabic letter takes a joined form towards the letter after it."""
    return "\u0620" <= ch <= "\u06ff" and ch.isalpha() and ch not in _RIGHT_JOINING


def relation_rows(doc: DocumentLike) -> list[dict[str, Any]]:
    """One dict per relation, keys :data:`RELATION_COLUMNS`."""
    names = {ent.id: ent.name for ent in doc.entities}
    return [
        {
            "id": rel.id, "type": rel.type.value,
            "subject_id": rel.subject, "subject": names.get(rel.subject, rel.subject),
            "object_id": rel.object, "object": names.get(rel.object, rel.object),
            "role": rel.role or "",
            "evidence": rel.evidence[0].text if rel.evidence else "",
            "evidence_count": len(rel.evidence), "rule": rel.rule,
            "confidence": rel.confidence, "symmetric": rel.type.symmetric,
        }
        for rel in doc.relations
    ]


def entity_rows(doc: DocumentLike) -> list[dict[str, Any]]:
    """One dict per entity, keys :data:`ENTITY_COLUMNS`."""
    rows = []
    for ent in doc.entities:
        first = min(ent.mentions, key=lambda m: m.start, default=None)
        rows.append({
            "id": ent.id, "type": ent.type.value, "name": ent.name, "kb_id": ent.kb_id or "",
            "mention_count": len(ent.mentions),
            "mentions": SEP.join(dict.fromkeys(m.text for m in ent.mentions)),
            "start": first.start if first else None, "end": first.end if first else None,
            "confidence": ent.confidence,
        })
    return rows


def _relation_table(doc: DocumentLike) -> str:
    if not doc.relations:
        return ""
    head = ("subject", "relation", "object", "role", "evidence")
    cells = "".join(f"<th style='text-align:right;padding:2px 8px'>{h}</th>" for h in head)
    body = []
    for row in relation_rows(doc):
        arrow = "↔" if row["symmetric"] else ""
        values = (row["subject"], f"{arrow}{row['type']}", row["object"], row["role"], row["evidence"])
        tds = "".join(f"<td style='text-align:right;padding:2px 8px'>{html.escape(str(v))}</td>"
                      for v in values)
        body.append(f"<tr>{tds}</tr>")
    return (f'<table class="ner-ar-relations" dir="{_DIRECTION}" lang="ar" '
            f'style="font-size:0.9em;border-collapse:collapse;margin-top:0.5em">'
            f"<thead><tr>{cells}</tr></thead><tbody>{''.join(body)}</tbody></table>")


def _text(text: str) -> str:
    return html.escape(text, quote=False).replace("\n", "<br>")


def _mark(doc: DocumentLike, start: int, end: int, ent: _EntityLike, glued_before: bool,
          glued_after: bool) -> str:
    color = ENTITY_COLORS.get(ent.type.value, "#dddddd")
    inner = doc.text[start:end]
    before = _ZWJ if glued_before and _joins_next(doc.text[start - 1]) else ""
    after = _ZWJ if glued_after and _joins_next(inner[-1]) else ""
    kb = ""
    if ent.kb_id:
        url = kb_url(ent.kb_id)
        kb_text = html.escape(ent.kb_id)
        kb = (f' <a href="{html.escape(url)}" target="_blank" rel="noopener" '
              f'style="text-decoration:none;color:inherit;font-weight:normal">{kb_text}</a>'
              if url else f' <span style="font-weight:normal">{kb_text}</span>')
    margin_start = "0" if glued_before else "0.2em"
    margin_end = "0" if glued_after else "0.2em"
    # white-space:nowrap keeps the name and its label on one line; dir="ltr" isolates the label,
    # and unicode-bidi:isolate the whole mark, so that neighbouring numbers or Latin words are never
    # drawn between a name and its label.
    return (f'<mark class="entity" style="background:{color};padding:0.2em 0.35em;'
            f"margin-inline-start:{margin_start};margin-inline-end:{margin_end};line-height:1;"
            f'border-radius:0.35em;white-space:nowrap;unicode-bidi:isolate">'
            f"{before}{_text(inner)}{after}"
            f'<span dir="ltr" style="font-size:0.72em;font-weight:bold;line-height:1;'
            f'vertical-align:middle;margin-right:0.45em;font-family:sans-serif">'
            f"{html.escape(ent.type.value)}{kb}</span></mark>")


def _marked_text(doc: DocumentLike) -> str:
    text = doc.text
    spans = _marked_spans(doc)
    parts: list[str] = []
    pos = 0
    for i, (start, end, ent) in enumerate(spans):
        limit = spans[i + 1][0] if i + 1 < len(spans) else len(text)
        # Letters of the same word outside the mention (the clitic ل of للبحرية, a suffix) stay
        # glued to the mark on the same line instead of standing alone.
        word_start = start
        while word_start > pos and _is_letter(text[word_start - 1]):
            word_start -= 1
        word_end = end
        while word_end < limit and _is_letter(text[word_end]):
            word_end += 1
        parts.append(_text(text[pos:word_start]))
        prefix, suffix = text[word_start:start], text[end:word_end]
        mark = _mark(doc, start, end, ent, bool(prefix), bool(suffix))
        if prefix or suffix:
            joiner_before = _ZWJ if prefix and _joins_next(prefix[-1]) else ""
            joiner_after = _ZWJ if suffix and _joins_next(text[end - 1]) else ""
            parts.append(f'<span style="white-space:nowrap">{_text(prefix)}{joiner_before}{mark}'
                         f"{joiner_after}{_text(suffix)}</span>")
        else:
            parts.append(mark)
        pos = word_end
    parts.append(_text(text[pos:]))
    return "".join(parts)


def render_html(doc: DocumentLike) -> str:
    """The text right to left with its entities highlighted, then a relation table.

    Each name is marked in its type's colour (the colours of displaCy) with its type and
    knowledge-base id (a link where the id has a web page) beside it, on one line. A clitic that
    the mention leaves out (the و of وكوبا) stays attached to the mark. Nested mentions (a nisba
    inside an organisation name) show the outer one only.
    """
    title = f'<h2 style="margin:0 0 0.3em 0">{html.escape(doc.id)}</h2>' if doc.id else ""
    body = (f'<div class="entities" style="line-height:2.4;direction:{_DIRECTION};'
            f'text-align:start;margin-bottom:1em">{_marked_text(doc)}</div>')
    return (f'<div class="ner-ar" dir="{_DIRECTION}" lang="ar">{title}{body}'
            f"{_relation_table(doc)}</div>")


def pandas_module() -> Any:
    """The pandas module, or an ImportError that says which extra to install."""
    try:
        import pandas
    except ImportError as err:
        raise ImportError(f"DataFrames need pandas: {JUPYTER_HINT}") from err
    return pandas


def entities_frame(doc: DocumentLike) -> pd.DataFrame:
    """One row per entity, columns :data:`ENTITY_COLUMNS`."""
    return pandas_module().DataFrame(entity_rows(doc), columns=ENTITY_COLUMNS)


def relations_frame(doc: DocumentLike) -> pd.DataFrame:
    """One row per relation, columns :data:`RELATION_COLUMNS`, entity names next to their ids."""
    return pandas_module().DataFrame(relation_rows(doc), columns=RELATION_COLUMNS)
