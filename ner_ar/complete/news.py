"""Names frequent in recent news that the 2007-trained tagger never saw (``ترامب``, ``التحالف
العربي``, ``عفرين``), from ``gazetteer/data/news_names.tsv`` (mined from ANT v2.1 and reviewed;
the user-gazetteer file format). Unlike a user's gazetteer, these fill gaps only: a name becomes a
span where the tagger found nothing over it, or only pieces inside it (``[دونالد] ترامب``); a
tagger span reaching beyond it (``إيفانكا ترامب``) stays, and a person's name right after a person
span is that person's surname: it joins that span (``[إيفانكا] ترامب`` -> ``[إيفانكا ترامب]``).
First, a person's span that the tagger ran over ``صباح``/``مساء`` before a time word ends before
it (``[قايد السبسي صباح] اليوم``)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from spacy.tokens import Doc

from ner_ar.complete.spans import inside, owners
from ner_ar.docstate import RawSpan
from ner_ar.gazetteer import DATA, gazetteer
from ner_ar.gazetteer.user import UserGazetteer
from ner_ar.relations.lexicon import lexicons

#: words that end a person's name (صباح الأحمد) or begin a time (صباح اليوم)
_PART_OF_DAY = frozenset({"صباح", "مساء"})


@cache
def news_gazetteer() -> UserGazetteer:
    """The shipped news names (``gazetteer/data/news_names.tsv``)."""
    return UserGazetteer.from_files([DATA / "news_names.tsv"])


def add_news_names(doc: Doc, keys: Sequence[str], spans: list[RawSpan]) -> list[RawSpan]:
    """A span for each news name the tagger missed or cut; its pieces give way."""
    gaz = news_gazetteer()
    time_words = lexicons()["TIME_WORD"]
    for s in spans:
        # [قايد السبسي صباح] اليوم: صباح/مساء before a time word is the time, not a name
        if s.label == "PER" and s.end - s.start > 1 and keys[s.end - 1] in _PART_OF_DAY \
                and s.end < len(keys) and keys[s.end] in time_words:
            s.end -= 1
    owner = owners(len(keys), spans)
    drop: set[int] = set()
    added: list[RawSpan] = []
    for i, end, cut, base, entry in gaz.matches(keys):
        covered = inside(owner, i, end)
        beyond = any(spans[k].start < i or spans[k].end > end for k in covered)
        after_person = i > 0 and owner[i - 1] != -1 and spans[owner[i - 1]].label == "PER" \
            and entry.type == "PER" and cut == 0
        if after_person and not covered:
            k = owner[i - 1]  # إيفانكا ترامب: the surname joins the person's span
            drop.add(k)
            added.append(RawSpan("PER", spans[k].start, end))
        elif not beyond and not after_person \
                and not any((spans[k].start, spans[k].end, spans[k].label) == (i, end, entry.type) for k in covered):
            drop |= covered
            if entry.type in ("GPE", "LOC") and gazetteer().places.get(" ".join([base, *keys[i + 1:end]])):
                # a gazetteer place: linked by resolution like any place (its country, its
                # city-in-country relation), not fixed like a user's entry
                added.append(RawSpan("LOC", i, end, clitic=(cut, base)))
            else:
                added.append(RawSpan(entry.type, i, end, clitic=(cut, base), user=entry))
    if not added:
        return spans
    return [s for n, s in enumerate(spans) if n not in drop] + added
