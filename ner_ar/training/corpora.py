"""Readers for the annotated NER corpora and the splits the model is trained and scored on.

Sentences are lists of ``(token, tag)`` pairs with BIO tags over the coarse types
``PER LOC ORG MISC``. Tag repair and renaming happen here and nowhere else.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

from ner_ar.text import tagger_form

Sentence = list[tuple[str, str]]

COARSE_TYPES = ("PER", "LOC", "ORG", "MISC")
# Files of the AQMAR corpus in the order Stanza's convert_ar_aqmar.py reads them
# (sorted, with Computer.txt and Computer_Software.txt swapped), so that its split is reproduced.
_AQMAR_SWAP = ("Computer.txt", "Computer_Software.txt")
_DIRECTION_MARKS = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\ufeff"


@dataclass(frozen=True)
class Splits:
    train: list[Sentence]
    dev: list[Sentence]
    tests: dict[str, list[Sentence]]


def normalize_tag(tag: str) -> str:
    """Map a corpus tag to BIO over the coarse types; anything unknown becomes ``O``."""
    tag = tag.strip()
    if tag in ("", "O") or len(tag) < 3 or tag[1] != "-" or tag[0] not in "BI":
        return "O"
    prefix, label = tag[0], tag[2:].lstrip("-")
    if label == "PERS":
        label = "PER"
    elif label.startswith("MIS"):
        label = "MISC" if label[3:].isdigit() or label[3:] in ("", "C") else ""
    return f"{prefix}-{label}" if label in COARSE_TYPES else "O"


def repair_bio(sentence: Sentence) -> Sentence:
    """Turn an ``I-X`` that does not continue an ``X`` entity into ``B-X``."""
    fixed: Sentence = []
    prev = "O"
    for tok, tag in sentence:
        if tag.startswith("I-") and prev[2:] != tag[2:]:
            tag = "B-" + tag[2:]
        fixed.append((tok, tag))
        prev = tag
    return fixed


def clean(sentences: list[Sentence]) -> list[Sentence]:
    """Remove direction marks inside tokens, drop tokens made only of them, repair BIO."""
    out: list[Sentence] = []
    for sent in sentences:
        kept = [("".join(ch for ch in tok if ch not in _DIRECTION_MARKS), tag) for tok, tag in sent]
        kept = [(tok, tag) for tok, tag in kept if tok]
        if kept:
            out.append(repair_bio(kept))
    return out


def read_conll(path: str | Path, cleaned: bool = True, coarse: bool = True) -> list[Sentence]:
    """Read ``token TAG`` lines (tag last, space or tab separated), blank line between sentences.

    With ``cleaned`` (the default) the sentences go through :func:`clean`; without it they are as
    in the file, which the AQMAR split needs to reproduce Stanza's shuffle. With ``coarse=False``
    tags are kept as written.
    """
    sentences: list[Sentence] = []
    current: Sentence = []
    with open(path, encoding="utf-8-sig") as fh:
        for raw in fh:
            line = raw.rstrip("\r\n")
            if not line.strip():
                if current:
                    sentences.append(current)
                    current = []
                continue
            parts = line.split()
            if len(parts) >= 2:
                tag = normalize_tag(parts[-1]) if coarse else parts[-1]
                current.append((" ".join(parts[:-1]), tag))
    if current:
        sentences.append(current)
    return clean(sentences) if cleaned else sentences


def aqmar_files(aqmar_dir: str | Path) -> list[Path]:
    files = sorted(Path(aqmar_dir).glob("*.txt"))
    names = [f.name for f in files]
    if all(n in names for n in _AQMAR_SWAP):
        i, j = names.index(_AQMAR_SWAP[0]), names.index(_AQMAR_SWAP[1])
        files[i], files[j] = files[j], files[i]
    return files


def aqmar_split(aqmar_dir: str | Path) -> tuple[list[Sentence], list[Sentence], list[Sentence]]:
    """AQMAR's train/dev/test as Stanza cuts them (seed 1234 shuffle, 70/15/15)."""
    sentences: list[Sentence] = []
    for path in aqmar_files(aqmar_dir):
        sentences.extend(read_conll(path, cleaned=False))
    random.seed(1234)
    random.shuffle(sentences)
    n = len(sentences)
    n_train, n_dev = int(0.7 * n), int(0.15 * n)
    return (clean(sentences[:n_train]), clean(sentences[n_train:n_train + n_dev]),
            clean(sentences[n_train + n_dev:]))


def load_splits(data_dir: str | Path, anercorp_dev_tail: int = 400) -> Splits:
    """Train, dev and the three test sets from ``shared/data``.

    Train: ANERcorp train without its last ``anercorp_dev_tail`` sentences, plus AQMAR train.
    Dev: those ANERcorp sentences (cut in order off the end) plus AQMAR dev.
    """
    ner = Path(data_dir) / "ner"
    aner_train = read_conll(ner / "anercorp" / "train.txt")
    aq_train, aq_dev, aq_test = aqmar_split(ner / "aqmar")
    cut = len(aner_train) - anercorp_dev_tail
    return Splits(
        train=aner_train[:cut] + aq_train,
        dev=aner_train[cut:] + aq_dev,
        tests={
            "anercorp_test": read_conll(ner / "anercorp" / "test.txt"),
            "anercorp_test_as_distributed": read_conll(ner / "anercorp" / "test.as_distributed.txt"),
            "aqmar_test": aq_test,
        },
    )


def write_stanza_json(sentences: list[Sentence], path: str | Path) -> None:
    """Write Stanza's NER training format: a list of sentences of ``{"text", "ner"}`` tokens."""
    data = [[{"text": tagger_form(tok), "ner": tag} for tok, tag in sent] for sent in sentences]
    Path(path).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def write_conll(sentences: list[Sentence], path: str | Path) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        for sent in sentences:
            fh.writelines(f"{tok} {tag}\n" for tok, tag in sent)
            fh.write("\n")
