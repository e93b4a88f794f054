"""The rule engine: declarative rules (``rules/*.yaml``) run by spaCy's ``Matcher`` over the Doc.

Before matching, every token gets two match attributes (the Doc holds the truth, nothing is
copied): ``TAG`` = ``B-``/``I-`` + the resolved entity type (``NAT`` for a nisba), or ``O``; and
``LEMMA`` = ``|CLASS|CLASS|`` for the lexicon classes it belongs to (plus ``NAT``, ``COUNTRY``,
``CITY`` from the gazetteer). Rule token specs are shorthands expanded into Matcher patterns:

``{ent: PER}`` an entity of that type (or list of types); ``{nisba: true}`` a nisba outside any
name; ``{nisba: inside}`` the nisba ending an ORG name; ``{lex: CLASS}`` a token of a lexicon class
(or list); ``{words: [بين]}`` exact words (normalised); ``{punct: true}``; ``{gap: N}`` up to N other
plain words; plus ``op`` (``?``, ``*``, ``+``) and ``as`` (the slot a token fills: ``subject``,
``object``, ``role`` or any name used by the rule's ``emit``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from spacy.matcher import Matcher
from spacy.tokens import Doc, Token

from ner_ar.errors import UserDataError
from ner_ar.gazetteer import WELL_KNOWN_POPULATION
from ner_ar.keys import CLITIC_MARKS
from ner_ar.relations.lexicon import clitic_variants, key, lexicons, tag_classes, token_key
from ner_ar.schema import Relation, RelationType, Span
from ner_ar.text import doc_text, tokenizer

if TYPE_CHECKING:
    from ner_ar.docstate import Resolution

RULES = Path(__file__).parent / "rules"
_CLITIC_OK_CLASSES = ("TITLE_GOV", "TITLE_DIPLO", "TITLE_JOB", "TITLE_LOCAL", "TITLE_MOD", "COUNTERPART",
                      "PORTFOLIO", "STATE_NOUN")
_CLITIC_CLASS = {"ل": "L_CLITIC", "ب": "B_CLITIC", "و": "CONJ"}


@dataclass
class Rule:
    id: str
    type: str
    confidence: float
    kind: str = "matcher"  # or "gazetteer", "meeting_place" (see RULE_KINDS)
    patterns: list[list[dict[str, Any]]] = field(default_factory=list)
    slots: list[list[str | None]] = field(default_factory=list)  # per pattern, per Matcher token
    slot_nisba: list[list[bool]] = field(default_factory=list)
    #: per pattern: runs of gap tokens (Matcher token indices) with the most words they may hold
    gap_regions: list[list[tuple[frozenset[int], int]]] = field(default_factory=list)
    emit: list[dict[str, str]] = field(default_factory=list)
    examples: dict[str, list[Any]] = field(default_factory=dict)
    not_followed_by: frozenset[str] = frozenset()  # entity types that may not follow the match
    # Modality: a match is dropped when a token of these lexicon classes stands in its clause
    # (inside the match, or up to ``block_window`` tokens before it, without crossing
    # a comma or a full stop). Default: the type's entry under ``blocking`` in inventory.yaml.
    blocked_by: tuple[str, ...] | None = None
    block_window: int = 8
    overrides: frozenset[str] = frozenset()  # rule ids whose overlapping matches this one replaces


def _tags(types: str | list[str], prefix: str) -> dict[str, Any]:
    types = [types] if isinstance(types, str) else types
    return {"IN": [prefix + t for t in types]}


def _lemma(classes: str | list[str]) -> dict[str, Any]:
    classes = [classes] if isinstance(classes, str) else classes
    return {"REGEX": r"\|(" + "|".join(classes) + r")\|"}


def _not_lemma(classes: str | list[str]) -> dict[str, Any]:
    """A token in none of ``classes`` (a negative lookahead: the Matcher has no NOT_REGEX)."""
    classes = [classes] if isinstance(classes, str) else classes
    return {"REGEX": r"^(?!.*\|(" + "|".join(classes) + r")\|)"}


def _lex_not(yes: str | list[str], no: str | list[str]) -> dict[str, Any]:
    """A token in one of ``yes`` and in none of ``no``."""
    yes = [yes] if isinstance(yes, str) else yes
    no = [no] if isinstance(no, str) else no
    return {"REGEX": r"^(?!.*\|(" + "|".join(no) + r")\|).*\|(" + "|".join(yes) + r")\|"}


def expand(spec: dict[str, Any]) -> list[tuple[dict[str, Any], bool]]:
    """Matcher token dicts for one rule token spec, each with 'reads the nisba map'."""
    op = spec.get("op")
    if "ent" in spec:
        first: dict[str, Any] = {"TAG": _tags(spec["ent"], "B-")}
        if "lex_all" in spec:  # in every one of the classes (لوكالة: L_CLITIC and MEDIA)
            no = _as_list(spec.get("not_lex", []))
            first["LEMMA"] = {"REGEX": "^" + (r"(?!.*\|(" + "|".join(no) + r")\|)" if no else "")
                              + "".join(rf"(?=.*\|{c}\|)" for c in spec["lex_all"])}
        elif "lex" in spec and "not_lex" in spec:  # وبيونغ يانغ: B_CLITIC, but after و ("and in")
            first["LEMMA"] = _lex_not(spec["lex"], spec["not_lex"])
        elif "lex" in spec:
            first["LEMMA"] = _lemma(spec["lex"])
        elif "not_lex" in spec:
            first["LEMMA"] = _not_lemma(spec["not_lex"])
        if spec.get("sent_start"):
            first["IS_SENT_START"] = True
        toks = [(first, False), ({"TAG": _tags(spec["ent"], "I-"), "OP": "*"}, False)]
        if op:  # an optional entity: its continuation is optional too
            toks[0][0]["OP"] = op
        return toks
    if spec.get("nisba") == "inside":
        return [({"TAG": "I-ORG", "LEMMA": _lemma("NAT")}, True)]
    if spec.get("nisba"):
        first = {"TAG": "B-NAT"}
        if spec.get("sent_start"):  # the first word of its sentence (البرتغالي X يغيب ...)
            first["IS_SENT_START"] = True
        if op:
            first["OP"] = op
        return [(first, True), ({"TAG": "I-NAT", "OP": "*"}, True)]
    if "gap" in spec:
        # Plain words: no entity, no nisba, no barrier word (برفقة: the next person is not the
        # subject's counterpart), none of the classes in `not`; punctuation only with punct: true.
        # ``cross: true``: names of places, bodies and things may stand in the gap, never a person
        # (X ووصل إلى موسكو، وبحث مع Y: the subject is still X).
        tag: Any = {"NOT_IN": ["B-PER", "I-PER", "B-NAT", "I-NAT"]} if spec.get("cross") else "O"
        # (A crossing gap may cross a body's name that ends in a nisba, الحرس الوطني التونسي: the TAG
        # already keeps out nisbas standing alone.)
        not_nat = [] if spec.get("cross") else ["NAT"]
        # One looping token, its length checked after the match (see _gap_regions): N optional
        # tokens in a row ({0,N}) make the Matcher follow every way of skipping some of them, which
        # grows combinatorially with two gaps side by side.
        tok = {"TAG": tag, "LEMMA": _not_lemma([*not_nat, "BARRIER", *spec.get("not", [])]),
               "OP": "*"}
        if not spec.get("punct"):
            tok["IS_PUNCT"] = False
        return [(tok, False)]
    tok: dict[str, Any] = {}
    if "lex" in spec and "not_lex" in spec:  # in a class, not in another (والسفير: CONJ)
        tok["LEMMA"] = _lex_not(spec["lex"], spec["not_lex"])
    elif "lex" in spec:
        tok["LEMMA"] = _lemma(spec["lex"])
    elif "not_lex" in spec:  # any token outside these classes (the word before a lone nisba)
        tok["LEMMA"] = _not_lemma(spec["not_lex"])
    if "words" in spec:
        tok["NORM"] = {"IN": [key(w) for w in spec["words"]]}
    if "punct" in spec:
        tok["IS_PUNCT"] = bool(spec["punct"])
    if "tag" in spec:
        tok["TAG"] = spec["tag"]
    if spec.get("sent_start"):
        tok["IS_SENT_START"] = True
    if op:
        tok["OP"] = op
    return [(tok, False)]


def _load_rule(raw: dict[str, Any]) -> Rule:
    rule = Rule(id=raw["id"], type=raw["type"], confidence=float(raw.get("confidence", 0.8)),
                kind=raw.get("kind", "matcher"), examples=raw.get("examples", {}),
                not_followed_by=frozenset(raw.get("not_followed_by", [])),
                blocked_by=tuple(raw["blocked_by"]) if "blocked_by" in raw else None,
                block_window=int(raw.get("block_window", 8)),
                overrides=frozenset(raw.get("overrides", [])))
    RelationType(rule.type)  # fail early on a misspelt type
    rule.emit = raw.get("emit") or [{"type": rule.type, "subject": "subject", "object": "object",
                                      "role": "role"}]
    for pattern in raw.get("patterns") or ([raw["pattern"]] if "pattern" in raw else []):
        toks: list[dict[str, Any]] = []
        slots: list[str | None] = []
        nisba: list[bool] = []
        gaps: dict[int, int] = {}
        for spec in pattern:
            for tok, reads_nisba in expand(spec):
                if "gap" in spec:
                    gaps[len(toks)] = int(spec["gap"])
                toks.append(tok)
                slots.append(spec.get("as"))
                nisba.append(reads_nisba)
        rule.patterns.append(toks)
        rule.slots.append(slots)
        rule.slot_nisba.append(nisba)
        rule.gap_regions.append(_gap_regions(toks, gaps))
    return rule


def _gap_regions(toks: list[dict[str, Any]], gaps: dict[int, int]) -> list[tuple[frozenset[int], int]]:
    """Gap tokens side by side with only optional tokens between them form one region, which may
    hold as many words as its gaps together (``gap: 8``, an optional nisba, ``gap: 4``: 12)."""
    regions: list[tuple[frozenset[int], int]] = []
    run: set[int] = set()
    limit = 0
    for i, tok in enumerate(toks):
        if i in gaps:
            run.add(i)
            limit += gaps[i]
        elif run and not _optional(tok):
            regions.append((frozenset(run), limit))
            run, limit = set(), 0
    if run:
        regions.append((frozenset(run), limit))
    return regions


#: What one Matcher token requires of the token it matches: each set holds alternatives (see
#: :func:`_requirements`), all sets must be met.
Condition = tuple[frozenset[str], ...]


@dataclass
class Group:
    """Patterns that share their requirements (``need``), in one Matcher. ``starts``: the
    conditions of the tokens a match may begin with; ``ends``: those it may end with; ``None``
    where a match may begin (end) at a token that requires nothing (a gap, any punctuation)."""

    need: Condition
    matcher: Matcher
    starts: list[Condition] | None
    ends: list[Condition] | None


@dataclass
class Engine:
    """Compiled rules: the shipped ones, then the users' (``rule_files``), in one Matcher."""

    rules: dict[str, Rule]
    inventory: dict[str, dict[str, Any]]
    #: one Matcher per set of requirements its patterns share (entity types, lexicon classes,
    #: words: see _requirements): a sentence is walked only by the patterns it can satisfy, and
    #: only between the first token a match may start at and the last it may end at (see _edges)
    groups: list[Group]
    rule_files: tuple[str, ...] = ()
    #: each pattern's match id -> its place in load order: matches at one position are taken in
    #: the order the rules were written, however the patterns are grouped
    order: dict[int, int] = field(default_factory=dict)
    #: a thing a token may carry -> the groups (indices) one of whose requirements names it; a
    #: sentence is offered only to the groups its tokens' things index (see _index_groups)
    index: dict[str, list[int]] = field(default_factory=dict)
    #: groups that require nothing known: offered every busy sentence
    unindexed: list[int] = field(default_factory=list)
    #: every thing any group's requirements or edges name: nothing else need be recorded
    wanted: frozenset[str] = frozenset()


