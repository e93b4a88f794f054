"""Word vectors for the tagger: tokenise unlabeled text as the library does, train fastText,
export the most frequent words and convert them into a Stanza pretrain file."""

from __future__ import annotations

import logging
import lzma
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path

from tqdm import tqdm

from ner_ar.text import tagger_form, tokenizer

log = logging.getLogger(__name__)


def _open_text(path: Path) -> Iterator[str]:
    opener = lzma.open if path.suffix == ".xz" else open
    with opener(path, "rt", encoding="utf-8", errors="replace") as fh:
        for line in fh:
            if line.strip():
                yield line


def prepare_corpus(sources: Iterable[Path], extra_sentences: Iterable[list[str]], out: Path,
                   max_lines: int | None = None) -> int:
    """Write one tokenised, lowercased document per line; returns the number of tokens.

    Lowercasing matches Stanza, which lowercases a word before looking it up in the pretrain.
    """
    nlp = tokenizer()
    n_tokens = 0
    with open(out, "w", encoding="utf-8") as fh:
        for src in sources:
            lines = _open_text(src)
            if max_lines is not None:
                lines = islice(lines, max_lines)
            for doc in tqdm(nlp.pipe(lines, batch_size=256), desc=src.name, mininterval=30):
                words = [t.text.lower() for t in doc if not t.is_space]
                n_tokens += len(words)
                fh.write(" ".join(words) + "\n")
        for words in extra_sentences:
            n_tokens += len(words)
            fh.write(" ".join(w.lower() for w in words) + "\n")
    return n_tokens


def train_fasttext(corpus: Path, out_bin: Path, dim: int = 100, min_count: int = 3,
                   epoch: int = 5, threads: int = 2, bucket: int = 2_000_000) -> Path:
    import fasttext  # optional, training only

    model = fasttext.train_unsupervised(str(corpus), model="skipgram", dim=dim,
                                        minCount=min_count, epoch=epoch, thread=threads,
                                        bucket=bucket)
    model.save_model(str(out_bin))
    return out_bin


def export_vec(bin_path: Path, out_vec: Path, max_words: int) -> int:
    """Write the ``max_words`` most frequent words of a fastText model as a ``.vec`` text file.

    Words are stored under :func:`ner_ar.text.tagger_form`, the form the tagger looks up; spelling
    variants that fold together keep the vector of the most frequent one.
    """
    import fasttext

    model = fasttext.load_model(str(bin_path))
    seen: set[str] = set()
    rows: list[str] = []
    for w in model.get_words():  # fastText keeps words sorted by frequency
        key = tagger_form(w)
        if not key or key in seen or any(ch.isspace() for ch in key):
            continue
        seen.add(key)
        rows.append(key + " " + " ".join(f"{x:.5f}" for x in model.get_word_vector(w)) + "\n")
        if len(rows) == max_words:
            break
    with open(out_vec, "w", encoding="utf-8") as fh:
        fh.write(f"{len(rows)} {model.get_dimension()}\n")
        fh.writelines(rows)
    return len(rows)


def vec_to_pretrain(vec_path: Path, pt_path: Path, max_vocab: int) -> Path:
    """Convert a ``.vec`` file into Stanza's pretrain format."""
    from stanza.models.common.pretrain import Pretrain

    pt_path.unlink(missing_ok=True)
    pretrain = Pretrain(str(pt_path), str(vec_path), max_vocab=max_vocab)
    pretrain.load()  # reads the .vec and saves the .pt
    if not pt_path.exists():
        raise RuntimeError(f"Stanza did not write the pretrain file {pt_path}")
    return pt_path


def pretrain_words(pt_path: Path) -> int:
    """Number of words in a Stanza pretrain (its special entries such as ``<UNK>`` not counted)."""
    import torch
    from stanza.models.common.vocab import VOCAB_PREFIX

    data = torch.load(pt_path, map_location="cpu", weights_only=False)
    return len(data["vocab"]["_id2unit"]) - len(VOCAB_PREFIX)
