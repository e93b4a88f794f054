"""MODEL_CARD.md for a trained model, written from its metrics.json."""

from __future__ import annotations

from pathlib import Path
from typing import Any

TEST_SETS = {
    "anercorp_test": "ANERcorp test (CAMeL split, repaired)",
    "anercorp_test_as_distributed": "ANERcorp test as distributed (for published comparisons)",
    "aqmar_test": "AQMAR test (Stanza's split)",
    "dev": "dev (ANERcorp train tail + AQMAR dev)",
}

DATA_SECTION = """\
## Data

| corpus | use | license | cite |
|---|---|---|---|
| ANERcorp (CAMeL Lab split) | train (all but the last 400 sentences of train.txt), dev (those 400), test | CC BY-SA 4.0 | Benajiba, Rosso & Benedí Ruiz (2007), ANERsys; Obeid et al. (2020), CAMeL Tools |
| AQMAR Arabic Wikipedia NE corpus | train/dev/test, Stanza's shuffled 70/15/15 split (seed 1234) | CC BY-SA 3.0 | Mohit et al. (2012), Recall-Oriented Learning of Named Entities in Arabic Wikipedia |
| ANT v1.1, ANT v2.1 multi-source news | unlabeled text for word vectors | Apache-2.0 (authors ask to be cited) | Chouigui, Ben Khiroun & Elayeb (2017, 2021), ANT corpus |
| Arabic Wikipedia (2017-01-20, articles also in Egyptian Wikipedia; AQMAR/WikiFANE overlap removed) | unlabeled text for word vectors | CC BY-SA 4.0 | Wikipedia contributors |

Tags: ANERcorp `PERS` renamed `PER`; AQMAR `MIS0`-`MIS3` mapped to `MISC`, stray tags to `O`,
`I--ORG` to `I-ORG`; direction-mark tokens dropped; invalid `I-` starts repaired to `B-`. No test
sentence is in the training data or in the word-vector text. NewsFANE (ANERcorp re-annotated) is
not used. Tokens pass through `ner_ar.text.tagger_form` (Persian letter variants, diacritics and
tatweel folded) at training and at inference alike.
"""


def _f(x: float) -> str:
    return f"{100 * x:.1f}"


def _charlm_line(charlm: dict[str, Any] | None) -> str:
    if not charlm:
        return "- No character language model (`--charlm` not given).\n"
    return (f"- Character language models (`forward_charlm.pt`, `backward_charlm.pt`, Stanza's "
            f"`--charlm`): one LSTM layer, {charlm['hidden_dim']} hidden units, character "
            f"embeddings of {charlm['emb_dim']}, trained side by side for {charlm.get('minutes')} "
            f"minutes (time limit) on "
            f"{charlm['max_chars']:,} characters sampled from the word vectors' corpus (tokens in "
            f"the tagger's form, space-joined), batch {charlm['batch_size']}, BPTT "
            f"{charlm['bptt']}, SGD from lr {charlm['lr0']}, best on "
            f"{charlm['dev_chars']:,} held-out characters.\n")


def _silver_line(silver: dict[str, Any] | None) -> str:
    if not silver:
        return ""
    teachers = ", ".join(f"`{t}`" for t in silver["teachers"])
    return (f"- Silver data (`--silver`, self-training): {silver['sentences']} sentences "
            f"({silver['tokens']} tokens) of `{silver['source']}` (every {silver['stride']}th "
            f"article, at most {silver['per_article']} sentences of {silver['min_tokens']}-"
            f"{silver['max_tokens']} tokens each), kept where the teachers ({teachers}) all give "
            f"the same tags and find an entity; included in the train count above.\n")


def _finetune_line(tagger: dict[str, Any]) -> str:
    extra = tagger.get("extra", [])
    if "--finetune_load_name" not in extra:
        return ""
    start = extra[extra.index("--finetune_load_name") + 1]
    return (f"- Tagger started from the weights of `{start}` (`--finetune-from`), not from scratch;"
            f" Stanza keeps that model's hyper-parameters (learning rate, dropout, sizes); the "
            f"tagger line below is read back from the trained checkpoint.\n")


def write_card(out: Path, metrics: dict[str, Any]) -> Path:
    scores = metrics["scores"]
    types = sorted({t for r in scores.values() for t in r["per_type"]})
    rows = ["| set | sentences | micro F1 | P | R | " + " | ".join(types) + " |",
            "|---|---|---|---|---|" + "---|" * len(types)]
    for key, label in TEST_SETS.items():
        if key in scores:
            r = scores[key]
            per = " | ".join(_f(r["per_type"][t]["f1"]) if t in r["per_type"] else "-" for t in types)
            rows.append(f"| {label} | {r['sentences']} | **{_f(r['f1'])}** | {_f(r['precision'])} | "
                        f"{_f(r['recall'])} | {per} |")
    tagger = metrics["tagger"]
    hp = ", ".join(f"`{k}={v}`" for k, v in tagger.items() if k != "extra")
    vec = metrics["vectors"]
    size = ", ".join(f"{k}: {v} MB" for k, v in metrics["size_mb"].items())
    extra = (out / "NOTES.md").read_text(encoding="utf-8") if (out / "NOTES.md").exists() else ""
    text = f"""# Model card: `{metrics['model']}`

Arabic named-entity tagger (PER, LOC, ORG, MISC) for ner_ar: Stanza's BiLSTM-CRF
(`stanza.models.ner_tagger`, BIOES) with character embeddings and our own fastText word vectors
(and our own character language models when trained with `--charlm`).
CPU-only, fully offline. ner_ar retypes LOC as GPE with its gazetteer and trims clitics after
tagging; the scores below are the tagger's own, on whole tokens, with exact spans (seqeval, IOB2
strict, micro-averaged).

## Scores

{chr(10).join(rows)}

Measured by the training command below (it evaluates the model it writes), or again with
`ner-ar evaluate FILE --model-dir {out.as_posix()}`.

{DATA_SECTION}
## Training

```
{metrics['command']}
```

- Train {metrics['data']['train_sentences']} sentences ({metrics['data']['train_tokens']} tokens),
  dev {metrics['data']['dev_sentences']} sentences.
- Word vectors: fastText skipgram, {vec['dim']} dimensions, minCount {vec['min_count']},
  {vec['epoch']} epochs, on the unlabeled text plus the train and dev sentences, tokenised with
  spaCy's blank Arabic tokenizer (as the library tokenises input) and lowercased (Stanza lowercases
  before lookup); the {vec.get('words', vec['vocab'])} most frequent words kept in `pretrain.pt`
  (stored at half precision, as is `ner.pt`; Stanza loads both into float32 weights).
{_silver_line(metrics['data'].get('silver'))}{_charlm_line(metrics.get("charlm"))}{_finetune_line(tagger)}- Tagger: {hp}.
- Dev F1 by evaluation (step: F1): {", ".join(f"{st}: {_f(f1)}" for st, f1 in metrics.get("dev_curve", []))}.
- Wall time on a 2-core CPU machine: {", ".join(f"{k} {v} s" for k, v in metrics['timings'].items())}.
- Files: {size}.

{extra}
"""
    path = out / "MODEL_CARD.md"
    path.write_text(text, encoding="utf-8")
    return path
