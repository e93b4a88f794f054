"""Tokenisation and sentence splitting with exact character offsets.

Every token and sentence produced here indexes the string exactly as the caller passed it; the
training code uses the same tokenizer so that word vectors and the tagger see the same tokens as
the library does at inference time.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
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
    limit meant for parsers that the tokenizer alone does not need."""
    return spacy.blank("ar")


def tokenize_doc(text: str) -> Doc:
    """spaCy Doc of ``text``'s tokens, whitespace tokens included, for a text of any length;
    time and memory linear in its length (characters)."""
    return tokenizer().tokenizer(text)


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


def sentence_bounds(text: str, tokens: Sequence[Token],
                    line_breaks: LineBreaks = "sentence") -> tuple[list[tuple[int, int]], set[int]]:
    """Sentences of ``tokens`` (words of ``text``, whitespace tokens left out) as index ranges
    ``[start, end)`` into ``tokens``, however long, and the indices ``k`` whose gap before
    ``tokens[k]`` is a line break read as a space.

    A sentence ends at sentence-final punctuation (with any closing quotes or brackets that follow
    it), at a blank line, and at a single line break unless ``line_breaks`` reads it as a space
    (:data:`LINE_BREAK_MODES`). Time linear in the number of tokens.
    """
    wraps = wrapped_line_breaks(text, line_breaks)
    bounds: list[tuple[int, int]] = []
    joined: set[int] = set()
    first = 0  # first token of the current sentence
    n = len(tokens)
    for i, tok in enumerate(tokens):
        if i > first:
            prev = tokens[i - 1]
            gap_start = prev.idx + len(prev.text)
            if "\n" in text[gap_start:tok.idx]:
                if gap_start in wraps:
                    joined.add(i)
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
    return bounds, joined


def split_sentences(text: str, tokens: Sequence[Token], max_tokens: int = MAX_SENTENCE_TOKENS,
                    line_breaks: LineBreaks = "sentence") -> list[list[Token]]:
    """Group tokens into sentences (:func:`sentence_bounds`); sentences longer than ``max_tokens``
    are cut into pieces of that size (the Extractor cuts where no entity is instead)."""
    bounds, _ = sentence_bounds(text, tokens, line_breaks)
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
