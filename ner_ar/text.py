"""Tokenisation and sentence splitting with exact character offsets.

Every token and sentence produced here indexes the string exactly as the caller passed it; the
training code uses the same tokenizer so that word vectors and the tagger see the same tokens as
the library does at inference time.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Token

from ner_ar.normalize import strip_format

# Sentence-final punctuation, Arabic and Latin, plus the Urdu full stop that news wires mix in.
_SENT_END = frozenset({".", "؟", "?", "!", "؛", "۔", "…", "..."})
_CLOSERS = frozenset({'"', "”", "»", "’", "'", ")", "]", "}"})
# A dot after a single digit sequence is a list number or a date part, not a sentence end.
_NUMBER = re.compile(r"^\d+$")
# Characters removed or folded when building matching keys (never applied to output offsets).
_DIACRITICS = re.compile(r"[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640]")
# What the tagger sees: letters of Persian/Urdu keyboards that stand for Arabic ones in mixed news
# text (بوینت), and hamzated alefs written bare, as WikiFANE and much web text write them; the
# word vectors are exported under the same forms.
_ARABIC_FORMS = str.maketrans({"ی": "ي", "ک": "ك", "ۀ": "ه", "ە": "ه", "ہ": "ه", "ھ": "ه",
                               "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا"})
_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ی": "ي",
                       "ک": "ك", "ۀ": "ه", "ە": "ه"})

_TEXT_KEY = "ner_ar.text"
MAX_SENTENCE_TOKENS = 200
"""Longest sentence handed to the tagger, in tokens: a longer one is tagged in overlapping windows
of this size (so one unpunctuated line cannot exhaust memory) and then cut, where no entity is,
into sentences of at most this size."""

MAX_WORD_CHARS = 64
"""A run of text without whitespace longer than this many characters (a base64 blob, a URL, a
line of dashes) is no word: its tokens are never entities, and the tagger sees one short
placeholder for the whole run, so memory stays bounded whatever its length."""

LineBreaks = Literal["auto", "sentence", "space"]
LINE_BREAK_MODES: tuple[str, ...] = ("auto", "sentence", "space")
"""How a single line break (one not followed by a blank line) is read:

- ``"sentence"``: it ends a sentence (headlines, datelines, lists: one item a line);
- ``"space"``: it is a space (hard-wrapped text: PDF, e-mail, where a name can run on to the
  next line);
- ``"auto"`` (default): it is a space where the text is hard-wrapped, that is where the line before
  it is at least :data:`WRAP_RATIO` of the longest line of its paragraph and that line is at least
  :data:`WRAP_MIN_CHARS` long; otherwise it ends a sentence.

A blank line (two line breaks or more) always ends a sentence, and so does sentence-final
punctuation.
"""
WRAP_MIN_CHARS = 30
"""Shortest paragraph width (longest line, characters) that ``"auto"`` reads as hard-wrapped."""
WRAP_RATIO = 0.6
"""A line at least this fraction of its paragraph's longest line is wrapped (``"auto"``)."""


@lru_cache(maxsize=1)
def tokenizer() -> Language:
    """spaCy's blank Arabic pipeline: rule-based tokenizer only, no model, no network.

    Call ``tokenizer().tokenizer(text)`` (as :func:`tokenize_doc` does) rather than
    ``tokenizer()(text)``: the latter refuses texts over spaCy's ``nlp.max_length`` (E088), a
    limit meant for parsers that the tokenizer alone does not need.

    spaCy's suffix rules split a full stop or comma off a word only after a letter; one more rule
    splits them off after a diacritic or tatweel too (``القاهرةَ.`` is ``القاهرةَ`` + ``.``), and
    an infix rule splits a comma or semicolon glued between two Arabic words
    (``إفريقيا،ماريا`` is ``إفريقيا`` + ``،`` + ``ماريا``), another a quote between a proclitic
    and a name (``لـ"سكاي`` is ``لـ`` + ``"`` + ``سكاي``)."""
    nlp = spacy.blank("ar")
    suffixes = [*nlp.Defaults.suffixes, _AFTER_DIACRITIC]
    nlp.tokenizer.suffix_search = spacy.util.compile_suffix_regex(suffixes).search
    infixes = [*nlp.Defaults.infixes, _COMMA_BETWEEN_WORDS, _QUOTE_AFTER_CLITIC]
    nlp.tokenizer.infix_finditer = spacy.util.compile_infix_regex(infixes).finditer
    return nlp


