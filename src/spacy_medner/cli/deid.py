"""``deid``: de-identify clinical notes in bulk with a spaCy pipeline.

    python -m spacy_medner deid MODEL SRC OUT --mode surrogate --seed "$SECRET" \\
        [--format auto|text|jsonl|i2b2-2014|i2b2-2014-deid] [--n-process N] \\
        [--batch-size B] [--entity-bias X] [--min-score P]

SRC: a folder of ``.txt`` notes, a JSONL file (``{"id", "text",
("patient_id")}`` per line) or i2b2 2014 XML (file or folder).  OUT mirrors
it (see :mod:`spacy_medner.deid.outputs`).  Unusable inputs are reported one
line each and skipped; the run finishes and exits 1 if anything was
skipped.  Nothing printed ever contains note or entity text; the progress
bar (stderr) shows counts and notes per second only.
"""
import re
import sys
import time
from collections import Counter
from enum import Enum
from pathlib import Path
from typing import Optional, Pattern

import typer
from tqdm import tqdm

from ..deid.confidence import check_min_score, scores_key, set_entity_bias
from ..deid.inputs import DeidInputError, iter_records, resolve_source
from ..deid.keys import random_seed
from ..deid.outputs import OutputProblem, OutputWriter, check_output, output_format_for
from ..deid.replace import DEFAULT_TAG_TEMPLATE, Deidentifier
from ..deid.stream import DEFAULT_BATCH_SIZE, NoteRecord, NoteTooLong, deidentify_stream
from ..deid.surrogates import DEFAULT_MAX_SHIFT_DAYS
from .app import app
from .evaluate import load_pipeline


class Mode(str, Enum):
    tag = "tag"
    mask = "mask"
    surrogate = "surrogate"


class OutFormat(str, Enum):
    auto = "auto"
    text = "text"
    jsonl = "jsonl"
    i2b2_2014 = "i2b2-2014"
    i2b2_2014_deid = "i2b2-2014-deid"


class InFormat(str, Enum):
    auto = "auto"
    text = "text"
    jsonl = "jsonl"
    i2b2_2014 = "i2b2-2014"


def _fail(message: str) -> typer.Exit:
    typer.secho(f"✘ {message}", fg=typer.colors.RED, err=True)
    return typer.Exit(1)


def _error_line(err: BaseException, show_text: bool) -> str:
    """An exception as one line: its type, and its message only with --show-text."""
    if not show_text:
        return type(err).__name__
    first = (str(err).strip().splitlines() or [""])[0]
    return f"{type(err).__name__}: {first}"


