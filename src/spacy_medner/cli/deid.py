"""``deid``: de-identify clinical notes in bulk with a spaCy pipeline.

    MEDNER_DEID_KEY=... python -m spacy_medner deid MODEL SRC OUT --mode surrogate \\
        [--format auto|text|jsonl|i2b2-2014-deid] [--spans-key KEY|ents] \\
        [--labels PATIENT,DATE,...] [--operators "PATIENT=surrogate,DEFAULT=tag"] \\
        [--key-file PATH | --key-env NAME] [--n-process N] [--batch-size B] \\
        [--entity-bias X] [--min-score P] [--audit [--audit-report PATH]]

SRC: a folder of ``.txt`` notes, a JSONL file (``{"id", "text",
("patient_id")}`` per line) or i2b2 2014 XML (file or folder).  OUT mirrors
it (see :mod:`spacy_medner.deid.outputs`).  The PHI is the medner pipe's span
group (``doc.spans["medner"]``), never ``doc.ents`` unless ``--spans-key
ents``.  Unusable inputs are reported one line each and skipped; the run
finishes and exits 1 if anything was skipped.  Nothing printed ever
contains note or entity text, or the key; the progress bar (stderr) shows
counts and notes per second only.  The manual is ``docs/deid.md``.
"""
import json
import re
import sys
import time
from collections import Counter
from enum import Enum
from pathlib import Path
from typing import Callable, Dict, List, Optional, Pattern

import typer
from spacy.language import Language
from tqdm import tqdm

from ..deid.audit import LeakAudit
from ..deid.confidence import apply_knobs, phi_spans_key, pipeline_labels
from ..deid.inputs import DeidInputError, Source, iter_records, resolve_source
from ..deid.keys import DEFAULT_KEY_ENV, KeyProblem, resolve_key
from ..deid.outputs import SINGLE_FILE_FORMATS, OutputProblem, OutputWriter, check_output, output_format_for
from ..deid.tables import TABLE_FORMATS, ColumnKeys, missing_columns
from ..deid.replace import (
    DEFAULT_OPERATOR_KEY,
    DEFAULT_TAG_TEMPLATE,
    UNCHANGED_ACTIONS,
    Deidentifier,
    MissingSpanGroup,
    parse_labels,
    parse_operators,
)
from ..deid.stream import (
    DEFAULT_BATCH_SIZE,
    single_threaded_workers,
    DeidOutput,
    NoteRecord,
    NoteTooLong,
    PipelineFailed,
    UnencodableText,
    deidentify_stream,
)
from ..deid.surrogates import DEFAULT_MAX_SHIFT_DAYS
from ..safe_io import UnsafeOutputError, atomic_write_text
from .app import app, error, fail, info, warn
from ..quantize import quantize_encoder
from .evaluate import load_pipeline


class Mode(str, Enum):
    tag = "tag"
    mask = "mask"
    surrogate = "surrogate"


class OutFormat(str, Enum):
    auto = "auto"
    text = "text"
    jsonl = "jsonl"
    i2b2_2014 = "i2b2-2014"  # refused, with a pointer to `predict`
    i2b2_2014_deid = "i2b2-2014-deid"
    parquet = "parquet"


class InFormat(str, Enum):
    auto = "auto"
    text = "text"
    jsonl = "jsonl"
    i2b2_2014 = "i2b2-2014"
    parquet = "parquet"
    csv = "csv"


def load_tuned_pipeline(
    model: str, gpu_id: int, entity_bias: Optional[float], min_score: float, int8: bool = False, n_process: int = 1
) -> Language:
    """Load MODEL and apply --entity-bias (None: the model's own), --min-score and --int8; print the bias in effect.

    With ``n_process`` > 1 torch is put on one thread first, so that the forked workers do not hang.
    """
    if n_process > 1:
        single_threaded_workers()
    nlp = load_pipeline(model, gpu_id)
    try:
        biases = apply_knobs(nlp, entity_bias, min_score)
        if int8:
            quantize_encoder(nlp)
    except ValueError as err:
        raise fail(str(err))
    if biases:
        typer.echo(f"ℹ entity_bias in effect: {', '.join(f'{b:g}' for b in biases)}")
    return nlp


