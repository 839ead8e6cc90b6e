"""Format-neutral records that every reader yields and every writer takes.

Readers (i2b2 2014, n2c2 2006, brat, JSONL) turn a source into :class:`Note`
objects with character-offset :class:`~spacy_medner.spans.CharSpan` annotations; the DocBin builder
turns Notes into spaCy Docs.  Keeping the two steps apart is what lets every
format share one alignment path and one conversion report.
"""
from dataclasses import dataclass, field
from typing import Dict, List, Optional

from ..spans import CharSpan


@dataclass
class Note:
    """One clinical note with its annotations.

    ``note_id`` is unique within a corpus (the i2b2 file stem ``PPP-RR``);
    ``patient_id`` groups a patient's notes (``PPP``) for patient-level splits
    and consistent surrogates; ``source`` names the file (and member) for
    error messages.
    """

    note_id: str
    text: str
    spans: List[CharSpan] = field(default_factory=list)
    patient_id: Optional[str] = None
    source: str = ""
    meta: Dict[str, str] = field(default_factory=dict)
