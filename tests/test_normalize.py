"""Normalisation for analysis: what changes, and offsets that always lead back to the original."""

from __future__ import annotations

import doctest
import random

import pytest

import ner_ar.normalize
from ner_ar.normalize import OffsetMap, check_text, normalize, strip_format


def back(original: str, needle: str, markup: bool = True) -> str:
    """The original text of ``needle``'s first occurrence in the analysis text."""
    n = normalize(original, markup=markup)
    a = n.text.index(needle)
    start, end = n.span(a, a + len(needle))
    return original[start:end]


def test_doctests() -> None:
    assert doctest.testmod(ner_ar.normalize).failed == 0


def test_plain_text_is_left_alone_with_an_identity_map() -> None:
    text = "زار الرئيس الروسي كوبا. وقال: نعم!"
    n = normalize(text)
    assert n.text == text and n.offsets.is_identity and n.offsets.pieces == 1


@pytest.mark.parametrize("mark", ["\u200f", "\u200e", "\u200b", "\u200c", "\u200d", "\ufeff", "\u00ad",
                                  "\u202b", "\u202c", "\u2066", "\u2069", "\u061c"])
def test_format_characters_are_removed_and_never_start_or_end_a_span(mark: str) -> None:
    text = f"قال {mark}بوتين{mark} إن{mark}"
    n = normalize(text)
    assert n.text == "قال بوتين إن"
    assert back(text, "بوتين") == "بوتين"
    # Inside a word the mark stays in the original slice but not in the analysis text.
    inner = f"بو{mark}تين"
    assert normalize(inner).text == "بوتين" and back(inner, "بوتين") == inner
    assert strip_format(text) == "قال بوتين إن"


@pytest.mark.parametrize(("raw", "decoded"), [
    ("&quot;فلاديمير بوتين&quot;", '"فلاديمير بوتين"'),
    ("&laquo;روسيا&raquo;", "«روسيا»"),
    ("AT&amp;T", "AT&T"),
    ("&#1605;&#x648;سكو", "موسكو"),
    ("روسيا&nbsp;&nbsp;وكوبا", "روسيا وكوبا"),
    ("<b>فلاديمير</b> <i>بوتين</i>", "فلاديمير بوتين"),
    ("<p>روسيا</p><p>كوبا</p>", "روسيا\n\nكوبا"),
    ("روسيا<br/>كوبا", "روسيا\nكوبا"),
    ('<a href="https://x.ru/a?b=1&amp;c=2">موسكو</a>', "موسكو"),
    ("روسيا<!-- تعليق -->كوبا", "روسياكوبا"),
    ("<span style='x'>روسيا</span><o:p></o:p>", "روسيا"),
    ("<TD>روسيا</TD><TD>كوبا</TD>", "روسيا\n\nكوبا"),
])
def test_markup_residue_is_decoded(raw: str, decoded: str) -> None:
    assert normalize(raw).text == decoded


def test_markup_offsets_index_the_original() -> None:
    text = "قال &quot;فلاديمير بوتين&quot; في <b>موسكو</b>."
    assert back(text, "فلاديمير بوتين") == "فلاديمير بوتين"
    assert back(text, '"فلاديمير') == "&quot;فلاديمير"
    assert back(text, "موسكو.") == "موسكو</b>."
    assert back("AT&amp;T", "AT&T") == "AT&amp;T"


def test_markup_off_and_what_is_not_markup() -> None:
    assert normalize("&quot;x&quot;", markup=False).text == "&quot;x&quot;"
    for text in ("5 < 6 > 4", "a<b", "& ;", "&unknownentity;", "<روسيا>", "x <ahmad@mail.com>",
                 "x<y>z", "<note>", "<w>"):
        assert normalize(text).text == text


@pytest.mark.parametrize("space", ["\u00a0", "\t", "\u2002", "\u2009", "\u202f", "\u3000", "\x00",
                                   "\x7f", "\x9f", "\u205f", " \t ", "\u00a0 "])
