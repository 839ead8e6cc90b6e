"""De-identification throughput and safety, side by side: the float model against the int8 encoder,
one process against two, and notes batched by length against notes batched as they come.

    python benchmarks/deid_throughput.py --model training/model-tuned --n-notes 500 --repeats 3 \
        --out benchmarks/results/deid_throughput

What is timed is the de-identification itself, as the ``deid`` command runs it:
``deidentify_stream`` (the core ``deidentify_batch`` in chunks) in surrogate mode with a fixed key,
each run in a fresh process on a pipeline loaded beforehand (loading is a one-off cost, outside the
figures; two processes: torch on one thread each, as ``deid --n-process 2`` runs them). Two note sets:
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
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, Dict, List

sys.path.insert(0, str(Path(__file__).resolve().parent))
import deid_notes as dn  # noqa: E402

VARIANTS = ("float", "float-unsorted", "float-n2", "int8", "int8-n2")


def run_one(model: str, variant: str, set_name: str, n_notes: int, batch_size: int) -> Dict[str, object]:
    """One timed run in this process (the parent starts a fresh process per run)."""
    from spacy_medner.deid import Deidentifier, NoteRecord, deidentify_stream, scores_key
    from spacy_medner.deid.stream import single_threaded_workers

    n_process = 2 if variant.endswith("-n2") else 1
    if n_process > 1:
        single_threaded_workers()  # as `deid --n-process 2` does: forked workers hang otherwise
    import spacy

    from spacy_medner import quantize_encoder

    nlp = spacy.load(model)
    if variant.startswith("int8"):
        quantize_encoder(nlp)
    notes = dn.synthetic_notes(n_notes) if set_name == "synthetic" else dn.handwritten_notes()
    deidentifier = Deidentifier("surrogate", key="benchmark-key-" + "0" * 16, spans_key=scores_key(nlp))
    records = [NoteRecord(n.note_id, n.text, n.patient_id) for n in notes]
    start = time.perf_counter()
    outs = list(deidentify_stream(
        nlp, records, deidentifier=deidentifier, batch_size=batch_size, n_process=n_process,
        sort_by_length=variant != "float-unsorted",
    ))
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "phi": {o.record.note_id: [(r.start, r.end) for r in o.result.replacements] for o in outs}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True)
    ap.add_argument("--n-notes", type=int, default=500)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--variants", default=",".join(VARIANTS))
    ap.add_argument("--sets", default="synthetic,hand-written")
    ap.add_argument("--out", type=Path, default=Path("benchmarks/results/deid_throughput"))
    ap.add_argument("--one", nargs=2, metavar=("VARIANT", "SET"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(run_one(args.model, args.one[0], args.one[1], args.n_notes, args.batch_size)))
        return
    variants = args.variants.split(",")
    set_names = args.sets.split(",")
    notes_of = {"synthetic": dn.synthetic_notes(args.n_notes), "hand-written": dn.handwritten_notes()}
    sets = {name: notes_of[name] for name in set_names}
    last: Dict[str, Dict[str, List]] = {}
    env = dict(os.environ, HF_HUB_OFFLINE="1", TOKENIZERS_PARALLELISM="false")

    def run(variant: str, set_name: str) -> Callable[[], Dict[str, object]]:
        def go() -> Dict[str, object]:
            cmd = [sys.executable, __file__, "--model", args.model, "--n-notes", str(args.n_notes),
                   "--batch-size", str(args.batch_size), "--one", variant, set_name]
            proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
            if proc.returncode != 0:
                raise SystemExit(f"{variant} on {set_name} failed:\n{proc.stderr[-3000:]}")
            result = json.loads(proc.stdout.strip().splitlines()[-1])
            last[f"{variant}:{set_name}"] = {k: [tuple(x) for x in v] for k, v in result.pop("phi").items()}
            return result

        return go

    print("; ".join(f"{k}: {len(v)} notes, {sum(n.words for n in v)} words" for k, v in sets.items()), flush=True)
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