class _LineLoader(yaml.SafeLoader):
    """A YAML loader that records each mapping's 1-based line under ``__line__``."""


def _mapping_with_line(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_line)

#: What a rule may be: Matcher patterns (the default), or one of the built-in inferences: a city in
#: its country by the gazetteer (``gazetteer``), a visit to the place a meeting was held in
#: (``meeting_place``).
RULE_KINDS = frozenset({"matcher", "gazetteer", "meeting_place"})
#: The keys a rule, a token spec and an ``emit`` item may have (docs/rules.md explains each).
RULE_KEYS = frozenset({"id", "type", "confidence", "kind", "pattern", "patterns", "emit", "examples",
                       "not_followed_by", "description", "blocked_by", "block_window", "overrides"})
TOKEN_KEYS = frozenset({"as", "op", "lex", "not_lex", "lex_all", "ent", "punct", "gap", "nisba", "words",
                        "not", "tag", "sent_start", "cross"})
EMIT_KEYS = frozenset({"type", "subject", "object", "role", "fixed_role", "counterpart"})
ENTITY_TYPES = frozenset({"PER", "ORG", "GPE", "LOC", "FAC", "MISC"})
#: Classes the engine adds to the lexicons' own (gazetteer and clitic marks).
ENGINE_CLASSES = frozenset({"NAT", "COUNTRY", "CITY", "L_CLITIC", "B_CLITIC", "CONJ", "DEF"})
#: A definite word (the article, after a conjunction or preposition proclitic): a nisba after it
#: agrees with it (الشامل العراقية); after an indefinite word (a verb, a preposition) it stands
#: for a person (يواجه الإسباني X).
_DEFINITE = re.compile(r"^[وف]?[بلك]?ال|^[وف]?لل")


