"""What ``deid`` reads: a folder of ``.txt`` notes, JSONL, or i2b2 2014 XML.

SRC is a file or a folder (searched recursively; hidden files and
``README*``/``LICENSE*``/``CHANGELOG*`` files are skipped).
The format comes from the suffixes (``.txt``, ``.jsonl``, ``.xml``) unless
given; a folder holding several kinds must be given one.

Records (:class:`.stream.NoteRecord`), by format:

- ``.txt``: the file's exact text (UTF-8; a BOM is removed for the model and
  written back by the text writer); note id = the relative path without the
  suffix; patient = each file its own, or ``--patient-from-name REGEX``
  searched in the note id (group ``patient``, else group 1, else the match);
- JSONL: one ``{"id", "text", ("patient_id"), ...}`` object per line, read
  line by line; id defaults to ``STEM:LINE``; blank lines are ignored;
- i2b2 2014 XML: the TEXT, read with the corpus reader (CR line ends and a
  BOM in TEXT are normalised as it does); patient = ``PPP`` of a
  ``PPP-RR.xml`` name.  The gold TAGS are ignored, except by the leak audit
  (``gold=True``: kept in :attr:`InputNote.gold`);
- Parquet and CSV (:mod:`.tables`): one note per row, in the columns that
  :attr:`Source.keys` names (also the fields of JSONL objects);
- JSONL with ``gold=True``: a line's ``spans`` (``[{"start", "end",
  "label"}]``, offsets into ``text``) are its gold annotations.

An input that cannot be used (unreadable, not UTF-8, malformed XML or JSON
line, no text, empty) is reported through ``on_problem`` with one line naming
the file (and line) and skipped; nothing about its content is printed.
"""
import codecs
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Callable, Dict, Iterator, List, Optional, Pattern, Set, Tuple

from ..corpus.errors import ConversionError
from ..corpus.i2b2_2014 import parse_i2b2_2014
from ..corpus.report import ConversionReport
from ..corpus.sources import decode_text
from .stream import NoteRecord
from .tables import TABLE_FORMATS, ColumnKeys, table_records, table_rows

INPUT_FORMATS: Tuple[str, ...] = ("text", "jsonl", "i2b2-2014", "parquet", "csv")
INPUT_SUFFIXES: Dict[str, str] = {"text": ".txt", "jsonl": ".jsonl", "i2b2-2014": ".xml", "parquet": ".parquet", "csv": ".csv"}
_BOM = codecs.BOM_UTF8

ProblemHandler = Callable[[str], None]


class DeidInputError(Exception):
    """A fatal, one-line problem with SRC or OUT (no note text in the message)."""


@dataclass(frozen=True)
class InputNote:
    """Where a record came from, for writing its output.

    ``rel_name``: the file's path relative to SRC (``""`` for JSONL lines);
    ``bom``: the .txt file started with a UTF-8 BOM; ``obj``: the JSONL
    object; ``where``: file (and line) for messages; ``gold``: the gold PHI
    ``(start, end, label)`` when read for the audit (None: not read).
    """

    rel_name: str
    where: str
    bom: bool = False
    obj: Optional[dict] = None
    gold: Optional[List[Tuple[int, int, str]]] = None
    text_key: str = "text"


@dataclass
class Source:
    """A resolved SRC: its format and input files."""

    path: Path
    format: str
    files: List[Path]
    is_dir: bool
    stats: Counter = field(default_factory=Counter)
    #: the fields holding text, id and patient id (JSONL objects, table rows)
    keys: ColumnKeys = field(default_factory=ColumnKeys)
    #: the i2b2 reader's account of the gold tags (refused ones are not audited)
    gold_report: ConversionReport = field(default_factory=lambda: ConversionReport(format="i2b2-2014"))

    def rel_name(self, file: Path) -> str:
        return file.relative_to(self.path).as_posix() if self.is_dir else file.name

    def count_hint(self) -> Optional[int]:
        """Number of notes expected (files, non-blank JSONL lines, Parquet rows): for the progress bar."""
        if self.format == "parquet":
            try:
                return sum(table_rows(file) for file in self.files)
            except (OSError, ValueError):
                return None
        if self.format == "csv":
            return None
        if self.format != "jsonl":
            return len(self.files)
        total = 0
        for file in self.files:
            try:
                with file.open("rb") as handle:
                    total += sum(1 for line in handle if line.strip())
            except OSError:
                continue
        return total

    def input_identities(self) -> Set[object]:
        """Resolved paths and (device, inode) pairs of the input files (to refuse overwriting them)."""
        ids: Set[object] = set()
        for file in self.files:
            ids.add(file.resolve())
            try:
                st = file.stat()
                ids.add((st.st_dev, st.st_ino))
            except OSError:
                pass
        return ids


