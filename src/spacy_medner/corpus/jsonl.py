"""JSON Lines (reader): one note per line::

    {"text": "...", "spans": [{"start": 0, "end": 4, "label": "DOCTOR"}],
     "id": "note-1", "patient_id": "p1", "meta": {...}}

``id`` defaults to ``STEM:LINE``; ``patient_id`` to None (the note is its
own patient).  A span may carry ``text`` (verified like i2b2's attribute)
and ``id`` (named in messages, default its index).  Labels are passed on
unchanged (see :mod:`.brat`).  The text is explicit JSON content, so it is
kept exactly (no BOM or newline handling); a BOM before the first line is
stripped (counted).  Blank lines are skipped; invalid JSON and a line
without a string ``text`` are fatal (file and line named); a malformed span
is refused (counted).
"""
import json
from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, List, Optional, Union

from .errors import ConversionError
from .records import Note, Span
from .report import ConversionReport
from .sources import decode_text, file_stem, iter_source_files


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _read_spans(raw_spans: Any, where: str, report: ConversionReport) -> List[Span]:
    if raw_spans is None:
        return []
    if not isinstance(raw_spans, list):
        raise ConversionError(f"{where}: 'spans' must be a list")
    spans = []
    for k, sp in enumerate(raw_spans):
        if not isinstance(sp, dict):
            report.refuse("<malformed span>", where, str(k), "span is not an object")
            continue
        tag_id = str(sp.get("id", k))
        label = sp.get("label")
        if not isinstance(label, str) or not label.strip():
            report.refuse("<no label>", where, tag_id, "span has no string 'label'")
            continue
        start, end = sp.get("start"), sp.get("end")
        if not (_is_int(start) and _is_int(end)):
            report.refuse(label, where, tag_id, "span 'start'/'end' missing or not integers")
            continue
        stated = sp.get("text") if isinstance(sp.get("text"), str) else None
        spans.append(Span(start, end, label, tag_id, None, stated))
    return spans


def _meta(value: Any) -> Dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {str(k): v if isinstance(v, str) else json.dumps(v) for k, v in value.items()}


def parse_jsonl(data: bytes, source: str, report: Optional[ConversionReport] = None) -> Iterator[Note]:
    """Yield the Notes of one JSONL file (its bytes)."""
    report = report if report is not None else ConversionReport(format="jsonl")
    stem = file_stem(source)
    for lineno, line in enumerate(decode_text(data, source, report).split("\n"), start=1):
        if not line.strip():
            continue
        where = f"{source}: line {lineno}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as err:
            raise ConversionError(f"{where}: invalid JSON ({err.msg} at column {err.colno})") from None
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
            raise ConversionError(f"{where}: expected an object with a string 'text'")
        note_id = str(obj["id"]) if obj.get("id") is not None else f"{stem}:{lineno}"
        patient_id = str(obj["patient_id"]) if obj.get("patient_id") is not None else None
        yield Note(
            note_id=note_id,
            text=obj["text"],
            spans=_read_spans(obj.get("spans"), where, report),
            patient_id=patient_id,
            source=where,
            meta=_meta(obj.get("meta")),
        )


def read_jsonl(
    sources: Iterable[Union[str, Path]], report: Optional[ConversionReport] = None
) -> Iterator[Note]:
    """Yield the Notes of the ``*.jsonl`` files in ``sources``."""
    report = report if report is not None else ConversionReport(format="jsonl")
    for f in iter_source_files(sources, (".jsonl",)):
        yield from parse_jsonl(f.data, f.name, report)