def _error_line(err: BaseException, show_text: bool) -> str:
    """An exception as one line: its type, and its message only with --show-text."""
    if not show_text:
        return type(err).__name__
    first = (str(err).strip().splitlines() or [""])[0]
    return f"{type(err).__name__}: {first}"


def compile_patient_pattern(patient_from_name: Optional[str]) -> Optional[Pattern[str]]:
    if patient_from_name is None:
        return None
    try:
        return re.compile(patient_from_name)
    except re.error as err:
        raise fail(f"--patient-from-name: invalid regular expression ({err})")


def select_phi(
    nlp: Language, spans_key: Optional[str], labels: Optional[List[str]], operators: Dict[str, str]
) -> Optional[str]:
    """Resolve the PHI span group and check ``--labels``/``--operators`` against the model's labels.

    Prints which model labels ``--labels`` leaves in the text.  Returns the
    spans key (None: doc.ents).
    """
    try:
        key = phi_spans_key(nlp, spans_key)
    except ValueError as err:
        raise fail(str(err))
    named = set(labels or []) | {label for label in operators if label != DEFAULT_OPERATOR_KEY}
    known = pipeline_labels(nlp, key)
    if named and known:
        unknown = sorted(named - known)
        if unknown:
            raise fail(
                f"labels the model does not predict: {', '.join(unknown)} (its labels: {', '.join(sorted(known))}); "
                "a misspelt label would leave PHI in the text"
            )
        if labels is not None and known - set(labels):
            info(f"left in the text (not in --labels): {', '.join(sorted(known - set(labels)))}")
    elif named:
        warn("no medner component predicts this span group: --labels/--operators cannot be checked against its labels")
    kept = sorted(label for label, op in operators.items() if op == "keep")
    if kept:
        info(f"--operators keeps these labels in the text: {', '.join(kept)}")
    return key


class Progress:
    """The progress bar and the list of skipped inputs (one line each, never text)."""

    def __init__(self, total: int, enabled: bool, desc: str) -> None:
        self.bar = tqdm(total=total, unit="note", file=sys.stderr, disable=not enabled, desc=desc, dynamic_ncols=True)
        self.skipped = 0

    def skip(self, message: str, advance: bool = True) -> None:
        self.skipped += 1
        self.bar.write(f"✘ skipped: {message}", file=sys.stderr)
        if advance:
            self.bar.update(1)

    def note_error(self, show_text: bool) -> Callable[[NoteRecord, Exception], None]:
        def on_error(record: NoteRecord, err: Exception) -> None:
            where = record.context.where
            if isinstance(err, NoteTooLong):  # its message holds lengths only
                self.skip(f"{where}: {err}; raise nlp.max_length or split the note")
            elif isinstance(err, (UnencodableText, PipelineFailed)):  # a code point and an offset; a type name
                self.skip(f"{where}: {err}")
            else:
                self.skip(f"{where}: de-identification failed ({_error_line(err, show_text)})")

        return on_error


def run_notes(
    nlp: Language,
    source: Source,
    writer: OutputWriter,
    deidentifier: Deidentifier,
    progress: Progress,
    *,
    batch_size: int,
    n_process: int,
    show_text: bool,
    patient_pattern: Optional[Pattern[str]] = None,
    gold: bool = False,
    on_written: Optional[Callable[[DeidOutput], None]] = None,
) -> None:
    """Stream SRC through the pipeline into ``writer``; a pipeline failure ends the run with exit 1."""
    out = writer.out
    try:
        records = iter_records(source, progress.skip, patient_pattern, gold=gold)
        for output in deidentify_stream(
            nlp, records, batch_size=batch_size, n_process=n_process, deidentifier=deidentifier,
            on_error=progress.note_error(show_text),
        ):
            try:
                writer.write(output)
            except OutputProblem as err:
                progress.skip(str(err), advance=False)
            except OSError as err:
                progress.skip(
                    f"{output.record.context.where}: cannot write the output ({err.strerror or type(err).__name__})",
                    advance=False,
                )
            else:
                if on_written is not None:
                    on_written(output)
            progress.bar.update(1)
    except KeyboardInterrupt:
        progress.bar.close()
        writer.close(complete=False)
        raise
    except Exception as err:  # noqa: BLE001 - no per-note attribution is possible
        progress.bar.close()
        writer.close(complete=False)
        if writer.fmt in SINGLE_FILE_FORMATS:
            where = f"nothing was written ({out} is only written by a complete run)"
        elif writer.written:
            where = f"the {writer.written} notes before it are in {out}"
        else:
            where = "no note was written"
        if isinstance(err, MissingSpanGroup):  # a configuration error; its message holds the key only
            raise fail(f"{err}; {where}")
        raise fail(f"the pipeline failed after {writer.written} notes ({_error_line(err, show_text)}); {where}")
    progress.bar.close()
    writer.close(complete=True)


