"""Text as it comes, made fit for analysis, with a map back to the caller's string.

Users paste text from web pages, PDFs, e-mail and transcripts. :func:`normalize` turns such a
string (the *original*) into the *analysis text* that tokenisation, tagging, resolution and
relation extraction read, and an :class:`OffsetMap` that takes every analysis offset back to the
original, so that a returned mention still satisfies ``original[m.start:m.end] == m.text``.

What changes for analysis, and nothing else:

- **Markup residue** (``markup=True``, the default): character references (``&quot;``,
  ``&amp;``, ``&#1605;``, ``&#x645;``, ``&nbsp;``) are decoded; HTML-like tags with an ASCII name
  (``<b>``, ``</p>``, ``<br/>``, ``<a href="...">``) and comments are removed: ``<br>`` counts as a
  line break, the end or start of a block (``p``, ``div``, ``li``, ``h1``, ``tr``, ...) as a blank
  line, an inline tag (``b``, ``span``, ``a``, ``font``, ...) as nothing. Only HTML's own tag names
  are markup: ``x<y>z`` or ``<note>`` in plain text stay as written.
- **Invisible format characters** (Unicode category Cf: direction marks and embeddings, isolates,
  zero-width space/joiners, BOM, soft hyphen, Arabic number signs, tag characters) are removed.
- **Whitespace of every kind** is one thing: every Unicode space (NBSP U+00A0, U+2000-U+200A,
  U+202F, U+3000, ...), tab and control character (C0/C1, which have no place in text) is a space;
  every line-break convention (LF, CR LF, CR, VT, FF, NEL U+0085, U+2028, U+2029, U+001C-U+001E)
  is a line break. A run of them becomes one ``" "`` when it holds no line break, one ``"\\n"``
  when it holds one, and ``"\\n\\n"`` (a paragraph break) when it holds two or more; a run at the
  start or end of the text is removed.

Nothing else is touched: letters, digits, punctuation, diacritics and emoji stay as written (the
tagger's own folding is :func:`ner_ar.text.tagger_form`, per token).

>>> n = normalize("قال\\u00a0&quot;فلاديمير بوتين\\u200f&quot;")
>>> n.text
'قال "فلاديمير بوتين"'
>>> a, b = n.text.index("فلاديمير"), n.text.index('"', 5)   # the name in the analysis text
>>> start, end = n.offsets.span(a, b)
>>> n.original[start:end]
'فلاديمير بوتين'

Lone surrogates (which ``errors="surrogateescape"`` decoding leaves in a ``str``) cannot be written
as UTF-8 and have no meaning as text: :func:`check_text` refuses them with a ``ValueError`` that
names the first one's position; they are never silently replaced.
"""

from __future__ import annotations

import html
import re
import sys
import unicodedata
from array import array
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["LINE_BREAKS", "Normalized", "OffsetMap", "check_text", "format_chars", "normalize",
           "strip_format"]

LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
"""Characters that end a line: LF, CR (CR LF counts once), VT, FF, FS, GS, RS, NEL, LS, PS."""

_UNICODE_SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a" \
                  "\u202f\u205f\u3000"
# Other C0/C1 controls carry no text: they separate words like a space does.
_CONTROLS = "".join(chr(c) for c in (*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0))
                    if chr(c) not in LINE_BREAKS and chr(c) != "\t")
_SPACES = " \t" + _UNICODE_SPACES + _CONTROLS

_BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "dd", "div", "dl", "dt",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "head",
    "header", "hr", "html", "li", "main", "nav", "ol", "p", "pre", "section", "table", "tbody",
    "td", "tfoot", "th", "thead", "title", "tr", "ul",
})
_INLINE_TAGS = frozenset({
    "a", "abbr", "acronym", "b", "bdi", "bdo", "big", "blink", "cite", "code", "del", "dfn", "em",
    "font", "i", "img", "ins", "kbd", "label", "mark", "nobr", "q", "s", "samp", "small", "span",
    "strike", "strong", "sub", "sup", "time", "tt", "u", "var", "wbr", "meta", "link", "input",
    "button", "select", "option", "iframe", "video", "audio", "source", "picture", "svg", "center",
})
"""Tags removed for analysis without a break. Only known HTML names are markup: ``<note>`` or
``x<y>z`` in plain text stay as written (a name with a colon, ``<o:p>``, is markup too)."""
_MARKUP = re.compile(
    r"&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});"
    r"|<!--.{0,4000}?-->"
    r"|</?([A-Za-z][A-Za-z0-9:_-]{0,31})(?:\s[^<>]{0,2000})?/?>",
    re.DOTALL,
)


