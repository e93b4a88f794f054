"""ner_ar: Arabic named entities, relations and graphs, offline, with exact character offsets.

>>> from ner_ar import Extractor                       # doctest: +SKIP
>>> doc = Extractor().extract("أعلن السفير الروسي لدى كوبا أندريه غوسكوف ...")  # doctest: +SKIP
"""

__version__ = "0.1.0"

from ner_ar.schema import (  # noqa: E402
    Document,
    Entity,
    EntityType,
    Mention,
    Relation,
    RelationType,
    Span,
)

__all__ = ["Document", "Entity", "EntityType", "Extractor", "Mention", "Relation", "RelationType",
           "Span", "__version__"]


def __getattr__(name: str) -> object:
    # Importing the Extractor pulls in torch and Stanza: only when it is asked for.
    if name == "Extractor":
        from ner_ar.extractor import Extractor

        return Extractor
    raise AttributeError(f"module 'ner_ar' has no attribute {name!r}")
