"""De-identification throughput and safety, side by side: the float model against the int8 encoder,
one process against two, and notes batched by length against notes batched as they come.

    python benchmarks/deid_throughput.py --model training/model-tuned --n-notes 500 --repeats 3 \
        --out benchmarks/results/deid_throughput

What is timed is the de-identification itself, as the ``deid`` command runs it:
``deidentify_stream`` (the core ``deidentify_batch`` in chunks) in surrogate mode with a fixed key,
on pipelines loaded beforehand (loading is a one-off cost, outside the figures). Two note sets:
SYNTHETIC notes from the generator (a seed training does not use) and the 40 hand-written notes of
tests/fixtures/ood_notes. Beside each speed: the PHI token recall of what was replaced (labels
ignored), so that a speed-up that costs safety shows. Rounds are interleaved (the order rotates)
and the figures are medians. Run it alone: anything else on a 2-core machine distorts it.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from pathlib import Path
from typing import Callable, Dict, List

sys.path.insert(0, str(Path(__file__).resolve().parent))
import deid_notes as dn  # noqa: E402

VARIANTS = ("float", "float-unsorted", "float-n2", "int8", "int8-n2")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True)
    ap.add_argument("--n-notes", type=int, default=500)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--variants", default=",".join(VARIANTS))
    ap.add_argument("--out", type=Path, default=Path("benchmarks/results/deid_throughput"))
    args = ap.parse_args()

    import spacy

    from spacy_medner import quantize_encoder
    from spacy_medner.deid import Deidentifier, NoteRecord, deidentify_stream, scores_key

    variants = args.variants.split(",")
    pipelines = {"float": spacy.load(args.model)}
    if any(v.startswith("int8") for v in variants):
        pipelines["int8"] = quantize_encoder(spacy.load(args.model))
    sets = {"synthetic": dn.synthetic_notes(args.n_notes), "hand-written": dn.handwritten_notes()}
    key = "benchmark-key-" + "0" * 16
    last: Dict[str, Dict[str, List]] = {}

    def run(variant: str, set_name: str) -> Callable[[], Dict[str, object]]:
        nlp = pipelines["int8" if variant.startswith("int8") else "float"]
        n_process = 2 if variant.endswith("-n2") else 1
        notes = sets[set_name]

        def go() -> Dict[str, object]:
            deidentifier = Deidentifier("surrogate", key=key, spans_key=scores_key(nlp))
            records = [NoteRecord(n.note_id, n.text, n.patient_id) for n in notes]
            outs = list(deidentify_stream(
                nlp, records, deidentifier=deidentifier, batch_size=args.batch_size, n_process=n_process,
                sort_by_length=variant != "float-unsorted",
            ))
            last[f"{variant}:{set_name}"] = {o.record.note_id: [(r.start, r.end) for r in o.result.replacements] for o in outs}
            return {}

        return go

    print(f"torch threads {__import__('torch').get_num_threads()}; "
          + "; ".join(f"{k}: {len(v)} notes, {sum(n.words for n in v)} words" for k, v in sets.items()), flush=True)
    runs = {f"{v}:{s}": run(v, s) for s in sets for v in variants}
    results = dn.interleaved(runs, args.repeats)
    rows = []
    for s, notes in sets.items():
        words = sum(n.words for n in notes)
        base = dn.median([r["seconds"] for r in results[f"float:{s}"]]) if "float" in variants else None
        base_recall = dn.phi_token_recall(notes, last[f"float:{s}"]) if "float" in variants else None
        for v in variants:
            t = dn.median([r["seconds"] for r in results[f"{v}:{s}"]])
            recall = dn.phi_token_recall(notes, last[f"{v}:{s}"])
            rows.append({
                "notes": s, "variant": v, "seconds": round(t, 2), "notes_per_s": round(len(notes) / t, 2),
                "words_per_s": round(words / t, 1), "speedup_vs_float": round(base / t, 3) if base else None,
                "phi_token_recall": round(100 * recall, 2),
                "recall_minus_float": round(100 * (recall - base_recall), 2) if base_recall is not None else None,
                "all_seconds": [round(r["seconds"], 2) for r in results[f"{v}:{s}"]],
            })
    report = {"machine": f"{platform.platform()}, {os.cpu_count()} CPUs", "model": args.model,
              "batch_size": args.batch_size, "repeats": args.repeats, "rows": rows}
    header = ["notes", "variant", "median s", "notes/s", "words/s", "x float", "PHI token recall %", "recall - float (points)"]
    md = dn.markdown_table(header, [[r["notes"], r["variant"], r["seconds"], r["notes_per_s"], r["words_per_s"],
                                    r["speedup_vs_float"], r["phi_token_recall"], r["recall_minus_float"]] for r in rows])
    print(md)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.with_suffix(".json").write_text(json.dumps(report, indent=2) + "\n")
    args.out.with_suffix(".md").write_text(md + "\n")


if __name__ == "__main__":
    main()