def _strip_lines(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_lines(v) for k, v in value.items() if k != "__line__"}
    if isinstance(value, list):
        return [_strip_lines(v) for v in value]
    return value


def _as_list(value: Any) -> list[Any]:
    """A YAML value that may be one name or a list of them, as a list."""
    return [value] if isinstance(value, str) else list(value)


def _check_keys(item: dict[str, Any], allowed: frozenset[str], path: str, line: int | None, rule_id: Any,
                kind: str = "") -> None:
    """Raise :class:`~ner_ar.errors.UserDataError` if ``item`` (a rule, or its ``kind``: "token",
    "emit") has a key outside ``allowed``."""
    unknown = set(item) - allowed - {"__line__"}
    if unknown:
        raise UserDataError(path, line, f"rule {rule_id!r}: unknown {kind + ' ' if kind else ''}key(s) "
                            f"{sorted(unknown)}; allowed: {sorted(allowed)}")


def check_rule(raw: Any, path: str, known_classes: frozenset[str]) -> None:
    """Raise :class:`~ner_ar.errors.UserDataError` (file and line) for a rule that is not a
    mapping, has an unknown key, an unknown relation or entity type, an unknown lexicon class,
    or no pattern."""
    line = raw.get("__line__") if isinstance(raw, dict) else None
    if not isinstance(raw, dict):
        raise UserDataError(path, line, f"a rule must be a mapping, got {type(raw).__name__}")
    _check_keys(raw, RULE_KEYS, path, line, raw.get("id"))
    if not raw.get("id"):
        raise UserDataError(path, line, "a rule needs an id")
    types = {t.value for t in RelationType}
    if raw.get("type") not in types:
        raise UserDataError(path, line, f"rule {raw['id']!r}: unknown relation type {raw.get('type')!r}; "
                            f"expected one of {sorted(types)}")
    for cls in _as_list(raw.get("blocked_by", [])):
        if cls not in known_classes:
            raise UserDataError(path, line, f"rule {raw['id']!r}: unknown lexicon {cls!r} in blocked_by")
    conf = raw.get("confidence", 0.8)
    if isinstance(conf, bool) or not isinstance(conf, (int, float)) or not 0 <= conf <= 1:
        raise UserDataError(path, line, f"rule {raw['id']!r}: confidence must be a number from 0 to 1, "
                            f"not {conf!r}")
    if raw.get("kind", "matcher") not in RULE_KINDS:
        raise UserDataError(path, line, f"rule {raw['id']!r}: unknown kind {raw.get('kind')!r}; "
                            f"expected one of {sorted(RULE_KINDS)}")
    patterns = raw.get("patterns") or ([raw["pattern"]] if "pattern" in raw else [])
    if raw.get("kind", "matcher") == "matcher" and not patterns:
        raise UserDataError(path, line, f"rule {raw['id']!r}: no pattern")
    for pattern in patterns:
        if not isinstance(pattern, list):
            raise UserDataError(path, line, f"rule {raw['id']!r}: a pattern is a list of token specs")
        for spec in pattern:
            sline = spec.get("__line__", line) if isinstance(spec, dict) else line
            if not isinstance(spec, dict):
                raise UserDataError(path, sline, f"rule {raw['id']!r}: a token spec is a mapping")
            _check_keys(spec, TOKEN_KEYS, path, sline, raw["id"], "token")
            for k in ("lex", "not_lex", "lex_all", "not"):
                for cls in _as_list(spec.get(k, [])):
                    if cls not in known_classes:
                        raise UserDataError(path, sline, f"rule {raw['id']!r}: unknown lexicon {cls!r}")
            for t in _as_list(spec.get("ent", [])):
                if t not in ENTITY_TYPES:
                    raise UserDataError(path, sline, f"rule {raw['id']!r}: unknown entity type {t!r}")
    for emit in raw.get("emit") or []:
        if not isinstance(emit, dict):
            raise UserDataError(path, line, f"rule {raw['id']!r}: an emit item is a mapping")
        _check_keys(emit, EMIT_KEYS, path, line, raw["id"], "emit")
        if emit.get("type") not in types:
            raise UserDataError(path, line, f"rule {raw['id']!r}: emit of unknown type {emit.get('type')!r}")
    emits = raw.get("emit") or [{"subject": "subject", "object": "object"}]
    for pattern in patterns:  # lists of mappings by now
        slots = {spec.get("as") for spec in pattern}
        if not any(e.get("subject") in slots and e.get("object") in slots for e in emits):
            wanted = sorted({f"{e.get('subject')}/{e.get('object')}" for e in emits})
            raise UserDataError(path, line, f"rule {raw['id']!r}: a pattern fills no subject and object slots "
                                f"(as: {' or '.join(wanted)}), so it could never give a relation")


