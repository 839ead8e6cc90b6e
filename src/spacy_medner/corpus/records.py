"""Format-neutral records that every reader yields and every writer takes.

Readers (i2b2 2014, n2c2 2006, brat, JSONL) turn a source into :class:`Note`
objects with character-offset :class:`Span` annotations; the DocBin builder
turns Notes into spaCy Docs.  Keeping the two steps apart is what lets every
format share one alignment path and one conversion report.
"""
from dataclasses import dataclass, field
from typing import Dict, List, Optional


@dataclass(frozen=True)
class Span:
    """A character-offset annotation: ``text[start:end]`` has label ``label``.

    ``tag_id`` is the annotation's id in its source (i2b2 ``id``, brat ``T3``,
    JSONL index) and is what error messages name instead of the text.
    ``category`` is the i2b2 element name when the source has one.
    ``text`` is the annotated text as the source states it (i2b2 ``text``
    attribute, brat third column), used to verify and repair the offsets;
    None when the source does not state it.
    """

    start: int
    end: int
    label: str
    tag_id: str = ""
    category: Optional[str] = None
    text: Optional[str] = None


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
    spans: List[Span] = field(default_factory=list)
    patient_id: Optional[str] = None
    source: str = ""
    meta: Dict[str, str] = field(default_factory=dict)
