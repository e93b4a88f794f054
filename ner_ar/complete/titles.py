"""Persons anchored by a title: a title (lexicons TITLE_GOV, TITLE_DIPLO, TITLE_JOB,
PERSON_NOUN), its portfolio, organisation or nisba (``وزير الفلاحة``, ``سفيرة كندا``,
``الكاتبة المغربية``), then two to four name words outside every span become a person even when
the tagger missed them: ``أكد وزير الفلاحة سمير الطيب``. The first name word must begin person
names in the training data (``gazetteer/data/person_names.tsv``, ANERcorp and AQMAR train); the
others are name words of that list or rare words of no lexicon; punctuation, a span or a lexicon
word ends the name."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from spacy.tokens import Doc

from ner_ar.complete.spans import bases, nisba_end, owners
from ner_ar.docstate import RawSpan
from ner_ar.gazetteer import DATA
from ner_ar.relations.lexicon import lexicons, tag_classes

_TITLES = frozenset({"TITLE_GOV", "TITLE_DIPLO", "TITLE_JOB", "PERSON_NOUN"})
_CHAIN = frozenset({"PORTFOLIO", "TITLE_MOD", "TITLE_GOV", "TITLE_DIPLO", "TITLE_JOB", "STATE_NOUN",
                    "STATE_ORG", "MINISTRY"})
_MAX_CHAIN = 5  # words between the title and the name
_MAX_NAME = 4
_RARE = 300  # a word this rare in the corpus, in no lexicon, may continue a name


@cache
def person_words() -> tuple[frozenset[str], frozenset[str]]:
    """(words that begin person names, all words of person names), normalised."""
    first: set[str] = set()
    words: set[str] = set()
    with open(DATA / "person_names.tsv", encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                continue
            w, _n, n_first = line.rstrip("\n").split("\t")
            words.add(w)
            if int(n_first) >= 1:
                first.add(w)
    return frozenset(first), frozenset(words)


def add_title_persons(doc: Doc, keys: Sequence[str], spans: list[RawSpan]) -> list[RawSpan]:
    """PER spans after title chains where the tagger found no name (see the module docstring)."""
    from ner_ar.resolve.clitics import word_freq  # noqa: PLC0415  (a data table; no stage)

    first, words = person_words()
    classes = tag_classes(list(keys))
    owner = owners(len(keys), spans)
    freq = word_freq()
    all_lex = set().union(*lexicons().values())
    added: list[RawSpan] = []
    i = 0
    n = len(keys)
    while i < n:
        if owner[i] != -1 or not (classes.get(i, set()) & _TITLES):
            i += 1
            continue
        j = i + 1
        steps = 0
        # the chain: portfolio words, an organisation or place span, a nisba, definite words
        while j < n and steps < _MAX_CHAIN and keys[j]:
            if owner[j] != -1 and spans[owner[j]].label != "PER":
                j = spans[owner[j]].end
            elif (found := nisba_end(keys, j)) is not None:
                j = found[0]
            elif classes.get(j, set()) & _CHAIN or (keys[j].startswith("ال") and keys[j] not in words):
                j += 1
            else:
                break
            steps += 1
        start = j
        if start >= n or owner[start] != -1 or not any(b in first for b in bases(keys[start])) \
                or doc[start].is_punct:
            i = max(i + 1, start)
            continue
        end = start + 1
        while end < n and end - start < _MAX_NAME and owner[end] == -1 and keys[end] \
                and doc[end - 1].text[-1:] not in ",،.:;" and not doc[end].is_punct \
                and (keys[end] in words or (freq.get(keys[end], 0) < _RARE and keys[end] not in all_lex
                                            and not classes.get(end))):
            end += 1
        if end - start >= 2:
            added.append(RawSpan("PER", start, end))
        i = end
    return spans + added