@app.command("deid")
def deid_command(
    model: str = typer.Argument(..., help="spaCy pipeline that sets doc.ents: a directory or an installed package."),
    src: Path = typer.Argument(..., help="A folder of .txt notes, a JSONL file, or i2b2 2014 XML (file or folder)."),
    out: Path = typer.Argument(..., help="Output folder (a file for --format jsonl); never SRC or inside it."),
    mode: Mode = typer.Option(Mode.tag, "--mode", "-m", help="tag: [LABEL]; mask: ****; surrogate: consistent fake PHI."),
    format: OutFormat = typer.Option(OutFormat.auto, "--format", "-f", help="Output format; auto mirrors the input. i2b2-2014: original text + predicted tags (for scoring)."),
    input_format: InFormat = typer.Option(InFormat.auto, "--input-format", help="Input format (auto: from the suffixes)."),
    n_process: int = typer.Option(1, "--n-process", min=1, help="Processes for nlp.pipe."),
    batch_size: int = typer.Option(DEFAULT_BATCH_SIZE, "--batch-size", min=1, help="Notes per nlp.pipe batch."),
    entity_bias: float = typer.Option(0.0, "--entity-bias", help="Added to medner's entity-tag scores: > 0 catches more PHI (recall), < 0 less."),
    min_score: float = typer.Option(0.0, "--min-score", min=0.0, max=1.0, help="Leave entities with a medner probability below P in the text (precision; dropped PHI leaks)."),
    seed: Optional[str] = typer.Option(None, "--seed", help="Secret key of the surrogates: same seed, same output. Default: random (not reproducible)."),
    mask_char: str = typer.Option("*", "--mask-char", help="Mask character (mask mode)."),
    mask_length: int = typer.Option(0, "--mask-length", min=0, help="Fixed mask length; 0 keeps each entity's length (mask mode)."),
    tag_format: str = typer.Option(DEFAULT_TAG_TEMPLATE, "--tag-format", help="Tag text with {label} (tag mode)."),
    max_shift_days: int = typer.Option(DEFAULT_MAX_SHIFT_DAYS, "--max-shift-days", min=1, help="Dates move by a per-patient offset in [-D, D], never 0 (surrogate mode)."),
    patient_from_name: Optional[str] = typer.Option(None, "--patient-from-name", help="Regex finding the patient id in a .txt note's relative path without .txt (group 'patient', else group 1, else the match). Default: each file its own patient."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Write into an existing non-empty OUT (never over inputs)."),
    gpu_id: int = typer.Option(-1, "--gpu-id", "-g", help="GPU id, or -1 for CPU."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Progress bar on stderr (counts and notes/s only)."),
    show_text: bool = typer.Option(False, "--show-text", help="Include exception messages in errors (they may contain PHI!)."),
) -> None:
    """De-identify clinical notes: replace predicted PHI by tags, masks or surrogates."""
    pattern: Optional[Pattern[str]] = None
    if patient_from_name is not None:
        try:
            pattern = re.compile(patient_from_name)
        except re.error as err:
            raise _fail(f"--patient-from-name: invalid regular expression ({err})")
    if mode is Mode.surrogate and seed is None:
        seed = random_seed()
        typer.echo("ℹ No --seed: surrogates use a random key; this output cannot be reproduced.", err=True)
    try:
        source = resolve_source(src, input_format.value)
        fmt = output_format_for(source, format.value)
        if pattern is not None and source.format != "text":
            raise DeidInputError("--patient-from-name applies to .txt input only")
        check_output(source, out, fmt, overwrite)
        deidentifier = Deidentifier(
            "tag" if fmt == "i2b2-2014" else mode.value,
            seed=seed,
            mask_char=mask_char,
            mask_length=mask_length,
            tag_template=tag_format,
            min_score=min_score or None,
            max_shift_days=max_shift_days,
        )
    except (DeidInputError, ValueError) as err:
        raise _fail(str(err))
    if fmt == "i2b2-2014" and mode is not Mode.tag:
        typer.echo("ℹ --format i2b2-2014 writes the original text with the predicted tags; --mode is not applied.", err=True)

    nlp = load_pipeline(model, gpu_id)
    try:
        set_entity_bias(nlp, entity_bias)
        check_min_score(nlp, min_score)
    except ValueError as err:
        raise _fail(str(err))
    deidentifier.spans_key = scores_key(nlp)

    problems: Counter = Counter()
    bar = tqdm(total=source.count_hint(), unit="note", file=sys.stderr, disable=not progress, desc="deid", dynamic_ncols=True)

    def report(message: str) -> None:
        problems["skipped"] += 1
        bar.write(f"✘ skipped: {message}", file=sys.stderr)

    def input_problem(message: str) -> None:
        report(message)
        bar.update(1)

    def deid_error(record: NoteRecord, err: Exception) -> None:
        if isinstance(err, NoteTooLong):  # its message holds lengths only
            input_problem(f"{record.context.where}: {err}; raise nlp.max_length or split the note")
        else:
            input_problem(f"{record.context.where}: de-identification failed ({_error_line(err, show_text)})")

    writer = OutputWriter(source, out, fmt)
    actions: Counter = Counter()
    dropped = 0
    started = time.perf_counter()
    try:
        records = iter_records(source, input_problem, pattern)
        for output in deidentify_stream(
            nlp, records, batch_size=batch_size, n_process=n_process, deidentifier=deidentifier, on_error=deid_error
        ):
            try:
                writer.write(output)
            except OutputProblem as err:
                report(str(err))
            except OSError as err:
                report(f"{output.record.context.where}: cannot write the output ({err.strerror or type(err).__name__})")
            else:
                actions.update(r.action for r in output.result.replacements)
                dropped += output.result.dropped
            bar.update(1)
    except KeyboardInterrupt:
        bar.close()
        writer.close(complete=False)
        raise
    except Exception as err:  # noqa: BLE001 - the pipeline failed: no per-note attribution is possible
        bar.close()
        writer.close(complete=False)
        raise _fail(f"the pipeline failed after {writer.written} notes ({_error_line(err, show_text)}); outputs so far are in {out}")
    bar.close()
    writer.close(complete=True)
    elapsed = max(time.perf_counter() - started, 1e-9)
    _summary(writer.written, elapsed, actions, dropped, problems["skipped"], source.stats, out, fmt)
    if problems["skipped"]:
        raise typer.Exit(1)


def _summary(written: int, elapsed: float, actions: Counter, dropped: int, skipped: int, stats: Counter, out: Path, fmt: str) -> None:
    """Counts only (stdout), never text."""
    replaced = sum(actions.values())
    typer.secho(
        f"✔ {written} notes de-identified -> {out} ({fmt}): {replaced} entities, "
        f"{written / elapsed:.1f} notes/s",
        fg=typer.colors.GREEN,
    )
    if actions:
        typer.echo("ℹ " + ", ".join(f"{name} {n}" for name, n in sorted(actions.items())))
    if dropped:
        typer.echo(f"ℹ {dropped} predicted entities below --min-score left in the text")
    if stats.get("patient_pattern_unmatched"):
        typer.echo(f"ℹ {stats['patient_pattern_unmatched']} notes did not match --patient-from-name: each is its own patient")
    if skipped:
        typer.secho(f"✘ {skipped} inputs skipped (listed above)", fg=typer.colors.RED, err=True)
