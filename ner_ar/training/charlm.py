"""Character language models for the tagger (Stanza's ``--charlm``), trained on the same
unlabeled text as the word vectors.

The forward and backward models read text exactly as the tagger will show it to them: tokens in
their :func:`~ner_ar.text.tagger_form`, joined by single spaces.
"""

from __future__ import annotations

import logging
import os
import random
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from ner_ar.text import tagger_form

log = logging.getLogger(__name__)

DIRECTIONS = ("forward", "backward")


@dataclass
class CharLMConfig:
    """Size and schedule of each direction's model; small enough to train on two CPU cores."""

    hidden_dim: int = 256
    emb_dim: int = 64
    batch_size: int = 64
    bptt: int = 160
    lr0: float = 5.0
    eval_steps: int = 250
    cutoff: int = 50
    max_chars: int = 30_000_000
    dev_chars: int = 300_000
    seed: int = 1234


def prepare_charlm_text(corpus: Path, out_dir: Path, config: CharLMConfig) -> tuple[Path, Path]:
    """Sample whole lines of the vectors corpus into ``train.txt`` and ``dev.txt``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(corpus, encoding="utf-8") as fh:
        lines = [line.split() for line in fh if line.strip()]
    random.Random(config.seed).shuffle(lines)
    train, dev = out_dir / "train" / "train.txt", out_dir / "dev.txt"
    train.parent.mkdir(exist_ok=True)
    budget = {dev: config.dev_chars, train: config.max_chars}
    it = iter(lines)
    for path in (dev, train):
        written = 0
        with open(path, "w", encoding="utf-8") as fh:
            for words in it:
                text = " ".join(tagger_form(w) for w in words)
                fh.write(text + "\n")
                written += len(text) + 1
                if written >= budget[path]:
                    break
        log.info("%s: %d characters", path, written)
    return train.parent, dev


def charlm_command(direction: str, train_dir: Path, dev: Path, save_dir: Path,
                   config: CharLMConfig) -> list[str]:
    return [
        sys.executable, "-m", "stanza.models.charlm", "--mode", "train", "--shorthand", "ar_nerar",
        "--direction", direction, "--train_dir", str(train_dir), "--eval_file", str(dev),
        "--save_dir", str(save_dir), "--save_name", f"{direction}_charlm.pt",
        "--vocab_save_name", "charlm_vocab.pt",
        "--char_hidden_dim", str(config.hidden_dim), "--char_emb_dim", str(config.emb_dim),
        "--batch_size", str(config.batch_size), "--bptt_size", str(config.bptt),
        "--lr0", str(config.lr0), "--eval_steps", str(config.eval_steps),
        "--cutoff", str(config.cutoff), "--epochs", "50", "--seed", str(config.seed), "--cpu",
    ]


def train_charlms(train_dir: Path, dev: Path, save_dir: Path, config: CharLMConfig,
                  time_limit_s: float, threads_each: int = 1) -> dict[str, Path]:
    """Train both directions side by side, one process each, for ``time_limit_s`` seconds.

    Stanza saves a direction's best model on dev at every evaluation; stopping at the time limit
    keeps that model. Returns the model path of each direction.
    """
    save_dir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, OMP_NUM_THREADS=str(threads_each), MKL_NUM_THREADS=str(threads_each))
    # The vocabulary file is shared: build it once before the two processes race for it.
    procs = {}
    for direction in DIRECTIONS:
        cmd = charlm_command(direction, train_dir, dev, save_dir, config)
        log.info("charlm: %s", " ".join(cmd))
        out = open(save_dir / f"{direction}.log", "w", encoding="utf-8")  # noqa: SIM115
        procs[direction] = (subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env),
                            out)
        if direction == DIRECTIONS[0]:
            _wait_for(save_dir / "charlm_vocab.pt", procs[direction][0])
    deadline = time.monotonic() + time_limit_s
    try:
        for direction, (proc, _) in procs.items():
            try:
                proc.wait(timeout=max(1.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.terminate()
                proc.wait()
            log.info("charlm %s stopped", direction)
    finally:
        for proc, out in procs.values():
            if proc.poll() is None:
                proc.kill()
            out.close()
    models = {d: save_dir / f"{d}_charlm.pt" for d in DIRECTIONS}
    missing = [str(p) for p in models.values() if not p.exists()]
    if missing:
        raise RuntimeError(f"character LM training saved no model: {', '.join(missing)}")
    return models


def _wait_for(path: Path, proc: subprocess.Popen[bytes], poll_s: float = 2.0) -> None:
    while not path.exists():
        if proc.poll() is not None:
            raise RuntimeError(f"character LM training exited early (code {proc.returncode})")
        time.sleep(poll_s)
