"""Generate and write the SYNTHETIC default corpus in i2b2 2014 XML.

:func:`generate_notes` yields ``n`` deterministic notes for a seed (notes of
one patient share name, MRN, birth date and clinicians, and their record
dates advance); :func:`write_corpus` writes them as ``PPP-RR.xml`` files
plus a ``README.txt`` that labels the folder SYNTHETIC.

Every block of :data:`COVERAGE_BLOCK` consecutive notes holds every i2b2
TYPE: the last notes of a block add the TYPEs it still lacks.
"""
import math
import random
from collections import Counter
from pathlib import Path
from typing import Dict, Iterator, List, Set, Union

from ..corpus.i2b2_2014 import write_i2b2_2014
from ..corpus.records import Note
from ..labels import TYPES
from .builder import NoteBuilder
from .cast import World
from .kinds import dictation_block
from .notes import DICTATED_KINDS, MIXED_CASE_KINDS, NOTE_KINDS, UNWRAPPED_KINDS, choose_kind
from .sections import NoteContext, Style
from .surrogates import Surrogates, weighted

#: every run of this many notes (from the first) holds all TYPEs
COVERAGE_BLOCK = 25
#: the last notes of a block that may carry TYPEs the block still lacks
_FORCE_WINDOW = 6
#: how many notes a patient has: 1-5
RECORDS_PER_PATIENT = ((1, 0.15), (2, 0.25), (3, 0.25), (4, 0.2), (5, 0.15))
#: fraction of tags written with the release's quirk element ``PHI``
QUIRK_RATE = 0.02
#: fraction of dictatable notes that carry ``Dictated by / Transcribed by`` lines
DICTATION_RATE = 0.25
#: fraction of notes printed ALL-CAPS, PHI included (legacy systems)
UPPER_RATE = 0.06
#: share of notes that come from a scanned page, and the chance that OCR misreads a confusable character there
SCANNED_RATE = 0.04
SCANNED_OCR_RATE = 0.05
#: share of notes printed with a number before every line: a deposition or hearing transcript on pleading paper,
#: or a numbered listing (the numbers are not PHI)
LINE_NUMBER_RATE = 0.02

README_NAME = "README.txt"
#: The first line of that README: what marks a folder as written by the generator.
SYNTHETIC_MARKER = "SYNTHETIC CLINICAL NOTES - NO REAL PATIENT DATA"


