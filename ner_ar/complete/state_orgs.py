"""A state body with the article and its state's nisba (``للبحرية الروسية``, ``وزارة الدفاع
الأمريكية``) becomes an ORG span (lexicons STATE_INSTITUTION, MINISTRY, PORTFOLIO); up to two
adjectives may come before the nisba (``الجيش الوطني الليبي``), and a few portfolios name their
ministry alone (``الخارجية الروسية``; kinds ``state_adj`` and ``state_word`` of
``gazetteer/data/org_chains.tsv``)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from spacy.tokens import Doc

from ner_ar.complete.chains import chain_words
from ner_ar.complete.spans import Proposal, inside, lex_end, nisba_end, replace_scan
from ner_ar.docstate import RawSpan
from ner_ar.gazetteer import gazetteer
from ner_ar.keys import clitic_variants
from ner_ar.relations.lexicon import lexicons


@cache
def _state_heads() -> dict[str, list[tuple[tuple[str, ...], bool]]]:
    """First word -> [(other words, needs a portfolio)], longest first, for STATE_INSTITUTION
    and MINISTRY entries and the ``state_head`` rows of ``org_chains.tsv``."""
    lex = lexicons()
    heads: dict[str, list[tuple[tuple[str, ...], bool]]] = {}
    for cls, portfolio in (("STATE_INSTITUTION", False), ("MINISTRY", True)):
        for entry in lex[cls]:
            words = entry.split()
            heads.setdefault(words[0], []).append((tuple(words[1:]), portfolio))
    for entry in chain_words().get("state_head", ()):  # org_chains.tsv: القوات العراقية, مجلس العموم البريطاني
        words = entry.split()
        heads.setdefault(words[0], []).append((tuple(words[1:]), False))
    for lst in heads.values():
        lst.sort(key=lambda item: -len(item[0]))
    return heads


def _portfolio_end(keys: Sequence[str], j: int, portfolio: frozenset[str], joined: bool) -> int | None:
    """End of a portfolio at token ``j``; after the first one, also a portfolio joined by و
    (وزارة الفلاحة والموارد المائية والصيد البحري)."""
    end = lex_end(keys, j, portfolio)
    if end is None and joined and keys[j:j + 1] and keys[j].startswith("وال"):
        end = lex_end([keys[j][1:], *keys[j + 1:j + 3]], 0, portfolio)
        end = None if end is None else j + end
    return end


def _state_org_at(keys: Sequence[str], i: int) -> tuple[int, int] | None:
    """(nisba start, end) of a state body at token ``i``: head (+ portfolios, the later ones
    joined by و) + nisba, with the
    article somewhere before the nisba and on the nisba itself (البحرية الروسية, not بحرية روسية).
    A ministry needs no nisba (``وزارة الشؤون الخارجية``): then both are the portfolio's end."""
    heads = _state_heads()
    portfolio = lexicons()["PORTFOLIO"]
    for _plen, base in clitic_variants(keys[i]):
        for rest, needs_portfolio in heads.get(base, ()):
            j = i + 1 + len(rest)
            if j > len(keys) or tuple(keys[i + 1:j]) != rest:
                continue
            words = [base, *rest]
            if needs_portfolio:
                n_port = 0
                while n_port < 4 and (nxt := _portfolio_end(keys, j, portfolio, n_port > 0)) is not None:
                    words += keys[j:nxt]
                    j = nxt
                    n_port += 1
                if not n_port:
                    continue
            if not any(w.startswith("ال") for w in words):
                continue
            j = _adjectives_end(keys, j)
            found = nisba_end(keys, j) if keys[j:j + 1] and keys[j].startswith("ال") else None
            if found and " ".join(words) in chain_words().get("state_head", ()) \
                    and words[0].endswith(("ه", "ات")) != keys[found[0] - 1].endswith("ه"):
                # a state_head row and its nisba agree (القوات العراقية, الطيران العراقي; not بطلة
                # الطيران الأفغانية, خطوط الطيران القطرية)
                found = None
            if found and found[1] not in gazetteer().ambiguous_nisba:
                return j, found[0]
            if needs_portfolio:
                return j, j  # وزارة الداخلية: a ministry is named by its portfolio alone
    if any(base in chain_words().get("state_word", ()) for _plen, base in clitic_variants(keys[i])) \
            and not _after_title(keys, i):
        # الخارجية الروسية, الادعاء العام التشيكي: one word names the body before the nisba, and
        # the nisba agrees with it (وزير الخارجية الروسي: the nisba is the minister's)
        j = _adjectives_end(keys, i + 1)
        found = nisba_end(keys, j) if keys[j:j + 1] and keys[j].startswith("ال") else None
        if found and found[1] not in gazetteer().ambiguous_nisba \
                and keys[i].endswith("ه") == keys[found[0] - 1].endswith("ه"):
            return j, found[0]
    return None


