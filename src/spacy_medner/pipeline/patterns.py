"""The pattern stage: PHI with a shape (email, URL, IP, SSN, phone, ZIP, dates, ages,
a letter's dictation-reference initials).

Patterns are data, not code: JSON lines shipped in ``spacy_medner/data/phi_patterns.jsonl``
(and saved with every ``medner`` component, in its ``cfg``), one object per line::

    {"id": "email", "label": "EMAIL", "pattern": "...regex...", "flags": "i"}
    {"id": "age-table-column", "label": "AGE", "column": "age", "pattern": "(?P<phi>\\d{1,3})", "flags": "i"}

A pattern with a ``column`` regex is a *column rule*: in a table (consecutive lines with at
least two ``|`` or two tabs), below a header cell that ``column`` matches in full, each cell of
that column that ``pattern`` matches in full is marked (a bare ``18`` under ``Age``).

``label`` is an i2b2 2014 TYPE, or ``"O"`` (:data:`NOT_PHI`) for text with a shape that is
never PHI (``BP 120/80``, a visual acuity ``20/40``): its tokens are then held outside every
entity. A pattern with a named group ``phi`` marks only that group; the rest of the match is
context (``fax: (?P<phi>...)``). Matches run over ``doc.text``, with other scripts' digits
read as ASCII (:func:`ascii_digits`) and letters that OCR reads for digits put back
(:func:`ocr_digits`). Overlapping matches are resolved longest first, then by order in the
file, so a more specific pattern listed earlier wins a tie. A PHI match covers every token it
touches; a ``NOT_PHI`` match only the tokens wholly inside it.

The ``medner`` pipe turns each match into decoding constraints (the matched tokens may
only take the rule's BILUO tags, or only ``O`` for a :data:`NOT_PHI` match), so the CRF
decodes the neighbours consistently and its entity probabilities stay exact conditional
probabilities.
"""
import re
import unicodedata
from dataclasses import dataclass
from importlib import resources
from typing import Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

import srsly
from spacy.tokens import Doc

from ..labels import TYPE_TO_CATEGORY

#: the label of a pattern whose matches are never PHI: their tokens may only take the ``O`` tag
NOT_PHI = "O"
_FLAGS = {"i": re.IGNORECASE, "m": re.MULTILINE, "x": re.VERBOSE}
#: a run of digits and date/phone punctuation holding letters that OCR reads for digits (``lO/2l/2O25``)
_OCR_RUN = re.compile(r"(?<![A-Za-z0-9])[0-9OoIl/.:\-]*[OoIl][0-9OoIl/.:\-]*(?![A-Za-z0-9])")
_OCR_DIGITS = str.maketrans("OoIl", "0011")
#: a Unicode decimal digit (category Nd) that is not ASCII: ``٢``, ``۲``, ``२``, ``２``
_OTHER_DIGIT = re.compile(r"(?![0-9])\d")
#: a column rule, compiled: file order, id, header regex, cell regex, pipe label
_ColumnRule = Tuple[int, str, "re.Pattern[str]", "re.Pattern[str]", str]
#: a match before overlaps are resolved: start and end characters, file order, id, pipe label
_Found = Tuple[int, int, int, str, str]
#: a table's ruler cell (``---``, ``:--:``, ``===``) or an empty cell
_RULER = re.compile(r"[\s:=+-]*")


@dataclass(frozen=True)
class RuleMatch:
    """A pattern match on a Doc: tokens ``[start, end)``, the pipe label and the pattern id."""

    start: int
    end: int
    label: str
    rule_id: str


def default_patterns() -> List[Dict[str, str]]:
    """The patterns shipped with the package."""
    text = resources.files("spacy_medner").joinpath("data/phi_patterns.jsonl").read_text(encoding="utf8")
    return [srsly.json_loads(line) for line in text.splitlines() if line.strip()]


def validate_patterns(patterns: Iterable[Dict[str, str]]) -> List[Dict[str, str]]:
    """Check each pattern's keys and regex; raise ``ValueError`` naming the bad one."""
    checked = []
    for i, pat in enumerate(patterns):
        for key in ("id", "label", "pattern"):
            if not isinstance(pat.get(key), str) or not pat[key]:
                raise ValueError(f"PHI pattern #{i}: missing or empty '{key}'")
        if pat["label"] not in TYPE_TO_CATEGORY and pat["label"] != NOT_PHI:
            raise ValueError(f"PHI pattern {pat['id']!r}: label {pat['label']!r} is not an i2b2 TYPE or {NOT_PHI!r}")
        if "column" in pat and (not isinstance(pat["column"], str) or not pat["column"]):
            raise ValueError(f"PHI pattern {pat['id']!r}: 'column' must be a non-empty regex")
        try:
            for key in ("pattern", "column"):
                if key in pat:
                    re.compile(pat[key], _flags(pat.get("flags", "")))
        except re.error as err:
            raise ValueError(f"PHI pattern {pat['id']!r}: invalid regex ({err})") from None
        checked.append(dict(pat))
    return checked


def _flags(spec: str) -> int:
    value = 0
    for ch in spec:
        value |= _FLAGS[ch]
    return value


