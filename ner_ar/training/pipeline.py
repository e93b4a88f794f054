"""One command from a clean checkout to a finished model:

    python -m ner_ar.training --data ../shared/data --out models/ar_ner_base

converts the corpora, trains word vectors, trains the Stanza tagger, evaluates it on every test
set and writes ``metrics.json`` and ``MODEL_CARD.md`` beside the model. ``--tiny`` runs the same
stages on a few hundred sentences in about a minute (used by the test suite).
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ner_ar.ner import CHARLM_FILES, MODEL_FILE, PRETRAIN_FILE, Tagger, write_resources_json
from ner_ar.training import card, export, vectors
from ner_ar.training.charlm import DIRECTIONS, CharLMConfig, prepare_charlm_text, train_charlms
from ner_ar.training.corpora import Splits, load_splits, write_conll, write_stanza_json
from ner_ar.training.evaluate import evaluate_tagger, format_table
from ner_ar.training.fane import read_wikifane
from ner_ar.training.silver import SILVER_SOURCE, SilverConfig, silver_sentences
from ner_ar.training.stanza_train import TaggerConfig, dev_curve, ran_with, train_tagger

log = logging.getLogger("ner_ar.training")

UNLABELED = ("text/ant/ant.txt.xz", "text/ant_multisource/ant_multisource.txt.xz",
             "text/arwiki/arwiki.txt.xz")


@dataclass
class VectorConfig:
    dim: int = 100
    vocab: int = 100_000
    min_count: int = 3
    epoch: int = 5
    max_lines: int | None = None  # per unlabeled file; None = all
    unlabeled: bool = True
    bucket: int = 2_000_000


@dataclass
class TrainConfig:
    data: Path
    out: Path
    work: Path
    vectors: VectorConfig = field(default_factory=VectorConfig)
    tagger: TaggerConfig = field(default_factory=TaggerConfig)
    vectors_root: Path | None = None  # where vectors are cached (default: work)
    wikifane: bool = False
    time_limit_min: float | None = None
    charlm_min: float | None = None  # None: no character LM
    charlm: CharLMConfig = field(default_factory=CharLMConfig)
    silver: SilverConfig | None = None  # None: gold data only
    teachers: list[Path] | None = None  # tag the silver sentences (default: the shipped model)
    max_train: int | None = None
    max_eval: int | None = None
    threads: int = 2
    command: str = ""


def tiny(config: TrainConfig) -> TrainConfig:
    """Shrink every stage so the whole pipeline runs in about a minute."""
    config.vectors = VectorConfig(dim=16, vocab=5000, min_count=2, epoch=2, unlabeled=False,
                                 bucket=20_000)
    config.tagger = TaggerConfig(max_steps=30, eval_interval=15, hidden_dim=32, char_hidden_dim=16,
                                 batch_size=16)
    config.charlm = CharLMConfig(hidden_dim=16, emb_dim=8, batch_size=8, bptt=40, eval_steps=10,
                                 cutoff=1, max_chars=30_000, dev_chars=3_000)
    config.max_train, config.max_eval = 300, 60
    return config


def _vectors(config: TrainConfig, splits: Splits) -> tuple[Path, dict[str, Any]]:
    vc = config.vectors
    vdir = (config.vectors_root or config.work) / f"vectors_d{vc.dim}_e{vc.epoch}_m{vc.min_count}_{'full' if vc.unlabeled else 'train'}"
    vdir.mkdir(parents=True, exist_ok=True)
    pretrain = vdir / f"pretrain_{vc.vocab}.pt"
    info: dict[str, Any] = {"dir": str(vdir)}
    if pretrain.exists():
        log.info("reusing %s", pretrain)
        return pretrain, info
    bin_path = vdir / "fasttext.bin"
    if not bin_path.exists():
        corpus = vdir / "corpus.txt"
        sources = [config.data / p for p in UNLABELED] if vc.unlabeled else []
        extra = [[w for w, _ in s] for s in splits.train + splits.dev]
        t = time.time()
        info["tokens"] = vectors.prepare_corpus(sources, extra, corpus, vc.max_lines)
        info["prepare_s"] = round(time.time() - t, 1)
        t = time.time()
        vectors.train_fasttext(corpus, bin_path, dim=vc.dim, min_count=vc.min_count,
                               epoch=vc.epoch, threads=config.threads, bucket=vc.bucket)
        info["fasttext_s"] = round(time.time() - t, 1)
    vec = vdir / f"top{vc.vocab}.vec"
    vectors.export_vec(bin_path, vec, vc.vocab)
    vectors.vec_to_pretrain(vec, pretrain, vc.vocab)
    return pretrain, info


def _charlm(cc: CharLMConfig, minutes: float, pretrain: Path
            ) -> tuple[dict[str, Path], dict[str, Any]]:
    """Both character LMs, trained on the vectors' corpus (cached beside it, reused if there)."""
    cdir = pretrain.parent / f"charlm_h{cc.hidden_dim}_e{cc.emb_dim}"
    models = {d: cdir / "models" / f"{d}_charlm.pt" for d in DIRECTIONS}
    info: dict[str, Any] = {"dir": str(cdir), "minutes": minutes, **asdict(cc)}
    if all(p.exists() for p in models.values()):
        log.info("reusing character LMs in %s", cdir)
        return models, info
    train_dir, dev = prepare_charlm_text(pretrain.parent / "corpus.txt", cdir, cc)
    return train_charlms(train_dir, dev, cdir / "models", cc, minutes * 60), info


