"""How many letters of a name's first token are proclitics (و ف ب ل ك), decided from what the
rest of the word would be."""

from __future__ import annotations

from ner_ar.gazetteer import Gazetteer
from ner_ar.keys import clitic_variants
from ner_ar.relations.lexicon import lexicons


def _known(k: str, gaz: Gazetteer) -> bool:
    return k in gaz.places or k in gaz.nisba


def clitic_cut(k: str, label: str, gaz: Gazetteer, doc_names: set[str], doc_words: set[str],
               coordinated: bool, after_place: bool = False) -> tuple[int, str]:
    """Characters to cut off a name's first token (normalised key ``k``), and the base key left.

    A name keeps its first letter when the whole word is known (gazetteer, another mention).
    Otherwise a proclitic is cut when what is left is known, or appears on its own elsewhere in
    the document (لغوسكوف after غوسكوف), or when the clitic is certain: before the article
    (والجيش, بالعراق, للبحرية) or before another clitic (ووليد). A lone و is cut only between
    coordinated names (روسيا وكوبا); otherwise the word is kept whole (وليد, واشنطن).
    """
    if _known(k, gaz):
        return 0, k
    variants = clitic_variants(k)
    for plen, base in variants:
        if plen and len(base) >= 3 and _known(base, gaz):
            return plen, base
    for plen, base in variants:
        if plen and base.startswith("ال") and len(base) > 3:
            return plen, base
    for plen, base in variants:
        if plen and len(base) >= 3 and (base in doc_names or (len(base) >= 4 and base in doc_words)):
            return plen, base
    # ف never coordinates names (فارس, فيصل): only و does, and و before another و/ف is one
    # (ووليد, وفيصل); ف before و is the name's own (فوزي, فوكوس).
    if k[:1] == "و" and len(k) > 3 and (k[1] in "وف" or coordinated):
        return 1, k[1:]
    # A place right after another place takes ب as "in" (جانت بإيليزي): cut it.
    if after_place and label != "PER" and k[:1] == "ب" and len(k) > 4:
        return 1, k[1:]
    # Organisation names rarely start with ب/ل, prepositions before them often do (لرويترز).
    if label == "ORG" and k[:1] in "بل" and len(k) > 4 and k not in lexicons()["ORG_NOUN"]:
        return 1, k[1:]
    return 0, k
