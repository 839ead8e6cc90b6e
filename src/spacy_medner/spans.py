"""One record for a labelled stretch of text: ``text[start:end]`` has ``label``.

Every part of the package passes character spans in this one type: readers
yield them (with the source's ``tag_id``, the i2b2 element name in
``category`` and the annotated ``text`` as the source states it), the DocBin
builder validates them (keeping the source's label in ``source_label`` when a
label scheme maps it), scoring compares them, and de-identification replaces
them (with the model's probability in ``score``).  Equality, hashing and order
use ``(start, end, label)`` only; the other fields say where a span came from.
"""
from dataclasses import dataclass, field
from typing import Optional


@dataclass(frozen=True, order=True)
class CharSpan:
    """``text[start:end]`` labelled ``label``, with optional provenance and probability."""

    start: int
    end: int
    label: str
    #: the annotation's id in its source (i2b2 ``id``, brat ``T3``, JSONL index): what messages name instead of text
    tag_id: str = field(default="", compare=False)
    #: the i2b2 element name (``NAME``, ``DATE``...) when the source has one
    category: Optional[str] = field(default=None, compare=False)
    #: the annotated text as the source states it, used to verify and repair offsets
    text: Optional[str] = field(default=None, compare=False)
    #: the source's label, when a label scheme mapped it to ``label``
    source_label: Optional[str] = field(default=None, compare=False)
    #: the model's probability that this span is exactly right (None: unscored)
    score: Optional[float] = field(default=None, compare=False)
