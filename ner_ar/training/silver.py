"""Silver training sentences: unlabeled news tagged by a teacher model (self-training).

The teachers (by default the shipped model) tag sentences of ANT v2.1 news, every sixth article in file order,
tokenised and split exactly as the library splits input. A sentence is kept when it has an entity
and every teacher gives it the same tags (with two different models this drops most of the
teacher's own errors), a few per article so that no single story dominates, until ``limit`` are
collected. No
test sentence is ever read: the news text is not part of any NER corpus.
"""

from __future__ import annotations

import lzma
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ner_ar.ner import Tagger
from ner_ar.text import split_sentences, tagger_form, tokenize
from ner_ar.training.corpora import Sentence
from ner_ar.training.evaluate import to_bio

SILVER_SOURCE = "text/ant_multisource/ant_multisource.txt.xz"


@dataclass
class SilverConfig:
    limit: int = 3000
    per_article: int = 3
    stride: int = 6  # every stride-th article: the file runs source by source, topic by topic
    min_tokens: int = 8
    max_tokens: int = 60
    batch: int = 512


def _candidates(path: Path, cfg: SilverConfig) -> Iterator[list[str]]:
    """Token lists of plausible sentences, at most ``per_article`` per article."""
    with lzma.open(path, "rt", encoding="utf-8", errors="replace") as fh:
        for n, line in enumerate(fh):
            text = line.strip()
            if n % cfg.stride or not text:
                continue
            kept = 0
            for sent in split_sentences(text, tokenize(text)):
                words = [t.text for t in sent]
                # '#' marks hashtags and '[[' wiki debris: not sentences the gold data looks like.
                if (cfg.min_tokens <= len(words) <= cfg.max_tokens
                        and not any("#" in w or "[[" in w for w in words)):
                    yield words
                    kept += 1
                    if kept == cfg.per_article:
                        break


def silver_sentences(data: Path, teachers: Sequence[Tagger], cfg: SilverConfig) -> list[Sentence]:
    """Up to ``cfg.limit`` sentences with at least one entity that all teachers tag alike (BIO)."""
    out: list[Sentence] = []
    batch: list[list[str]] = []

    def flush() -> None:
        forms = [[tagger_form(w) for w in words] for words in batch]
        votes = [[to_bio(seq) for seq in teacher.tag(forms)] for teacher in teachers]
        for i, words in enumerate(batch):
            bio = votes[0][i]
            if (len(out) < cfg.limit and any(t != "O" for t in bio)
                    and all(v[i] == bio for v in votes[1:])):
                out.append(list(zip(words, bio, strict=True)))
        batch.clear()

    for words in _candidates(data / SILVER_SOURCE, cfg):
        batch.append(words)
        if len(batch) == cfg.batch:
            flush()
            if len(out) >= cfg.limit:
                break
    if batch and len(out) < cfg.limit:
        flush()
    return out
