"""Tables of notes for ``deid``: Parquet and CSV in, Parquet out (pyarrow: ``pip install "spacy_medner[tables]"``).

A table holds one note per row, in the columns that :class:`ColumnKeys`
names (``--text-key``, ``--id-key``, ``--patient-key``; a MIMIC-III
NOTEEVENTS export works with ``TEXT``, ``ROW_ID``, ``SUBJECT_ID``).  Rows
are read in record batches, so memory does not grow with the table.  CSV
needs a header row; all its columns are read as strings (what the file
holds), and quoted fields may span lines.

The Parquet output has the columns of :func:`spacy_medner.spark.deidentify_df`:
the input's columns without the text column (it holds PHI), then
``text_deid``, ``phi`` (start, end, label, action, score, new_start,
new_end) and ``error`` (always null here: ``deid`` reports a failed note on
its own line and leaves it out).
"""
import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Tuple

from .replace import DeidResult
from .stream import DeidOutput, NoteRecord

TABLE_FORMATS = ("parquet", "csv")
#: The columns a de-identified table adds (``deid --format parquet`` and ``spacy_medner.spark``).
TEXT_OUT = "text_deid"
PHI_OUT = "phi"
ERROR_OUT = "error"
#: The fields of one ``phi`` entry, with their Spark SQL types.
PHI_FIELDS: Tuple[Tuple[str, str], ...] = (
    ("start", "int"),
    ("end", "int"),
    ("label", "string"),
    ("action", "string"),
    ("score", "double"),
    ("new_start", "int"),
    ("new_end", "int"),
)
READ_BATCH_ROWS = 1024
WRITE_GROUP_ROWS = 1000


@dataclass(frozen=True)
class ColumnKeys:
    """Which fields of a row (or JSON object) hold the note's text, id and patient id."""

    text: str = "text"
    id: str = "id"
    patient: str = "patient_id"


def _pyarrow() -> Any:
    try:
        import pyarrow
        import pyarrow.csv  # noqa: F401
        import pyarrow.parquet  # noqa: F401
    except ImportError as err:
        raise ImportError('Parquet and CSV need pyarrow: pip install "spacy_medner[tables]"') from err
    return pyarrow


def _csv_header(file: Path) -> List[str]:
    with file.open("r", encoding="utf-8-sig", newline="") as handle:
        return next(csv.reader(handle), [])


def input_schema(file: Path, fmt: str) -> Any:
    """The pyarrow schema of a table's rows (CSV: every column a string)."""
    pa = _pyarrow()
    if fmt == "parquet":
        return pa.parquet.ParquetFile(file).schema_arrow
    return pa.schema([(name, pa.string()) for name in _csv_header(file)])


def missing_columns(file: Path, fmt: str, keys: ColumnKeys) -> str:
    """Why ``file`` is unreadable or lacks the text or id column (one line naming its columns), or ``""``."""
    try:
        names = input_schema(file, fmt).names
    except (OSError, ValueError, UnicodeDecodeError) as err:
        return f"{file}: cannot read as {fmt} ({type(err).__name__})"
    missing = [k for k in (keys.text, keys.id) if k not in names]
    if not missing:
        return ""
    return f"{file}: no column {', '.join(missing)} (columns: {', '.join(names)}); give --text-key/--id-key"


def table_rows(file: Path) -> int:
    """The number of rows of a Parquet file (from its footer)."""
    return int(_pyarrow().parquet.ParquetFile(file).metadata.num_rows)


def _batches(file: Path, fmt: str) -> Iterator[Any]:
    pa = _pyarrow()
    if fmt == "parquet":
        yield from pa.parquet.ParquetFile(file).iter_batches(batch_size=READ_BATCH_ROWS)
        return
    names = _csv_header(file)
    reader = pa.csv.open_csv(
        file,
        read_options=pa.csv.ReadOptions(block_size=1 << 22),
        parse_options=pa.csv.ParseOptions(newlines_in_values=True),
        convert_options=pa.csv.ConvertOptions(column_types={n: pa.string() for n in names}, strings_can_be_null=False),
    )
    yield from reader


def table_records(
    file: Path, fmt: str, keys: ColumnKeys, where: str, on_problem: Callable[[str], None]
) -> Iterator[NoteRecord]:
    """The rows of ``file`` as records; a row without usable text is reported (file and row) and skipped."""
    from .inputs import InputNote

    try:
        schema = input_schema(file, fmt)
        batches = _batches(file, fmt)
    except (OSError, ValueError) as err:  # pyarrow's errors are ValueError/OSError subclasses
        on_problem(f"{where}: cannot read as {fmt} ({type(err).__name__})")
        return
    if any(k not in schema.names for k in (keys.text, keys.id)):
        on_problem(missing_columns(file, fmt, keys))
        return
    row_number = 0
    try:
        for batch in batches:
            for row in batch.to_pylist():
                row_number += 1
                row_where = f"{where}: row {row_number}"
                text = row.get(keys.text)
                if not isinstance(text, str) or not text:
                    on_problem(f"{row_where}: no text in column {keys.text}")
                    continue
                note_id = row.get(keys.id)
                if note_id is None or note_id == "":
                    on_problem(f"{row_where}: no id in column {keys.id}")
                    continue
                patient = row.get(keys.patient)
                yield NoteRecord(
                    str(note_id), text, None if patient in (None, "") else str(patient),
                    InputNote("", row_where, obj=row, text_key=keys.text),
                )
    except (OSError, ValueError) as err:
        on_problem(f"{where}: reading stopped after row {row_number} ({type(err).__name__})")


def phi_entries(result: DeidResult) -> List[Dict[str, Any]]:
    """The ``phi`` column of a de-identified note: one dict of :data:`PHI_FIELDS` per replacement."""
    return [
        {"start": r.start, "end": r.end, "label": r.label, "action": r.action,
         "score": None if r.score is None else float(r.score), "new_start": r.new_start, "new_end": r.new_end}
        for r in result.replacements
    ]


class ParquetSink:
    """Writes :class:`DeidOutput` rows to one Parquet file, a row group at a time, through ``handle``."""

    def __init__(self, handle: Any, input_schema_: Any, text_key: str) -> None:
        pa = _pyarrow()
        self._pa = pa
        types = {"int": pa.int32(), "string": pa.string(), "double": pa.float64()}
        phi = pa.list_(pa.struct([(name, types[kind]) for name, kind in PHI_FIELDS]))
        kept = [f for f in input_schema_ if f.name != text_key]
        self.schema = pa.schema(kept + [(TEXT_OUT, pa.string()), (PHI_OUT, phi), (ERROR_OUT, pa.string())])
        self._text_key = text_key
        self._writer = pa.parquet.ParquetWriter(handle, self.schema)
        self._rows: List[Dict[str, Any]] = []

    def add(self, output: DeidOutput) -> None:
        row = {k: v for k, v in (output.record.context.obj or {}).items() if k != self._text_key}
        row[TEXT_OUT] = output.result.text
        row[PHI_OUT] = phi_entries(output.result)
        row[ERROR_OUT] = None
        self._rows.append(row)
        if len(self._rows) >= WRITE_GROUP_ROWS:
            self.flush()

    def flush(self) -> None:
        if self._rows:
            self._writer.write_table(self._pa.Table.from_pylist(self._rows, schema=self.schema))
            self._rows = []

    def close(self) -> None:
        self.flush()
        self._writer.close()