_DOC_FILE = re.compile(r"^(?:readme|license|licence|changelog)(?:\.[^/]*)?$", re.IGNORECASE)


def _ignored(rel: PurePosixPath) -> bool:
    """Hidden files and folders, and README/LICENSE/CHANGELOG documentation files."""
    return any(part.startswith(".") or part == "__MACOSX" for part in rel.parts) or bool(_DOC_FILE.match(rel.name))


def resolve_source(src: Path, input_format: str = "auto") -> Source:
    """Find SRC's format and files; DeidInputError when there is nothing usable."""
    if input_format != "auto" and input_format not in INPUT_FORMATS:
        raise DeidInputError(f"unknown input format {input_format!r}; expected auto or one of {', '.join(INPUT_FORMATS)}")
    if not src.exists():
        raise DeidInputError(f"{src}: no such file or folder")
    if src.is_file():
        fmt = input_format
        if fmt == "auto":
            by_suffix = {suffix: name for name, suffix in INPUT_SUFFIXES.items()}
            fmt = by_suffix.get(src.suffix.lower(), "")
            if not fmt:
                raise DeidInputError(f"{src}: cannot tell the format from the suffix; give --input-format")
        return Source(src, fmt, [src], is_dir=False)
    found: Dict[str, List[Path]] = {name: [] for name in INPUT_FORMATS}
    for path in sorted(src.rglob("*")):
        if not path.is_file() or _ignored(PurePosixPath(path.relative_to(src).as_posix())):
            continue
        for name, suffix in INPUT_SUFFIXES.items():
            if path.name.lower().endswith(suffix):
                found[name].append(path)
    if input_format != "auto":
        if not found[input_format]:
            raise DeidInputError(f"{src}: no {INPUT_SUFFIXES[input_format]} files in this folder")
        return Source(src, input_format, found[input_format], is_dir=True)
    kinds = [name for name in INPUT_FORMATS if found[name]]
    if not kinds:
        raise DeidInputError(f"{src}: no .txt, .jsonl or .xml files in this folder")
    if len(kinds) > 1:
        counts = ", ".join(f"{len(found[k])} {INPUT_SUFFIXES[k]}" for k in kinds)
        raise DeidInputError(f"{src}: holds several kinds of files ({counts}); choose one with --input-format")
    return Source(src, kinds[0], found[kinds[0]], is_dir=True)


def patient_from_name(note_id: str, pattern: Optional[Pattern[str]]) -> Optional[str]:
    """The patient id ``pattern`` finds in ``note_id``; None: no pattern or no match."""
    if pattern is None:
        return None
    match = pattern.search(note_id)
    if match is None:
        return None
    if "patient" in pattern.groupindex:
        value = match.group("patient")
    elif pattern.groups:
        value = match.group(1)
    else:
        value = match.group(0)
    return value or None


def iter_records(
    source: Source, on_problem: ProblemHandler, patient_pattern: Optional[Pattern[str]] = None, gold: bool = False
) -> Iterator[NoteRecord]:
    """Yield the usable notes of ``source`` in order; report and skip the others.

    gold: also read the gold annotations (i2b2 TAGS, JSONL ``spans``) into
    :attr:`InputNote.gold`; a JSONL line with unusable ``spans`` is skipped.
    """
    for file in source.files:
        rel = source.rel_name(file)
        where = str(file)
        if source.format == "jsonl":
            yield from _jsonl_records(file, where, on_problem, gold, source.keys)
            continue
        if source.format in TABLE_FORMATS:
            yield from table_records(file, source.format, source.keys, where, on_problem)
            continue
        try:
            data = file.read_bytes()
        except OSError as err:
            on_problem(f"{where}: cannot read ({err.strerror or type(err).__name__})")
            continue
        try:
            if source.format == "text":
                record = _text_record(data, rel, where, patient_pattern, source.stats)
            else:
                record = _i2b2_record(data, rel, where, source.gold_report if gold else None)
        except ConversionError as err:
            on_problem(str(err))
            continue
        except Exception as err:  # noqa: BLE001 - any parser failure skips this file, named
            on_problem(f"{where}: cannot read ({type(err).__name__})")
            continue
        yield record


