"""Give a trained tagger a larger pretrain cut from the same word vectors (vocabulary expansion).

    python -m ner_ar.training.expand --model models/ar_ner_base \\
        --pretrain work/cache/vectors_d100_e5_m3_full/pretrain_200000.pt --out work/expanded

The tagger's frozen word embeddings are rows of its pretrain, most frequent word first. A larger
pretrain exported from the same fastText model starts with the very same rows, so the tagger can
read it unchanged: words that were unknown to it get their own vectors, in the space it was
trained in. Measured on run C: ANERcorp test 73.6 -> 74.0, AQMAR test 80.8 -> 81.0, dev 76.5 ->
76.7 (see the model card). The files are written at half precision (:mod:`export`).
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

import torch

from ner_ar.ner import CHARLM_FILES, MODEL_FILE, PRETRAIN_FILE, write_resources_json
from ner_ar.training.export import save_half_checkpoint, save_half_pretrain


def expand_vocabulary(model_dir: Path, pretrain: Path, out: Path) -> Path:
    """Write ``out``: the tagger of ``model_dir`` reading ``pretrain``, which must extend its own."""
    checkpoint = torch.load(model_dir / MODEL_FILE, map_location="cpu", weights_only=False)
    bigger = torch.load(pretrain, map_location="cpu", weights_only=False)
    old = checkpoint["vocab"]["word"]["_id2unit"]
    new = bigger["vocab"]["_id2unit"]
    if new[:len(old)] != old:
        raise ValueError(f"{pretrain} does not start with the vocabulary of {model_dir / MODEL_FILE}: "
                         "export it from the same fastText model, most frequent words first")
    out.mkdir(parents=True, exist_ok=True)
    checkpoint["vocab"]["word"] = bigger["vocab"]
    checkpoint["config"]["pretrain_max_vocab"] = len(new)
    save_half_checkpoint(checkpoint, out / MODEL_FILE)
    save_half_pretrain(pretrain, out / PRETRAIN_FILE)
    for name in CHARLM_FILES:
        if (model_dir / name).is_file():
            shutil.copyfile(model_dir / name, out / name)
    write_resources_json(out)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m ner_ar.training.expand", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, required=True, help="trained model directory")
    ap.add_argument("--pretrain", type=Path, required=True, help="larger Stanza pretrain (.pt)")
    ap.add_argument("--out", type=Path, required=True, help="model directory to write")
    args = ap.parse_args(argv)
    expand_vocabulary(args.model, args.pretrain, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
