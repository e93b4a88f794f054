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

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Token

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
"""Longest sentence handed to the tagger; longer runs are cut so one unpunctuated line cannot
exhaust memory."""


@lru_cache(maxsize=1)
def tokenizer() -> Language:
    """spaCy's blank Arabic pipeline: rule-based tokenizer only, no model, no network."""
    return spacy.blank("ar")


def tokenize(text: str) -> list[Token]:
    """spaCy tokens of ``text`` (``.idx`` is the offset into ``text``), whitespace dropped."""
    return [t for t in tokenizer()(text) if not t.is_space]


def doc_text(doc: Doc) -> str:
    """``doc.text``, computed once per Doc: spaCy joins every token again on each access, which
    costs resolution and relation extraction a fifth of their time when read thrice."""
    text = doc.user_data.get(_TEXT_KEY)
    if text is None:
        text = doc.user_data[_TEXT_KEY] = doc.text
    return text


def tagger_form(token: str) -> str:
    """The form of a token shown to the tagger: Persian/Urdu letter variants, hamzated alefs,
    tatweel and diacritics folded away, at training and inference alike. Token-level only, so offsets (kept by the
    caller per token) are untouched."""
    folded = _DIACRITICS.sub("", token.translate(_ARABIC_FORMS))
    return folded or token


def normalize_key(text: str) -> str:
    """Orthographic key for matching names: no diacritics or tatweel, folded alef/yaa/taa marbuta."""
    text = unicodedata.normalize("NFC", text)
    text = _DIACRITICS.sub("", text).translate(_FOLD)
    return " ".join(text.split())


def split_sentences(text: str, tokens: Sequence[Token],
                    max_tokens: int = MAX_SENTENCE_TOKENS) -> list[list[Token]]:
    """Group tokens into sentences.

    A sentence ends at sentence-final punctuation (with any closing quotes or brackets that follow
    it), and at a line break: news headlines, datelines and footers stand on their own lines with
    no full stop. Sentences longer than ``max_tokens`` are cut into pieces of that size.
    """
    sentences: list[list[Token]] = []
    current: list[Token] = []

    def flush() -> None:
        if current:
            for i in range(0, len(current), max_tokens):
                sentences.append(current[i:i + max_tokens])
            current.clear()

    for i, tok in enumerate(tokens):
        if current and "\n" in text[current[-1].idx + len(current[-1].text):tok.idx]:
            flush()
        current.append(tok)
        if tok.text in _SENT_END or (len(tok.text) > 1 and set(tok.text) <= {".", "!", "؟", "?"}):
            nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            prev = current[-2].text if len(current) > 1 else ""
            # "1." in a numbered list or date keeps the sentence open when a number follows.
            if tok.text == "." and _NUMBER.match(prev) and nxt is not None and _NUMBER.match(nxt.text):
                continue
            if nxt is not None and nxt.text in _CLOSERS and nxt.idx == tok.idx + len(tok.text):
                continue
            flush()
        elif tok.text in _CLOSERS and len(current) > 1 and current[-2].text in _SENT_END:
            flush()
    flush()
    return sentences