def run(config: TrainConfig) -> dict[str, Any]:
    t0 = time.time()
    config.work.mkdir(parents=True, exist_ok=True)
    splits = load_splits(config.data)
    train, dev = splits.train, splits.dev
    if config.wikifane:
        train = train + read_wikifane(config.data / "ner" / "fane" / "WikiFANE_Gold_2014_500K.txt")
    if config.max_train:
        train, dev = train[:config.max_train], dev[:max(20, config.max_train // 3)]
    silver_info: dict[str, Any] | None = None
    if config.silver is not None:
        t = time.time()
        teachers = [Tagger(d, threads=config.threads) for d in config.teachers or [None]]
        silver = silver_sentences(config.data, teachers, config.silver)
        silver_info = {**asdict(config.silver), "source": SILVER_SOURCE,
                       "teachers": [str(t.files.directory) for t in teachers],
                       "sentences": len(silver), "tokens": sum(len(s) for s in silver),
                       "seconds": round(time.time() - t, 1)}
        del teachers
        write_conll(silver, config.work / "silver.bio")
        train = train + silver
    write_stanza_json(train, config.work / "train.json")
    write_stanza_json(dev, config.work / "dev.json")
    for name, sents in splits.tests.items():
        write_conll(sents, config.work / f"{name}.bio")
    timings: dict[str, float] = {}

    t = time.time()
    pretrain, vec_info = _vectors(config, splits)
    vec_info["words"] = vectors.pretrain_words(pretrain)
    timings["vectors_s"] = round(time.time() - t, 1)

    charlm: dict[str, Path] | None = None
    charlm_info: dict[str, Any] | None = None
    if config.charlm_min is not None:
        t = time.time()
        charlm, charlm_info = _charlm(config.charlm, config.charlm_min, pretrain)
        timings["charlm_s"] = round(time.time() - t, 1)

    t = time.time()
    save_dir = config.work / "stanza"
    model = train_tagger(config.work / "train.json", config.work / "dev.json", pretrain, save_dir,
                         "ner.pt", config.tagger, threads=config.threads,
                         time_limit_s=config.time_limit_min * 60 if config.time_limit_min else None,
                         charlm=charlm)
    timings["tagger_s"] = round(time.time() - t, 1)

    config.out.mkdir(parents=True, exist_ok=True)
    export.save_half_model(model, config.out / MODEL_FILE)
    export.save_half_pretrain(pretrain, config.out / PRETRAIN_FILE)
    for name in CHARLM_FILES:
        (config.out / name).unlink(missing_ok=True)
    if charlm:
        for direction, name in zip(DIRECTIONS, CHARLM_FILES, strict=True):
            shutil.copyfile(charlm[direction], config.out / name)
    write_resources_json(config.out)

    t = time.time()
    tagger = Tagger(config.out, threads=config.threads)
    results: dict[str, Any] = {}
    for name, sents in splits.tests.items():
        results[name] = evaluate_tagger(tagger, sents[:config.max_eval] if config.max_eval else sents)
        log.info("\n%s", format_table(name, results[name]))
    results["dev"] = evaluate_tagger(tagger, dev)
    timings["evaluate_s"] = round(time.time() - t, 1)
    timings["total_s"] = round(time.time() - t0, 1)

    metrics = {
        "model": config.out.name,
        "scores": results,
        "data": {"train_sentences": len(train), "dev_sentences": len(dev),
                 "wikifane": config.wikifane, "silver": silver_info,
                 "train_tokens": sum(len(s) for s in train)},
        "vectors": {**asdict(config.vectors), **vec_info},
        "charlm": charlm_info,
        "tagger": ran_with(model, config.tagger),
        "dev_curve": dev_curve(save_dir / "train.log"),
        "timings": timings,
        "command": config.command,
        "size_mb": {p.name: round(p.stat().st_size / 1e6, 1) for p in sorted(config.out.glob("*.pt"))},
    }
    (config.out / "metrics.json").write_text(json.dumps(metrics, ensure_ascii=False, indent=2),
                                             encoding="utf-8")
    card.write_card(config.out, metrics)
    return metrics


def build_parser(parser: argparse.ArgumentParser | None = None,
                 prog: str = "python -m ner_ar.training") -> argparse.ArgumentParser:
    p = parser or argparse.ArgumentParser(prog=prog, description=__doc__,
                                          formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", type=Path, default=Path("../shared/data"), help="the shared/data folder")
    p.add_argument("--out", type=Path, required=True, help="model directory to write")
    p.add_argument("--work", type=Path, default=Path("work"), help="scratch folder (vectors, logs)")
    p.add_argument("--tiny", action="store_true", help="a few hundred sentences, a few dozen steps")
    p.add_argument("--dim", type=int, default=100, help="word vector dimensions")
    p.add_argument("--vocab", type=int, default=100_000, help="words kept in the pretrain")
    p.add_argument("--epoch", type=int, default=5, help="fastText epochs")
    p.add_argument("--max-steps", type=int, default=None, help="tagger training steps")
    p.add_argument("--eval-interval", type=int, default=None)
    p.add_argument("--optim", default=None, help="sgd, adam, adamw, adamax")
    p.add_argument("--lr", type=float, default=None)
    p.add_argument("--dropout", type=float, default=None)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--vectors-root", type=Path, default=None,
                   help="folder caching trained vectors (default: --work)")
    p.add_argument("--time-limit", type=float, default=None, metavar="MINUTES",
                   help="stop tagger training after this long, keeping the best checkpoint")
    p.add_argument("--wikifane", action="store_true",
                   help="add WikiFANE (mapped to coarse types) to the training data")
    p.add_argument("--charlm", type=float, default=None, metavar="MINUTES",
                   help="train forward and backward character LMs for this long (side by side) "
                        "and feed them to the tagger; reused if already cached")
    p.add_argument("--silver", type=int, default=None, metavar="N",
                   help="add N sentences of unlabeled news tagged by the teachers (self-training)")
    p.add_argument("--teacher", type=Path, action="append", default=None, dest="teachers",
                   help="a model that tags the silver sentences; repeat it to keep only the "
                        "sentences all teachers tag alike (default: the shipped model)")
    p.add_argument("--finetune-from", type=Path, default=None, metavar="DIR",
                   help="start the tagger from this model directory's weights (its pretrain must "
                        "be the one this run builds) instead of from scratch; Stanza then keeps "
                        "that model's hyper-parameters (lr, dropout, ...) and ignores ours")
    return p


def config_from_args(args: argparse.Namespace, argv: list[str]) -> TrainConfig:
    config = TrainConfig(data=args.data, out=args.out, work=args.work, threads=args.threads,
                         vectors_root=args.vectors_root, wikifane=args.wikifane,
                         time_limit_min=args.time_limit, charlm_min=args.charlm,
                         command="python -m ner_ar.training " + " ".join(argv))
    if args.silver:
        config.silver, config.teachers = SilverConfig(limit=args.silver), args.teachers
    if args.tiny:
        tiny(config)
    else:
        config.vectors = VectorConfig(dim=args.dim, vocab=args.vocab, epoch=args.epoch)
    for name, attr in (("max_steps", "max_steps"), ("eval_interval", "eval_interval"),
                       ("optim", "optim"), ("lr", "lr"), ("dropout", "dropout")):
        value = getattr(args, name)
        if value is not None:
            setattr(config.tagger, attr, value)
    if args.finetune_from:
        config.tagger.extra += ["--finetune", "--finetune_load_name",
                                str(args.finetune_from / MODEL_FILE)]
    return config


def main(argv: list[str] | None = None, prog: str = "python -m ner_ar.training") -> int:
    """Run the training pipeline with command-line arguments ``argv``; ``prog`` names the command
    in help and error messages (``ner-ar train`` from the ner-ar command)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser(prog=prog).parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    metrics = run(config_from_args(args, argv))
    print(json.dumps({k: metrics["scores"][k]["f1"] for k in metrics["scores"]}, indent=2))
    return 0
