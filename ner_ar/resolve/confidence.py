"""Entity confidence: the measured precision of what proposed an entity.

Every span carries the stage that proposed it (``RawSpan.source``: ``tag`` for the tagger,
``complete.gazetteer_orgs``, ...). ``resolve/confidence.tsv`` gives, per source and entity type,
the precision of such spans on development data never used for testing (ANERcorp's train tail
and AQMAR's dev split, whole tokens, GPE/FAC scored as LOC), measured by
``python benchmarks/span_confidence.py``. An entity's confidence is the highest of its name
mentions'; a user gazetteer's entry is 1.0; a country named only by a nisba gets the nisba rule's
fixed confidence. So ``confidence`` 0.9 means: of the entities found that way, about nine in ten
were right on held-out data.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

TABLE = Path(__file__).with_name("confidence.tsv")
#: A country mentioned only by a nisba (الروسي): the gazetteer's adjective, rarely wrong.
NISBA_CONFIDENCE = 0.9
#: A source or type the table has too few spans for.
DEFAULT = 0.5
_COARSE = {"GPE": "LOC", "FAC": "LOC"}


@cache
def _table() -> dict[tuple[str, str], float]:
    out: dict[tuple[str, str], float] = {}
    if TABLE.exists():
        for line in TABLE.read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                source, etype, precision, _n = line.split("\t")
                out[(source, etype)] = float(precision)
    return out


def span_confidence(source: str, etype: str) -> float:
    """Precision of spans from ``source`` typed ``etype`` (GPE/FAC read as LOC); the source's
    precision over all types, then :data:`DEFAULT`, when the table lacks the pair."""
    if source == "complete.user_gazetteer":
        return 1.0
    table = _table()
    return table.get((source, _COARSE.get(etype, etype)), table.get((source, "*"), DEFAULT))