def test_every_space_reads_as_one_space(space: str) -> None:
    text = f"وزير الخارجية{space}سيرغي لافروف"
    assert normalize(text).text == "وزير الخارجية سيرغي لافروف"
    assert back(text, "سيرغي") == "سيرغي"


@pytest.mark.parametrize("brk", ["\n", "\r\n", "\r", "\x0b", "\x0c", "\x85", "\u2028", "\u2029",
                                 " \n ", "\t\r\n"])
def test_every_line_break_reads_as_one(brk: str) -> None:
    assert normalize(f"روسيا{brk}كوبا").text == "روسيا\nكوبا"
    assert normalize(f"روسيا{brk}{brk}كوبا").text == "روسيا\n\nكوبا"


def test_whitespace_at_the_ends_is_removed() -> None:
    n = normalize("\ufeff \n روسيا \n")
    assert n.text == "روسيا"
    assert n.span(0, 5) == (4, 9)


def test_lone_surrogate_is_a_value_error_naming_its_position() -> None:
    with pytest.raises(ValueError, match=r"U\+D800 at character 6"):
        check_text("روسيا \ud800 كوبا")
    with pytest.raises(ValueError, match="surrogate"):
        normalize("x\udcff")
    with pytest.raises(TypeError, match="bytes"):
        check_text(b"x")
    # A numeric reference to a surrogate is decoded as the replacement character.
    assert normalize("&#xD800;").text == "\ufffd"


def _random_text(rng: random.Random, n: int) -> str:
    pieces = ["روسيا", "كوبا", " ", "  ", "\n", "\r\n", "\u00a0", "\u200f", "\u200d", "&quot;",
              "&amp;", "<b>", "</p>", "\t", "\x0b", "\x00", "،", ".", "&#1605;", "<br>", "😀", "x"]
    return "".join(rng.choice(pieces) for _ in range(n))


def test_every_analysis_character_maps_to_an_original_stretch_in_order() -> None:
    rng = random.Random(13)
    for _ in range(300):
        text = _random_text(rng, rng.randrange(0, 40))
        n = normalize(text)
        last = 0
        for i, ch in enumerate(n.text):
            s, e = n.span(i, i + 1)
            assert 0 <= s < e <= len(text) and s >= last
            piece = text[s:e]
            # The piece is the character itself or stands for it (a space run, a reference, a tag).
            assert ch in piece or ch in " \n" or piece.startswith(("&", "<")) or ch == "\ufffd"
            if not ch.isspace():  # a word character never maps onto a format character's edge
                assert strip_format(piece)[:1] == piece[:1] and strip_format(piece)[-1:] == piece[-1:]
            last = s
        # Whole words map back to themselves.
        for word in ("روسيا", "كوبا"):
            if word in n.text:
                a = n.text.index(word)
                s, e = n.span(a, a + len(word))
                assert text[s:e] == word


def test_offset_map_composition_and_bounds() -> None:
    n = normalize("&quot; \u200f&quot;x")
    assert n.text == '" "x'
    assert [n.span(i, i + 1) for i in range(len(n.text))] == [(0, 6), (6, 8), (8, 14), (14, 15)]
    assert n.span(2, 2) == (8, 8)
    with pytest.raises(IndexError):
        n.offsets.start(len(n.text) + 1)
    empty = normalize("\u200f")
    assert empty.text == "" and empty.span(0, 0) == (0, 0)
    assert OffsetMap.identity(3).span(1, 3) == (1, 3)


def test_cost_is_linear_in_length() -> None:
    """A million characters full of things to change: one pass, pieces bounded by the edits."""
    unit = "قال\u00a0&quot;فلاديمير  بوتين\u200f&quot; في\r\nموسكو. "
    text = unit * (1_000_000 // len(unit))
    n = normalize(text)
    assert len(n.text) < len(text)
    a = n.text.rindex("بوتين")
    s, e = n.span(a, a + 5)
    assert text[s:e] == "بوتين"
    assert n.offsets.pieces <= 12 * text.count("قال")
