"""Where medner's inference time goes, and what int8 dynamic quantization of the transformer would buy on CPU.

    python benchmarks/profile_medner.py --medner DIR/model-last --hf DIR/model --dev DEV.tsv \
        [--dev-spacy DEV.spacy] [--n-texts 200 --batch-size 32 --repeats 5] [--json OUT]

Times, interleaved as in measure.py (medians): the tokenizer alone, medner with only its transformer, the
medner pipe alone on transformer-annotated docs, full medner, full medner with the shipped int8 encoder
(`spacy_medner.quantize_encoder`, the recipe of `deid --int8`), and the HF pipeline on the same backbone. With --dev-spacy, also the dev F1 (spaCy Scorer) of medner before and after quantization.
A measurement, not a feature: nothing here changes the package.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path
from typing import Callable, Dict, List

import bench_data as bd


def _interleaved(runners: Dict[str, Callable[[], object]], repeats: int) -> Dict[str, List[float]]:
    names = list(runners)
    times: Dict[str, List[float]] = {n: [] for n in names}
    for r in range(repeats):
        for name in names[r % len(names):] + names[: r % len(names)]:
            start = time.perf_counter()
            runners[name]()
            times[name].append(time.perf_counter() - start)
    return times


def quantize_transformer(nlp) -> None:
    """The shipped int8 switch (spacy_medner.quantize_encoder): the recipe that `deid --int8` runs."""
    from spacy_medner.quantize import quantize_encoder

    quantize_encoder(nlp)


def untrained_hf_model(backbone: str, labels: List[str], out: Path) -> Path:
    """A token-classification model on ``backbone`` with a fresh head: the HF pipeline's speed, not its accuracy."""
    from transformers import AutoModelForTokenClassification, AutoTokenizer

    from spacy_medner.layers.transformer import resolve_transformer_name

    name = resolve_transformer_name(backbone)
    tags = ["O"] + [f"{p}-{label}" for label in labels for p in ("B", "I")]
    model = AutoModelForTokenClassification.from_pretrained(
        name, num_labels=len(tags), id2label=dict(enumerate(tags)), label2id={t: i for i, t in enumerate(tags)})
    model.save_pretrained(out)
    AutoTokenizer.from_pretrained(name).save_pretrained(out)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--medner", type=Path, required=True)
    parser.add_argument("--hf", type=str, required=True,
                        help="A trained HF token-classification model folder, or 'bundled' (any backbone name) for the "
                             "same backbone with an untrained head: the speed is the same, the accuracy is not measured")
    parser.add_argument("--dev", type=Path, required=True)
    parser.add_argument("--dev-spacy", type=Path, default=None)
    parser.add_argument("--n-texts", type=int, default=200)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=int(os.environ.get("BENCH_THREADS", "2")))
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()

    import spacy
    import torch
    from transformers import pipeline

    torch.set_num_threads(args.threads)
    sentences = bd.read_conll(args.dev)[: args.n_texts]
    texts = [" ".join(words) for words, _ in sentences]
    n_words = bd.count_words(sentences)
    bs = args.batch_size
    nlp = spacy.load(args.medner)
    nlp_q = spacy.load(args.medner)
    quantize_transformer(nlp_q)
    hf_dir = Path(args.hf)
    if not hf_dir.is_dir():
        import tempfile

        labels = sorted({label for _, tags in sentences for tag in tags if tag != "O" for label in [tag[2:]]})
        hf_dir = untrained_hf_model(args.hf, labels, Path(tempfile.mkdtemp()) / "hf")
    hf = pipeline("token-classification", model=str(hf_dir), tokenizer=str(hf_dir),
                  aggregation_strategy="first", device=-1, batch_size=bs)
    crf_name = next(n for n in nlp.pipe_names if n != "transformer")
    with nlp.select_pipes(enable=["transformer"]):
        encoded = list(nlp.pipe(texts, batch_size=bs))

    def transformer_only() -> None:
        with nlp.select_pipes(enable=["transformer"]):
            for _ in nlp.pipe(texts, batch_size=bs):
                pass

    runners = {
        "tokenizer": lambda: [nlp.make_doc(t) for t in texts],
        "transformer_only": transformer_only,
        "medner_pipe_only": lambda: list(nlp.get_pipe(crf_name).pipe(encoded, batch_size=bs)),
        "medner": lambda: list(nlp.pipe(texts, batch_size=bs)),
        "medner_int8": lambda: list(nlp_q.pipe(texts, batch_size=bs)),
        "hf_pipeline": lambda: hf(texts),
    }
    for name in ("medner", "medner_int8", "hf_pipeline"):
        runners[name]()  # warm-up
    times = _interleaved(runners, args.repeats)
    med = {k: statistics.median(v) for k, v in times.items()}
    result: Dict[str, object] = {
        "texts": len(texts), "words": n_words, "batch_size": bs, "repeats": args.repeats,
        "median_seconds": {k: round(v, 3) for k, v in med.items()},
        "share_of_medner": {k: round(v / med["medner"], 4) for k, v in med.items()},
        "words_per_second": {k: round(n_words / v, 1) for k, v in med.items()},
        "ratio_vs_hf_pipeline": {k: round(med["hf_pipeline"] / med[k], 3) for k in ("medner", "medner_int8")},
    }
    if args.dev_spacy:
        gold = bd.load_docs(args.dev_spacy, nlp.vocab)
        gold_texts = [d.text for d in gold]
        result["dev_f1"] = {
            name: bd.score_entities(list(model.pipe(gold_texts, batch_size=bs)), gold)["f"]
            for name, model in (("medner", nlp), ("medner_int8", nlp_q))}
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
