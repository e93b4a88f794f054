"""The view of one document: its text highlighted right to left, and its tables as DataFrames.

This module is a leaf: it imports nothing from ``ner_ar`` (in particular neither
:mod:`ner_ar.schema` nor :mod:`ner_ar.graph`), so :class:`~ner_ar.schema.Document` can call it
from ``_repr_html_``, ``entities_frame`` and ``relations_frame`` without an import circle. It reads
a document through its attributes only (see :class:`DocumentLike`). ``render_html`` needs only
spaCy (a core dependency, imported when a view is rendered); the frames need pandas, an optional dependency imported when a frame is
asked for (``pip install "ner_ar[jupyter]"``).

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

JUPYTER_HINT = 'pip install "ner_ar[jupyter]"'
"""What to install for the optional views."""

# Arabic is written right to left (spaCy's ArabicDefaults say so too; importing spaCy here would
# make every ``import ner_ar`` pay for it, so it is imported when a view is rendered).
_DIRECTION = "rtl"
_KB_URLS = {
    "geonames": "https://www.geonames.org/{}",
    "wikidata": "https://www.wikidata.org/wiki/{}",
}


def _kb_url(kb_id: str) -> str:
    prefix, _, local = kb_id.partition(":")
    template = _KB_URLS.get(prefix)
    return template.format(local) if template else "#"


def _displacy_spans(doc: DocumentLike) -> list[dict[str, Any]]:
    spans = sorted(
        ((m.start, m.end, ent) for ent in doc.entities for m in ent.mentions if m.end > m.start),
        key=lambda s: (s[0], -s[1]),
    )
    out: list[dict[str, Any]] = []
    last_end = -1
    for start, end, ent in spans:
        # displaCy cannot draw nested or overlapping marks: the earlier, longer mention wins.
        if start < last_end:
            continue
        span: dict[str, Any] = {"start": start, "end": end, "label": ent.type.value}
        if ent.kb_id:
            span.update(kb_id=ent.kb_id, kb_url=_kb_url(ent.kb_id))
        out.append(span)
        last_end = end
    return out


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


def render_html(doc: DocumentLike) -> str:
    """The text right to left with its entities highlighted by displaCy, then a relation table.

    Nested mentions (a nisba inside an organisation name) show the outer one only.
    """
    from spacy import displacy
    from spacy.displacy.templates import TPL_ENT_RTL

    parsed = {
        "text": doc.text,
        "ents": _displacy_spans(doc),
        "title": doc.id,
        "settings": {"lang": "ar", "direction": _DIRECTION},
    }
    # displaCy picks its right-to-left template before it knows the direction, so ask for it.
    options = {"colors": ENTITY_COLORS, "template": TPL_ENT_RTL}
    marked = displacy.render(parsed, style="ent", manual=True, options=options, jupyter=False)
    return f'<div class="ner-ar" dir="{_DIRECTION}" lang="ar">{marked}{_relation_table(doc)}</div>'


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