def _read_rules(path: Path, known_classes: frozenset[str]) -> list[tuple[dict[str, Any], int | None]]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserDataError(path, None, "no such rule file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserDataError(path, None, f"cannot read as UTF-8 ({exc})") from None
    try:
        raws = yaml.load(text, Loader=_LineLoader) or []  # noqa: S506 (a SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise UserDataError(path, mark.line + 1 if mark else None, f"not valid YAML: {exc}") from None
    if not isinstance(raws, list):
        raise UserDataError(path, None, "a rule file is a YAML list of rules")
    for raw in raws:
        check_rule(raw, str(path), known_classes)
    return [(_strip_lines(raw), raw.get("__line__")) for raw in raws]


@cache
def load_engine(rule_files: tuple[str, ...] = ()) -> Engine:
    """The shipped rules (``rules/*.yaml``), then the rules of ``rule_files`` in order, checked
    (:func:`check_rule`) and compiled once per process and file list. A user rule may not reuse
    an id. Raises :class:`~ner_ar.errors.UserDataError` naming the file and line."""
    inventory = yaml.safe_load((RULES / "inventory.yaml").read_text(encoding="utf-8"))
    known = frozenset(lexicons()) | ENGINE_CLASSES
    rules: dict[str, Rule] = {}
    shipped = [p for p in sorted(RULES.glob("*.yaml")) if p.name != "inventory.yaml"]
    for path in [*shipped, *(Path(f) for f in rule_files)]:
        for raw, line in _read_rules(path, known):
            rule = _load_rule(raw)
            if rule.id in rules:
                raise UserDataError(path, line, f"duplicate rule id {rule.id!r}")
            rules[rule.id] = rule
    for rule in rules.values():
        if rule.blocked_by is None:
            rule.blocked_by = tuple(inventory.get("blocking", {}).get(rule.type, ()))
    groups: dict[Condition, Group] = {}
    order: dict[int, int] = {}
    vocab = tokenizer().vocab
    for rule in rules.values():
        for n, pattern in enumerate(rule.patterns):
            need = _requirements(pattern)
            starts, ends = _edges(pattern), _edges(pattern[::-1])
            group = groups.get(need)
            if group is None:
                group = groups[need] = Group(need, Matcher(vocab), starts, ends)
            else:
                group.starts = None if group.starts is None or starts is None else group.starts + starts
                group.ends = None if group.ends is None or ends is None else group.ends + ends
            group.matcher.add(f"{rule.id}#{n}", [pattern])
            order[vocab.strings[f"{rule.id}#{n}"]] = len(order)
    eng = Engine(rules, inventory, list(groups.values()), tuple(rule_files), order)
    _index_groups(eng)
    return eng


def _index_groups(eng: Engine) -> None:
    """Index each group under the alternatives of its rarest-looking requirement (a word before a
    lexicon class before an entity type, fewer alternatives first), so that a sentence meets only
    the groups it may satisfy, without testing all of them."""
    def rank(alternatives: frozenset[str]) -> tuple[int, int]:
        kind = 0 if all(a.startswith("w:") for a in alternatives) else \
            1 if all(a.startswith("lex:") for a in alternatives) else 2
        return kind, len(alternatives)

    wanted: set[str] = set()
    for g, group in enumerate(eng.groups):
        for conds in (group.starts or [], group.ends or [], [group.need]):
            wanted.update(a for cond in conds for alternatives in cond for a in alternatives)
        if not group.need:
            eng.unindexed.append(g)
            continue
        for a in min(group.need, key=rank):
            eng.index.setdefault(a, []).append(g)
    eng.wanted = frozenset(wanted)


_ANY_OF = re.compile(r"(?:^|\.\*)\\\|\(([A-Z_|]+)\)\\\|$")


def _condition(tok: dict[str, Any]) -> Condition:
    """What one Matcher token requires (see :func:`_requirements`); ``()`` for nothing known."""
    need: list[frozenset[str]] = []
    tag = tok.get("TAG")
    types = tag.get("IN", []) if isinstance(tag, dict) else [tag] if isinstance(tag, str) else []
    types = [t for t in types if isinstance(t, str) and t[:2] in ("B-", "I-")]
    if types:
        need.append(frozenset(t[2:] for t in types))
    lemma = tok.get("LEMMA")
    m = _ANY_OF.search(lemma.get("REGEX", "")) if isinstance(lemma, dict) else None
    if m:
        need.append(frozenset("lex:" + c for c in m.group(1).split("|")))
    norm = tok.get("NORM")
    if isinstance(norm, dict) and norm.get("IN"):
        need.append(frozenset("w:" + w for w in norm["IN"]))
    return tuple(need)


def _optional(tok: dict[str, Any]) -> bool:
    op = str(tok.get("OP", "1"))
    return op in ("?", "*") or op.startswith("{0")


def _requirements(pattern: list[dict[str, Any]]) -> Condition:
    """What a Matcher pattern cannot match without, for each token that must be there: the entity
    types (``NAT`` for a nisba) a ``B-``/``I-`` tag accepts, the lexicon classes (``lex:CLASS``) a
    ``lex`` spec accepts, the words (``w:word``) a ``words`` spec accepts. A sentence holding
    none of one requirement's alternatives is not walked by that pattern's Matcher."""
    need = {r for tok in pattern if not _optional(tok) for r in _condition(tok)}
    return tuple(sorted(need, key=sorted))


def _edges(pattern: list[dict[str, Any]]) -> list[Condition] | None:
    """The conditions of the tokens a match of ``pattern`` may begin with: each optional token
    up to the first required one, and that one; ``None`` if one of them requires nothing known.
    (Of the reversed pattern: the tokens a match may end with.)"""
    conds: list[Condition] = []
    for tok in pattern:
        cond = _condition(tok)
        if not cond:
            return None
        conds.append(cond)
        if not _optional(tok):
            return conds
    return None


def engine() -> Engine:
    """The shipped rules, compiled once per process."""
    return load_engine(())


_NO_CLASS: frozenset[str] = frozenset()


#: For one sentence: each thing its tokens carry (see :func:`_annotate`) -> the first and the last
#: token (doc indices) that carries it.
Carried = dict[str, list[int]]


def _annotate(doc: Doc, res: Resolution, wanted: frozenset[str]) -> tuple[list[int], dict[int, Carried]]:
    """Write TAG/LEMMA/NORM match attributes on the tokens of busy sentences; return each token's
    sentence number and, for each busy sentence (:func:`_sentences`), what its tokens carry:
    entity types (``NAT`` for a nisba), lexicon classes (``lex:CLASS``), words (``w:word``), each
    with the first and last token carrying it; only the things in ``wanted`` (those the rules
    name: :attr:`Engine.wanted`)."""
    toks = res.tokens if len(res.tokens) == len(doc) else list(doc)
    keys = res.keys if len(res.keys) == len(toks) else [token_key(t.text) for t in toks]
    sent_ids, busy = _sentences(toks, res)
    present: dict[int, Carried] = {}
    # Tokens outside busy sentences are never matched: blank them for the lexicon lookup.
    classes = tag_classes([k if sent_ids[i] in busy else "" for i, k in enumerate(keys)])
    types = [e.type.value for e in res.entities]
    # A name whose first token carries a proclitic: ل (لرويترز, "told X" after a speech verb),
    # ب/في-like ب (بتونس, "in X" after a place) or the conjunction و (لقاء ترامب وكيم).
    text = doc_text(doc)
    clitic_of: dict[int, list[str]] = {}
    for e in res.entities:
        for m in e.mentions:
            if m.kind != "name" or m.start == 0:
                continue
            # The clitic written apart, with a tatweel or a quote (لـموزاييك, لـ"الشروق): a
            # clitic at the start of its word.
            p = m.start - 1
            while p > 0 and text[p] in CLITIC_MARKS:
                p -= 1
            if p < m.start - 1 and p > 0 and text[p - 1].isalpha() \
                    and not (text[p - 1] == "و" and (p == 1 or not text[p - 2].isalpha())):
                continue
            if text[p] in _CLITIC_CLASS:
                cls = [_CLITIC_CLASS[text[p]]]
                if p > 0 and text[p - 1] == "و" and cls[0] != "CONJ" \
                        and (p == 1 or not text[p - 2].isalpha()):
                    cls.append("CONJ")  # وبيونغ يانغ, ولباريس: "and in/to", no containment
                clitic_of[m.start] = cls
    for i, tok in enumerate(toks):
        if sent_ids[i] not in busy:
            continue
        extra: list[str] = []
        ent = res.token_entity[i]
        nat = res.token_nisba[i]
        if nat is not None:
            extra.append("NAT")
        if ent is not None:
            place = res.places.get(ent)
            if place is not None:
                extra.append(place.kind.upper())
            prev = res.token_entity[i - 1] if i else None
            tok.tag_ = ("B-" if res.token_begin[i] or prev != ent else "I-") + types[ent]
            if res.token_begin[i]:
                for s, cs in clitic_of.items():
                    if tok.idx < s < tok.idx + len(tok.text):
                        extra.extend(cs)
        elif nat is not None:
            prev = res.token_nisba[i - 1] if i else None
            tok.tag_ = ("B-" if res.token_begin[i] or prev != nat else "I-") + "NAT"
        else:
            tok.tag_ = "O"
        cls = classes.get(i, _NO_CLASS)
        if ent is None and nat is None and _DEFINITE.match(keys[i] or ""):
            extra.append("DEF")
        if extra:
            cls = cls | set(extra)
        tok.lemma_ = "|" + "|".join(sorted(cls)) + "|" if cls else "|"
        tok.norm_ = keys[i] or tok.text
        # what the sentence offers the Matchers' requirements (see _requirements)
        have = present.setdefault(sent_ids[i], {})
        carried = ["w:" + tok.norm_, *("lex:" + c for c in cls)]
        if ent is not None:
            carried.append(types[ent])
        elif nat is not None:
            carried.append("NAT")
        for c in carried:
            if c not in wanted:
                continue
            seen = have.get(c)
            if seen is None:
                have[c] = [i, i]
            else:
                seen[1] = i
    return sent_ids, present


def _role_text(doc: Doc, text: str, idx: list[int]) -> tuple[int, str] | None:
    """The title as a reader writes it: proclitics cut (والسفير -> السفير), and the article that
    ل elides restored (للرئيس -> الرئيس)."""
    if not idx:
        return None
    first = doc[idx[0]]
    cut, restore = 0, ""
    classes = lexicons()
    k = key(first.text)
    for plen, base in clitic_variants(k):
        if plen and any(base in classes[c] for c in _CLITIC_OK_CLASSES):
            cut = plen
            if base.startswith("ال") and not k[plen:].startswith("ال"):
                restore = "ا"  # ل + (ا)ل: the alef the clitic swallowed
            break
    start = first.idx + cut
    last = doc[idx[-1]]
    return start, restore + text[start:last.idx + len(last.text)]


def extract_relations(doc: Doc, resolution: Resolution, eng: Engine | None = None) -> list[Relation]:
    """Relations stated in ``doc`` between the entities of ``resolution`` (the pipeline's
    ``resolve.entities`` stage), found by the rules of ``eng`` (default: the shipped rules),
    deduplicated; ids ``R1``, ``R2``... in order of first evidence."""
    eng = eng if eng is not None else engine()
    ents = resolution.entities
    sent_ids, present = _annotate(doc, resolution, eng.wanted)
    text = doc_text(doc)
    found: dict[tuple[str, int, int], dict[str, Any]] = {}

    def add(rule: Rule, rtype: str, subj: int, obj: int, span: tuple[int, int], role: str | None,
            obj_nisba: bool = False) -> None:
        inv = eng.inventory[rtype]
        if subj == obj or ents[subj].type.value not in inv["subject"] \
                or ents[obj].type.value not in inv["object"]:
            return
        sp, op = resolution.places.get(subj), resolution.places.get(obj)
        if rtype == "located_in" and sp and op and sp.kind == "city" and op.kind == "country" \
                and sp.iso2 != op.iso2 and not obj_nisba:
            return  # the gazetteer knows better than a comma (not than بمدينة كولون الألمانية)
        if rtype == "located_in" and sp and sp.kind == "country" and op is not None:
            return  # a country lies in a region (LOC), never in a city or another country
        if rtype == "located_in" and sp and op and sp.kind == "city" and op.kind == "city" \
                and sp.iso2 != op.iso2 and sp.population >= WELL_KNOWN_POPULATION:
            # no well-known city lies in another country's city (سفارة واشنطن بالقدس, روما في
            # أرلينغتون); a small town's name is often another town's too (أريحا جنوب إدلب)
            return
        if inv.get("symmetric") and obj < subj:
            subj, obj = obj, subj
        rel = found.setdefault((rtype, subj, obj), {"rule": rule.id, "conf": rule.confidence,
                                                    "spans": [], "role": role})
        if role and (not rel["role"] or len(role) > len(rel["role"])):
            rel["role"] = role
        if rule.confidence > rel["conf"]:  # the rule reported is the one whose confidence is given
            rel["rule"], rel["conf"] = rule.id, rule.confidence
        rel["spans"].append(span)

    # Candidates first: a rule may replace the overlapping matches of others (``overrides``).
    cands: list[tuple[Rule, tuple[int, int], list[tuple[dict[str, Any], int, int, str | None, bool]]]] = []
    for match_id, start, end, align in _matches(eng, doc, sent_ids, present):
        rule_id, n = doc.vocab.strings[match_id].rsplit("#", 1)
        if sent_ids[start] != sent_ids[end - 1]:
            continue
        rule = eng.rules[rule_id]
        slots = rule.slots[int(n)]
        nisba = rule.slot_nisba[int(n)]
        if any(sum(p in run for p in align) > limit for run, limit in rule.gap_regions[int(n)]):
            continue  # a gap longer than its rule allows
        filled: dict[str, list[int]] = {}
        for offset, p in enumerate(align):
            if slots[p]:
                filled.setdefault(slots[p], []).append(start + offset)
        # The entity of a slot: its first token's nisba or name entity.
        slot_entity: dict[str, int] = {}
        slot_nisba: set[str] = set()
        for name, idx in filled.items():
            p = align[idx[0] - start]
            table = resolution.token_nisba if nisba[p] else resolution.token_entity
            if table[idx[0]] is not None:
                slot_entity[name] = table[idx[0]]
                if nisba[p]:
                    slot_nisba.add(name)
        # A lazy "I-*" may stop inside the last name: the evidence covers it whole.
        last = resolution.token_entity[end - 1]
        while end < len(doc) and last is not None and resolution.token_entity[end] == last \
                and not resolution.token_begin[end]:
            end += 1
        if rule.not_followed_by and end < len(doc) and resolution.token_begin[end] \
                and resolution.token_entity[end] is not None \
                and ents[resolution.token_entity[end]].type.value in rule.not_followed_by:
            continue  # "التقى X وزير الخارجية الروسي Y": the title is Y's, not X's
        if rule.blocked_by and _blocked(doc, sent_ids, start, end, rule):
            continue  # "انسحاب X من الاتفاق مع Y", "لم يلتق X ب Y": no relation is stated
        emits: list[tuple[dict[str, Any], int, int, str | None, bool]] = []
        for emit in rule.emit:
            subj = slot_entity.get(emit["subject"])
            obj = slot_entity.get(emit["object"])
            if subj is None or obj is None:
                continue
            role = emit.get("fixed_role")
            if emit.get("role") in filled:
                rt = _role_text(doc, text, filled[emit["role"]])
                role = rt[1] if rt else role
            # A nisba after a place noun (بمدينة كولون الألمانية) outweighs the gazetteer.
            strong = emit["object"] in slot_nisba and "place_noun" in filled
            emits.append((emit, subj, obj, role, strong))
        if emits:
            cands.append((rule, (start, end), emits))

    replaced = [(rule.overrides, se) for rule, se, _ in cands if rule.overrides]
    for rule, (start, end), emits in cands:
        if any(rule.id in ids and start < e and s < end for ids, (s, e) in replaced):
            continue
        span = (doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text))
        for emit, subj, obj, role, obj_nisba in emits:
            if emit.get("counterpart"):
                # "وزير الخارجية X ... مع نظيره التركي Y": Y holds the same post as X.
                role = _counterpart_role(found, ents, sent_ids, doc, start, subj) or role
            add(rule, emit["type"], subj, obj, span, role, obj_nisba)

    for rule in eng.rules.values():
        if rule.kind == "gazetteer":
            _gazetteer_located_in(rule, resolution, add)
    for rule in eng.rules.values():  # after every other rule: it reads their relations
        if rule.kind == "meeting_place":
            _meeting_places(rule, doc, resolution, found, sent_ids, add)

    relations: list[Relation] = []
    for (rtype, subj, obj), rel in sorted(found.items(), key=lambda kv: min(kv[1]["spans"])):
        kept: list[tuple[int, int]] = []
        for s, e in sorted(set(rel["spans"]), key=lambda se: (se[1] - se[0], se[0])):
            if all(e <= ks or s >= ke for ks, ke in kept):
                kept.append((s, e))
        kept.sort()
        relations.append(Relation(
            id=f"R{len(relations) + 1}", type=RelationType(rtype), subject=ents[subj].id,
            object=ents[obj].id, role=rel["role"] if rtype in ("employee_of", "posted_to") else None,
            evidence=[Span(start=s, end=e, text=text[s:e]) for s, e in kept],
            rule=rel["rule"], confidence=rel["conf"]))
    return relations


