"""What ``deid`` writes, and the rules that keep it from touching its input.

Formats of ``deid`` (``auto`` mirrors the input: .txt -> ``text``, JSONL ->
``jsonl``, i2b2 XML -> ``i2b2-2014-deid``):

- ``text``: a folder of ``.txt`` files with the input's relative names (JSONL
  notes: ``ID.txt``, unsafe characters made ``_``); the de-identified text,
  UTF-8, with the input's BOM if it had one.  Every byte outside the
  replaced entities is the input's (CRLF, trailing whitespace), so a note
  without predicted entities is byte-identical to its input;
- ``jsonl``: ONE file; each input object (or ``{"id", "patient_id"}``) with
  ``text`` replaced and ``spans`` set to the replacements at their output
  offsets (``start``, ``end``, ``label``): the output is itself a corpus;
- ``parquet`` (Parquet or CSV input): ONE file with the input's columns
  without the text column, plus ``text_deid``, ``phi`` and ``error`` (the
  columns of ``spacy_medner.spark.deidentify_df``; see :mod:`.tables`);
- ``i2b2-2014-deid``: a folder of i2b2 2014 XML files holding the
  DE-IDENTIFIED text and the replacements as TAGS at their output offsets
  (TYPE = label, element = its category, ids P0, P1, ...: a surrogate corpus).

``i2b2-2014`` -- the ORIGINAL text with the PREDICTED entities as TAGS, for
scoring with the official script or ``evaluate`` -- contains PHI and is
written only by the ``predict`` command (``deid --format i2b2-2014`` is an
error that says so).

Safety (:mod:`spacy_medner.safe_io`): OUT may not be SRC, may not lie inside a
SRC folder or contain an input, and no output file may be an input file
(checked by path and by inode before anything is written, and again for
every file, through symlinks, just before it is written: a file whose real
path is an input, lies inside an input folder, or leads out of OUT through
a symlinked folder is refused and counted); an existing OUT is only written
into with ``overwrite``.  Every file is written to an unpredictable temp
name made with ``mkstemp`` (``O_EXCL``, never following a symlink) beside it
and renamed onto its name, so no half-written output is left under an output
name; the JSONL output stays one temp file for the whole run and gets its
name only at the end.
"""
import contextlib
import json
import os
import re
from pathlib import Path
from typing import Dict, List, Optional, Set, Tuple

from ..corpus.i2b2_2014 import note_to_i2b2_2014_xml
from ..corpus.records import Note
from ..spans import CharSpan
from ..labels import CATEGORIES, TYPE_TO_CATEGORY
from ..safe_io import InputGuard, UnsafeOutputError, atomic_output, atomic_write_bytes, is_inside
from .inputs import DeidInputError, InputNote, Source
from .replace import Replacement
from .stream import DeidOutput
from .tables import TABLE_FORMATS, ParquetSink, input_schema

OUTPUT_FORMATS: Tuple[str, ...] = ("text", "jsonl", "i2b2-2014-deid", "parquet")
#: original text + predicted tags: PHI, for scoring; the ``predict`` command only
PREDICTION_FORMAT = "i2b2-2014"
AUTO_OUTPUT: Dict[str, str] = {
    "text": "text", "jsonl": "jsonl", "i2b2-2014": "i2b2-2014-deid", "parquet": "parquet", "csv": "parquet",
}
#: output formats that are one file (written under a temp name, renamed at the end of a complete run)
SINGLE_FILE_FORMATS: Tuple[str, ...] = ("jsonl", "parquet")
_SUFFIX = {"text": ".txt", "i2b2-2014": ".xml", "i2b2-2014-deid": ".xml"}
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
# characters XML 1.0 cannot hold (a CR is written as a character reference)
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


class OutputProblem(Exception):
    """This note's output cannot be written (the run goes on)."""


def output_format_for(source: Source, requested: str) -> str:
    """The de-identified output format for ``requested`` (``auto`` mirrors the input)."""
    if requested == "auto":
        return AUTO_OUTPUT[source.format]
    if requested == PREDICTION_FORMAT:
        raise DeidInputError(
            "--format i2b2-2014 would write the ORIGINAL text (PHI) with the predicted tags, not a de-identified "
            "note. To score predictions, use: spacy-medner predict MODEL SRC OUT (its output contains PHI). "
            "For de-identified i2b2 XML use --format i2b2-2014-deid"
        )
    if requested not in OUTPUT_FORMATS:
        raise DeidInputError(f"unknown output format {requested!r}; expected auto or one of {', '.join(OUTPUT_FORMATS)}")
    if requested == "parquet" and source.format not in TABLE_FORMATS:
        raise DeidInputError("--format parquet needs a Parquet or CSV input (its columns are passed through)")
    return requested