class _Coverage:
    """Tracks the TYPEs of the current block and says which a note must add."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.seen: Set[str] = set()

    def forced(self, index: int) -> List[str]:
        pos = index % COVERAGE_BLOCK
        if pos == 0:
            self.seen = set()
        remaining = COVERAGE_BLOCK - pos
        if remaining > _FORCE_WINDOW:
            return []
        missing = [t for t in TYPES if t not in self.seen]
        k = math.ceil(len(missing) / remaining)
        return self.rng.sample(missing, k=k) if missing else []

    def record(self, note: Note) -> None:
        self.seen.update(s.label for s in note.spans)


def generate_notes(n: int, seed: int = 0) -> Iterator[Note]:
    """Yield ``n`` SYNTHETIC notes with Faker surrogate PHI (same seed, same notes).

    Note ids are ``PPP-RR`` (patient, record); the first ``k`` notes for a
    seed do not depend on ``n``.
    """
    if n < 0:
        raise ValueError(f"The number of notes must be >= 0, got {n}")
    rng = random.Random(seed)
    sur = Surrogates(seed, rng)
    world = World(sur)
    coverage = _Coverage(random.Random(seed + 7919))
    produced = 0
    patient_number = 0
    while produced < n:
        patient_number += 1
        n_records: int = weighted(rng, RECORDS_PER_PATIENT)  # type: ignore[assignment]
        patient = world.patient(patient_number, n_records)
        for record_index, date in enumerate(patient.record_dates):
            if produced >= n:
                return
            note = _compose(rng, sur, world, patient, record_index, coverage.forced(produced), seed)
            coverage.record(note)
            produced += 1
            yield note


def _compose(rng, sur, world, patient, record_index: int, forced: List[str], seed: int) -> Note:
    kind = choose_kind(rng, patient, patient.record_dates[record_index])
    author = rng.choice(patient.specialists + [patient.pcp]) if rng.random() < 0.6 else world.clinician()
    facility = patient.hospital if rng.random() < 0.75 else author.facility
    style = Style.random(rng)
    ctx = NoteContext(
        b=NoteBuilder(rng, quirk_rate=QUIRK_RATE),
        rng=rng,
        sur=sur,
        world=world,
        patient=patient,
        date=patient.record_dates[record_index],
        record_index=record_index,
        author=author,
        facility=facility,
        style=style,
    )
    writer, _ = NOTE_KINDS[kind]
    writer(ctx, forced)
    if kind in DICTATED_KINDS and rng.random() < DICTATION_RATE:
        dictation_block(ctx)
    case = "upper" if kind not in MIXED_CASE_KINDS and rng.random() < UPPER_RATE else None
    scanned = kind not in UNWRAPPED_KINDS and rng.random() < SCANNED_RATE
    numbered = rng.choice(("pleading", "listing")) if kind not in UNWRAPPED_KINDS and rng.random() < LINE_NUMBER_RATE else None
    missing = [t for t in forced if t not in ctx.b.labels]
    if missing:  # a composer that skipped its extras block: never expected
        raise AssertionError(f"note kind {kind} did not write forced TYPEs {missing}")
    note_id = f"{patient.number:03d}-{record_index + 1:02d}"
    return ctx.b.build(
        note_id,
        patient.patient_id,
        wrap_width=None if kind in UNWRAPPED_KINDS else style.wrap_width,
        case=case,
        ocr_rate=SCANNED_OCR_RATE if scanned else 0.0,
        line_numbers=numbered,
        meta={
            "kind": kind,
            "case": case or "mixed",
            "scanned": "true" if scanned else "false",
            "line_numbers": numbered or "none",
            "record_date": ctx.date.isoformat(),
            "synthetic": "true",
            "generator": "spacy_medner.synth",
            "seed": str(seed),
        },
    )


def write_corpus(out_dir: Union[str, Path], n: int, seed: int = 0) -> Dict[str, object]:
    """Write ``n`` SYNTHETIC notes as i2b2 2014 XML files into ``out_dir``.

    Returns a summary: ``notes``, ``patients``, ``entities`` (total) and
    ``per_type`` (TYPE -> count), ``per_kind`` (note kind -> count) and
    ``phi_element`` (tags written with the quirk element ``PHI``).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    per_type: Counter = Counter()
    per_kind: Counter = Counter()
    patients: Set[str] = set()
    quirk = 0
    notes = 0
    for note in generate_notes(n, seed):
        write_i2b2_2014(note, out / f"{note.note_id}.xml")
        notes += 1
        patients.add(note.patient_id or "")
        per_kind[note.meta.get("kind", "")] += 1
        for span in note.spans:
            per_type[span.label] += 1
            quirk += span.category == "PHI"
    summary: Dict[str, object] = {
        "notes": notes,
        "patients": len(patients),
        "entities": sum(per_type.values()),
        "per_type": {t: per_type[t] for t in TYPES},
        "per_kind": dict(sorted(per_kind.items())),
        "phi_element": quirk,
        "seed": seed,
    }
    (out / README_NAME).write_text(_readme(summary), encoding="utf8")
    return summary


def is_synthetic_corpus(notes: Union[str, Path]) -> bool:
    """True when ``notes`` is a folder that :func:`write_corpus` wrote (its README.txt says SYNTHETIC)."""
    readme = Path(notes) / README_NAME
    try:
        with readme.open(encoding="utf8") as f:
            return f.readline().strip() == SYNTHETIC_MARKER
    except (OSError, UnicodeDecodeError):
        return False


def _readme(summary: Dict[str, object]) -> str:
    per_type = summary["per_type"]
    assert isinstance(per_type, dict)
    lines = [
        SYNTHETIC_MARKER,
        "",
        "Every note in this folder is SYNTHETIC. It was generated by spacy_medner",
        "(python -m spacy_medner synth) from templates and random choices; all names,",
        "dates, places, numbers and other identifiers are surrogates made up by the",
        "Faker library. The notes contain no real patient data and describe no real person.",
        "",
        f"seed: {summary['seed']}",
        f"notes (N): {summary['notes']}",
        f"patients: {summary['patients']}",
        f"annotated entities: {summary['entities']}",
        "",
        "Format: i2b2/UTHealth 2014 de-identification XML, one file per note, named",
        "PPP-RR.xml (patient number, record number). Offsets are character offsets into",
        "the TEXT element. As in the original release, a few tags use the element PHI",
        f"instead of their category ({summary['phi_element']} here).",
        "",
        "Entities per TYPE:",
    ]
    lines += [f"  {t:<15} {c}" for t, c in per_type.items()]
    return "\n".join(lines) + "\n"
