"""Train Stanza's BiLSTM-CRF NER tagger on our converted corpora (CPU, offline)."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)


@dataclass
class TaggerConfig:
    """Hyper-parameters handed to ``stanza.models.ner_tagger``; defaults are the shipped model's."""

    max_steps: int = 6000
    eval_interval: int = 500
    batch_size: int = 32
    optim: str = "adam"
    lr: float = 0.002
    dropout: float = 0.5
    word_dropout: float = 0.05
    hidden_dim: int = 256
    char_hidden_dim: int = 100
    max_steps_no_improve: int = 2000
    patience: int = 2
    lr_decay: float = 0.5
    min_lr: float = 1e-5
    seed: int = 1234
    extra: list[str] = field(default_factory=list)

    def args(self) -> list[str]:
        return [
            "--max_steps", str(self.max_steps), "--eval_interval", str(self.eval_interval),
            "--batch_size", str(self.batch_size), "--optim", self.optim, "--lr", str(self.lr),
            "--dropout", str(self.dropout), "--word_dropout", str(self.word_dropout),
            "--hidden_dim", str(self.hidden_dim), "--char_hidden_dim", str(self.char_hidden_dim),
            "--max_steps_no_improve", str(self.max_steps_no_improve),
            "--patience", str(self.patience), "--lr_decay", str(self.lr_decay),
            "--min_lr", str(self.min_lr), "--seed", str(self.seed), *self.extra,
        ]


def train_tagger(train_json: Path, dev_json: Path, pretrain: Path, save_dir: Path,
                 save_name: str, config: TaggerConfig, log_file: Path | None = None,
                 threads: int | None = None, time_limit_s: float | None = None,
                 charlm: dict[str, Path] | None = None) -> Path:
    """Run Stanza's trainer in a subprocess (its argument parser and logging are global state).

    ``charlm`` maps ``forward``/``backward`` to character LM files the tagger reads its
    contextual character features from.

    With ``time_limit_s`` training is stopped after that long; Stanza saves the best model on dev
    at every evaluation, so that checkpoint is kept.
    """
    save_dir.mkdir(parents=True, exist_ok=True)
    cmd = [
        sys.executable, "-m", "stanza.models.ner_tagger", "--mode", "train",
        "--shorthand", "ar_nerar", "--train_file", str(train_json), "--eval_file", str(dev_json),
        "--wordvec_pretrain_file", str(pretrain), "--save_dir", str(save_dir),
        "--save_name", save_name, "--scheme", "bioes", "--cpu", *config.args(),
    ]
    if charlm:
        cmd += ["--charlm", "--charlm_shorthand", "ar_nerar",
                "--charlm_forward_file", str(charlm["forward"]),
                "--charlm_backward_file", str(charlm["backward"])]
    log.info("training: %s", " ".join(cmd))
    env = dict(os.environ)
    if threads:
        env["OMP_NUM_THREADS"] = env["MKL_NUM_THREADS"] = str(threads)
    model = save_dir / save_name
    with open(log_file or save_dir / "train.log", "w", encoding="utf-8") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env)
        try:
            code = proc.wait(timeout=time_limit_s)
        except subprocess.TimeoutExpired:
            proc.terminate()
            proc.wait()
            log.warning("training stopped at its time limit (%.0f s); keeping the best checkpoint",
                        time_limit_s)
            code = 0
    if code != 0:
        raise RuntimeError(f"Stanza training failed (exit {code}); see {out.name}")
    if not model.exists():
        raise RuntimeError(f"Stanza finished but wrote no model at {model}")
    return model


_DEV_LINE = re.compile(r"step (\d+): train_loss = [\d.]+, dev_score = ([\d.]+)")


def dev_curve(log_file: Path) -> list[tuple[int, float]]:
    """``(step, dev F1)`` at every evaluation Stanza logged."""
    text = log_file.read_text(encoding="utf-8", errors="replace") if log_file.exists() else ""
    return [(int(m.group(1)), round(float(m.group(2)), 4)) for m in _DEV_LINE.finditer(text)]


def ran_with(model: Path, config: TaggerConfig) -> dict[str, object]:
    """The hyper-parameters a trained checkpoint was trained with, as ``TaggerConfig`` fields.

    They are read back from the checkpoint because Stanza, when it starts from another model,
    keeps that model's values and ignores the ones we passed."""
    import torch

    saved = torch.load(model, map_location="cpu", weights_only=False)["config"]
    out: dict[str, object] = {k: saved.get(k, v) for k, v in vars(config).items() if k != "extra"}
    out["extra"] = list(config.extra)
    return out
