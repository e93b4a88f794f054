"""What the pipeline's stages hand each other, kept on the spaCy ``Doc`` (``doc.user_data``).

The ``Doc`` holds the truth (text, tokens, offsets, sentence starts, the tagger's ``ents``); a
:class:`DocState` under ``doc.user_data["ner_ar"]`` holds what the stages add to it, in order:
the tokens' normalised keys (segmentation), the entity spans (tagging, then completion), the
nisba spans and token maps (resolution), the relations (relation extraction).
Spans are token ranges ``[start, end)`` of the ``Doc``; offsets are characters of the text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from spacy.tokens import Doc, Token

from ner_ar.gazetteer import Organisation, Place
from ner_ar.keys import token_key
from ner_ar.text import doc_text

if TYPE_CHECKING:
    from ner_ar.gazetteer.user import UserEntry
    from ner_ar.schema import Entity, Relation

_KEY = "ner_ar"


@dataclass
class RawSpan:
    """An entity span over tokens ``[start, end)``: from the tagger, a completion step or a user
    gazetteer, then bounded, named and typed by resolution."""

    label: str  #: PER ORG GPE LOC FAC MISC
    start: int
    end: int
    org: Organisation | None = None  #: the organisation gazetteer's entry, when it names one
    clitic: tuple[int, str] | None = None  #: (characters to cut, base key) found with a gazetteer
    user: UserEntry | None = None  #: the user gazetteer's entry: type, bounds and kb_id are fixed
    cut: int = 0  #: characters trimmed off the first token (clitics), set by resolution
    name: str = ""  #: the canonical name as written, set by resolution
    place: Place | None = None  #: the gazetteer place it names, set by resolution
    dropped: bool = False  #: a bare nisba or a lone title: names no entity (and coordinates nothing)
    source: str = "tag"  #: the stage that proposed the span ("tag" for the tagger)


@dataclass
class NisbaSpan:
    """A nationality adjective over tokens ``[start, end)``: a mention of country ``iso2``."""

    start: int
    end: int
    cut: int  #: characters of proclitic before it
    iso2: str


@dataclass
class Resolution:
    """Entities of the document and the token maps the relation engine matches on."""

    entities: list[Entity]
    token_entity: list[int | None]  #: token index -> index in ``entities`` of its name mention
    token_nisba: list[int | None]  #: token index -> index in ``entities`` of the nisba's country
    token_begin: list[bool]  #: token starts a mention
    places: dict[int, Place] = field(default_factory=dict)  #: entity index -> gazetteer entry
    #: the Doc's tokens, for the relation engine (building them again costs as much as resolving)
    tokens: list[Token] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)  #: each token's normalised key ('' = a break)


@dataclass
class DocState:
    """The stages' working data for one Doc."""

    tokens: list[Token]
    keys: list[str]  #: each token's normalised key ('' for a blank token)
    text: str  #: the Doc's text
    spans: list[RawSpan] = field(default_factory=list)
    nisbas: list[NisbaSpan] = field(default_factory=list)
    resolution: Resolution | None = None
    relations: list[Relation] = field(default_factory=list)


def state(doc: Doc) -> DocState:
    """The :class:`DocState` of ``doc``, created (keys, spans from ``doc.ents``) on first use."""
    st = doc.user_data.get(_KEY)
    if st is None:
        toks = list(doc)
        st = DocState(toks, [token_key(t.text) for t in toks], doc_text(doc),
                      [RawSpan(e.label_, e.start, e.end) for e in doc.ents])
        doc.user_data[_KEY] = st
    return st
