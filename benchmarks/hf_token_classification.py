"""The Hugging Face peer recipe: `AutoModelForTokenClassification` fine-tuned with `Trainer`.

First-subtoken labels (later sub-tokens and special tokens -100), per-token argmax, one sentence per
sequence. Dev-only (transformers, accelerate, seqeval): not a runtime dependency of spacy_medner.

    python benchmarks/hf_token_classification.py train --train TRAIN.tsv --model bundled --output DIR \
        --epochs 2 --learn-rate 1e-4 --warmup-steps 20 --batch-size 32 [--limit N]
    python benchmarks/hf_token_classification.py evaluate --model DIR --dev DEV.tsv --dev-spacy DEV.spacy --json OUT

`evaluate` reports seqeval entity P/R/F in both its default (conlleval) mode and strict IOB2 mode, and
the same predictions as char spans scored by spaCy's Scorer (the scorer the spaCy systems get).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import time
from pathlib import Path
from typing import Dict, List, Sequence

import torch

import bench_data as bd


def _resolve_model(name: str) -> str:
    if name == "bundled":
        from spacy_medner.layers.transformer import resolve_transformer_name

        return str(resolve_transformer_name("bundled"))
    return name


def _peak_rss_mib() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 1)


class _Encoded(torch.utils.data.Dataset):
    def __init__(self, tokenizer, sentences: Sequence[bd.Sentence], label2id: Dict[str, int], max_length: int):
        self.items = []
        for words, tags in sentences:
            enc = tokenizer(list(words), is_split_into_words=True, truncation=True, max_length=max_length)
            word_labels = [label2id[t] for t in tags]
            item = {k: v for k, v in enc.items()}
            item["labels"] = bd.align_first_subtoken(enc.word_ids(), word_labels)
            self.items.append(item)

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, i: int):
        return self.items[i]


def train(args: argparse.Namespace) -> Dict[str, object]:
    from transformers import (AutoModelForTokenClassification, AutoTokenizer, DataCollatorForTokenClassification,
                              Trainer, TrainingArguments, set_seed)

    torch.set_num_threads(args.threads)
    set_seed(args.seed)
    sentences = bd.read_conll(args.train)
    if args.limit:
        sentences = sentences[: args.limit]
    tag_list = bd.iob_tag_list(bd.entity_labels(sentences))
    label2id = {t: i for i, t in enumerate(tag_list)}
    model_name = _resolve_model(args.model)
    tokenizer = AutoTokenizer.from_pretrained(model_name, use_fast=True)
    model = AutoModelForTokenClassification.from_pretrained(
        model_name, num_labels=len(tag_list), id2label=dict(enumerate(tag_list)), label2id=label2id)
    dataset = _Encoded(tokenizer, sentences, label2id, args.max_length)
    targs = TrainingArguments(
        output_dir=str(args.output / "checkpoints"), num_train_epochs=args.epochs, learning_rate=args.learn_rate,
        warmup_steps=args.warmup_steps, lr_scheduler_type="linear", weight_decay=0.01, max_grad_norm=1.0,
        adam_beta1=0.9, adam_beta2=0.999, adam_epsilon=1e-8, per_device_train_batch_size=args.batch_size,
        logging_steps=max(1, args.log_steps), save_strategy="no", eval_strategy="no", report_to=[],
        seed=args.seed, use_cpu=True, dataloader_num_workers=0, disable_tqdm=True,
        group_by_length=not args.no_group_by_length)
    trainer = Trainer(model=model, args=targs, train_dataset=dataset,
                      data_collator=DataCollatorForTokenClassification(tokenizer))
    start = time.perf_counter()
    output = trainer.train()
    seconds = time.perf_counter() - start
    trainer.save_model(str(args.output / "model"))
    tokenizer.save_pretrained(str(args.output / "model"))
    words = bd.count_words(sentences) * args.epochs
    stats = {
        "system": "hf", "train_sentences": len(sentences), "epochs": args.epochs, "steps": output.global_step,
        "batch_size_sentences": args.batch_size, "group_by_length": not args.no_group_by_length, "learn_rate": args.learn_rate, "warmup_steps": args.warmup_steps,
        "train_seconds": round(seconds, 1), "train_words_per_second": round(words / seconds, 1),
        "final_loss": round(float(output.training_loss), 4), "peak_rss_mib": _peak_rss_mib(), "labels": tag_list,
    }
    (args.output / "train_stats.json").write_text(json.dumps(stats, indent=2))
    print(json.dumps(stats))
    return stats


def predict_word_tags(model_dir: str, sentences: Sequence[bd.Sentence], batch_size: int,
                      max_length: int) -> List[List[str]]:
    """Per-word IOB tags (in input order): argmax of each word's first sub-token; batches sorted by length."""
    from transformers import AutoModelForTokenClassification, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model_dir, use_fast=True)
    model = AutoModelForTokenClassification.from_pretrained(model_dir).eval()
    id2label = model.config.id2label
    outside = next(i for i, t in id2label.items() if t == "O")
    order = sorted(range(len(sentences)), key=lambda i: len(sentences[i][0]))  # batches of similar length
    out: List[List[str]] = [[] for _ in sentences]
    with torch.inference_mode():
        for start in range(0, len(order), batch_size):
            indices = order[start: start + batch_size]
            batch = [list(sentences[i][0]) for i in indices]
            enc = tokenizer(batch, is_split_into_words=True, truncation=True, max_length=max_length,
                            padding=True, return_tensors="pt")
            ids = model(**enc).logits.argmax(-1).tolist()
            for j, (i, words) in enumerate(zip(indices, batch)):
                preds = bd.first_subtoken_predictions(enc.word_ids(j), ids[j], len(words), outside=int(outside))
                out[i] = [id2label[p] for p in preds]
    return out