def _text_record(
    data: bytes, rel: str, where: str, pattern: Optional[Pattern[str]], stats: Counter
) -> NoteRecord:
    bom = data.startswith(_BOM)
    body = data[len(_BOM):] if bom else data
    if not body:
        raise ConversionError(f"{where}: empty file")
    text = decode_text(body, where, strip_bom=False)
    note_id = rel[: -len(".txt")] if rel.lower().endswith(".txt") else rel
    patient = patient_from_name(note_id, pattern)
    if pattern is not None and patient is None:
        stats["patient_pattern_unmatched"] += 1
    return NoteRecord(note_id, text, patient, InputNote(rel, where, bom=bom))


def _i2b2_record(data: bytes, rel: str, where: str, gold_report: Optional[ConversionReport] = None) -> NoteRecord:
    note = parse_i2b2_2014(data, where, gold_report if gold_report is not None else ConversionReport(format="i2b2-2014"))
    if not note.text.strip():
        raise ConversionError(f"{where}: empty <TEXT>")
    gold = [(s.start, s.end, s.label) for s in note.spans] if gold_report is not None else None
    return NoteRecord(note.note_id, note.text, note.patient_id, InputNote(rel, where, gold=gold))


def _jsonl_gold(obj: dict, text: str) -> Tuple[Optional[List[Tuple[int, int, str]]], str]:
    """(gold spans, "") from a JSONL object's ``spans``, or (None, why) when unusable."""
    spans = obj.get("spans", [])
    if not isinstance(spans, list):
        return None, "'spans' is not a list"
    gold = []
    for i, span in enumerate(spans):
        if not isinstance(span, dict):
            return None, f"spans[{i}] is not an object"
        start, end, label = span.get("start"), span.get("end"), span.get("label")
        if not (isinstance(start, int) and isinstance(end, int) and isinstance(label, str) and label):
            return None, f"spans[{i}] needs integer 'start', 'end' and a string 'label'"
        if not 0 <= start < end <= len(text):
            return None, f"spans[{i}] ({start}-{end}) is outside the text (length {len(text)})"
        gold.append((start, end, label))
    return gold, ""


def _jsonl_records(
    file: Path, where: str, on_problem: ProblemHandler, want_gold: bool = False, keys: ColumnKeys = ColumnKeys()
) -> Iterator[NoteRecord]:
    stem = file.stem
    seen_any = False
    try:
        handle = file.open("rb")
    except OSError as err:
        on_problem(f"{where}: cannot read ({err.strerror or type(err).__name__})")
        return
    with handle:
        for lineno, raw in enumerate(handle, start=1):
            if lineno == 1 and raw.startswith(_BOM):
                raw = raw[len(_BOM):]
            if not raw.strip():
                continue
            seen_any = True
            line_where = f"{where}: line {lineno}"
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as err:
                on_problem(f"{line_where}: not valid UTF-8 (byte 0x{raw[err.start]:02x} at column {err.start + 1})")
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as err:
                on_problem(f"{line_where}: invalid JSON ({err.msg} at column {err.colno})")
                continue
            if not isinstance(obj, dict) or not isinstance(obj.get(keys.text), str):
                on_problem(f"{line_where}: expected an object with a string '{keys.text}'")
                continue
            text = obj[keys.text]
            if not text:
                on_problem(f"{line_where}: empty '{keys.text}'")
                continue
            note_id = str(obj[keys.id]) if obj.get(keys.id) is not None else f"{stem}:{lineno}"
            patient = str(obj[keys.patient]) if obj.get(keys.patient) is not None else None
            gold = None
            if want_gold:
                gold, why = _jsonl_gold(obj, text)
                if gold is None:
                    on_problem(f"{line_where}: gold annotations unusable ({why})")
                    continue
            yield NoteRecord(note_id, text, patient, InputNote("", line_where, obj=obj, gold=gold, text_key=keys.text))
    if not seen_any:
        on_problem(f"{where}: empty file (no JSON lines)")