_AFTER_DIACRITIC = r"(?<=[\u064B-\u065F\u0670\u0640])[\.\!\?؟،؛:…,;]"
# A comma or semicolon with no space after it, between two Arabic words (إفريقيا،ماريا): its own
# token, so that the word after it can begin a name.
_COMMA_BETWEEN_WORDS = r"(?<=[\u0621-\u064A\u064B-\u065F])[،؛,;](?=[\u0621-\u064A])"
# A quote between a proclitic (with or without a tatweel) and the quoted name (لـ"سكاي نيوز",
# و"الأهرام", بـ«الجزيرة»): its own token, so that the name after it is looked up and tagged alone.
_QUOTE_AFTER_CLITIC = ("(?:" + "|".join(rf"(?<=^{c})" for c in (
    "[وفبلك]", "[وفبلك]\u0640", "[وف][بلك]", "[وف][بلك]\u0640")) + ")[\"«“'](?=[\u0621-\u064A])")


_LONG_RUN = re.compile(rf"\S{{{MAX_WORD_CHARS + 1},}}")


def tokenize_doc(text: str) -> Doc:
    """spaCy Doc of ``text``'s tokens, whitespace tokens included, for a text of any length;
    time and memory linear in its length (characters).

    A run without whitespace longer than :data:`MAX_WORD_CHARS` is one token: spaCy's tokenizer
    strips punctuation off a run one character at a time, and its cost grows with the cube of
    the run's length (20,000 ``=`` take two minutes)."""
    nlp = tokenizer()
    if _LONG_RUN.search(text) is None:
        return nlp.tokenizer(text)
    # Letters of the same length in place of each long run: one token each, offsets unchanged.
    masked = nlp.tokenizer(_LONG_RUN.sub(lambda m: "x" * len(m.group()), text))
    return Doc(nlp.vocab, words=[text[t.idx:t.idx + len(t.text)] for t in masked],
               spaces=[bool(t.whitespace_) for t in masked])


def tokenize(text: str) -> list[Token]:
    """spaCy tokens of ``text`` (``.idx`` is the offset into ``text``), whitespace dropped."""
    return [t for t in tokenize_doc(text) if not t.is_space]


def doc_text(doc: Doc) -> str:
    """``doc.text``, computed once per Doc: spaCy joins every token again on each access, which
    costs resolution and relation extraction a fifth of their time when read thrice."""
    text = doc.user_data.get(_TEXT_KEY)
    if text is None:
        text = doc.user_data[_TEXT_KEY] = doc.text
    return text


def tagger_form(token: str) -> str:
    """The form of a token shown to the tagger: Persian/Urdu letter variants, hamzated alefs,
    tatweel and diacritics folded away, at training and inference alike; never longer than
    :data:`MAX_WORD_CHARS` characters (the tagger's character model costs memory with the longest
    token of a batch). Token-level only, so offsets (kept by the caller per token) are
    untouched."""
    token = token[:MAX_WORD_CHARS]
    folded = _DIACRITICS.sub("", token.translate(_ARABIC_FORMS))
    return folded or token


def normalize_key(text: str) -> str:
    """Orthographic key for matching names: no diacritics, tatweel or format characters (Cf),
    folded alef/yaa/taa marbuta, whitespace collapsed."""
    text = unicodedata.normalize("NFC", strip_format(text))
    text = _DIACRITICS.sub("", text).translate(_FOLD)
    return " ".join(text.split())