_BLOCK_STOP = frozenset(",،.;؛:!?؟")
#: Punctuation that ends a clause for good (a comma does not: X، في الخرطوم).
_CLAUSE_END = _BLOCK_STOP - frozenset(",،")


def _blocked(doc: Doc, sent_ids: list[int], start: int, end: int, rule: Rule) -> bool:
    """A token of the rule's ``blocked_by`` classes in the match's clause: inside it or up to
    ``block_window`` tokens before it, in its sentence, not across , . ; : nor a clause opener of
    the ``BLOCK_STOP`` lexicon (الذي, التي, بينما, لكن: لم يحضر الحفل الذي وقعت فيه X و Y اتفاقية);
    words after the match govern what follows: بعد مشاورات مع X إلى إنهاء الحصار)."""
    pats = [f"|{c}|" for c in rule.blocked_by or ()]
    sent = sent_ids[start]

    def hit(i: int) -> bool:
        return any(p in doc[i].lemma_ for p in pats)

    if any(hit(i) for i in range(start, end)):
        return True
    i = start - 1
    while i >= 0 and start - i <= rule.block_window and sent_ids[i] == sent \
            and doc[i].text not in _BLOCK_STOP and "|BLOCK_STOP|" not in doc[i].lemma_:
        if hit(i):
            return True
        i -= 1
    return False


