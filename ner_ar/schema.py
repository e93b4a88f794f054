"""The public data model: pydantic v2 objects that every output of the library is made of.

Offsets are character offsets into ``Document.text``, the string exactly as the caller passed it:
``doc.text[m.start:m.end] == m.text`` holds for every mention and evidence span.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ner_ar import docview


class EntityType(str, Enum):
    """Entity types (see docs/relations.md)."""

    PER = "PER"  #: person
    ORG = "ORG"  #: organisation: government, army, media, party, company, team
    GPE = "GPE"  #: geo-political entity: country, state, city
    LOC = "LOC"  #: other place: region, continent, sea, island as geography
    FAC = "FAC"  #: building, airport, road
    MISC = "MISC"  #: other named things: events, conferences, products, works


class RelationType(str, Enum):
    """The fixed relation inventory (``shared/design/relations.md``)."""

    employee_of = "employee_of"
    posted_to = "posted_to"
    nationality = "nationality"
    part_of = "part_of"
    located_in = "located_in"
    cooperates_with = "cooperates_with"
    met_with = "met_with"
    visited = "visited"
    statement_to = "statement_to"

    @property
    def symmetric(self) -> bool:
        return self in SYMMETRIC_RELATIONS


SYMMETRIC_RELATIONS = frozenset({RelationType.cooperates_with, RelationType.met_with})


class _Model(BaseModel):
    model_config = ConfigDict(frozen=False, extra="forbid", use_enum_values=False)


class Span(_Model):
    """A stretch of the document's text."""

    start: int = Field(ge=0, description="Offset of the first character in Document.text.")
    end: int = Field(ge=0, description="Offset one past the last character in Document.text.")
    text: str = Field(description="Document.text[start:end].")

    @model_validator(mode="after")
    def _ordered(self) -> Span:
        if self.end < self.start:
            raise ValueError(f"span end {self.end} is before its start {self.start}")
        return self


class Mention(Span):
    """One occurrence of an entity in the text, clitics trimmed."""

    kind: str = Field(default="name",
                      description="'name' for a proper name, 'nisba' for a nationality adjective "
                                  "such as الروسي that refers to a country.")


class Entity(_Model):
    """One real-world referent, with all its mentions in the document."""

    id: str = Field(description="Identifier unique within the document, e.g. 'E3'.")
    type: EntityType
    name: str = Field(description="Canonical name: the longest full-name mention, clitics trimmed.")
    mentions: list[Mention] = Field(default_factory=list)
    kb_id: str | None = Field(default=None,
                              description="Link to a knowledge base: 'iso3166:RU', 'geonames:524901'.")
    confidence: float | None = Field(
        default=None, ge=0.0, le=1.0,
        description="Estimated probability that the entity is right: the precision, measured on held-out "
                    "data, of the stage that found its best name mention (the tagger per type, or a "
                    "completion step; ner_ar/resolve/confidence.py). 1.0 for a user gazetteer's entry.")


class Relation(_Model):
    """A typed, directed link between two entities (symmetric types are stored once)."""

    id: str = Field(description="Identifier unique within the document, e.g. 'R1'.")
    type: RelationType
    subject: str = Field(description="Entity id of the subject.")
    object: str = Field(description="Entity id of the object.")
    role: str | None = Field(default=None,
                             description="For employee_of/posted_to: the title as written, "
                                         "e.g. 'وزير الدفاع'.")
    evidence: list[Span] = Field(default_factory=list,
                                 description="Every span of text that states the relation.")
    rule: str = Field(description="Id of the rule that produced the relation (the first one).")
    confidence: float = Field(ge=0.0, le=1.0)


class Sentence(Span):
    """A sentence as split by the library."""


class Document(_Model):
    """The result of extraction from one text."""

    id: str | None = Field(default=None, description="The caller's document id, if any.")
    text: str
    sentences: list[Sentence] = Field(default_factory=list)
    entities: list[Entity] = Field(default_factory=list)
    relations: list[Relation] = Field(default_factory=list)
    meta: dict[str, Any] = Field(default_factory=dict,
                                 description="Model name and library version that produced it.")

    def entity(self, entity_id: str) -> Entity:
        """The entity with this id (KeyError if none)."""
        for ent in self.entities:
            if ent.id == entity_id:
                return ent
        raise KeyError(entity_id)

    def entities_of_type(self, type_: EntityType | str) -> list[Entity]:
        return [e for e in self.entities if e.type == EntityType(type_)]

    # The view lives in ner_ar.docview, a leaf module: the schema never imports the graph or
    # display code (they depend on it), and pandas is imported only when a frame is asked for.
    def _repr_html_(self) -> str:
        """The text right to left with its entities highlighted, then a relation table."""
        return docview.render_html(self)

    def entities_frame(self) -> Any:
        """Entities as a pandas DataFrame (needs the ``jupyter`` extra)."""
        return docview.entities_frame(self)

    def relations_frame(self) -> Any:
        """Relations as a pandas DataFrame (needs the ``jupyter`` extra)."""
        return docview.relations_frame(self)


def json_schema() -> dict[str, Any]:
    """JSON Schema of :class:`Document` (published as docs/document.schema.json)."""
    return Document.model_json_schema()

