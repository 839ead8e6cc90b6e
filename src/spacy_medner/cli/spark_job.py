"""``spark-deid``: de-identify a table of notes on Spark (also ``python -m spacy_medner.spark_job``).

    MEDNER_DEID_KEY=... python -m spacy_medner.spark_job notes.parquet notes_deid.parquet \\
        --id-col ROW_ID --text-col TEXT --patient-col SUBJECT_ID --key-env MEDNER_DEID_KEY

Parquet, CSV (header row) or JSONL in; a Parquet folder out. ``--master``
defaults to ``local[*]``; ``--master ""`` leaves the master to
``spark-submit`` and the usual Spark settings.  The key is read by the
executors from the environment variable ``--key-env`` or the file
``--key-file``; it is never given on the command line.
"""
from typing import Optional

import typer

from ..deid.keys import DEFAULT_KEY_ENV
from ..deid.replace import parse_labels, parse_operators
from ..deid.stream import DEFAULT_BATCH_SIZE
from .app import app, fail


@app.command("spark-deid")
def spark_job_command(
    src: str = typer.Argument(..., help="Notes: Parquet (file or folder), CSV with a header, or JSONL; any Spark path."),
    out: str = typer.Argument(..., help="Output Parquet folder (must not exist; never IN or inside it)."),
    model: str = typer.Option("en_medner", "--model", help="Package name or a path every executor can read."),
    text_col: str = typer.Option("text", "--text-col", help="Column holding the note text (dropped from the output)."),
    id_col: str = typer.Option("note_id", "--id-col", help="Column identifying a note."),
    patient_col: Optional[str] = typer.Option(None, "--patient-col", help="Column grouping a patient's notes (one date shift, the same surrogates). Default: each note its own patient."),
    mode: str = typer.Option("surrogate", "--mode", "-m", help="tag, mask or surrogate (as deid)."),
    labels: Optional[str] = typer.Option(None, "--labels", help="Comma-separated labels to de-identify (default: all); others are LEFT IN THE TEXT."),
    operators: Optional[str] = typer.Option(None, "--operators", help="Per label: LABEL=tag|mask|surrogate|keep (as deid)."),
    key_env: Optional[str] = typer.Option(None, "--key-env", help=f"Environment variable holding the key on the executors (surrogates: this or --key-file; e.g. {DEFAULT_KEY_ENV})."),
    key_file: Optional[str] = typer.Option(None, "--key-file", help="Secret file holding the key, readable by every executor."),
    entity_bias: Optional[float] = typer.Option(None, "--entity-bias", help="Replace medner's entity_bias (default: the model's own)."),
    min_score: float = typer.Option(0.0, "--min-score", min=0.0, max=1.0, help="Leave entities below this probability in the text."),
    input_format: str = typer.Option("auto", "--input-format", help="auto, parquet, csv or jsonl."),
    master: str = typer.Option("local[*]", "--master", help="Spark master; '' leaves it to spark-submit."),
    partitions: Optional[int] = typer.Option(None, "--partitions", min=1, help="Spread the notes over at least this many partitions (default: Spark's default parallelism)."),
    batch_size: int = typer.Option(DEFAULT_BATCH_SIZE, "--batch-size", min=1, help="Notes per nlp.pipe batch."),
    int8: bool = typer.Option(False, "--int8", help="Run the transformer encoder in int8 on the executors (CPU)."),
) -> None:
    """De-identify a table of notes on Spark; write Parquet with text_deid, phi and error columns."""
    from ..spark.job import JobError, local_session, run_job, summary_lines

    try:
        label_list = parse_labels(labels)
        operator_map = parse_operators(operators)
    except ValueError as err:
        raise fail(str(err))
    spark = local_session(master)
    try:
        summary = run_job(
            spark, src, out, fmt=input_format, partitions=partitions, model=model, text_col=text_col, id_col=id_col,
            patient_col=patient_col, mode=mode, key_env=key_env, key_file=key_file, labels=label_list,
            operators=operator_map, entity_bias=entity_bias, min_score=min_score, batch_size=batch_size, int8=int8,
        )
    except (JobError, ValueError) as err:
        raise fail(str(err))
    for line in summary_lines(summary, out):
        typer.echo(f"✔ {line}")
    if summary["failed"]:
        raise typer.Exit(1)


def main() -> None:
    typer.run(spark_job_command)
