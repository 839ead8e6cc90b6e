"""Which Linear layers of the encoder can be int8 without changing the predictions: accuracy per recipe.

    python benchmarks/int8_recipes.py --model training/model-tuned \
        --data corpus/dev.spacy corpus/ood-test.spacy [--recipes all,ffn_out,...] [--threads 1] [--json OUT]

For each recipe (spacy_medner.quantize.Recipe: which nn.Linear stay float, per-tensor or per-channel
weight scales), the pipeline predicts every data set in int8 and is compared with its own float
predictions: token tag agreement (IOB + label per spaCy token), float entities reproduced exactly,
and PHI token recall / precision and strict entity F1 against the gold. Accuracy figures are
deterministic; the seconds printed are indicative only (one pass, whatever else runs on the machine).
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Dict, List

#: Recipes tried (module names of a BERT-family encoder: encoder.layer.N.attention.self.query/key/value,
#: encoder.layer.N.attention.output.dense, encoder.layer.N.intermediate.dense, encoder.layer.N.output.dense).
RECIPES = {
    "all": dict(keep_float=()),
    "all_per_channel": dict(keep_float=(), per_channel=True),
    "float_qkv": dict(keep_float=(r"attention\.self\.",)),
    "float_attn_out": dict(keep_float=(r"attention\.output\.dense",)),
    "float_ffn_in": dict(keep_float=(r"intermediate\.dense",)),
    "float_ffn_out": dict(keep_float=(r"layer\.\d+\.output\.dense",)),
    "float_first_layer": dict(keep_float=(r"layer\.0\.",)),
    "float_last_layer": dict(keep_float=(r"layer\.{last}\.",)),
    "float_ffn_out_per_channel": dict(keep_float=(r"layer\.\d+\.output\.dense",), per_channel=True),
    "all_act8": dict(keep_float=(), full_range_activations=True),
    "all_per_channel_act8": dict(keep_float=(), per_channel=True, full_range_activations=True),
    "float_ffn_out_act8": dict(keep_float=(r"layer\.\d+\.output\.dense",), full_range_activations=True),
    "float_ffn_out_layer0_per_channel_act8": dict(keep_float=(r"layer\.0\.output\.dense",), per_channel=True,
                                                  full_range_activations=True),
    "float_ffn_out_per_channel_act8": dict(keep_float=(r"layer\.\d+\.output\.dense",), per_channel=True,
                                           full_range_activations=True),
}
RECIPES["int8"] = {}  # spacy_medner.quantize.INT8_RECIPE, what quantize = "int8" uses
for _i in range(12):
    RECIPES[f"float_layer{_i}"] = dict(keep_float=(rf"layer\.{_i}\.",))
    RECIPES[f"float_ffn_out_layer{_i}"] = dict(keep_float=(rf"layer\.{_i}\.output\.dense",))


def tags(doc) -> List[str]:
    return [f"{t.ent_iob_}-{t.ent_type_}" for t in doc]


def ents(doc):
    return {(e.start_char, e.end_char, e.label_) for e in doc.ents}


def compare(float_docs, q_docs) -> Dict[str, float]:
    n = agree = 0
    n_ent_tok = agree_ent_tok = 0
    f_ents = q_ents = both = 0
    docs_changed = 0
    for fd, qd in zip(float_docs, q_docs):
        ft, qt = tags(fd), tags(qd)
        n += len(ft)
        agree += sum(a == b for a, b in zip(ft, qt))
        ent_tok = [(a, b) for a, b in zip(ft, qt) if a != "O-" or b != "O-"]
        n_ent_tok += len(ent_tok)
        agree_ent_tok += sum(a == b for a, b in ent_tok)
        fe, qe = ents(fd), ents(qd)
        f_ents += len(fe)
        q_ents += len(qe)
        both += len(fe & qe)
        docs_changed += ft != qt
    return {
        "token_agreement": agree / n,
        "entity_token_agreement": agree_ent_tok / max(n_ent_tok, 1),
        "float_entities_kept": both / max(f_ents, 1),
        "new_entities": q_ents - both,
        "lost_entities": f_ents - both,
        "docs_changed": docs_changed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--data", type=Path, nargs="+", required=True)
    parser.add_argument("--recipes", default="all,all_per_channel,float_qkv,float_attn_out,float_ffn_in,float_ffn_out")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()

    import spacy
    import torch
    from spacy.tokens import DocBin

    from spacy_medner.evaluation import score_docs
    from spacy_medner.quantize import INT8_RECIPE, Recipe, count_quantized_linear, encoder_shims, quantize_encoder

    torch.set_num_threads(args.threads)
    nlp = spacy.load(args.model)
    shims = [s for _, pipe in nlp.components if hasattr(pipe, "model") for s in encoder_shims(pipe.model)]
    sets = {}
    for path in args.data:
        gold = list(DocBin().from_disk(path).get_docs(nlp.vocab))
        start = time.perf_counter()
        pred = list(nlp.pipe([d.text for d in gold], batch_size=args.batch_size))
        seconds = time.perf_counter() - start
        metrics = score_docs(gold, pred, hipaa=False)
        sets[path.name] = {"gold": gold, "float": pred}
        print(f"float {path.name}: PHI token R {100 * metrics['token']['r']:.2f} P {100 * metrics['token']['p']:.2f} "
              f"strict F {100 * metrics['strict']['micro']['f']:.2f} ({seconds:.0f} s, indicative)", flush=True)
        sets[path.name]["float_metrics"] = metrics
    results = {"model": str(args.model), "threads": args.threads, "batch_size": args.batch_size, "sets": {}}
    for name, data in sets.items():
        m = data["float_metrics"]
        results["sets"][name] = {"float": {"phi_token_r": m["token"]["r"], "phi_token_p": m["token"]["p"],
                                           "strict_f": m["strict"]["micro"]["f"]}}
    quantize_encoder(nlp)
    for recipe_name in args.recipes.split(","):
        recipe = Recipe(**RECIPES[recipe_name]) if RECIPES[recipe_name] else INT8_RECIPE
        for shim in shims:
            shim.recipe = recipe
            shim.quantize = "int8"  # drops the previous int8 copy
            shim.inference_model()
        n_q = sum(count_quantized_linear(s.inference_model()) for s in shims)
        for name, data in sets.items():
            start = time.perf_counter()
            pred = list(nlp.pipe([d.text for d in data["gold"]], batch_size=args.batch_size))
            seconds = time.perf_counter() - start
            metrics = score_docs(data["gold"], pred, hipaa=False)
            row = {
                "quantized_linear": n_q,
                "phi_token_r": metrics["token"]["r"],
                "phi_token_p": metrics["token"]["p"],
                "strict_f": metrics["strict"]["micro"]["f"],
                "seconds_indicative": round(seconds, 1),
                **compare(data["float"], pred),
            }
            results["sets"][name][recipe_name] = row
            print(f"{recipe_name:>22} {name:>15}: int8 Linear {n_q:3d}  tags {100 * row['token_agreement']:.3f}%  "
                  f"entity tokens {100 * row['entity_token_agreement']:.2f}%  float ents kept "
                  f"{100 * row['float_entities_kept']:.2f}% (-{row['lost_entities']} +{row['new_entities']})  "
                  f"PHI R {100 * row['phi_token_r']:.2f} P {100 * row['phi_token_p']:.2f} "
                  f"F {100 * row['strict_f']:.2f}  ({seconds:.0f} s)", flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