def _counterpart_role(found: dict[tuple[str, int, int], dict[str, Any]], ents: Any,
                      sent_ids: list[int], doc: Doc, start: int, subj: int) -> str | None:
    """The role of the latest employee_of found before ``start`` in its sentence, of another
    person: the counterpart holds the same post."""
    best: tuple[int, str] | None = None
    i = start
    while i > 0 and sent_ids[i - 1] == sent_ids[start]:
        i -= 1
    s0 = doc[i].idx - 1
    for (rtype, s, _o), rel in found.items():
        if rtype != "employee_of" or s == subj or not rel["role"] or rel["role"] == "نظير":
            continue
        for a, _b in rel["spans"]:
            if s0 < a < doc[start].idx and (best is None or a > best[0]):
                best = (a, rel["role"])
    return best[1] if best else None


def _sentences(toks: list[Token], res: Resolution) -> tuple[list[int], set[int]]:
    """Each token's sentence number, and the sentences that mention two arguments or more:
    every rule links two of them within a sentence, so only those are annotated and matched
    (most news sentences mention fewer, and the Matcher's cost grows with the tokens it walks)."""
    sent_ids: list[int] = []
    sent = -1
    for i, tok in enumerate(toks):
        if i == 0 or tok.is_sent_start:
            sent += 1
        sent_ids.append(sent)
    mentions: dict[int, int] = {}
    nat = res.token_nisba
    for i, begins in enumerate(res.token_begin):
        # A nisba inside an ORG name (البحرية الروسية) is an argument of its own.
        nisba_start = nat[i] is not None and (i == 0 or nat[i - 1] != nat[i])
        if begins or nisba_start:
            mentions[sent_ids[i]] = mentions.get(sent_ids[i], 0) + 1 + (begins and nisba_start)
    return sent_ids, {k for k, v in mentions.items() if v >= 2}


