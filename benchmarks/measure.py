"""Evaluation and inference timing of trained systems (each call is meant to run in its own process,
so `peak_rss_mib` is that process's RSS high-water mark from `resource.getrusage`).

    python benchmarks/measure.py eval-spacy --model DIR/model-last --dev-spacy DEV.spacy --system medner --json OUT
    python benchmarks/measure.py speed --medner DIR --ner DIR --hf DIR --dev DEV.tsv --json OUT \
        [--n-texts 500 --batch-size 32 --repeats 5]

`speed` times the systems side by side on the same texts (the first N dev sentences, words joined by
spaces): `nlp.pipe` for the spaCy pipelines and `pipeline("token-classification",
aggregation_strategy="first")` for the HF model, with the same batch size, after a warm-up pass.
Repetitions are interleaved (the order rotates each round) so that load from other processes on the
machine hits every system alike; figures are medians. It also times medner with only its transformer
enabled, and medner's CRF pipe alone on docs the transformer already annotated, to give the CRF head's
share of medner's inference time.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import time
from pathlib import Path
from typing import Callable, Dict, List, Sequence

import bench_data as bd


def _peak_rss_mib() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 1)


def _set_threads(threads: int) -> None:
    import torch

    torch.set_num_threads(threads)


def eval_spacy(args: argparse.Namespace) -> Dict[str, object]:
    import spacy

    _set_threads(args.threads)
    nlp = spacy.load(args.model)
    gold = bd.load_docs(args.dev_spacy, nlp.vocab)
    start = time.perf_counter()
    predicted = list(nlp.pipe([d.text for d in gold], batch_size=args.batch_size))
    seconds = time.perf_counter() - start
    result = {
        "system": args.system, "dev_docs": len(gold), "dev_words": sum(len(d) for d in gold),
        "scorer": bd.score_entities(predicted, gold), "eval_seconds": round(seconds, 1),
        "peak_rss_mib": _peak_rss_mib(),
    }
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))
    print(json.dumps({k: result[k] for k in ("system", "eval_seconds", "peak_rss_mib")}))
    return result


def _median_interleaved(runners: Dict[str, Callable[[], object]], repeats: int) -> Dict[str, List[float]]:
    names = list(runners)
    times: Dict[str, List[float]] = {n: [] for n in names}
    for round_no in range(repeats):
        order = names[round_no % len(names):] + names[: round_no % len(names)]
        for name in order:
            start = time.perf_counter()
            runners[name]()
            times[name].append(time.perf_counter() - start)
    return times


def speed(args: argparse.Namespace) -> Dict[str, object]:
    import spacy
    from transformers import pipeline

    _set_threads(args.threads)
    sentences = bd.read_conll(args.dev)[: args.n_texts]
    texts = [" ".join(words) for words, _ in sentences]
    n_words = bd.count_words(sentences)
    bs = args.batch_size
    medner = spacy.load(args.medner)
    ner = spacy.load(args.ner)
    hf = pipeline("token-classification", model=str(args.hf), tokenizer=str(args.hf),
                  aggregation_strategy="first", device=-1, batch_size=bs)
    crf_name = next(name for name in medner.pipe_names if name != "transformer")
    crf_pipe = medner.get_pipe(crf_name)
    with medner.select_pipes(enable=["transformer"]):
        encoded = list(medner.pipe(texts, batch_size=bs))

    def medner_transformer_only() -> None:
        with medner.select_pipes(enable=["transformer"]):
            for _ in medner.pipe(texts, batch_size=bs):
                pass

    runners: Dict[str, Callable[[], object]] = {
        "medner": lambda: list(medner.pipe(texts, batch_size=bs)),
        "ner": lambda: list(ner.pipe(texts, batch_size=bs)),
        "hf_pipeline": lambda: hf(texts),
        "medner_transformer_only": medner_transformer_only,
        "medner_crf_pipe_only": lambda: list(crf_pipe.pipe(encoded, batch_size=bs)),
    }
    warm = texts[: min(len(texts), 4 * bs)]
    list(medner.pipe(warm, batch_size=bs))
    list(ner.pipe(warm, batch_size=bs))
    hf(warm)
    times = _median_interleaved(runners, args.repeats)
    med = {name: statistics.median(ts) for name, ts in times.items()}
    wps = {name: round(n_words / med[name], 1) for name in ("medner", "ner", "hf_pipeline",
                                                            "medner_transformer_only")}
    result = {
        "texts": len(texts), "words": n_words, "batch_size": bs, "repeats": args.repeats,
        "threads": args.threads, "seconds": {k: [round(x, 3) for x in v] for k, v in times.items()},
        "median_seconds": {k: round(v, 3) for k, v in med.items()}, "words_per_second": wps,
        "ratio_medner_vs_hf_pipeline": round(med["hf_pipeline"] / med["medner"], 3),
        "ratio_medner_vs_ner": round(med["ner"] / med["medner"], 3),
        "crf_share_by_subtraction": round(1.0 - med["medner_transformer_only"] / med["medner"], 4),
        "crf_share_by_pipe_timing": round(med["medner_crf_pipe_only"] / med["medner"], 4),
        "peak_rss_mib_all_three_loaded": _peak_rss_mib(),
    }
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))
    print(json.dumps({k: result[k] for k in ("median_seconds", "words_per_second")}))
    return result


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    e = sub.add_parser("eval-spacy", help="dev P/R/F of a trained spaCy pipeline with spaCy's Scorer")
    e.add_argument("--model", type=Path, required=True)
    e.add_argument("--dev-spacy", type=Path, required=True)
    e.add_argument("--system", default="spacy")
    e.add_argument("--batch-size", type=int, default=32)
    e.add_argument("--json", type=Path, default=None)
    s = sub.add_parser("speed", help="inference words/s, side by side")
    s.add_argument("--medner", type=Path, required=True)
    s.add_argument("--ner", type=Path, required=True)
    s.add_argument("--hf", type=Path, required=True)
    s.add_argument("--dev", type=Path, required=True, help="CoNLL file whose sentences are the texts")
    s.add_argument("--n-texts", type=int, default=500)
    s.add_argument("--batch-size", type=int, default=32)
    s.add_argument("--repeats", type=int, default=5)
    s.add_argument("--json", type=Path, default=None)
    for p in (e, s):
        p.add_argument("--threads", type=int, default=int(os.environ.get("BENCH_THREADS", "2")))
    args = parser.parse_args(argv)
    if args.command == "eval-spacy":
        eval_spacy(args)
    else:
        speed(args)


if __name__ == "__main__":
    main()
