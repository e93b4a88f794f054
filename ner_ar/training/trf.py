"""A token classifier on the converted encoder (:mod:`ner_ar.training.encoder`), with a CRF head.

Words are labelled by their first non-empty piece (a bare ``▁`` piece is skipped) or by the mean
of their pieces (``--pool mean``); a linear layer gives word-level emissions and a linear-chain CRF
(``pytorch-crf``), with BIO-invalid transitions forbidden, decodes them. Trained on ANERcorp train
(all but its last 400 sentences) + AQMAR train, chosen on dev (those 400 + AQMAR dev), as
:func:`ner_ar.training.corpora.load_splits` cuts them. Needs the ``train`` extra.

    python -m ner_ar.training.trf --encoder runs/e5_pruned --out runs/trf_a --threads 2
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch
from torch import nn

from ner_ar.text import tagger_form
from ner_ar.training.corpora import COARSE_TYPES, Sentence, load_splits

LABELS = ["O"] + [f"{p}-{t}" for t in COARSE_TYPES for p in ("B", "I")]
NEG = -10000.0


def allowed(prev: str, cur: str) -> bool:
    return not cur.startswith("I-") or (prev != "O" and prev[2:] == cur[2:])


class TrfTaggerModel(nn.Module):
    def __init__(self, encoder: nn.Module, n_labels: int, pool: str = "first",
                 dropout: float = 0.1) -> None:
        from torchcrf import CRF

        super().__init__()
        self.encoder = encoder
        self.pool = pool
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(encoder.config.hidden_size, n_labels)
        self.crf = CRF(n_labels, batch_first=True)
        forbid = torch.zeros(n_labels, n_labels)
        for i, a in enumerate(LABELS):
            for j, b in enumerate(LABELS):
                if not allowed(a, b):
                    forbid[i, j] = NEG
        self.register_buffer("forbid", forbid, persistent=False)
        self.register_buffer("forbid_start", torch.tensor(
            [NEG if lab.startswith("I-") else 0.0 for lab in LABELS]), persistent=False)
        self.apply_constraints()

    @torch.no_grad()
    def apply_constraints(self) -> None:
        self.crf.transitions.data.masked_fill_(self.forbid < 0, NEG)
        self.crf.start_transitions.data.masked_fill_(self.forbid_start < 0, NEG)

    def emissions(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        hidden = self.encoder(input_ids=batch["ids"], attention_mask=batch["attn"]).last_hidden_state
        if self.pool == "mean":
            # piece_word: [B, P] word index of each piece (-1 for specials/padding)
            pw = batch["piece_word"]
            n_words = batch["word_mask"].shape[1]
            onehot = (pw.unsqueeze(-1) == torch.arange(n_words).view(1, 1, -1)).to(hidden.dtype)
            summed = torch.einsum("bpw,bph->bwh", onehot, hidden)
            counts = onehot.sum(1).clamp(min=1).unsqueeze(-1)
            words = summed / counts
        else:
            idx = batch["first"].unsqueeze(-1).expand(-1, -1, hidden.shape[-1])
            words = hidden.gather(1, idx)
        return self.head(self.dropout(words)).float()

    def loss(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        em = self.emissions(batch)
        return -self.crf(em, batch["labels"], mask=batch["word_mask"], reduction="mean")

    def decode(self, batch: dict[str, torch.Tensor]) -> list[list[int]]:
        return self.crf.decode(self.emissions(batch), mask=batch["word_mask"])


class Featurizer:
    """Words to pieces, with the chunking that keeps every sequence within ``max_pieces``."""

    def __init__(self, tokenizer_path: str | Path, max_pieces: int = 254) -> None:
        from tokenizers import Tokenizer

        self.tok = Tokenizer.from_file(str(tokenizer_path))
        self.bos = self.tok.token_to_id("<s>")
        self.eos = self.tok.token_to_id("</s>")
        self.pad = self.tok.token_to_id("<pad>")
        self.empty = self.tok.token_to_id("\u2581")
        self.max_pieces = max_pieces

    def word_pieces(self, words: Sequence[str]) -> list[list[int]]:
        if not words:
            return []
        enc = self.tok.encode(list(words), is_pretokenized=True, add_special_tokens=False)
        out: list[list[int]] = [[] for _ in words]
        for pid, w in zip(enc.ids, enc.word_ids, strict=True):
            if w is not None:
                out[w].append(pid)
        return [p or [self.tok.token_to_id("<unk>")] for p in out]

    def chunks(self, words: Sequence[str]) -> list[tuple[int, int, list[list[int]]]]:
        """(start, end, pieces per word) spans of a sentence, each within the piece budget."""
        pieces = self.word_pieces(words)
        spans: list[tuple[int, int, list[list[int]]]] = []
        start, used = 0, 0
        for i, p in enumerate(pieces):
            p = p[: self.max_pieces]
            pieces[i] = p
            if used + len(p) > self.max_pieces and i > start:
                spans.append((start, i, pieces[start:i]))
                start, used = i, 0
            used += len(p)
        spans.append((start, len(pieces), pieces[start:]))
        return spans

    def batch(self, items: Sequence[list[list[int]]],
              labels: Sequence[Sequence[int]] | None = None) -> dict[str, torch.Tensor]:
        n = len(items)
        n_pieces = max(sum(len(p) for p in it) for it in items) + 2
        n_words = max(len(it) for it in items)
        ids = torch.full((n, n_pieces), self.pad, dtype=torch.long)
        attn = torch.zeros((n, n_pieces), dtype=torch.long)
        first = torch.zeros((n, n_words), dtype=torch.long)
        piece_word = torch.full((n, n_pieces), -1, dtype=torch.long)
        word_mask = torch.zeros((n, n_words), dtype=torch.bool)
        lab = torch.zeros((n, n_words), dtype=torch.long)
        for b, it in enumerate(items):
            seq = [self.bos]
            for w, p in enumerate(it):
                nonempty = next((k for k, pid in enumerate(p) if pid != self.empty), 0)
                first[b, w] = len(seq) + nonempty
                piece_word[b, len(seq):len(seq) + len(p)] = w
                seq.extend(p)
            seq.append(self.eos)
            ids[b, :len(seq)] = torch.tensor(seq)
            attn[b, :len(seq)] = 1
            word_mask[b, :len(it)] = True
            if labels is not None:
                lab[b, :len(it)] = torch.tensor(labels[b])
        return {"ids": ids, "attn": attn, "first": first, "piece_word": piece_word,
                "word_mask": word_mask, "labels": lab}


def examples(feat: Featurizer, sentences: Sequence[Sentence]) -> list[tuple[list[list[int]], list[int]]]:
    out = []
    index = {lab: i for i, lab in enumerate(LABELS)}
    for sent in sentences:
        words = [tagger_form(t) for t, _ in sent]
        tags = [index[t] for _, t in sent]
        for s, e, pieces in feat.chunks(words):
            out.append((pieces, _repair(tags[s:e])))
    return out


def _repair(tags: list[int]) -> list[int]:
    out, prev = [], "O"
    for t in tags:
        lab = LABELS[t]
        if lab.startswith("I-") and not allowed(prev, lab):
            lab = "B-" + lab[2:]
        out.append(LABELS.index(lab))
        prev = lab
    return out


class TrfTagger:
    """Inference: ``tag(list of token lists) -> list of BIO tag lists`` (the :class:`Tagger` shape)."""

    def __init__(self, model_dir: str | Path, threads: int = 1, batch_tokens: int = 4096,
                 dtype: str = "auto") -> None:
        from transformers import BertConfig, BertModel

        self.dir = Path(model_dir)
        meta = json.loads((self.dir / "tagger.json").read_text(encoding="utf-8"))
        self.threads = threads
        self.batch_tokens = batch_tokens
        encoder = BertModel(BertConfig.from_pretrained(self.dir), add_pooling_layer=False)
        self.model = TrfTaggerModel(encoder, len(LABELS), pool=meta.get("pool", "first"))
        state = torch.load(self.dir / "tagger.pt", map_location="cpu", weights_only=True)
        self.model.load_state_dict({k: v.float() for k, v in state.items()})
        self.model.eval()
        if dtype == "auto":
            dtype = "bfloat16" if bf16_supported() else "float32"
        self.dtype = dtype
        if dtype == "bfloat16":
            self.model.encoder.to(torch.bfloat16)
            self.model.head.to(torch.bfloat16)
        self.feat = Featurizer(self.dir / "tokenizer.json", meta.get("max_pieces", 254))

    @torch.no_grad()
    def tag(self, sentences: Sequence[Sequence[str]]) -> list[list[str]]:
        before = torch.get_num_threads()
        torch.set_num_threads(self.threads)
        try:
            items: list[tuple[int, int, list[list[int]]]] = []
            for i, sent in enumerate(sentences):
                if sent:
                    for s, _e, pieces in self.feat.chunks(list(sent)):
                        items.append((i, s, pieces))
            out: list[list[str]] = [["O"] * len(s) for s in sentences]
            order = sorted(range(len(items)), key=lambda k: sum(len(p) for p in items[k][2]))
            k = 0
            while k < len(order):
                group = [order[k]]
                longest = sum(len(p) for p in items[order[k]][2]) + 2
                while k + len(group) < len(order):
                    nxt = sum(len(p) for p in items[order[k + len(group)]][2]) + 2
                    if max(longest, nxt) * (len(group) + 1) > self.batch_tokens:
                        break
                    longest = max(longest, nxt)
                    group.append(order[k + len(group)])
                k += len(group)
                batch = self.feat.batch([items[g][2] for g in group])
                for g, path in zip(group, self.model.decode(batch), strict=True):
                    i, s, _ = items[g]
                    out[i][s:s + len(path)] = [LABELS[t] for t in path]
            return out
        finally:
            torch.set_num_threads(before)


def bf16_supported() -> bool:
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def evaluate_all(tagger: Any, splits: Any, train_entities: set[tuple[str, str]]) -> dict[str, Any]:
    from ner_ar.training.evaluate import score, to_bio

    results: dict[str, Any] = {}
    sets = {"dev": splits.dev, **splits.tests}
    for name, sents in sets.items():
        t0 = time.perf_counter()
        pred = [to_bio(p) for p in tagger.tag([[tagger_form(t) for t, _ in s] for s in sents])]
        dt = time.perf_counter() - t0
        gold = [to_bio([t for _, t in s]) for s in sents]
        res = score(gold, pred)
        res["sentences"] = len(sents)
        res["tokens"] = sum(len(s) for s in sents)
        res["words_per_s"] = round(res["tokens"] / dt)
        res["unseen"] = unseen_recall(sents, gold, pred, train_entities)
        results[name] = res
    return results


def entities(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    out, start = [], None
    for i, t in enumerate(list(tags) + ["O"]):
        if start is not None and not t.startswith("I-"):
            out.append((start, i, tags[start][2:]))
            start = None
        if t.startswith("B-"):
            start = i
    return out


def entity_strings(sentences: Sequence[Sentence]) -> set[tuple[str, str]]:
    from ner_ar.training.evaluate import to_bio

    found = set()
    for s in sentences:
        toks = [tagger_form(t) for t, _ in s]
        for a, b, lab in entities(to_bio([t for _, t in s])):
            found.add((" ".join(toks[a:b]), lab))
    return found


def unseen_recall(sents: Sequence[Sentence], gold: Sequence[Sequence[str]],
                  pred: Sequence[Sequence[str]], train: set[tuple[str, str]]) -> dict[str, Any]:
    """Recall (exact span and type) on gold entities whose string never occurs in training
    (as any type), and on the seen ones."""
    train_strings = {s for s, _ in train}
    hit = {True: 0, False: 0}
    total = {True: 0, False: 0}
    for s, g, p in zip(sents, gold, pred, strict=True):
        toks = [tagger_form(t) for t, _ in s]
        pset = set(entities(p))
        for ent in entities(g):
            seen = " ".join(toks[ent[0]:ent[1]]) in train_strings
            total[seen] += 1
            hit[seen] += ent in pset
    return {"unseen_entities": total[False], "unseen_recall": round(hit[False] / max(1, total[False]), 4),
            "seen_entities": total[True], "seen_recall": round(hit[True] / max(1, total[True]), 4)}


def train(args: argparse.Namespace) -> dict[str, Any]:
    from transformers import BertModel

    torch.set_num_threads(args.threads)
    random.seed(args.seed)
    torch.manual_seed(args.seed)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    splits = load_splits(args.data)
    feat = Featurizer(Path(args.encoder) / "tokenizer.json", args.max_pieces)
    train_ex = examples(feat, splits.train)
    encoder = BertModel.from_pretrained(args.encoder, add_pooling_layer=False)
    model = TrfTaggerModel(encoder, len(LABELS), pool=args.pool, dropout=args.dropout)
    enc_params = list(model.encoder.parameters())
    head_params = list(model.head.parameters()) + list(model.crf.parameters())
    opt = torch.optim.AdamW([{"params": enc_params, "lr": args.lr},
                             {"params": head_params, "lr": args.head_lr}], weight_decay=0.01)
    steps_per_epoch = (len(train_ex) + args.batch - 1) // args.batch
    total = steps_per_epoch * args.epochs
    warm = max(1, min(int(0.06 * total), 60))
    t_start = time.time()

    def factor(s: int) -> float:
        # warm up over the first steps, then decay linearly to zero by the end of the planned
        # steps or of the time limit, whichever comes first (so a slow machine still anneals)
        by_steps = (total - s) / max(1, total - warm)
        by_time = 1.0 - (time.time() - t_start) / (60 * args.time_limit)
        return min((s + 1) / warm, max(0.0, min(by_steps, by_time)))

    sched = torch.optim.lr_scheduler.LambdaLR(opt, factor)
    def say(msg: str) -> None:
        with open(out / "train.log", "a", encoding="utf-8") as log:
            print(msg, file=log)

    say(f"train {len(splits.train)} sentences -> {len(train_ex)} chunks; {steps_per_epoch} steps/epoch; "
        f"{total} steps planned; args {vars(args)}")
    tagger_meta = {"pool": args.pool, "max_pieces": args.max_pieces, "labels": LABELS}
    dev_gold_sents = splits.dev
    best, history, step = -1.0, [], 0
    eval_every = max(1, int(steps_per_epoch * args.eval_fraction))
    autocast = torch.autocast("cpu", dtype=torch.bfloat16, enabled=args.bf16)
    stop = False
    for epoch in range(args.epochs):
        order = list(range(len(train_ex)))
        random.shuffle(order)
        # bucket by length within windows of 50 batches, then shuffle the batches
        batches = []
        win = args.batch * 50
        for w in range(0, len(order), win):
            part = sorted(order[w:w + win], key=lambda i: sum(len(p) for p in train_ex[i][0]))
            batches.extend(part[b:b + args.batch] for b in range(0, len(part), args.batch))
        random.shuffle(batches)
        model.train()
        run_loss = 0.0
        for bidx in batches:
            batch = feat.batch([train_ex[i][0] for i in bidx], [train_ex[i][1] for i in bidx])
            with autocast:
                loss = model.loss(batch)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad(set_to_none=True)
            model.apply_constraints()
            step += 1
            run_loss += float(loss.detach())
            if step % 50 == 0:
                say(f"step {step} epoch {epoch} loss {run_loss / 50:.3f} {time.time() - t_start:.0f}s")
                run_loss = 0.0
            minutes = (time.time() - t_start) / 60
            if step % eval_every == 0 or minutes > args.time_limit:
                f1 = _dev_f1(model, feat, dev_gold_sents, args)
                history.append((step, round(f1 * 100, 2)))
                say(f"eval step {step}: dev F1 {f1 * 100:.2f} ({minutes:.1f} min)")
                if f1 > best:
                    best = f1
                    _save(model, out, args.encoder, tagger_meta)
                model.train()
                if minutes > args.time_limit:
                    stop = True
                    break
        if stop:
            break
    summary = {"best_dev_f1": round(best * 100, 2), "history": history, "steps": step,
               "minutes": round((time.time() - t_start) / 60, 1), "args": vars(args)}
    (out / "training.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
    say(json.dumps(summary))
    return summary


@torch.no_grad()
def _dev_f1(model: TrfTaggerModel, feat: Featurizer, sents: Sequence[Sentence],
            args: argparse.Namespace) -> float:
    from ner_ar.training.evaluate import score, to_bio

    model.eval()
    preds: list[list[str]] = []
    golds: list[list[str]] = []
    with torch.autocast("cpu", dtype=torch.bfloat16, enabled=args.bf16):
        for b in range(0, len(sents), 32):
            part = sents[b:b + 32]
            items, owners = [], []
            for i, s in enumerate(part):
                for st, _e, pieces in feat.chunks([tagger_form(t) for t, _ in s]):
                    items.append(pieces)
                    owners.append((i, st))
            paths = model.decode(feat.batch(items))
            tags = [["O"] * len(s) for s in part]
            for (i, st), path in zip(owners, paths, strict=True):
                tags[i][st:st + len(path)] = [LABELS[t] for t in path]
            preds.extend(to_bio(t) for t in tags)
            golds.extend(to_bio([t for _, t in s]) for s in part)
    return score(golds, preds)["f1"]


def _save(model: TrfTaggerModel, out: Path, encoder_dir: str, meta: dict[str, Any]) -> None:
    import shutil

    state = {k: v.detach().to(torch.float16) for k, v in model.state_dict().items()}
    torch.save(state, out / "tagger.pt")
    for name in ("config.json", "tokenizer.json", "tokenizer_config.json"):
        shutil.copy(Path(encoder_dir) / name, out / name)
    (out / "tagger.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")


def speed(model_dir: str | Path, articles: int = 200, threads: int = 1,
          base_dir: str | Path | None = None) -> dict[str, Any]:
    """Tagger speed of this model on the first ``articles`` ANT v1.1 news articles (split and
    tokenised as the library does), and the end-to-end speed it would give: the shipped
    pipeline's ``Extractor.pipe`` time on the same texts with its tagger time replaced by this
    one's (both measured here, one after the other)."""
    import lzma
    import resource
    from itertools import islice

    from ner_ar.extractor import Extractor
    from ner_ar.text import split_sentences, tokenize

    ant = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "text" / "ant" / "ant.txt.xz"
    with lzma.open(ant, "rt", encoding="utf-8") as fh:
        texts = [line.strip() for line in islice(fh, articles) if line.strip()]
    sents = [[tagger_form(t.text) for t in s] for text in texts
             for s in split_sentences(text, tokenize(text))]
    n = sum(len(s) for s in sents)
    ex = Extractor(base_dir, threads=threads)
    ex.tagger.tag(sents[:50])
    t0 = time.perf_counter()
    ex.tagger.tag(sents)
    t_base_ner = time.perf_counter() - t0
    t0 = time.perf_counter()
    list(ex.pipe(texts, batch_size=32))
    t_base_all = time.perf_counter() - t0
    t0 = time.perf_counter()
    tagger = TrfTagger(model_dir, threads=threads)
    load_s = time.perf_counter() - t0
    tagger.tag(sents[:50])
    t0 = time.perf_counter()
    tagger.tag(sents)
    t_ner = time.perf_counter() - t0
    size = sum(f.stat().st_size for f in Path(model_dir).iterdir()
               if f.name in ("tagger.pt", "config.json", "tokenizer.json", "tokenizer_config.json",
                             "tagger.json"))
    return {"articles": len(texts), "tokens": n, "threads": threads, "dtype": tagger.dtype,
            "base_tagger_words_per_s": round(n / t_base_ner),
            "base_end_to_end_words_per_s": round(n / t_base_all),
            "tagger_words_per_s": round(n / t_ner),
            "end_to_end_words_per_s_estimated": round(n / (t_base_all - t_base_ner + t_ner)),
            "load_s": round(load_s, 2), "size_mb": round(size / 1e6, 1),
            "peak_rss_mb_both_models": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m ner_ar.training.trf")
    p.add_argument("--encoder", required=True, help="directory written by ner_ar.training.encoder")
    p.add_argument("--data", default="../shared/data")
    p.add_argument("--out", required=True)
    p.add_argument("--pool", choices=("first", "mean"), default="first")
    p.add_argument("--epochs", type=int, default=4)
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--lr", type=float, default=5e-5)
    p.add_argument("--head-lr", type=float, default=1e-3)
    p.add_argument("--dropout", type=float, default=0.1)
    p.add_argument("--max-pieces", type=int, default=254)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--bf16", action="store_true", help="bf16 autocast (avx512_bf16 CPUs)")
    p.add_argument("--eval-fraction", type=float, default=0.5, help="evaluate every this part of an epoch")
    p.add_argument("--time-limit", type=float, default=45.0, help="minutes")
    p.add_argument("--seed", type=int, default=1234)
    p.add_argument("--evaluate-only", action="store_true", help="score the model in --out")
    p.add_argument("--speed", type=int, default=0, metavar="ARTICLES",
                   help="only measure speed on this many ANT v1.1 articles (see speed())")
    args = p.parse_args(argv)
    if args.speed:
        print(json.dumps(speed(args.out, args.speed, args.threads), indent=2))
        return 0
    if not args.evaluate_only:
        train(args)
    splits = load_splits(args.data)
    t0 = time.perf_counter()
    tagger = TrfTagger(args.out, threads=args.threads)
    load_s = time.perf_counter() - t0
    results = evaluate_all(tagger, splits, entity_strings(splits.train))
    import resource

    results["load_s"] = round(load_s, 2)
    results["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    results["dtype"] = tagger.dtype
    (Path(args.out) / "metrics.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(json.dumps({k: (v["f1"] if isinstance(v, dict) else v) for k, v in results.items()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