def evaluate(args: argparse.Namespace) -> Dict[str, object]:
    from seqeval.metrics import classification_report, f1_score, precision_score, recall_score
    from seqeval.scheme import IOB2

    torch.set_num_threads(args.threads)
    sentences = bd.read_conll(args.dev)
    start = time.perf_counter()
    pred = predict_word_tags(str(args.model), sentences, args.batch_size, args.max_length)
    seconds = time.perf_counter() - start
    gold = [list(tags) for _, tags in sentences]

    def seqeval(mode: str) -> Dict[str, object]:
        kw = {"mode": "strict", "scheme": IOB2} if mode == "strict" else {}
        report = classification_report(gold, pred, output_dict=True, zero_division=0, **kw)
        return {
            "p": round(100 * precision_score(gold, pred, zero_division=0, **kw), 2),
            "r": round(100 * recall_score(gold, pred, zero_division=0, **kw), 2),
            "f": round(100 * f1_score(gold, pred, zero_division=0, **kw), 2),
            "per_label": {k: {"p": round(100 * v["precision"], 2), "r": round(100 * v["recall"], 2),
                              "f": round(100 * v["f1-score"], 2)}
                          for k, v in report.items() if not k.endswith(" avg")},
        }

    gold_docs = bd.load_docs(args.dev_spacy)
    pred_docs = bd.docs_with_predicted_tags(gold_docs, pred)
    result = {
        "system": "hf", "dev_sentences": len(sentences), "dev_words": bd.count_words(sentences),
        "scorer": bd.score_entities(pred_docs, gold_docs),
        "seqeval_default": seqeval("default"), "seqeval_strict_iob2": seqeval("strict"),
        "eval_seconds": round(seconds, 1), "peak_rss_mib": _peak_rss_mib(),
    }
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))
    print(json.dumps({k: result[k] for k in ("system", "eval_seconds", "peak_rss_mib")}))
    return result


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    t = sub.add_parser("train", help="fine-tune with Trainer")
    t.add_argument("--train", type=Path, required=True, help="CoNLL word-TAB-IOB training file")
    t.add_argument("--model", default="bundled", help="HF name or folder; 'bundled' = packaged MiniLM")
    t.add_argument("--output", type=Path, required=True)
    t.add_argument("--limit", type=int, default=0, help="first N sentences only (0 = all)")
    t.add_argument("--epochs", type=int, default=2)
    t.add_argument("--learn-rate", type=float, default=1e-4)
    t.add_argument("--warmup-steps", type=int, default=0)
    t.add_argument("--batch-size", type=int, default=32, help="sentences per step")
    t.add_argument("--log-steps", type=int, default=20)
    t.add_argument("--no-group-by-length", action="store_true",
                   help="plain random batches (default: Trainer's group_by_length, like spaCy's length-sorted buffer)")
    e = sub.add_parser("evaluate", help="dev P/R/F: seqeval and spaCy's Scorer on char spans")
    e.add_argument("--model", type=Path, required=True, help="folder written by `train` (its model/ subfolder)")
    e.add_argument("--dev", type=Path, required=True, help="CoNLL dev file")
    e.add_argument("--dev-spacy", type=Path, required=True, help="the same dev file converted by `spacy convert`")
    e.add_argument("--json", type=Path, default=None)
    e.add_argument("--batch-size", type=int, default=32)
    for p in (t, e):
        p.add_argument("--max-length", type=int, default=512, help="sub-tokens per sentence (truncation)")
        p.add_argument("--threads", type=int, default=int(os.environ.get("BENCH_THREADS", "2")))
        p.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.command == "train":
        args.output.mkdir(parents=True, exist_ok=True)
        train(args)
    else:
        evaluate(args)


if __name__ == "__main__":
    main()
