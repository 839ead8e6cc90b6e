"""Mutation check of the CRF: delete one piece of the maths at a time, run the CRF tests, report which deletions they catch.

    python benchmarks/crf_mutations.py

Each mutant rewrites one line of src/spacy_medner/layers/ and restores the file afterwards (also on error or
Ctrl-C). Run it on a clean working tree. Prints a markdown table: mutant, caught or not, the first failing tests.
"""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MUTANTS = [
    ("pairwise log-space branch (extreme pairs)", "layers/lattice.py", "    if bool(extreme.any()):", "    if False:"),
    ("underflow fallback of the exp-space step", "layers/lattice.py", "        if float(S.min()) < _UNDERFLOW:", "        if False:"),
    ("alpha carried over padding", "layers/lattice.py", "        alpha[:, t] = _where_active(lat, t, shortest, out[:, :K] + lat.E[:, t], alpha[:, t - 1])", "        alpha[:, t] = out[:, :K] + lat.E[:, t]"),
    ("beta reset at the end of shorter rows", "layers/lattice.py", "        beta[:, u] = _where_active(lat, u + 1, shortest, out[:, K:], lat.end[None, :])", "        beta[:, u] = out[:, K:]"),
    ("Viterbi carried over padding", "layers/lattice.py", "        deltas[:, t] = _where_active(lat, t, shortest, step(deltas[:, t - 1]) + lat.E[:, t], deltas[:, t - 1])", "        deltas[:, t] = step(deltas[:, t - 1]) + lat.E[:, t]"),
    ("Viterbi backtrace over padding", "layers/lattice.py", "        tag = _where_active(lat, t, shortest, (deltas[:, t - 1] + T_to[tag]).argmax(axis=1), tag)", "        tag = (deltas[:, t - 1] + T_to[tag]).argmax(axis=1)"),
    ("the unmasked fast path's bound (off by one)", "layers/lattice.py", "    if t < shortest:\n        return new", "    if t <= shortest:\n        return new"),
    ("transitions inside a span's probability", "layers/lattice.py", "    binary[:, 1:] = lat.T[paths[:, :-1], paths[:, 1:]]", "    pass"),
    ("forward-backward for partly annotated gold", "layers/lattice.py", "    if len(partial):", "    if False:"),
    ("BILUO constraints", "layers/lattice.py", "    if constrained:", "    if False:"),
    ("entity_bias", "layers/crf.py", "    if entity_bias:", "    if False:"),
    ("float64 lattice", "layers/crf.py", '    E, lengths = _pad(xp, emissions, K, dtype="float64")', "    E, lengths = _pad(xp, emissions, K)"),
    ("temperature on transitions", "layers/crf.py", "        E, T, start, end = E / temperature, T / temperature, start / temperature, end / temperature", "        E, T, start, end = E / temperature, T, start / temperature, end / temperature"),
]
TESTS = ["tests/test_crf_layer.py", "tests/test_calibration.py", "tests/test_pipe_medner.py"]


def main() -> None:
    print("| deleted | result | failing tests |\n|---|---|---|")
    for name, rel, old, new in MUTANTS:
        path = ROOT / "src/spacy_medner" / rel
        original = path.read_text()
        assert original.count(old) == 1, name
        path.write_text(original.replace(old, new))
        if name == "float64 lattice":  # the params too
            path.write_text(path.read_text().replace('(xp.asarray(model.get_param(name), dtype="float64") for name in', '(model.get_param(name) for name in'))
        try:
            r = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *TESTS], cwd=ROOT, capture_output=True, text=True, timeout=900)
            failed = [l.split("::")[-1].split(" ")[0] for l in r.stdout.splitlines() if l.startswith("FAILED")]
            print(f"| {name} | {'caught' if r.returncode else 'NOT caught'} | {', '.join(failed) or '-'} |", flush=True)
        finally:
            path.write_text(original)


if __name__ == "__main__":
    main()
