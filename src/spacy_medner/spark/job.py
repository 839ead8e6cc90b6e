"""The Spark job behind ``python -m spacy_medner.spark_job``: read notes, de-identify, write Parquet.

Input: Parquet (a file or a folder of parts), CSV with a header, or JSONL;
the format comes from the suffix unless given.  Output: a Parquet folder,
written by Spark's job committer (parts appear under OUT only when the job
commits).  OUT may not be IN, lie inside IN or contain it, and must not
exist yet: no run ever writes over its input or an earlier output.
"""
import os
import sys
from pathlib import Path
from typing import Any, Dict, Optional

from ..safe_io import is_inside

INPUT_FORMATS = ("parquet", "csv", "jsonl")
_SUFFIXES = {".parquet": "parquet", ".csv": "csv", ".jsonl": "jsonl", ".json": "jsonl"}


class JobError(ValueError):
    """A problem with the job's arguments (one line, no note text)."""


def input_format(path: str, requested: str = "auto") -> str:
    """The input format of ``path``: ``requested``, else from its suffix (a folder: its files' suffix)."""
    if requested != "auto":
        if requested not in INPUT_FORMATS:
            raise JobError(f"unknown input format {requested!r}; expected auto or one of {', '.join(INPUT_FORMATS)}")
        return requested
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in _SUFFIXES:
        return _SUFFIXES[suffix]
    if p.is_dir():
        found = {_SUFFIXES[f.suffix.lower()] for f in p.rglob("*") if f.is_file() and f.suffix.lower() in _SUFFIXES}
        if len(found) == 1:
            return found.pop()
    raise JobError(f"{path}: cannot tell the format from the suffix; give --input-format parquet, csv or jsonl")


def check_paths(src: str, out: str) -> None:
    """Refuse an OUT that exists, is IN, or lies inside IN (local paths; other URIs are Spark's to check)."""
    if "://" in src or "://" in out:
        return
    s, o = Path(src).resolve(), Path(out).resolve()
    if o == s or is_inside(o, s) or is_inside(s, o):
        raise JobError(f"{out}: OUT may not be IN, lie inside it or contain it")
    if Path(out).exists() or Path(out).is_symlink():
        raise JobError(f"{out}: already exists; choose a new output folder")


def local_session(master: str = "local[*]", app_name: str = "spacy_medner deid") -> Any:
    """A SparkSession whose Python workers run this interpreter (unless PYSPARK_PYTHON says otherwise)."""
    from pyspark.sql import SparkSession

    if not os.environ.get("PYSPARK_PYTHON"):
        os.environ["PYSPARK_PYTHON"] = sys.executable  # inherited by the workers (local mode)
    builder = SparkSession.builder.appName(app_name)
    if master:
        builder = builder.master(master)
    return builder.getOrCreate()


def read_notes(spark: Any, path: str, fmt: str) -> Any:
    """The notes at ``path`` as a DataFrame (CSV: header row, all columns strings; multi-line fields kept)."""
    if fmt == "parquet":
        return spark.read.parquet(path)
    if fmt == "csv":
        return spark.read.option("header", True).option("multiLine", True).option("escape", '"').csv(path)
    return spark.read.json(path)


def run_job(
    spark: Any, src: str, out: str, *, fmt: str = "auto", partitions: Optional[int] = None, **options: Any
) -> Dict[str, Any]:
    """De-identify ``src`` into the Parquet folder ``out``; the summary of the written output.

    ``partitions``: the input is spread over at least this many partitions
    (default: Spark's default parallelism, so that every core gets notes
    even from one small file).
    """
    from . import deid_summary, deidentify_df

    check_paths(src, out)
    notes = read_notes(spark, src, input_format(src, fmt))
    wanted = partitions or spark.sparkContext.defaultParallelism
    if notes.rdd.getNumPartitions() < wanted:
        notes = notes.repartition(wanted)
    deidentify_df(notes, **options).write.mode("errorifexists").parquet(out)
    return deid_summary(spark.read.parquet(out))


def summary_lines(summary: Dict[str, Any], out: Optional[str] = None) -> list:
    """The job's summary as printable lines (counts and labels only)."""
    lines = [f"{summary['notes']} notes, {summary['failed']} failed (see the 'error' column), {summary['phi']} PHI replaced"]
    if summary["phi_per_label"]:
        lines.append("per label: " + ", ".join(f"{k} {v}" for k, v in summary["phi_per_label"].items()))
    if out:
        lines.append(f"written: {out}")
    return lines
