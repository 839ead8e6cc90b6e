"""Offset-exact assembly of a SYNTHETIC note: text is appended piece by piece.

Every PHI surface is appended through :meth:`NoteBuilder.phi`, which records
its character offsets at the moment it is written; nothing is ever searched
for afterwards, so the offsets are exact by construction and spans cannot
overlap.  Templates mix literal text with fields::

    b.emit("Seen by {doc} on {date}.", doc=("Dr. ", Phi("DOCTOR", "Smith")),
           date=Phi("DATE", "5/3/67"))

A field value is a plain string, a :class:`Phi`, or a sequence of those.
"""
import bisect
import random
import string
from dataclasses import dataclass
from typing import List, Optional, Sequence, Set, Tuple, Union

from ..corpus.records import Note
from ..spans import CharSpan
from ..labels import TYPE_TO_CATEGORY

_FORMATTER = string.Formatter()


@dataclass(frozen=True)
class Phi:
    """A surrogate PHI surface and its i2b2 TYPE."""

    label: str
    text: str


Piece = Union[str, Phi]
Field = Union[str, Phi, Sequence[Piece]]


class NoteBuilder:
    """Appends text and PHI pieces, recording each PHI span's offsets.

    ``quirk_rate`` is the fraction of spans whose element is written as the
    release's quirk element ``PHI`` instead of the TYPE's category.
    """

    def __init__(self, rng: random.Random, quirk_rate: float = 0.02) -> None:
        self._rng = rng
        self._quirk_rate = quirk_rate
        self._parts: List[str] = []
        self._length = 0
        self._tail = ""  # the last two characters written
        # (start, end, label, surface, category)
        self._spans: List[Tuple[int, int, str, str, str]] = []

    # -- appending -------------------------------------------------------
    def add(self, text: str) -> "NoteBuilder":
        """Append literal (PHI-free) text."""
        if text:
            self._parts.append(text)
            self._length += len(text)
            self._tail = (self._tail + text)[-2:]
        return self

    def phi(self, label: str, text: str) -> "NoteBuilder":
        """Append one PHI surface and record its span."""
        if label not in TYPE_TO_CATEGORY:
            raise ValueError(f"Not an i2b2 2014 TYPE: {label!r}")
        if not text or text != text.strip():
            raise ValueError(f"A {label} surface must be non-empty without outer whitespace")
        start = self._length
        self.add(text)
        category = "PHI" if self._rng.random() < self._quirk_rate else TYPE_TO_CATEGORY[label]
        self._spans.append((start, self._length, label, text, category))
        return self

    def piece(self, value: Field) -> "NoteBuilder":
        """Append a field value: a string, a :class:`Phi` or a sequence of those."""
        if isinstance(value, str):
            return self.add(value)
        if isinstance(value, Phi):
            return self.phi(value.label, value.text)
        for part in value:
            self.piece(part)
        return self

    def emit(self, template: str, **fields: Field) -> "NoteBuilder":
        """Append ``template`` with ``{name}`` fields filled from ``fields``."""
        for literal, name, spec, conversion in _FORMATTER.parse(template):
            self.add(literal)
            if name is not None:
                if spec or conversion:
                    raise ValueError(f"Template fields take no format spec: {{{name}}}")
                self.piece(fields[name])
        return self

    def line(self, template: str = "", **fields: Field) -> "NoteBuilder":
        """:meth:`emit` followed by a line break."""
        return self.emit(template, **fields).add("\n")

    def blank(self) -> "NoteBuilder":
        """Ensure the text ends with an empty line (a paragraph break)."""
        if self._length and not self._tail.endswith("\n"):
            self.add("\n")
        if self._length and self._tail != "\n\n":
            self.add("\n")
        return self

    # -- inspection ------------------------------------------------------
    @property
    def labels(self) -> Set[str]:
        """The TYPEs written so far."""
        return {label for _, _, label, _, _ in self._spans}

    @property
    def text(self) -> str:
        return "".join(self._parts)

    # -- result ----------------------------------------------------------
    def build(
        self,
        note_id: str,
        patient_id: str,
        wrap_width: Optional[int] = None,
        meta: Optional[dict] = None,
        case: Optional[str] = None,
        ocr_rate: float = 0.0,
        line_numbers: Optional[str] = None,
    ) -> Note:
        """The finished :class:`Note`; ``wrap_width`` hard-wraps long lines.

        Wrapping only turns spaces outside PHI spans into line breaks, so the
        text keeps its length and every offset stays valid.  ``case="upper"``
        upper-cases the whole note, PHI included, as legacy systems print it
        (character by character, keeping any character whose upper case is
        longer, such as ``ß``, so that offsets stay valid).  ``ocr_rate``
        swaps each character that OCR confuses (``0 O``, ``1 l I``, ``5 S``,
        ``8 B``) for its look-alike with that probability, PHI included, as a
        scanned page reads (``2O25``, ``Ho1ly``); one character for one, so
        offsets stay valid.  ``line_numbers`` prints a number before every
        line, as a transcript on pleading paper does (``"pleading"``: 1 to 25
        on each page, with a ``Page N`` line) or a numbered listing
        (``"listing"``: ``0001``, ``0002``...); the spans move with their
        lines.
        """
        text = self.text
        surfaces = [surface for _, _, _, surface, _ in self._spans]
        if case == "upper":
            text, surfaces = _upper(text), [_upper(x) for x in surfaces]
        elif case is not None:
            raise ValueError(f"Unknown case {case!r}")
        if wrap_width:
            text = _hard_wrap(text, wrap_width, [(s, e) for s, e, *_ in self._spans])
        starts_ends = [(start, end) for start, end, *_ in self._spans]
        if line_numbers is not None:
            text, starts_ends = _number_lines(text, starts_ends, line_numbers)
        spans = []
        for i, ((start, end), (_, _, label, _, category), surface) in enumerate(zip(starts_ends, self._spans, surfaces)):
            if text[start:end] != surface:  # a broken invariant, never expected
                raise AssertionError(f"{note_id} P{i}: offsets {start}-{end} lost their {label} surface")
            spans.append(CharSpan(start, end, label, tag_id=f"P{i}", category=category))
        if ocr_rate:
            text = "".join(_OCR_LOOKALIKE[ch] if ch in _OCR_LOOKALIKE and self._rng.random() < ocr_rate else ch for ch in text)
        return Note(
            note_id=note_id,
            text=text,
            spans=spans,
            patient_id=patient_id,
            source=f"{note_id}.xml",
            meta=dict(meta or {}),
        )