def _bound(conds: list[Condition] | None, have: Carried, last: bool, default: int) -> int | None:
    """The first token (``last``: the last one) of a sentence that may meet one of ``conds``
    (``default`` when ``conds`` is None: no bound known); None if no token may."""
    best: int | None = None
    for cond in conds if conds is not None else ():
        at: int | None = None  # every requirement of the token must be met at one token
        for alternatives in cond:
            where = [have[a][last] for a in alternatives if a in have]
            if not where:
                at = None
                break
            pos = max(where) if last else min(where)
            at = pos if at is None else min(at, pos) if last else max(at, pos)
        if at is not None:
            best = at if best is None else max(best, at) if last else min(best, at)
    return default if conds is None else best


def _matches(eng: Engine, doc: Doc, sent_ids: list[int],
             present: dict[int, Carried]) -> list[tuple[int, int, int, list[int]]]:
    """Matcher hits, doc-relative, in the busy sentences (the keys of ``present``: see
    :func:`_annotate`), each sentence walked only by the Matchers whose requirements it holds, and
    only from the first token a match may begin at to the last it may end at; in order of
    position."""
    out: list[tuple[int, int, int, list[int]]] = []
    i, n = 0, len(sent_ids)
    while i < n:
        j = i
        while j < n and sent_ids[j] == sent_ids[i]:
            j += 1
        have = present.get(sent_ids[i])
        if have is not None:
            keys = set(have)
            offered = {g for a in keys for g in eng.index.get(a, ())}
            for g in sorted(offered.union(eng.unindexed)):
                group = eng.groups[g]
                if all(not alternatives.isdisjoint(keys) for alternatives in group.need):
                    a = _bound(group.starts, have, False, i)
                    b = _bound(group.ends, have, True, j - 1)
                    if a is None or b is None or a > b:
                        continue
                    for match_id, start, end, align in group.matcher(doc[a:b + 1], with_alignments=True):
                        out.append((match_id, start + a, end + a, align))
        i = j
    out.sort(key=lambda m: (m[1], m[2], eng.order.get(m[0], 0)))
    return out


