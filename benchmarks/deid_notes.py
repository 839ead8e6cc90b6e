"""Notes, gold PHI and the safety number shared by the de-identification benchmarks.

- :func:`synthetic_notes`: SYNTHETIC notes from the generator (``generate_notes``, a seed the
  training corpus does not use);
- :func:`handwritten_notes`: the 40 hand-written i2b2-2014 XML notes of tests/fixtures/ood_notes
  (styles the generator does not write);
- :func:`write_table`: notes as a Parquet table (``note_id``, ``patient_id``, ``text``), the input
  of both ``deid`` and the Spark job, so every system reads the same bytes;
- :func:`phi_token_recall`: label-agnostic PHI token recall of a de-identification output's ``phi``
  column (original offsets), on the clinical tokenizer's tokens, as ``evaluate`` counts it.
"""
from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, List, Sequence, Tuple

REPO = Path(__file__).resolve().parents[1]
OOD_DIR = REPO / "tests" / "fixtures" / "ood_notes"


@dataclass(frozen=True)
class BenchNote:
    note_id: str
    patient_id: str
    text: str
    gold: Tuple[Tuple[int, int], ...]

    @property
    def words(self) -> int:
        return len(self.text.split())


def synthetic_notes(n: int, seed: int = 4242) -> List[BenchNote]:
    from spacy_medner.synth.corpus import generate_notes

    return [BenchNote(x.note_id, x.patient_id, x.text, tuple((s.start, s.end) for s in x.spans)) for x in generate_notes(n, seed)]


def handwritten_notes() -> List[BenchNote]:
    from spacy_medner.corpus.i2b2_2014 import parse_i2b2_2014

    notes = []
    for path in sorted(OOD_DIR.rglob("*.xml")):
        x = parse_i2b2_2014(path.read_bytes(), str(path))
        notes.append(BenchNote(f"{path.parent.name}/{x.note_id}", x.patient_id, x.text, tuple((s.start, s.end) for s in x.spans)))
    return notes


def write_table(notes: Sequence[BenchNote], path: Path) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(
        pa.table({
            "note_id": [n.note_id for n in notes],
            "patient_id": [n.patient_id for n in notes],
            "text": [n.text for n in notes],
        }),
        path,
    )
    return path


def phi_token_recall(notes: Sequence[BenchNote], phi_by_id: Dict[str, List[Tuple[int, int]]]) -> float:
    """Share of gold-PHI tokens that overlap a replaced span (labels ignored)."""
    from spacy_medner.tokenizer import clinical_nlp

    nlp = clinical_nlp()
    gold_tokens = caught = 0
    for note in notes:
        spans = phi_by_id.get(note.note_id, [])
        for token in nlp.make_doc(note.text):
            if token.is_space:
                continue
            a, b = token.idx, token.idx + len(token.text)
            if not any(s < b and a < e for s, e in note.gold):
                continue
            gold_tokens += 1
            caught += any(s < b and a < e for s, e in spans)
    return caught / gold_tokens if gold_tokens else float("nan")


def interleaved(runs: Dict[str, Callable[[], Dict[str, object]]], repeats: int) -> Dict[str, List[Dict[str, object]]]:
    """Call every run ``repeats`` times, rotating the order each round; each call's result with its wall time."""
    names = list(runs)
    results: Dict[str, List[Dict[str, object]]] = {name: [] for name in names}
    for r in range(repeats):
        order = names[r % len(names):] + names[: r % len(names)]
        for name in order:
            start = time.perf_counter()
            result = runs[name]()
            result.setdefault("seconds", time.perf_counter() - start)
            results[name].append(result)
            print(f"  round {r + 1}/{repeats} {name}: {result['seconds']:.1f} s", flush=True)
    return results


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(x) for x in row) + " |" for row in rows]
    return "\n".join(lines)