_LINE_RUN = re.compile(r"\s*\n\s*")


def wrapped_line_breaks(text: str, line_breaks: LineBreaks = "auto") -> set[int]:
    """Offsets (characters) at which a whitespace run holding exactly one line break starts, where
    that break reads as a space under ``line_breaks`` (see :data:`LINE_BREAK_MODES`).

    >>> sorted(wrapped_line_breaks("a" * 40 + "\\n" + "b" * 45 + "\\n" + "c"))
    [40, 86]
    >>> wrapped_line_breaks("headline\\n" + "b" * 45)
    set()
    """
    if line_breaks not in LINE_BREAK_MODES:
        raise ValueError(f"line_breaks must be one of {LINE_BREAK_MODES}, not {line_breaks!r}")
    if line_breaks == "sentence":
        return set()
    wrapped: set[int] = set()
    block: list[tuple[int, int]] = []  # (length of the line before a single break, break offset)
    widest = 0
    line_start = 0

    def close_block() -> None:
        if line_breaks == "space":
            wrapped.update(at for _, at in block)
        elif widest >= WRAP_MIN_CHARS:
            wrapped.update(at for length, at in block if length >= WRAP_RATIO * widest)
        block.clear()

    for m in _LINE_RUN.finditer(text):
        length = m.start() - line_start
        widest = max(widest, length)
        if text.count("\n", m.start(), m.end()) == 1:
            block.append((length, m.start()))
        else:
            close_block()
            widest = 0
        line_start = m.end()
    widest = max(widest, len(text) - line_start)
    close_block()
    return wrapped


@dataclass
class Layout:
    """Sentences and line breaks of a token sequence (:func:`sentence_bounds`); every field holds
    token indices."""

    bounds: list[tuple[int, int]]
    """Sentences ``[start, end)`` as the tagger reads them, however long."""
    joined: set[int]
    """Tokens whose preceding line break reads as a space."""
    pending: set[int]
    """Tokens whose preceding single line break (``"auto"``, not hard-wrapped) the tagger reads
    across, and which ends a sentence unless a name runs across it (:meth:`Segmented.finish`)."""
    line_starts: list[int]
    """Tokens that start a line (after the first), in order."""


def sentence_bounds(text: str, tokens: Sequence[Token], line_breaks: LineBreaks = "sentence") -> Layout:
    """Sentences of ``tokens`` (words of ``text``, whitespace tokens left out), however long, and
    how each line break between them is read.

    A sentence ends at sentence-final punctuation (with any closing quotes or brackets that follow
    it), at a blank line, and at a single line break as ``line_breaks`` says
    (:data:`LINE_BREAK_MODES`). Time linear in the number of tokens.
    """
    wraps = wrapped_line_breaks(text, line_breaks)
    layout = Layout([], set(), set(), [])
    bounds = layout.bounds
    first = 0  # first token of the current sentence
    n = len(tokens)
    for i, tok in enumerate(tokens):
        if i:
            prev = tokens[i - 1]
            gap_start = prev.idx + len(prev.text)
            breaks = text.count("\n", gap_start, tok.idx)
            if breaks:
                layout.line_starts.append(i)
            if breaks and i > first:
                if breaks == 1 and gap_start in wraps:
                    layout.joined.add(i)
                elif breaks == 1 and line_breaks == "auto":
                    layout.pending.add(i)
                else:
                    bounds.append((first, i))
                    first = i
        if tok.text in _SENT_END or (len(tok.text) > 1 and set(tok.text) <= {".", "!", "؟", "?"}):
            nxt = tokens[i + 1] if i + 1 < n else None
            before = tokens[i - 1].text if i > first else ""
            # "1." in a numbered list or date keeps the sentence open when a number follows.
            if tok.text == "." and _NUMBER.match(before) and nxt is not None and _NUMBER.match(nxt.text):
                continue
            if nxt is not None and nxt.text in _CLOSERS and nxt.idx == tok.idx + len(tok.text):
                continue
            bounds.append((first, i + 1))
            first = i + 1
        elif tok.text in _CLOSERS and i - first >= 1 and tokens[i - 1].text in _SENT_END:
            bounds.append((first, i + 1))
            first = i + 1
    if first < n:
        bounds.append((first, n))
    return layout