def _gazetteer_located_in(rule: Rule, res: Resolution, add: Any) -> None:
    """A city in its country, when the document names both (the gazetteer says which)."""
    countries = {p.iso2: i for i, p in res.places.items() if p.kind == "country"
                 and any(m.kind == "name" for m in res.entities[i].mentions)}
    for i, place in res.places.items():
        if place.kind == "city" and place.iso2 in countries:
            m = next(m for m in res.entities[i].mentions if m.kind == "name")
            add(rule, rule.type, i, countries[place.iso2], (m.start, m.end), None)


#: How many tokens after a meeting's evidence the place it was held in may stand (time words, a
#: comma, a place noun: بعد لقائه X، في الخرطوم السبت).
_MEETING_PLACE_WINDOW = 6


def _meeting_places(rule: Rule, doc: Doc, res: Resolution, found: dict[tuple[str, int, int], dict[str, Any]],
                    sent_ids: list[int], add: Any) -> None:
    """``visited(P, C)`` for each person P of a meeting (a ``met_with`` the other rules found)
    held in the place C (:func:`_meeting_place`), when the document ties P to a country
    (``employee_of`` or ``nationality`` to a gazetteer place, or to a state body ``part_of`` one)
    and C lies in none of P's countries and is not the place P is posted to: the Sudanese
    minister who meets his Egyptian counterpart in Cairo visited Cairo; the Egyptian did not, and
    a person whose country the document does not give visited nothing."""
    state_of: dict[int, set[str]] = {}  # a state body -> the country it is part of
    for (rtype, s, o), _rel in found.items():
        if rtype == "part_of" and o in res.places:
            state_of.setdefault(s, set()).add(res.places[o].iso2)
    countries: dict[int, set[str]] = {}
    posted: dict[int, set[int]] = {}
    for (rtype, s, o), _rel in found.items():
        if rtype in ("employee_of", "nationality"):
            countries.setdefault(s, set()).update({res.places[o].iso2} if o in res.places else state_of.get(o, ()))
        elif rtype == "posted_to":
            posted.setdefault(s, set()).add(o)
    if not any(countries.values()):
        return
    toks = res.tokens if len(res.tokens) == len(doc) else list(doc)
    token_at = {tok.idx: tok.i for tok in toks}
    token_end = {tok.idx + len(tok.text): tok.i for tok in toks}
    for (rtype, a, b), rel in list(found.items()):
        if rtype != "met_with" or not (countries.get(a) or countries.get(b)):
            continue
        for start, end in rel["spans"]:
            if start not in token_at or end not in token_end:
                continue
            where = _meeting_place(doc, res, sent_ids, token_at[start], token_end[end])
            if where is None:
                continue
            place, place_end = where
            iso = res.places[place].iso2
            for person in (a, b):
                if countries.get(person) and iso not in countries[person] \
                        and place not in posted.get(person, ()):
                    add(rule, rule.type, person, place, (start, place_end), None)


def _meeting_place(doc: Doc, res: Resolution, sent_ids: list[int], first: int, last: int
                   ) -> tuple[int, int] | None:
    """The gazetteer place (entity index, end character of its name) a meeting whose evidence
    runs over tokens ``[first, last]`` was held in: the first place name within
    ``_MEETING_PLACE_WINDOW`` tokens after the evidence, in its sentence, after ``في`` (place nouns
    or a nisba may stand between: في العاصمة الروسية موسكو) or with a ``ب`` proclitic
    (بالقاهرة); None if first comes a word of what the meeting was about (``MEETING_TOPIC``:
    لبحث الأوضاع في سوريا), a clause opener (``BLOCK_STOP``) or a full stop."""
    fi = key("في")
    j = last + 1
    while j < len(doc) and j - last <= _MEETING_PLACE_WINDOW and sent_ids[j] == sent_ids[first]:
        lemma = doc[j].lemma_
        if "|MEETING_TOPIC|" in lemma or "|BLOCK_STOP|" in lemma or doc[j].text in _CLAUSE_END:
            return None
        ent = res.token_entity[j]
        if ent is not None and res.token_begin[j] and ent in res.places:
            k = j - 1
            while k > last and ("|PLACE_NOUN|" in doc[k].lemma_ or doc[k].tag_.endswith("NAT")):
                k -= 1
            if doc[k].norm_ == fi or "|B_CLITIC|" in lemma:
                tok_end = doc[j].idx + len(doc[j].text)
                return ent, next((m.end for m in res.entities[ent].mentions
                                  if doc[j].idx <= m.start < tok_end), tok_end)
        j += 1
    return None
