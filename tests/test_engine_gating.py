"""The relation engine's shortcuts change nothing but speed.

A sentence is walked by a Matcher only if it holds what the Matcher's patterns require, and only
between the first token a match may begin at and the last it may end at (``Group.starts`` /
``Group.ends``); groups are found through an index. Here the same shipped rules run without any of
that (every pattern walks every busy sentence whole) on real passages, and must give the same
relations, evidence and roles.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from spacy.matcher import Matcher

from ner_ar.pipeline import resolve
from ner_ar.relations.engine import Engine, Group, _bound, _edges, engine, extract_relations

DATA = Path(__file__).parent / "data"


def _ungated(eng: Engine) -> Engine:
    """The same rules in one Matcher that walks every busy sentence from its first token to its
    last, whatever the sentence holds."""
    matcher = Matcher(eng.groups[0].matcher.vocab)
    for rule in eng.rules.values():
        for n, pattern in enumerate(rule.patterns):
            matcher.add(f"{rule.id}#{n}", [pattern])
    return dataclasses.replace(eng, groups=[Group((), matcher, None, None)], index={}, unindexed=[0],
                               wanted=eng.wanted)


def _passages() -> list[str]:
    texts: list[str] = []
    for name in ("relations_dev.jsonl", "relations_tune_v21.jsonl", "relations_tune_v11.jsonl"):
        with (DATA / name).open(encoding="utf-8") as fh:
            texts += [json.loads(line)["text"] for line in fh if line.strip()]
    return texts


def _facts(rels: list) -> list[tuple]:  # type: ignore[type-arg]
    return [(r.type, r.subject, r.object, r.role, r.rule, [(e.start, e.end) for e in r.evidence]) for r in rels]


def test_gating_changes_no_relation(extractor, seed_text) -> None:  # type: ignore[no-untyped-def]
    eng = engine()
    plain = _ungated(eng)
    texts = [seed_text, *_passages()]
    found = 0
    for text in texts:
        doc = extractor.tagged(text)
        res = resolve(doc)
        fast = _facts(extract_relations(doc, res, eng))
        slow = _facts(extract_relations(doc, res, plain))
        assert fast == slow, text
        found += len(fast)
    assert found > 500  # the passages do hold relations: the comparison is not vacuous


def test_edges_of_patterns() -> None:
    person = {"TAG": {"IN": ["B-PER"]}}
    optional_title = {"LEMMA": {"REGEX": r"\|(TITLE_GOV)\|"}, "OP": "?"}
    gap = {"TAG": "O", "OP": "*"}
    # A match begins at the title or, without it, at the person.
    assert _edges([optional_title, person, gap, person]) == [
        (frozenset({"lex:TITLE_GOV"}),), (frozenset({"PER"}),)]
    # A leading gap requires nothing known: no bound.
    assert _edges([gap, person]) is None


@pytest.mark.parametrize(("last", "expected"), [(False, 3), (True, 9)])
def test_bound_takes_the_outermost_token(last: bool, expected: int) -> None:
    have = {"PER": [3, 9], "lex:TITLE_GOV": [5, 6]}
    conds = [(frozenset({"PER"}),), (frozenset({"lex:TITLE_GOV"}),)]
    assert _bound(conds, have, last, -1) == expected
    # every requirement of one token must be met: a PER token that is also a title, from 5 to 6
    both = [(frozenset({"PER"}), frozenset({"lex:TITLE_GOV"}))]
    assert _bound(both, have, last, -1) == (5 if not last else 6)
    assert _bound([(frozenset({"ORG"}),)], have, last, -1) is None
    assert _bound(None, have, last, -1) == -1