#: what OCR reads a character as, one for one
_OCR_LOOKALIKE = {"0": "O", "O": "0", "o": "0", "1": "l", "l": "1", "I": "1", "i": "1", "5": "S", "S": "5", "8": "B", "B": "8"}


def _upper(text: str) -> str:
    """Upper case without changing the length."""
    up = text.upper()
    if len(up) == len(text):
        return up
    return "".join(u if len(u) == 1 else ch for ch, u in ((ch, ch.upper()) for ch in text))


#: lines on a page of pleading paper
PLEADING_LINES = 25


def _number_lines(text: str, spans: Sequence[Tuple[int, int]], style: str) -> Tuple[str, List[Tuple[int, int]]]:
    """``text`` with a line number before each line, and ``spans`` moved with their lines.

    A span never holds a line break (wrapping keeps them whole), so each one moves by the
    characters put before its own line.
    """
    out: List[str] = []
    line_shift: List[Tuple[int, int]] = []  # (old start of the line, characters put before it so far)
    added, old = 0, 0
    for i, line in enumerate(text.split("\n")):
        if style == "pleading":
            number = i % PLEADING_LINES + 1
            header = f"{' ' * 40}Page {i // PLEADING_LINES + 1}\n" if number == 1 and i else ""
            prefix = f"{header}{number:>2}    "
        elif style == "listing":
            prefix = f"{i + 1:04d}  "
        else:
            raise ValueError(f"Unknown line numbering {style!r}")
        added += len(prefix)
        line_shift.append((old, added))
        out.append(prefix + line)
        old += len(line) + 1
    line_starts = [start for start, _ in line_shift]

    def moved(start: int, end: int) -> Tuple[int, int]:
        shift = line_shift[bisect.bisect_right(line_starts, start) - 1][1]
        return start + shift, end + shift

    return "\n".join(out), [moved(start, end) for start, end in spans]


def _hard_wrap(text: str, width: int, spans: Sequence[Tuple[int, int]]) -> str:
    """Replace spaces by newlines so lines stay within ``width`` where possible."""
    inside = bytearray(len(text))
    for start, end in spans:
        inside[start:end] = b"\x01" * (end - start)
    chars = list(text)
    line_start = 0
    last_space = -1
    for i, ch in enumerate(chars):
        if ch == "\n":
            line_start, last_space = i + 1, -1
            continue
        if ch == " " and not inside[i]:
            last_space = i
        if i - line_start >= width and last_space > line_start:
            chars[last_space] = "\n"
            line_start = last_space + 1
            last_space = next(
                (j for j in range(i, line_start - 1, -1) if chars[j] == " " and not inside[j]), -1
            )
    return "".join(chars)