@app.command("deid")
def deid_command(
    model: str = typer.Argument(..., help="spaCy pipeline with a medner component (a directory or an installed package)."),
    src: Path = typer.Argument(..., help="A folder of .txt notes, a JSONL file, i2b2 2014 XML (file or folder), or a Parquet or CSV table."),
    out: Path = typer.Argument(..., help="Output folder (a file for --format jsonl and parquet); never SRC or inside it."),
    mode: Mode = typer.Option(Mode.tag, "--mode", "-m", help="Default operator: tag: [LABEL]; mask: ****; surrogate: consistent fake PHI."),
    format: OutFormat = typer.Option(OutFormat.auto, "--format", "-f", help="Output format; auto mirrors the input (XML -> i2b2-2014-deid). i2b2-2014 (original text + predicted tags) is the 'predict' command."),
    input_format: InFormat = typer.Option(InFormat.auto, "--input-format", help="Input format (auto: from the suffixes)."),
    text_key: str = typer.Option("text", "--text-key", help="JSONL field or table column holding the note text (MIMIC: TEXT)."),
    id_key: str = typer.Option("id", "--id-key", help="JSONL field or table column identifying a note (MIMIC: ROW_ID)."),
    patient_key: str = typer.Option("patient_id", "--patient-key", help="JSONL field or table column grouping a patient's notes (MIMIC: SUBJECT_ID)."),
    spans_key: Optional[str] = typer.Option(None, "--spans-key", help="doc.spans key that holds the PHI (default: the medner pipe's, 'medner'); 'ents' de-identifies doc.ents instead (in a host pipeline doc.ents may hold clinical concepts)."),
    labels: Optional[str] = typer.Option(None, "--labels", help="Comma-separated labels to de-identify (default: all); entities with other labels are LEFT IN THE TEXT."),
    operators: Optional[str] = typer.Option(None, "--operators", help="Per label: LABEL=tag|mask|surrogate|keep, comma-separated; DEFAULT=... replaces --mode. keep leaves that label's entities in the text."),
    key_file: Optional[Path] = typer.Option(None, "--key-file", help="File holding the secret surrogate key (same key, same output)."),
    key_env: Optional[str] = typer.Option(None, "--key-env", help=f"Environment variable holding the key (default: {DEFAULT_KEY_ENV}, read when set)."),
    seed: Optional[str] = typer.Option(None, "--seed", help="The key on the command line: visible in ps and shell history; prefer --key-file or the environment."),
    n_process: int = typer.Option(1, "--n-process", min=1, help="Processes for nlp.pipe; each runs torch on one thread (use one per core)."),
    batch_size: int = typer.Option(DEFAULT_BATCH_SIZE, "--batch-size", min=1, help="Notes per nlp.pipe batch."),
    entity_bias: Optional[float] = typer.Option(None, "--entity-bias", help="Replace medner's entity_bias (added to entity-tag scores: > 0 catches more PHI, < 0 less). Default: the model's own (en_medner ships a tuned one)."),
    min_score: float = typer.Option(0.0, "--min-score", min=0.0, max=1.0, help="Leave entities with a medner probability below P in the text (precision; dropped PHI leaks)."),
    mask_char: str = typer.Option("*", "--mask-char", help="Mask character (mask operator)."),
    mask_length: int = typer.Option(0, "--mask-length", min=0, help="Fixed mask length; 0 keeps each entity's length (mask operator)."),
    tag_format: str = typer.Option(DEFAULT_TAG_TEMPLATE, "--tag-format", help="Tag text with {label} (tag operator)."),
    max_shift_days: int = typer.Option(DEFAULT_MAX_SHIFT_DAYS, "--max-shift-days", min=1, help="Dates move by a per-patient offset in [-D, D], never 0 (surrogate operator)."),
    patient_from_name: Optional[str] = typer.Option(None, "--patient-from-name", help="Regex finding the patient id in a .txt note's relative path without .txt (group 'patient', else group 1, else the match). Default: each file its own patient."),
    audit: bool = typer.Option(False, "--audit", help="Leak audit against SRC's gold annotations (i2b2 TAGS or JSONL spans): which gold PHI strings survive, per label; exit 1 if a detected one survived."),
    audit_report: Optional[Path] = typer.Option(None, "--audit-report", help="Where --audit writes its JSON report (default: OUT.audit.json beside OUT)."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Write into an existing non-empty OUT (never over inputs)."),
    gpu_id: int = typer.Option(-1, "--gpu-id", "-g", help="GPU id, or -1 for CPU."),
    int8: bool = typer.Option(False, "--int8", help="Run the transformer encoder in int8 (CPU; faster, see docs/model.md). Ignored on GPU, with a warning."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Progress bar on stderr (counts and notes/s only)."),
    show_text: bool = typer.Option(False, "--show-text", help="Include exception messages in errors and gold strings in the audit report (they may contain PHI!)."),
) -> None:
    """De-identify clinical notes: replace predicted PHI by tags, masks or surrogates."""
    pattern = compile_patient_pattern(patient_from_name)
    try:
        label_list = parse_labels(labels)
        operator_map = parse_operators(operators)
    except ValueError as err:
        raise fail(str(err))
    default_op = operator_map.get(DEFAULT_OPERATOR_KEY, mode.value)
    uses_surrogates = "surrogate" in {default_op, *operator_map.values()}
    key: Optional[str] = None
    if uses_surrogates or key_file is not None or seed is not None or key_env is not None:
        try:
            resolved = resolve_key(key_file, key_env, seed)
        except KeyProblem as err:
            raise fail(str(err))
        for warning in resolved.warnings:
            warn(warning)
        key = resolved.key
        if uses_surrogates and resolved.is_random:
            info(f"No key (--key-file, ${DEFAULT_KEY_ENV}): surrogates use a random key; this output cannot be reproduced.")
        elif not uses_surrogates:
            info("no surrogate operator: the key is not used")
    try:
        source = resolve_source(src, input_format.value)
        source.keys = ColumnKeys(text_key, id_key, patient_key)
        if source.format in TABLE_FORMATS:
            for file in source.files:
                problem = missing_columns(file, source.format, source.keys)
                if problem:
                    raise DeidInputError(problem)
        fmt = output_format_for(source, format.value)
        if pattern is not None and source.format != "text":
            raise DeidInputError("--patient-from-name applies to .txt input only")
        if audit and (source.format == "text" or source.format in TABLE_FORMATS):
            raise DeidInputError("--audit needs gold annotations: i2b2 2014 XML (TAGS) or JSONL with 'spans'; .txt notes and tables have none")
        if audit_report is not None and not audit:
            raise DeidInputError("--audit-report needs --audit")
        guard = check_output(source, out, fmt, overwrite)
        report_path = audit_report if audit_report is not None else out.with_name(out.name + ".audit.json")
        if audit:
            if report_path.exists() and not overwrite:
                raise DeidInputError(f"{report_path}: already exists; use --overwrite or --audit-report PATH")
            guard.check(report_path, "--audit-report")
        deidentifier = Deidentifier(
            mode.value,
            key=key,
            operators=operator_map,
            labels=label_list,
            mask_char=mask_char,
            mask_length=mask_length,
            tag_template=tag_format,
            min_score=min_score or None,
            max_shift_days=max_shift_days,
        )
    except (DeidInputError, UnsafeOutputError, ValueError) as err:
        raise fail(str(err))

    nlp = load_tuned_pipeline(model, gpu_id, entity_bias, min_score, int8, n_process)
    deidentifier.spans_key = select_phi(nlp, spans_key, label_list, operator_map)

    bar = Progress(source.count_hint(), progress, "deid")
    writer = OutputWriter(source, out, fmt, guard)
    actions: Counter = Counter()
    left: Counter = Counter()
    leak_audit = LeakAudit(show_text=show_text) if audit else None
    started = time.perf_counter()

    def written(output: DeidOutput) -> None:
        actions.update(r.action for r in output.result.replacements)
        left.update(x.reason for x in output.result.left)
        if leak_audit is not None:
            record = output.record
            leak_audit.add(record.note_id, record.context.where, record.text, record.context.gold, output.result)

    run_notes(
        nlp, source, writer, deidentifier, bar, batch_size=batch_size, n_process=n_process, show_text=show_text,
        patient_pattern=pattern, gold=audit, on_written=written,
    )
    elapsed = max(time.perf_counter() - started, 1e-9)
    _summary(writer.written, elapsed, actions, left, bar.skipped, source.stats, out, fmt)
    failed = bool(bar.skipped)
    if leak_audit is not None:
        failed = _write_audit(leak_audit, report_path, source, src, out, show_text) or failed
    if failed:
        raise typer.Exit(1)


def _write_audit(leak_audit: LeakAudit, path: Path, source: Source, src: Path, out: Path, show_text: bool) -> bool:
    """Print the per-label counts, write the JSON report; True when a detected PHI string survived."""
    refused = source.gold_report.totals().refused if source.format == "i2b2-2014" else 0
    report = leak_audit.report(gold_source=str(src), deid_output=str(out), gold_tags_refused_by_reader=refused)
    try:
        atomic_write_text(path, json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    except (OSError, UnicodeEncodeError) as err:
        error(f"cannot write the audit report {path} ({getattr(err, 'strerror', None) or type(err).__name__})")
        return True
    typer.echo(f"ℹ leak audit of {leak_audit.notes} notes: gold PHI surviving verbatim in the output, per label")
    for line in leak_audit.summary_lines():
        typer.echo("  " + line)
    if refused:
        typer.echo(f"ℹ {refused} gold tags the i2b2 reader refused are not audited (see convert's report)")
    if leak_audit.notes_without_gold:
        typer.echo(f"ℹ {leak_audit.notes_without_gold} notes had no gold annotations")
    typer.echo(f"✔ audit report -> {path}" + (" (it contains PHI strings: --show-text)" if show_text else " (no text)"))
    if leak_audit.bugs:
        typer.secho(
            f"✘ {leak_audit.bugs} gold PHI strings survived although the model detected them: a de-identification bug",
            fg=typer.colors.RED, err=True,
        )
        return True
    return False


def _summary(written: int, elapsed: float, actions: Counter, left: Counter, skipped: int, stats: Counter, out: Path, fmt: str) -> None:
    """Counts only (stdout), never text."""
    unchanged = {a: n for a, n in actions.items() if a in UNCHANGED_ACTIONS}
    replaced = sum(n for a, n in actions.items() if a not in UNCHANGED_ACTIONS)
    typer.secho(
        f"✔ {written} notes de-identified -> {out} ({fmt}): {replaced} entities replaced, "
        f"{written / elapsed:.1f} notes/s",
        fg=typer.colors.GREEN,
    )
    changed = {a: n for a, n in actions.items() if a not in UNCHANGED_ACTIONS}
    if changed:
        typer.echo("ℹ " + ", ".join(f"{name} {n}" for name, n in sorted(changed.items())))
    if unchanged:
        typer.echo("ℹ unchanged on purpose: " + ", ".join(f"{name} {n}" for name, n in sorted(unchanged.items())))
    if left:
        names = {"min_score": "below --min-score", "label_not_selected": "not in --labels", "operator_keep": "keep operator"}
        typer.echo(
            "ℹ predicted entities left in the text: "
            + ", ".join(f"{names.get(reason, reason)} {n}" for reason, n in sorted(left.items()))
        )
    if stats.get("patient_pattern_unmatched"):
        typer.echo(f"ℹ {stats['patient_pattern_unmatched']} notes did not match --patient-from-name: each is its own patient")
    if skipped:
        error(f"{skipped} inputs skipped (listed above)")
