"""JSON Lines (reader): one note per line::

    {"text": "...", "spans": [{"start": 0, "end": 4, "label": "DOCTOR"}],
     "id": "note-1", "patient_id": "p1", "meta": {...}}

``id`` defaults to ``STEM:LINE``; ``patient_id`` to None (the note is its
own patient).  A span may carry ``text`` (verified like i2b2's attribute)
and ``id`` (named in messages when it looks like an id, else its index).
Labels are passed on unchanged (see :mod:`.brat`).  The text is explicit
JSON content, so it is kept exactly (no BOM or newline handling); a BOM
before the first line is stripped (counted).  Blank lines are skipped.

Bad records are reported and skipped, never fatal to the run (fatal only
under ``--strict``): a line that is not valid UTF-8, not valid JSON, not an
object with a string ``text``, or whose ``spans`` is not a list, is skipped
with a line naming the file and line number (never the text).  A malformed
span is refused (counted).

Lone surrogates: JSON can spell a UTF-16 surrogate on its own
(``"\\ud800"``), which is not a character and cannot be written as UTF-8
(spaCy's DocBin, the report).  Each one is replaced by U+FFFD, one
character for one, so every offset stays valid and the rest of the note is
kept; counted as the repair ``lone_surrogate_replaced`` with a line naming
file and line.
"""
import codecs
import json
import re
from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, List, Optional, Tuple, Union

from ..spans import CharSpan
from .records import Note
from .report import ConversionReport
from .sources import file_stem, iter_source_files

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class _BadRecord(Exception):
    """This line is skipped; the message is the reason (no text)."""


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class _Surrogates:
    """Replaces lone surrogates by U+FFFD in the strings of one record, counting."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, value: Any) -> Any:
        if isinstance(value, str):
            fixed, n = _LONE_SURROGATE.subn("\ufffd", value)
            self.count += n
            return fixed
        return value


def _read_spans(raw_spans: Any, where: str, report: ConversionReport, fix: _Surrogates) -> List[CharSpan]:
    if raw_spans is None:
        return []
    if not isinstance(raw_spans, list):
        raise _BadRecord("'spans' must be a list")
    spans = []
    for k, sp in enumerate(raw_spans):
        if not isinstance(sp, dict):
            report.refuse("<malformed span>", where, str(k), "span is not an object")
            continue
        tag_id = report.shown_id(str(fix(sp.get("id", k))), str(k))
        label = fix(sp.get("label"))
        if not isinstance(label, str) or not label.strip():
            report.refuse("<no label>", where, tag_id, "span has no string 'label'")
            continue
        start, end = sp.get("start"), sp.get("end")
        if not (_is_int(start) and _is_int(end)):
            report.refuse(report.shown_label(label, generic=True), where, tag_id, "span 'start'/'end' missing or not integers")
            continue
        stated = fix(sp.get("text")) if isinstance(sp.get("text"), str) else None
        spans.append(CharSpan(start, end, label, tag_id, None, stated))
    return spans


def _meta(value: Any, fix: _Surrogates) -> Dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {fix(str(k)): fix(v) if isinstance(v, str) else json.dumps(v) for k, v in value.items()}


def _lines(data: bytes, source: str, report: ConversionReport) -> Iterator[Tuple[int, bytes]]:
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
        report.repair("bom_stripped", source)
    for lineno, line in enumerate(data.split(b"\n"), start=1):
        yield lineno, line


def _record(line: bytes, stem: str, lineno: int, where: str, report: ConversionReport) -> Optional[Note]:
    try:
        decoded = line.decode("utf-8")
    except UnicodeDecodeError as err:
        raise _BadRecord(f"not valid UTF-8 (byte 0x{line[err.start]:02x} at column {err.start + 1})") from None
    if not decoded.strip():
        return None
    try:
        obj = json.loads(decoded)
    except json.JSONDecodeError as err:
        raise _BadRecord(f"invalid JSON ({err.msg} at column {err.colno})") from None
    except RecursionError:
        raise _BadRecord("invalid JSON (nested too deeply)") from None
    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
        raise _BadRecord("expected an object with a string 'text'")
    fix = _Surrogates()
    text = fix(obj["text"])
    note_id = fix(str(obj["id"])) if obj.get("id") is not None else f"{stem}:{lineno}"
    patient_id = fix(str(obj["patient_id"])) if obj.get("patient_id") is not None else None
    spans = _read_spans(obj.get("spans"), where, report, fix)
    meta = _meta(obj.get("meta"), fix)
    if fix.count:
        report.repair(
            "lone_surrogate_replaced", where,
            detail=f"{fix.count} lone surrogate(s) replaced by U+FFFD (offsets unchanged)",
        )
    return Note(note_id=note_id, text=text, spans=spans, patient_id=patient_id, source=where, meta=meta)


def parse_jsonl(data: bytes, source: str, report: Optional[ConversionReport] = None) -> Iterator[Note]:
    """Yield the Notes of one JSONL file (its bytes); bad lines are skipped
    with a report line (fatal under ``strict``)."""
    report = report if report is not None else ConversionReport(format="jsonl")
    stem = file_stem(source)
    for lineno, line in _lines(data, source, report):
        where = f"{source}: line {lineno}"
        try:
            note = _record(line, stem, lineno, where, report)
        except _BadRecord as err:
            report.skip_note(where, "", str(err))
            continue
        if note is not None:
            yield note


def read_jsonl(
    sources: Iterable[Union[str, Path]], report: Optional[ConversionReport] = None
) -> Iterator[Note]:
    """Yield the Notes of the ``*.jsonl`` files in ``sources``."""
    report = report if report is not None else ConversionReport(format="jsonl")
    for f in iter_source_files(sources, (".jsonl",), report):
        yield from parse_jsonl(f.data, f.name, report)
