"""Recall against precision as the medner recall knob moves (no retraining).

For each ``entity_bias`` (added to every entity tag's score before Viterbi
decoding) and, separately, each ``--min-score`` threshold on the exact CRF
entity probability, prints strict entity P/R and token-level PHI P/R (the
de-identification safety number) of MODEL on the gold DocBin DATA.

    python benchmarks/recall_knob.py training/model-best corpus/dev.spacy
"""
import argparse
from typing import List

import spacy
from spacy.tokens import DocBin

from spacy_medner.evaluation import predict, score_docs


def _row(name: str, value: float, metrics: dict) -> str:
    strict, token = metrics["strict"]["micro"], metrics["token"]
    return (
        f"| {name} {value:g} | {strict['p'] * 100:.2f} | {strict['r'] * 100:.2f} | {strict['f'] * 100:.2f} "
        f"| {token['p'] * 100:.2f} | {token['r'] * 100:.2f} | {metrics['n_pred_entities']} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model")
    parser.add_argument("data")
    parser.add_argument("--biases", default="-2,0,1,2,4,8")
    parser.add_argument("--min-scores", default="0.5,0.8,0.95")
    parser.add_argument("--limit", type=int, default=0, help="score only the first N docs")
    args = parser.parse_args()
    nlp = spacy.load(args.model)
    gold = list(DocBin().from_disk(args.data).get_docs(nlp.vocab))
    if args.limit:
        gold = gold[: args.limit]
    texts = [doc.text for doc in gold]
    pipe = nlp.get_pipe("medner")
    rows: List[str] = []
    baseline = None
    for bias in [float(b) for b in args.biases.split(",")]:
        pipe.entity_bias = bias
        predicted, _ = predict(nlp, texts)
        rows.append(_row("entity_bias", bias, score_docs(gold, predicted)))
        if bias == 0.0:
            baseline = predicted
    pipe.entity_bias = 0.0
    if baseline is None:
        baseline, _ = predict(nlp, texts)
    for threshold in [float(t) for t in args.min_scores.split(",")]:
        filtered = []
        for doc in baseline:
            group = doc.spans["medner"]
            doc.ents = [ent for ent, p in zip(group, group.attrs["scores"]) if p >= threshold]
            filtered.append(doc)
        rows.append(_row("min_score", threshold, score_docs(gold, filtered)))
    print(f"{args.model} on {args.data}: {len(gold)} docs\n")
    print("| setting | strict P | strict R | strict F | PHI token P | PHI token R | entities |")
    print("|---|---|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
