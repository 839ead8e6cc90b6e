"""De-identification throughput: the ``deid`` CLI (``--n-process`` 1 and 2) against the Spark job
(``local[1]`` and ``local[2]``) on the same SYNTHETIC notes, end to end as a user runs them.

    python benchmarks/spark_deid.py --model training/model-tuned --n-notes 500 --repeats 3 \
        --out benchmarks/results/spark_deid

Every system reads the same Parquet table (note_id, patient_id, text) and writes Parquet with the
same columns, in surrogate mode with the same key (from the environment). Each run is a fresh
process (`python -m spacy_medner deid ...` or `python -m spacy_medner.spark_job ...`), so its wall
time includes the start (Python, model load, and for Spark the JVM and the Python workers). To
separate that fixed cost from the per-note cost, every system also runs on a 5-note table: the
steady notes/s is (N - 5) / (T_N - T_5). Runs are interleaved (the order rotates each round) and
the figures are medians. The outputs of all systems are compared byte for byte, and the PHI token
recall of each output is computed against the generator's gold spans.
Run it alone: anything else on a 2-core machine distorts it.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Dict, List

sys.path.insert(0, str(Path(__file__).resolve().parent))
import deid_notes as dn  # noqa: E402

KEY_ENV = "MEDNER_BENCH_KEY"
SYSTEMS = ("cli-n1", "cli-n2", "spark-local1", "spark-local2")


def command(system: str, model: str, table: Path, out: Path) -> List[str]:
    py = sys.executable
    if system.startswith("cli"):
        n = system[-1]
        return [py, "-m", "spacy_medner", "deid", model, str(table), str(out), "--mode", "surrogate",
                "--key-env", KEY_ENV, "--n-process", n, "--no-progress", "--id-key", "note_id"]
    n = system[-1]
    return [py, "-m", "spacy_medner.spark_job", str(table), str(out), "--model", model, "--patient-col", "patient_id",
            "--key-env", KEY_ENV, "--master", f"local[{n}]"]


def read_output(out: Path) -> Dict[str, Dict[str, object]]:
    import pyarrow.parquet as pq

    return {r["note_id"]: r for r in pq.read_table(out).to_pylist()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True)
    ap.add_argument("--n-notes", type=int, default=500)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--systems", default=",".join(SYSTEMS))
    ap.add_argument("--out", type=Path, default=Path("benchmarks/results/spark_deid"))
    args = ap.parse_args()
    systems = args.systems.split(",")
    env = dict(os.environ, **{KEY_ENV: "benchmark-key-" + "0" * 16, "HF_HUB_OFFLINE": "1"})
    env.setdefault("PYSPARK_PYTHON", sys.executable)
    work = Path(tempfile.mkdtemp(prefix="spark_deid_"))
    notes = dn.synthetic_notes(args.n_notes)
    words = sum(n.words for n in notes)
    tables = {"full": dn.write_table(notes, work / "notes.parquet"), "small": dn.write_table(notes[:5], work / "small.parquet")}
    print(f"{len(notes)} synthetic notes, {words} words; systems {', '.join(systems)}; {args.repeats} rounds", flush=True)
    counter = iter(range(10**6))
    outputs: Dict[str, Path] = {}

    def run(system: str, size: str):
        def go() -> Dict[str, object]:
            out = work / f"out-{system}-{size}-{next(counter)}.parquet"
            proc = subprocess.run(command(system, args.model, tables[size], out), env=env, capture_output=True, text=True)
            if proc.returncode != 0:
                raise SystemExit(f"{system} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
            if size == "full":
                outputs[system] = out
            return {}
        return go

    runs = {f"{s}:{size}": run(s, size) for s in systems for size in ("full", "small")}
    results = dn.interleaved(runs, args.repeats)
    texts = {s: read_output(outputs[s]) for s in systems}
    reference = texts[systems[0]]
    identical = {s: all(texts[s][k]["text_deid"] == reference[k]["text_deid"] for k in reference) and len(texts[s]) == len(reference)
                 for s in systems}
    rows = []
    for s in systems:
        t_full = dn.median([r["seconds"] for r in results[f"{s}:full"]])
        t_small = dn.median([r["seconds"] for r in results[f"{s}:small"]])
        steady = (len(notes) - 5) / max(t_full - t_small, 1e-9)
        phi = {k: [(p["start"], p["end"]) for p in (v["phi"] or [])] for k, v in texts[s].items()}
        recall = dn.phi_token_recall(notes, phi)
        rows.append({
            "system": s, "seconds": round(t_full, 1), "start_seconds": round(t_small, 1),
            "notes_per_s": round(len(notes) / t_full, 2), "words_per_s": round(words / t_full, 1),
            "steady_notes_per_s": round(steady, 2), "phi_token_recall": round(100 * recall, 2),
            "identical_to_" + systems[0]: identical[s],
            "all_seconds": [round(r["seconds"], 1) for r in results[f"{s}:full"]],
        })
    by = {r["system"]: r for r in rows}
    ratios = {}
    if "spark-local2" in by and "cli-n2" in by:
        ratios["spark_local2_vs_cli_n2_end_to_end"] = round(by["spark-local2"]["notes_per_s"] / by["cli-n2"]["notes_per_s"], 3)
        ratios["spark_local2_vs_cli_n2_steady"] = round(by["spark-local2"]["steady_notes_per_s"] / by["cli-n2"]["steady_notes_per_s"], 3)
    if "spark-local2" in by and "spark-local1" in by:
        ratios["spark_local2_vs_local1_steady"] = round(by["spark-local2"]["steady_notes_per_s"] / by["spark-local1"]["steady_notes_per_s"], 3)
    if "cli-n2" in by and "cli-n1" in by:
        ratios["cli_n2_vs_n1_steady"] = round(by["cli-n2"]["steady_notes_per_s"] / by["cli-n1"]["steady_notes_per_s"], 3)
    report = {
        "machine": f"{platform.platform()}, {os.cpu_count()} CPUs", "model": args.model, "notes": len(notes), "words": words,
        "repeats": args.repeats, "rows": rows, "ratios": ratios,
    }
    header = ["system", f"median s ({len(notes)} notes)", "notes/s", "words/s", "start s (5 notes)", "steady notes/s",
              "PHI token recall %", "output identical"]
    md = dn.markdown_table(header, [[r["system"], r["seconds"], r["notes_per_s"], r["words_per_s"], r["start_seconds"],
                                    r["steady_notes_per_s"], r["phi_token_recall"], r["identical_to_" + systems[0]]] for r in rows])
    md += "\n\n" + "\n".join(f"- {k}: {v}" for k, v in ratios.items()) + "\n"
    print(md)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.with_suffix(".json").write_text(json.dumps(report, indent=2) + "\n")
    args.out.with_suffix(".md").write_text(md)


if __name__ == "__main__":
    main()