class PatternMatcher:
    """Compiled PHI patterns, restricted to the labels a pipe predicts.

    A pattern's TYPE maps to the pipe label that is the TYPE itself, else its i2b2
    category (``EMAIL`` -> ``CONTACT``); patterns whose label the pipe lacks are inactive.
    :data:`NOT_PHI` patterns are active whenever another pattern is (a corpus without PHI
    labels, such as BC5CDR, has none).
    """

    def __init__(self, patterns: Sequence[Dict[str, str]], labels: Sequence[str]) -> None:
        label_set = set(labels)
        self.patterns = validate_patterns(patterns)
        self.active: List[Tuple[int, str, "re.Pattern[str]", str]] = []
        self.columns: List[_ColumnRule] = []
        for order, pat in enumerate(self.patterns):
            label = _pipe_label(pat["label"], label_set)
            if label is None:
                continue
            flags = _flags(pat.get("flags", ""))
            if "column" in pat:
                header = re.compile(pat["column"], flags)
                self.columns.append((order, pat["id"], header, re.compile(pat["pattern"], flags), label))
            else:
                self.active.append((order, pat["id"], re.compile(pat["pattern"], flags), label))
        if all(label == NOT_PHI for *_, label in self.active + self.columns):
            self.active, self.columns = [], []  # no PHI label here (e.g. a BC5CDR pipe), so nothing is held out either

    def __call__(self, doc: Doc) -> List[RuleMatch]:
        """Non-overlapping matches on ``doc``, in text order."""
        text = ocr_digits(ascii_digits(doc.text))
        found: List[_Found] = []
        for order, rule_id, regex, label in self.active:
            for m in regex.finditer(text):
                start, end = m.span("phi") if "phi" in regex.groupindex else m.span()
                if start < 0 or end <= start:
                    continue
                found.append((start, end, order, rule_id, label))
        if self.columns:
            found.extend(_column_matches(text, self.columns))
        # longest first, then file order
        found.sort(key=lambda f: (-(f[1] - f[0]), f[2], f[0]))
        taken = [False] * len(doc)
        matches: List[RuleMatch] = []
        for start, end, _, rule_id, label in found:
            # PHI covers every token it touches (a constraint ending inside a token would cut the
            # entity short there); a hold-out never widens onto a word
            span = doc.char_span(start, end, alignment_mode="contract" if label == NOT_PHI else "expand")
            if span is None or len(span) == 0 or any(taken[span.start : span.end]):
                continue
            if doc[span.start].is_space or doc[span.end - 1].is_space:
                continue
            for i in range(span.start, span.end):
                taken[i] = True
            matches.append(RuleMatch(span.start, span.end, label, rule_id))
        matches.sort(key=lambda m: m.start)
        return matches


def _column_matches(text: str, rules: Sequence[_ColumnRule]) -> List[_Found]:
    """Matches of column rules: cells under a matching header cell, in each table of ``text``."""
    found: List[_Found] = []
    for header, rows in _tables(text):
        for index, (h_start, h_end) in enumerate(header):
            for order, rule_id, column, cell, label in rules:
                if not column.fullmatch(text, h_start, h_end):
                    continue
                for row in rows:
                    if index >= len(row):
                        continue
                    m = cell.fullmatch(text, *row[index])
                    if m is None:
                        continue
                    start, end = m.span("phi") if "phi" in cell.groupindex else m.span()
                    if end > start:
                        found.append((start, end, order, rule_id, label))
    return found


def _tables(text: str) -> Iterator[Tuple[List[Tuple[int, int]], List[List[Tuple[int, int]]]]]:
    """Each table in ``text``: its header's cells and its rows' cells, as stripped character spans.

    A table is a run of consecutive lines that each hold at least two of the same delimiter
    (``|`` or a tab); its first line is the header. Ruler lines (``|---|:--|``) are skipped.
    """
    lines: List[Tuple[int, int]] = []
    offset = 0
    for line in text.split("\n"):
        lines.append((offset, offset + len(line)))
        offset += len(line) + 1
    for delimiter in ("|", "\t"):
        block: List[List[Tuple[int, int]]] = []
        for start, end in lines + [(len(text), len(text))]:
            if text.count(delimiter, start, end) >= 2:
                cells = _cells(text, start, end, delimiter)
                if not all(_RULER.fullmatch(text, s, e) for s, e in cells):
                    block.append(cells)
                continue
            if len(block) >= 2:
                yield block[0], block[1:]
            block = []


def _cells(text: str, start: int, end: int, delimiter: str) -> List[Tuple[int, int]]:
    cuts = [start - 1] + [i for i in range(start, end) if text[i] == delimiter] + [end]
    cells = []
    for before, piece_end in zip(cuts, cuts[1:]):
        piece_start = before + 1
        while piece_start < piece_end and text[piece_start].isspace():
            piece_start += 1
        while piece_end > piece_start and text[piece_end - 1].isspace():
            piece_end -= 1
        cells.append((piece_start, piece_end))
    return cells


def ascii_digits(text: str) -> str:
    """``text`` with the decimal digits of other scripts read as ASCII digits (``٢٠٢٦`` -> ``2026``).

    Arabic-Indic, Persian, Devanagari, fullwidth and every other Unicode decimal digit become
    ``0``-``9``, one character for one, so match offsets are offsets into ``text``.
    """
    return _OTHER_DIGIT.sub(lambda m: str(unicodedata.decimal(m.group())), text)


def ocr_digits(text: str) -> str:
    """``text`` with O, o, I and l read as 0 and 1 inside runs of digits that OCR garbled.

    A run is a stand-alone stretch of digits and ``/ . : -`` holding at least two real digits
    (``lO/2l/2O25`` -> ``10/21/2025``, ``6O8555Ol74`` -> ``6085550174``); words are left alone
    (``10lbs``, ``COVID-19``, ``O2``). The result has the same length, so match offsets are
    offsets into ``text``.
    """
    return _OCR_RUN.sub(lambda m: m.group(0).translate(_OCR_DIGITS) if sum(c.isdigit() for c in m.group(0)) >= 2 else m.group(0), text)


def _pipe_label(type_: str, labels: "set[str]") -> Optional[str]:
    if type_ == NOT_PHI or type_ in labels:
        return type_
    category = TYPE_TO_CATEGORY.get(type_)
    if category in labels:
        return category
    return None
