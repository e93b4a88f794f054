"""Entity resolution within a document, in four steps run by the pipeline in this order:

- ``resolve.bounds`` (:func:`bound_spans`): edges, gazetteer organisations, leading titles and
  descriptors, bare nisbas;
- ``resolve.names`` (:func:`name_spans`): clitics cut with exact offsets, names, gazetteer places
  and types, trailing nisbas;
- ``resolve.nisbas`` (:func:`find_nisbas`): nationality adjectives as mentions of their country;
- ``resolve.entities`` (:func:`group_entities`): mentions grouped into entities (coreference by
  name and link), ids in order of first mention.

(:func:`ner_ar.pipeline.resolve` runs completion and these on a Doc of one's own.) Each reads and writes the Doc's :class:`~ner_ar.docstate.DocState`; the last leaves a
:class:`~ner_ar.docstate.Resolution` whose ``entities`` are the public
:class:`~ner_ar.schema.Entity` objects and whose token maps let the relation engine see, for every
token, which entity (or nisba) it belongs to.
"""

from __future__ import annotations

from collections.abc import Callable

from spacy.tokens import Doc

from ner_ar.docstate import Resolution
from ner_ar.resolve.bounds import bound_spans
from ner_ar.resolve.corefer import group_entities
from ner_ar.resolve.names import name_spans
from ner_ar.resolve.nisbas import find_nisbas

#: The resolution steps in pipeline order, by stage name.
RESOLUTION_STEPS: list[tuple[str, Callable[[Doc], Doc]]] = [
    ("resolve.bounds", bound_spans),
    ("resolve.names", name_spans),
    ("resolve.nisbas", find_nisbas),
    ("resolve.entities", group_entities),
]

__all__ = ["RESOLUTION_STEPS", "Resolution", "bound_spans", "find_nisbas", "group_entities",
           "name_spans"]

