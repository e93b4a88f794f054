"""NER and end-to-end speed, model load time and peak memory on this machine.

    python benchmarks/ner_speed.py [--articles 200] [--model-dir DIR]

Prints figures; asserts nothing (timings belong in benchmarks, not tests).
"""

from __future__ import annotations

import argparse
import lzma
import resource
import time
from itertools import islice
from pathlib import Path

ANT = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "text" / "ant" / "ant.txt.xz"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=200)
    ap.add_argument("--model-dir", default=None)
    ap.add_argument("--threads", type=int, default=None,
                    help="torch threads for the tagger (default: the library default, 1)")
    args = ap.parse_args()

    t0 = time.perf_counter()
    import stanza  # noqa: F401  (import cost is part of what a user waits for)
    t_import = time.perf_counter() - t0
    from ner_ar.extractor import Extractor
    from ner_ar.text import split_sentences, tagger_form, tokenize

    t0 = time.perf_counter()
    ex = Extractor(args.model_dir, threads=args.threads)
    t_load = time.perf_counter() - t0

    with lzma.open(ANT, "rt", encoding="utf-8") as fh:
        texts = [line.strip() for line in islice(fh, args.articles) if line.strip()]
    sents = [[tagger_form(t.text) for t in s] for text in texts
             for s in split_sentences(text, tokenize(text))]
    n_tokens = sum(len(s) for s in sents)

    ex.extract(texts[0])
    rss_one = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # what a single user pays
    ex.tagger.tag(sents[:50])  # warm-up
    t0 = time.perf_counter()
    ex.tagger.tag(sents)
    t_ner = time.perf_counter() - t0

    t0 = time.perf_counter()
    docs = list(ex.pipe(texts, batch_size=32))
    t_all = time.perf_counter() - t0

    # Resolution + relations alone, on documents whose entities are already set.
    from ner_ar.pipeline import resolve
    from ner_ar.relations import extract_relations

    sdocs = [ex.tagged(text) for text in texts]
    t_res = t_rel = 0.0
    for _round in range(3):  # best of three: these are short and the machine is shared
        t0 = time.perf_counter()
        resolutions = [resolve(sdoc) for sdoc in sdocs]
        t1 = time.perf_counter()
        for sdoc, res in zip(sdocs, resolutions, strict=True):
            extract_relations(sdoc, res)
        t2 = time.perf_counter()
        if not t_res or t1 - t0 + t2 - t1 < t_res + t_rel:
            t_res, t_rel = t1 - t0, t2 - t1

    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"articles {len(texts)}, sentences {len(sents)}, tokens {n_tokens}")
    print(f"import stanza+torch      {t_import:6.2f} s")
    print(f"model load (Extractor)   {t_load:6.2f} s")
    print(f"NER only                 {n_tokens / t_ner:8.0f} tokens/s")
    print(f"end to end (pipe)        {n_tokens / t_all:8.0f} tokens/s")
    print(f"non-NER share of pipe    {max(0.0, 1 - t_ner / t_all):6.1%}")
    print(f"resolution               {1000 * t_res / n_tokens:8.4f} ms/token = {t_res / t_ner:6.1%} of NER time")
    print(f"relation extraction      {1000 * t_rel / n_tokens:8.4f} ms/token = {t_rel / t_ner:6.1%} of NER time")
    print(f"resolve+relations        {1000 * (t_res + t_rel) / n_tokens:8.4f} ms/token = "
          f"{(t_res + t_rel) / t_ner:6.1%} of NER time")
    print(f"entities {sum(len(d.entities) for d in docs)}, relations {sum(len(d.relations) for d in docs)}")
    print(f"peak RSS after load + 1 doc {rss_one:6.0f} MB")
    print(f"peak RSS                 {rss_mb:6.0f} MB (whole benchmark, batches of 32 articles)")


if __name__ == "__main__":
    main()
