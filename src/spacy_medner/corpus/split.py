"""A deterministic train/dev split by patient (no patient on both sides)."""
import random
from typing import Dict, List, Sequence, Tuple

from .errors import ConversionError
from .records import Note


def patient_key(note: Note) -> str:
    """The patient a note belongs to (the note itself when unknown)."""
    return note.patient_id or note.note_id


def split_by_patient(
    notes: Sequence[Note], dev_fraction: float, seed: int = 0
) -> Tuple[List[Note], List[Note]]:
    """Split notes into (train, dev) so that no patient is on both sides.

    Patients are sorted, shuffled with ``random.Random(seed)``, and moved to
    dev until dev holds at least ``dev_fraction`` of the notes; with two or
    more patients each side keeps at least one.  The result depends only on
    the notes' patient and note ids, ``dev_fraction`` and ``seed``; each side
    keeps the input order.
    """
    if not 0.0 <= dev_fraction < 1.0:
        raise ConversionError(f"dev fraction must be in [0, 1), got {dev_fraction}")
    if dev_fraction == 0.0 or not notes:
        return list(notes), []
    by_patient: Dict[str, int] = {}
    for note in notes:
        key = patient_key(note)
        by_patient[key] = by_patient.get(key, 0) + 1
    patients = sorted(by_patient)
    if len(patients) < 2:
        raise ConversionError(
            f"cannot split by patient: all {len(notes)} notes belong to one patient ({patients[0]})"
        )
    random.Random(seed).shuffle(patients)
    target = dev_fraction * len(notes)
    dev_patients = set()
    dev_count = 0
    for patient in patients[:-1]:  # the last one always stays in train
        if dev_count >= target and dev_patients:
            break
        dev_patients.add(patient)
        dev_count += by_patient[patient]
    train = [n for n in notes if patient_key(n) not in dev_patients]
    dev = [n for n in notes if patient_key(n) in dev_patients]
    return train, dev