def element_for(label: str) -> str:
    """The i2b2 element of a predicted label (its category; ``PHI`` if unknown)."""
    if label in TYPE_TO_CATEGORY:
        return TYPE_TO_CATEGORY[label]
    return label if label in CATEGORIES else "PHI"


def safe_file_stem(note_id: str) -> str:
    stem = _UNSAFE_NAME.sub("_", note_id).strip("._")
    return stem or "note"


def input_guard(source: Source) -> InputGuard:
    """The guard that refuses writing over SRC or any input file (through symlinks too)."""
    return InputGuard([source.path, *source.files])


def check_output(source: Source, out: Path, fmt: str, overwrite: bool, guard: Optional[InputGuard] = None) -> InputGuard:
    """Refuse an OUT that is or would overwrite the input, or exists without ``overwrite``.

    Returns the :class:`InputGuard` the writer checks every file with.
    """
    guard = guard if guard is not None else input_guard(source)
    src_res, out_res = source.path.resolve(), out.resolve()
    if out_res == src_res:
        raise DeidInputError(f"{out}: OUT is SRC; refusing to overwrite the input")
    if source.is_dir and is_inside(out_res, src_res):
        raise DeidInputError(f"{out}: OUT is inside SRC {source.path}; choose a folder outside it")
    inputs = source.input_identities()
    if fmt in SINGLE_FILE_FORMATS:
        if out.exists() and out.is_dir():
            raise DeidInputError(f"{out}: is a folder; --format {fmt} writes one file (e.g. {out / ('deid.' + fmt)})")
        if _is_input(out, inputs):
            raise DeidInputError(f"{out}: OUT is an input file; refusing to overwrite it")
        if out.exists() and not overwrite:
            raise DeidInputError(f"{out}: already exists; use --overwrite or another path")
        _guard_check(guard, out, folder=False)
        return guard
    if out.exists() and not out.is_dir():
        raise DeidInputError(f"{out}: exists and is not a folder; --format {fmt} writes a folder")
    if source.format not in ("jsonl", *TABLE_FORMATS):
        for file in source.files:
            target = out / _relative_target(source.rel_name(file), fmt)
            if _is_input(target, inputs):
                raise DeidInputError(f"{target}: this output would overwrite the input {file}; choose another OUT")
    if out.is_dir() and any(out.iterdir()) and not overwrite:
        raise DeidInputError(f"{out}: is not empty; use --overwrite or another folder")
    _guard_check(guard, out, folder=True)
    return guard


def _guard_check(guard: InputGuard, path: Path, folder: bool) -> None:
    try:
        if folder:
            guard.check_folder(path)
        else:
            guard.check(path)
    except UnsafeOutputError as err:
        raise DeidInputError(str(err)) from None


def _is_input(path: Path, inputs: Set[object]) -> bool:
    if path.resolve() in inputs:
        return True
    try:
        st = path.stat()
    except OSError:
        return False
    return (st.st_dev, st.st_ino) in inputs


def _relative_target(rel_name: str, fmt: str) -> str:
    """``rel_name`` (POSIX, relative) with its last suffix replaced by the format's."""
    slash = rel_name.rfind("/")
    dot = rel_name.rfind(".")
    base = rel_name[:dot] if dot > slash + 1 else rel_name
    return base + _SUFFIX[fmt]


def _spans(replacements: List[Replacement], new_offsets: bool) -> List[CharSpan]:
    return [
        CharSpan(
            r.new_start if new_offsets else r.start,
            r.new_end if new_offsets else r.end,
            r.label,
            category=element_for(r.label),
        )
        for r in replacements
    ]


class _Abandon(Exception):
    """Thrown into the JSONL temp file's context to discard it."""