def state_org_words(words: Sequence[str]) -> bool:
    """The keys ``words`` are exactly a state body with its nisba (``الجيش اليمني``)."""
    found = _state_org_at(words, 0)
    return found is not None and found[1] == len(words) and found[0] < found[1]


def _in_genitive(keys: Sequence[str], i: int) -> bool:
    """A ``state_head`` body (``org_chains.tsv``) right after an organisation head without the
    article is that organisation's genitive (هيئة [الطيران المدني الروسية]), not a body of its own."""
    heads = chain_words()
    if i == 0 or keys[i] not in heads.get("state_head_first", ()):
        return False
    return any("ال" + base in heads.get("head", ()) for _plen, base in clitic_variants(keys[i - 1]))


def _after_title(keys: Sequence[str], i: int) -> bool:
    """Token ``i`` follows a title (وزير الخارجية, وزيرة الداخلية, المتحدث باسم الخارجية): the
    portfolio is the title's."""
    lex = lexicons()
    titles = lex["TITLE_GOV"] | lex["TITLE_JOB"] | lex["TITLE_MOD"] | lex["SPEAKS_FOR"]
    return i > 0 and any(base in titles for _plen, base in clitic_variants(keys[i - 1]))


def _adjectives_end(keys: Sequence[str], j: int) -> int:
    """Past up to two adjectives of kind ``state_adj`` (``org_chains.tsv``) at token ``j``, when a
    nisba follows them: الجيش [الوطني] الليبي, المخابرات [المركزية] الأمريكية."""
    adjs = chain_words().get("state_adj", frozenset())
    t = j
    while t < len(keys) and t - j < 2 and keys[t] in adjs:
        t += 1
    return t if t > j and nisba_end(keys, t) is not None else j


def add_state_orgs(doc: Doc, keys: Sequence[str], spans: list[RawSpan]) -> list[RawSpan]:
    """ORG spans for state bodies with their nisba outside the model's spans: ``الجيش العراقي``,
    ``للبحرية الروسية``, ``وزارة الخارجية الأمريكية``. A span the model put on the nisba alone
    joins the body's, and so does one it put on the head alone (``[الجيش] السوري``)."""
    first = _state_heads().keys() | chain_words().get("state_word", frozenset())

    def propose(i: int, owner: list[int]) -> Proposal | None:
        head_span = spans[owner[i]] if owner[i] != -1 else None
        if not keys[i] or (head_span is not None and (head_span.start != i or head_span.label == "PER")) \
                or not any(base in first for _, base in clitic_variants(keys[i])):
            return None
        found = _state_org_at(keys, i)
        if found is None or _in_genitive(keys, i):
            return None
        nisba, end = found
        covered = inside(owner, i, end)
        if any((spans[k].start, spans[k].end) not in ((nisba, end), (i, nisba)) for k in covered):
            return None
        return RawSpan("ORG", i, end), covered

    return replace_scan(len(keys), spans, propose)