def split_sentences(text: str, tokens: Sequence[Token], max_tokens: int = MAX_SENTENCE_TOKENS,
                    line_breaks: LineBreaks = "sentence") -> list[list[Token]]:
    """Group tokens into sentences (:func:`sentence_bounds`); sentences longer than ``max_tokens``
    are cut into pieces of that size (the Extractor cuts where no entity is instead)."""
    if line_breaks == "auto":
        raise ValueError("split_sentences reads line breaks before tagging: use 'sentence' or "
                         "'space' (the Extractor decides 'auto' once names are known)")
    bounds = sentence_bounds(text, tokens, line_breaks).bounds
    return [list(tokens[i:min(i + max_tokens, end)]) for start, end in bounds
            for i in range(start, end, max_tokens)]


def entity_free_cuts(length: int, spans: Sequence[tuple[int, int]], max_tokens: int,
                     prefer: Sequence[bool] | None = None) -> list[tuple[int, int]]:
    """Cut ``[0, length)`` into pieces of at most ``max_tokens`` tokens, never inside one of
    ``spans`` (token ranges ``[start, end)``, sorted, not overlapping) unless a span is itself
    longer than ``max_tokens``. Each cut is the last allowed one of its window, after a token
    marked in ``prefer`` (a comma, a colon) when the last quarter of the window has one.

    >>> entity_free_cuts(10, [(3, 6)], 4)
    [(0, 3), (3, 7), (7, 10)]
    """
    if max_tokens < 1:
        raise ValueError(f"max_tokens must be at least 1, not {max_tokens}")
    inside = [False] * (length + 1)  # inside[c]: a cut before token c would split a span
    for s, e in spans:
        for c in range(s + 1, e):
            inside[c] = True
    pieces: list[tuple[int, int]] = []
    start = 0
    while length - start > max_tokens:
        limit = start + max_tokens
        allowed = [c for c in range(limit, start, -1) if not inside[c]]
        cut = limit
        if allowed:
            cut = allowed[0]
            if prefer is not None:
                floor = limit - max(1, max_tokens // 4)
                cut = next((c for c in allowed if c >= floor and prefer[c - 1]), cut)
        pieces.append((start, cut))
        start = cut
    pieces.append((start, length))
    return pieces


def giant_words(text: str, tokens: Sequence[Token]) -> list[bool]:
    """For each token, whether it lies in a run of text without whitespace longer than
    :data:`MAX_WORD_CHARS` characters (see there). Time linear in the number of tokens."""
    flags = [False] * len(tokens)
    i, n = 0, len(tokens)
    while i < n:
        j = i
        # A run: tokens glued to one another (no whitespace between them).
        while j + 1 < n and tokens[j + 1].idx == tokens[j].idx + len(tokens[j].text):
            j += 1
        if tokens[j].idx + len(tokens[j].text) - tokens[i].idx > MAX_WORD_CHARS:
            for k in range(i, j + 1):
                flags[k] = True
        i = j + 1
    return flags


GIANT_PLACEHOLDER = "#"
"""What the tagger reads in place of a run of giant words (:data:`MAX_WORD_CHARS`)."""
# Tokens after which an over-long sentence is best cut (when no entity is there either).
_SOFT_STOPS = frozenset({"،", ",", ":", "؛", ";", "-", "–", "—", ")", "»", '"'})


@dataclass
class Segmented:
    """A text tokenised and split into sentences, ready for the tagger.

    ``words`` are the tokenizer's non-whitespace tokens of ``text``; ``layout`` their sentences
    and line breaks (:func:`sentence_bounds`, word indices); ``giant`` flags the words of
    over-long runs (:func:`giant_words`).
    """

    text: str
    tokens: Doc
    words: list[Token]
    layout: Layout
    giant: list[bool]

    def tagger_sentences(self) -> tuple[list[list[str]], list[list[int]]]:
        """Per sentence, the forms the tagger reads (:func:`tagger_form`; one
        :data:`GIANT_PLACEHOLDER` for each run of giant words) and the word index of each form
        (``-1`` for a placeholder)."""
        forms: list[list[str]] = []
        where: list[list[int]] = []
        for start, end in self.layout.bounds:
            f: list[str] = []
            w: list[int] = []
            for k in range(start, end):
                if self.giant[k]:
                    if not w or w[-1] != -1:
                        f.append(GIANT_PLACEHOLDER)
                        w.append(-1)
                    continue
                f.append(tagger_form(self.words[k].text))
                w.append(k)
            forms.append(f)
            where.append(w)
        return forms, where

    @staticmethod
    def entity_spans(tags: Sequence[Sequence[str]], where: Sequence[Sequence[int]],
                     spans_of: Callable[[Sequence[str]], list[tuple[int, int, str]]]
                     ) -> list[tuple[int, int, str]]:
        """Entity spans as word ranges ``(start, end, label)``, from the tagger's ``tags`` for
        :meth:`tagger_sentences` (``spans_of`` reads one sentence's tags into spans). A giant
        run is never part of an entity: a span over one keeps the pieces on either side."""
        out: list[tuple[int, int, str]] = []
        for sent_tags, positions in zip(tags, where, strict=True):
            for s, e, label in spans_of(sent_tags):
                run: list[int] = []
                for p in range(s, e + 1):
                    if p < e and positions[p] != -1:
                        run.append(positions[p])
                    elif run:
                        out.append((run[0], run[-1] + 1, label))
                        run = []
        return out

    def finish(self, spans: Sequence[tuple[int, int, str]], max_tokens: int = MAX_SENTENCE_TOKENS
               ) -> tuple[list[tuple[int, int, str]], list[tuple[int, int]], set[int]]:
        """The final entity spans, sentences and joined line breaks (word indices), once the
        tagger's ``spans`` are known.

        A pending line break (:attr:`Layout.pending`) ends a sentence unless a name runs across
        it: then it is a space, except where the lines on both sides are names and nothing else
        (a list of names, one a line), which stay apart. A sentence longer than ``max_tokens`` is
        cut where no entity is (:func:`entity_free_cuts`), after a comma or colon where the last
        quarter of the window has one."""
        layout = self.layout
        out = sorted(spans, key=lambda sp: sp[0])
        joined = set(layout.joined)
        cuts: set[int] = set()
        if layout.pending:
            n = len(self.words)
            covered = [False] * (n + 1)
            crossing: dict[int, int] = {}  # pending break -> index in ``out`` of the span across it
            for j, (s, e, _) in enumerate(out):
                for k in range(s, e):
                    covered[k] = True
                    if k > s and k in layout.pending:
                        crossing[k] = j
            starts = layout.line_starts
            split: dict[int, list[int]] = {}
            for b in sorted(layout.pending):
                j = crossing.get(b)
                if j is None:
                    cuts.add(b)
                    continue
                pos = bisect.bisect_left(starts, b)
                line_start = starts[pos - 1] if pos else 0
                line_end = starts[pos + 1] if pos + 1 < len(starts) else n
                if all(covered[line_start:b]) and all(covered[b:line_end]):
                    cuts.add(b)
                    split.setdefault(j, []).append(b)
                else:
                    joined.add(b)
            if split:
                pieces: list[tuple[int, int, str]] = []
                for j, (s, e, label) in enumerate(out):
                    edges = [s, *split.get(j, []), e]
                    pieces.extend((a, z, label) for a, z in zip(edges, edges[1:], strict=False))
                out = pieces
        bounds: list[tuple[int, int]] = []
        ordered_cuts = sorted(cuts)
        c = 0
        for start, end in layout.bounds:
            while c < len(ordered_cuts) and ordered_cuts[c] <= start:
                c += 1
            while c < len(ordered_cuts) and ordered_cuts[c] < end:
                bounds.append((start, ordered_cuts[c]))
                start = ordered_cuts[c]
                c += 1
            bounds.append((start, end))
        return out, self._cut_long(bounds, out, max_tokens), joined

    def _cut_long(self, bounds: list[tuple[int, int]], spans: Sequence[tuple[int, int, str]],
                  max_tokens: int) -> list[tuple[int, int]]:
        out: list[tuple[int, int]] = []
        i = 0
        for start, end in bounds:
            if end - start <= max_tokens:
                out.append((start, end))
                continue
            while i < len(spans) and spans[i][0] < start:
                i += 1
            inside: list[tuple[int, int]] = []
            while i < len(spans) and spans[i][1] <= end:
                inside.append((spans[i][0] - start, spans[i][1] - start))
                i += 1
            prefer = [self.words[k].text in _SOFT_STOPS for k in range(start, end)]
            out.extend((start + s, start + e)
                       for s, e in entity_free_cuts(end - start, inside, max_tokens, prefer))
        return out

    def to_doc(self, spans: Sequence[tuple[int, int, str]], sentences: Sequence[tuple[int, int]],
               joined: set[int]) -> Doc:
        """The Doc the later stages read, built in one go (time linear in its length): the
        tokens of ``text``, except that a line break in ``joined`` is a space; sentence starts
        from ``sentences`` and entities from ``spans`` (word ranges). Its text is as long as
        ``text`` and every word keeps its offset."""
        n_words = len(self.words)
        iob = ["O"] * n_words
        for s, e, label in spans:
            iob[s] = f"B-{label}"
            for k in range(s + 1, e):
                iob[k] = f"I-{label}"
        starts = [False] * n_words
        for s, _ in sentences:
            if s < n_words:
                starts[s] = True
        words: list[str] = []
        spaces: list[bool] = []
        sent_starts: list[bool] = []
        ents: list[str] = []
        k = 0  # index of the next word
        for tok in self.tokens:
            if not tok.is_space:
                words.append(tok.text)
                spaces.append(bool(tok.whitespace_))
                sent_starts.append(starts[k])
                ents.append(iob[k])
                k += 1
                continue
            inside = 0 < k < n_words and iob[k].startswith("I-")
            text = tok.text
            if k in joined and "\n" in text:
                text = text.replace("\n", " ")
                if text == " " and spaces and not spaces[-1] and not tok.whitespace_:
                    spaces[-1] = True  # the line break is now the space after the word before
                    continue
            words.append(text)
            spaces.append(bool(tok.whitespace_))
            sent_starts.append(False)
            ents.append(f"I-{iob[k][2:]}" if inside else "O")
        if sent_starts:
            sent_starts[0] = True
        return Doc(tokenizer().vocab, words=words, spaces=spaces, sent_starts=sent_starts, ents=ents)


def segment(text: str, line_breaks: LineBreaks = "auto") -> Segmented:
    """Tokenise ``text`` (of any length: no spaCy ``max_length``) and find its sentences, reading
    single line breaks as ``line_breaks`` says (:data:`LINE_BREAK_MODES`). Time and memory linear
    in the length of ``text``."""
    tokens = tokenize_doc(text)
    words = [t for t in tokens if not t.is_space]
    return Segmented(text, tokens, words, sentence_bounds(text, words, line_breaks),
                     giant_words(text, words))