@lru_cache(maxsize=1)
def format_chars() -> str:
    """Every character of Unicode category Cf known to this Python, as a regex class body.

    Computed once (about 0.2 s) from :mod:`unicodedata`, so it follows Python's Unicode version.
    """
    ranges: list[tuple[int, int]] = []
    for cp in range(sys.maxunicode + 1):
        if unicodedata.category(chr(cp)) == "Cf":
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1] = (ranges[-1][0], cp)
            else:
                ranges.append((cp, cp))
    return "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
                   for a, b in ranges)


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    every = re.escape(_SPACES + LINE_BREAKS) + format_chars()
    not_space = re.escape(_SPACES.replace(" ", "") + LINE_BREAKS) + format_chars()
    # A run at either end, a run of two or more, or a single character other than " ": a lone
    # space between two words needs no work.
    return (re.compile(rf"\A[{every}]+|[{every}]+\Z|[{every}]{{2,}}|[{not_space}]"),
            re.compile(f"[{format_chars()}]+"))


_SURROGATE = re.compile("[\ud800-\udfff]")


def check_text(text: object) -> str:
    """``text`` itself, if extraction can take it.

    Raises ``TypeError`` when it is not a ``str``, and ``ValueError`` naming the character offset
    of the first lone surrogate (U+D800-U+DFFF), as ``bytes.decode(errors="surrogateescape")``
    leaves them: they are not text and cannot be written as UTF-8. Decode with
    ``errors="replace"`` instead, or drop them, before extraction.
    """
    if not isinstance(text, str):
        raise TypeError(f"ner_ar expects text as str, got {type(text).__name__}")
    bad = _SURROGATE.search(text)
    if bad is not None:
        raise ValueError(f"text holds a lone surrogate U+{ord(bad.group()):04X} at character "
                         f"{bad.start()}; it is not text and cannot be written as UTF-8 (decode with "
                         "errors='replace', or remove it, before extraction)")
    return text


def strip_format(text: str) -> str:
    """``text`` without Unicode format characters (Cf): for names, keys and labels.

    >>> strip_format("بوتين\\u200f")
    'بوتين'
    """
    return _patterns()[1].sub("", text)


class OffsetMap:
    """Offsets of an analysis text mapped back to the original string.

    The analysis text is a sequence of pieces. A *copy* piece is as long as the original stretch
    it stands for, character for character (it may differ in content, as a NBSP read as a space).
    An *atomic* piece stands for its whole original stretch (``&quot;`` read as ``"``, a CR LF
    read as one line break): an offset inside it maps to that stretch's start or end. Original
    characters that were removed (format characters, tags) belong to no piece, so a span never
    starts or ends on one.

    All offsets are in characters (Python ``str`` indices). Lookups cost O(log pieces); memory is
    32 bytes per piece, and a text with nothing to change has one piece.
    """

    __slots__ = ("_a0", "_alen", "_copy", "_o0", "_olen", "analysis_length", "original_length")

    def __init__(self, analysis_length: int, original_length: int) -> None:
        self._a0 = array("q")
        self._o0 = array("q")
        self._alen = array("q")
        self._olen = array("q")
        self._copy = array("b")
        self.analysis_length = analysis_length
        self.original_length = original_length

    @classmethod
    def identity(cls, length: int) -> OffsetMap:
        """The map of a text analysed as it is."""
        m = cls(length, length)
        m._append(0, 0, length, length, True)
        return m

    def _append(self, a0: int, o0: int, alen: int, olen: int, copy: bool) -> None:
        if alen <= 0:
            return
        # Consecutive copy pieces with no gap between them are one piece.
        if (copy and self._copy and self._copy[-1] and self._a0[-1] + self._alen[-1] == a0
                and self._o0[-1] + self._olen[-1] == o0):
            self._alen[-1] += alen
            self._olen[-1] += olen
            return
        self._a0.append(a0)
        self._o0.append(o0)
        self._alen.append(alen)
        self._olen.append(olen)
        self._copy.append(1 if copy else 0)

    @property
    def pieces(self) -> int:
        """Number of pieces (1 for a text analysed unchanged)."""
        return len(self._a0)

    @property
    def is_identity(self) -> bool:
        """True when every analysis offset is the same original offset."""
        return self.analysis_length == self.original_length and (
            self.pieces == 0 or (self.pieces == 1 and self._o0[0] == 0 and bool(self._copy[0])))

    def _check(self, p: int) -> None:
        if not 0 <= p <= self.analysis_length:
            raise IndexError(f"offset {p} outside the analysis text (0..{self.analysis_length})")

    def start(self, p: int) -> int:
        """Original offset of the analysis character at ``p`` (``p == analysis_length``: the end
        of the last piece). Raises ``IndexError`` outside ``[0, analysis_length]``."""
        self._check(p)
        if p == self.analysis_length:
            return self._o0[-1] + self._olen[-1] if self.pieces else 0
        k = bisect_right(self._a0, p) - 1
        return self._o0[k] + (p - self._a0[k] if self._copy[k] else 0)

    def end(self, p: int) -> int:
        """Original offset just after the analysis character at ``p - 1`` (``p == 0``: the start
        of the first piece). Raises ``IndexError`` outside ``[0, analysis_length]``."""
        self._check(p)
        if p == 0:
            return self._o0[0] if self.pieces else 0
        k = bisect_right(self._a0, p - 1) - 1
        return self._o0[k] + (p - self._a0[k] if self._copy[k] else self._olen[k])

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original ``(start, end)`` of the analysis span ``[start, end)``; an empty span stays
        empty."""
        if end <= start:
            s = self.start(start)
            return s, s
        return self.start(start), self.end(end)

    def then(self, inner: OffsetMap) -> OffsetMap:
        """This map followed by ``inner``: for this map from text A to text T and ``inner`` from T
        to the original O, the map from A to O."""
        out = OffsetMap(self.analysis_length, inner.original_length)
        for k in range(self.pieces):
            a0, t0, alen, tlen = self._a0[k], self._o0[k], self._alen[k], self._olen[k]
            if not self._copy[k]:
                s, e = inner.span(t0, t0 + tlen)
                out._append(a0, s, alen, e - s, False)
                continue
            t, t_end = t0, t0 + tlen
            j = bisect_right(inner._a0, t) - 1
            while t < t_end:
                ia0, io0, ialen, iolen = inner._a0[j], inner._o0[j], inner._alen[j], inner._olen[j]
                stop = min(t_end, ia0 + ialen)
                if inner._copy[j]:
                    out._append(a0 + t - t0, io0 + t - ia0, stop - t, stop - t, True)
                else:
                    out._append(a0 + t - t0, io0, stop - t, iolen, False)
                t = stop
                j += 1
        return out


@dataclass(frozen=True)
class Normalized:
    """An original string, its analysis text and the map from the second to the first."""

    original: str
    text: str
    offsets: OffsetMap

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original ``(start, end)`` of the analysis span ``[start, end)`` (characters)."""
        return self.offsets.span(start, end)


