"""How many letters of a name's first token are proclitics (و ف ب ل ك), decided from what the
rest of the word would be."""

from __future__ import annotations

from ner_ar.gazetteer import Gazetteer, word_freq
from ner_ar.keys import clitic_variants
from ner_ar.relations.lexicon import lexicons

#: How much more often the rest must occur as a word than the whole token for a proclitic و ب ل
#: to be cut on frequency alone (لمحمود 19 and محمود 1,878; بكاليفورنيا 49 and كاليفورنيا 868).
#: Never ف or ك: فراس and فادي would become ف + راس ("head"), ف + ادي (56 times commoner).
FREQ_RATIO = 15
#: Occurrences that make the rest after a proclitic and the article a word (الألمنيوم), where
#: ``اليفورنيا`` (after كـ) or ``النسيا`` (after فـ) never occur.
MIN_WORD = 5


def _more_common(base: str, k: str, ratio: float = 1.0) -> bool:
    """``base`` occurs as a word more than ``ratio`` times as often as the whole token ``k``."""
    freq = word_freq()
    return freq.get(base, 0) > ratio * max(freq.get(k, 0), 1 if ratio > 1 else 0)


def _known(k: str, gaz: Gazetteer) -> bool:
    return k in gaz.places or k in gaz.nisba


def clitic_cut(k: str, label: str, gaz: Gazetteer, doc_names: set[str], doc_words: set[str],
               coordinated: bool, after_place: bool = False) -> tuple[int, str]:
    """Characters to cut off a name's first token (normalised key ``k``), and the base key left.

    A name keeps its first letter when the whole word is known (gazetteer, another mention).
    Otherwise a proclitic is cut when what is left is known, or appears on its own elsewhere in
    the document (لغوسكوف after غوسكوف), or when the rest is a word of the corpus: before the
    article (والجيش, بالعراق, للبحرية, والألمنيوم; but not كاليفورنيا, فالنسيا: ``اليفورنيا`` is no
    word), or elsewhere when the rest is far commoner than the whole token (لمحمود). A lone و is cut before another clitic
    (ووليد) or between coordinated names (روسيا وكوبا); otherwise the word is kept whole (وليد,
    واشنطن). Letters that merely look like clitics stay (لوموند, بوعلي, فيصل).
    """
    if _known(k, gaz):
        return 0, k
    variants = clitic_variants(k)
    # A known rest (فرنسا in بفرنسا) is cut off, unless the whole token is the commoner word
    # (فرانس is no ف + رانس, Reims; بلير is no ب + لير).
    known = [(plen, base) for plen, base in variants
             if plen and len(base) >= 3 and _known(base, gaz) and not _more_common(k, base)]
    if known:
        # وباريس: و + باريس, not وب + اريس (a village of the same name): the commoner word wins.
        freq = word_freq()
        return max(known, key=lambda v: (freq.get(v[1], 0), -v[0]))
    for plen, base in variants:
        if plen and base.startswith("ال") and len(base) > 3 and word_freq().get(base, 0) >= MIN_WORD \
                and not _more_common(k, base, FREQ_RATIO):
            return plen, base
    for plen, base in variants:
        if plen and len(base) >= 3 and (base in doc_names or (len(base) >= 4 and base in doc_words)):
            return plen, base
    for plen, base in variants:
        # بوعلي is no ب + وعلي: that rest is itself و + علي, common only as "and Ali".
        compound = base[0] in "وف" and _more_common(base[1:], base)
        if plen and len(base) >= 3 and not set(k[:plen]) & set("كف") and not compound \
                and _more_common(base, k, FREQ_RATIO):
            return plen, base
    # ف never coordinates names (فارس, فيصل): only و does, and و before another و/ف is one
    # (ووليد, وفيصل); ف before و is the name's own (فوزي, فوكوس).
    if k[:1] == "و" and len(k) > 3 and (k[1] in "وف" or coordinated):
        return 1, k[1:]
    # A place right after another place takes ب as "in" (جانت بإيليزي): cut it.
    if after_place and label != "PER" and k[:1] == "ب" and len(k) > 4 and not _more_common(k, k[1:]):
        return 1, k[1:]
    # Organisation names rarely start with ب/ل, prepositions before them often do (لرويترز).
    if label == "ORG" and k[:1] in "بل" and len(k) > 4 and k not in lexicons()["ORG_NOUN"] \
            and not _more_common(k, k[1:]):  # لوموند is a word, وموند is none
        return 1, k[1:]
    return 0, k