class OutputWriter:
    """Writes each :class:`DeidOutput` in format ``fmt`` under ``out``.

    ``guard`` (from :func:`check_output`) is asked about every file before it
    is written.  Use it as a context manager, or call :meth:`close`.
    """

    def __init__(self, source: Source, out: Path, fmt: str, guard: Optional[InputGuard] = None) -> None:
        self.source = source
        self.out = out
        self.fmt = fmt
        self.guard = guard if guard is not None else input_guard(source)
        self._inputs = source.input_identities()
        self._names: Set[str] = set()
        self._stack: Optional[contextlib.ExitStack] = None
        self._jsonl = None
        self._parquet: Optional[ParquetSink] = None
        self.written = 0
        if fmt == "jsonl":
            self._stack = contextlib.ExitStack()
            self._jsonl = self._stack.enter_context(atomic_output(out, "w"))
        elif fmt == "parquet":
            self._stack = contextlib.ExitStack()
            handle = self._stack.enter_context(atomic_output(out, "wb"))
            self._parquet = ParquetSink(handle, input_schema(source.files[0], source.format), source.keys.text)
        else:
            out.mkdir(parents=True, exist_ok=True)
        self._out_real = Path(os.path.realpath(out)) if fmt not in SINGLE_FILE_FORMATS else None

    def __enter__(self) -> "OutputWriter":
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        self.close(complete=exc_type is None)

    def target(self, output: DeidOutput) -> Path:
        """The output file of a note (folder formats); :class:`OutputProblem` if it may not be written."""
        ctx: InputNote = output.record.context
        if ctx.rel_name:
            name = _relative_target(ctx.rel_name, self.fmt)
        else:
            name = safe_file_stem(output.record.note_id) + _SUFFIX[self.fmt]
        if name in self._names:
            raise OutputProblem(f"{ctx.where}: its output name is already used by an earlier note (note ids clash)")
        target = self.out / name
        if _is_input(target, self._inputs):
            raise OutputProblem(f"{target}: would overwrite an input file; not written")
        try:
            self.guard.check(target, "output")
        except UnsafeOutputError as err:
            raise OutputProblem(f"{err}; not written") from None
        assert self._out_real is not None
        if not is_inside(Path(os.path.realpath(target.parent)), self._out_real):
            raise OutputProblem(f"{target}: a folder on its path is a symlink leading out of {self.out}; not written")
        self._names.add(name)
        return target

    def write(self, output: DeidOutput) -> None:
        if self.fmt == "jsonl":
            self._write_jsonl(output)
        elif self._parquet is not None:
            self._parquet.add(output)
        else:
            target = self.target(output)
            atomic_write_bytes(target, self._file_bytes(output, target))
        self.written += 1

    def _file_bytes(self, output: DeidOutput, target: Path) -> bytes:
        record, result = output.record, output.result
        ctx: InputNote = record.context
        if self.fmt == "text":
            return (b"\xef\xbb\xbf" if ctx.bom else b"") + result.text.encode("utf-8", "surrogatepass")
        if self.fmt == "i2b2-2014":
            note = Note(record.note_id, record.text, _spans(result.replacements, new_offsets=False), record.patient_id)
        else:
            note = Note(record.note_id, result.text, _spans(result.replacements, new_offsets=True), record.patient_id)
        bad = _XML_INVALID.search(note.text)
        if bad is not None:
            raise OutputProblem(
                f"{ctx.where}: the text holds U+{ord(bad.group()):04X} at offset {bad.start()}, "
                "which XML 1.0 cannot hold; use --format text or jsonl"
            )
        return note_to_i2b2_2014_xml(note).encode("utf-8")

    def _write_jsonl(self, output: DeidOutput) -> None:
        record, result = output.record, output.result
        ctx: InputNote = record.context
        if ctx.obj is not None:
            obj = dict(ctx.obj)
        else:
            obj = {"id": record.note_id, "patient_id": record.patient_id}
        obj[ctx.text_key] = result.text
        obj["spans"] = [{"start": r.new_start, "end": r.new_end, "label": r.label} for r in result.replacements]
        try:
            line = json.dumps(obj, ensure_ascii=False)
            line.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates from \ud800 escapes: keep them escaped
            line = json.dumps(obj, ensure_ascii=True)
        assert self._jsonl is not None
        self._jsonl.write(line + "\n")

    def close(self, complete: bool = True) -> None:
        """Finish: the JSONL file gets its name only when ``complete`` (else its temp file is removed)."""
        if self._stack is not None:
            stack, self._stack, self._jsonl = self._stack, None, None
            parquet, self._parquet = self._parquet, None
            if complete:
                if parquet is not None:
                    parquet.close()
                stack.close()
            else:
                stack.__exit__(_Abandon, _Abandon(), None)