class _Builder:
    """Builds an analysis text left to right from an original string and edits of it."""

    def __init__(self, original: str) -> None:
        self.original = original
        self.parts: list[str] = []
        self.pos = 0  # original characters consumed
        self.length = 0  # analysis characters produced
        self.map = OffsetMap(0, len(original))

    def edit(self, start: int, end: int, new: str) -> None:
        """Original ``[start, end)`` (at or after what was consumed) reads as ``new``."""
        if start > self.pos:
            self.parts.append(self.original[self.pos:start])
            self.map._append(self.length, self.pos, start - self.pos, start - self.pos, True)
            self.length += start - self.pos
        if new:
            self.parts.append(new)
            # A same-length substitution (NBSP -> space) maps character for character.
            self.map._append(self.length, start, len(new), end - start, len(new) == end - start)
            self.length += len(new)
        self.pos = end

    def finish(self) -> tuple[str, OffsetMap]:
        self.edit(len(self.original), len(self.original), "")
        self.map.analysis_length = self.length
        return "".join(self.parts), self.map


def _rewrite(text: str, pattern: re.Pattern[str],
             replace: Callable[[re.Match[str], int], str | None]) -> tuple[str, OffsetMap] | None:
    """Apply ``replace(match, text_length)`` (``None``: leave the match) to every match; None when
    nothing changed."""
    builder: _Builder | None = None
    n = len(text)
    for m in pattern.finditer(text):
        new = replace(m, n)
        if new is None or new == m.group():
            continue
        if builder is None:
            builder = _Builder(text)
        builder.edit(m.start(), m.end(), new)
    return builder.finish() if builder is not None else None


def _markup(m: re.Match[str], _n: int) -> str | None:
    s = m.group()
    if s[0] == "&":
        decoded = html.unescape(s)
        return decoded if decoded != s else None
    if s.startswith("<!--"):
        return ""
    name = (m.group(1) or "").lower()
    if name == "br":
        return "\n"
    if name in _BLOCK_TAGS:
        return "\n\n"
    if name in _INLINE_TAGS or ":" in name:
        return ""
    return None


def _space(m: re.Match[str], n: int) -> str:
    run = m.group()
    breaks = sum(c in LINE_BREAKS for c in run) - run.count("\r\n")
    if m.start() == 0 or m.end() == n:
        return ""
    if breaks:
        return "\n" if breaks == 1 else "\n\n"
    # Only format characters: removed (they join what they stand between).
    return " " if any(c in _SPACES for c in run) else ""


def normalize(text: str, *, markup: bool = True) -> Normalized:
    """The analysis form of ``text`` and the map of its offsets back to ``text``.

    See the module docstring for what changes. Costs time and memory linear in ``len(text)``;
    a text that needs no change is returned as is with an identity map. Raises what
    :func:`check_text` raises.

    >>> normalize("روسيا\\r\\nكوبا").text
    'روسيا\\nكوبا'
    >>> normalize("روسيا\\u200b").offsets.is_identity
    False
    """
    check_text(text)
    current, offsets = text, OffsetMap.identity(len(text))
    if markup and ("&" in text or "<" in text):
        done = _rewrite(current, _MARKUP, _markup)
        if done is not None:
            current, offsets = done
    done = _rewrite(current, _patterns()[0], _space)
    if done is not None:
        current, inner = done
        offsets = inner.then(offsets) if not offsets.is_identity else inner
    return Normalized(text, current, offsets)
