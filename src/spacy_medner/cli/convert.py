"""``convert``: clinical-note annotations -> spaCy DocBin(s) + conversion report.

    python -m spacy_medner convert SRC... OUT.spacy --format i2b2-2014 \\
        --labels type --dev-fraction 0.1 --seed 0

SRC: folders (recursive), files, ``.zip``/``.tar.gz`` archives.  Writes
OUT, the dev DocBin when ``--dev-fraction`` > 0 (``--dev-output``, default
``OUT.dev.spacy``: ``train.spacy`` -> ``train.dev.spacy``) and the report
``OUT.report.json`` (``train.spacy`` -> ``train.report.json``).  CoNLL input:
use ``spacy convert``.  No output may be an input or lie in an input folder,
and no two outputs may be the same file (exit 1, one line).  A bad note or
record is skipped with a report line naming the file (and line), never
fatal unless ``--strict``; fatal errors are one line, exit 1.  Note text,
entity text and other free text from the files (unknown TYPEs, element
names) are never printed unless ``--show-text``.  See docs/formats.md.
"""
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer
from wasabi import Printer

from ..corpus.converter import convert_corpus, report_path
from ..corpus.docbin import DEFAULT_MAX_NOTE_CHARS, DEFAULT_MAX_SEGMENT_CHARS
from ..corpus.errors import ConversionError
from .app import app, fail


class InputFormat(str, Enum):
    i2b2_2014 = "i2b2-2014"
    i2b2_2006 = "i2b2-2006"
    brat = "brat"
    jsonl = "jsonl"


class LabelScheme(str, Enum):
    type = "type"
    category = "category"
    hipaa = "hipaa"


class OverlapPolicy(str, Enum):
    keep_longest = "keep-longest"
    error = "error"


class DiscontinuousPolicy(str, Enum):
    split = "split"
    merge = "merge"
    refuse = "refuse"


@app.command("convert")
def convert_command(
    paths: List[Path] = typer.Argument(
        ..., metavar="SRC... OUT", help="Input folders/files/archives, then the output .spacy path."
    ),
    format: InputFormat = typer.Option(InputFormat.i2b2_2014, "--format", "-f", help="Input format."),
    labels: LabelScheme = typer.Option(LabelScheme.type, "--labels", "-l", help="Label scheme."),
    dev_fraction: float = typer.Option(0.0, "--dev-fraction", help="Fraction of notes for dev, split by patient."),
    seed: int = typer.Option(0, "--seed", help="Seed of the patient split."),
    dev_output: Optional[Path] = typer.Option(None, "--dev-output", help="Dev DocBin path (default: OUT.dev.spacy)."),
    segment: bool = typer.Option(False, "--segment/--no-segment", help="Cut notes into segments (never inside an entity)."),
    segment_chars: int = typer.Option(DEFAULT_MAX_SEGMENT_CHARS, "--segment-chars", help="Target segment length (chars)."),
    lang: str = typer.Option("en", "--lang", help="spaCy language code for the tokenizer."),
    on_overlap: OverlapPolicy = typer.Option(OverlapPolicy.keep_longest, "--on-overlap", help="Overlapping tags: refuse the shorter, or fail."),
    discontinuous: DiscontinuousPolicy = typer.Option(DiscontinuousPolicy.split, "--discontinuous", help="brat discontinuous entities."),
    strict: bool = typer.Option(False, "--strict", help="Fail on any refused entity or skipped note."),
    max_note_chars: int = typer.Option(
        DEFAULT_MAX_NOTE_CHARS, "--max-note-chars",
        help="Skip (and report) notes longer than this; longer than nlp.max_length is fine (0: no limit).",
    ),
    show_text: bool = typer.Option(
        False, "--show-text",
        help="Quote texts, unknown TYPEs, element names and ids from the files in report lines (prints PHI!).",
    ),
) -> None:
    """Convert annotated clinical notes to spaCy DocBin files."""
    msg = Printer()
    if len(paths) < 2:
        raise fail("give at least one SRC and the OUT path", 2)
    *sources, output = paths
    if output.exists() and output.is_dir():
        raise fail(f"{output}: OUT is a folder; give a file path such as {output / 'train.spacy'}")
    try:
        from ..tokenizer import clinical_nlp

        try:
            nlp = clinical_nlp(lang)
        except (ImportError, KeyError, ValueError) as err:
            raise ConversionError(f"--lang {lang}: no spaCy language with this code ({type(err).__name__})") from None
        report = convert_corpus(
            sources,
            output,
            nlp,
            format=format.value,
            scheme=labels.value,
            dev_fraction=dev_fraction,
            seed=seed,
            dev_output=dev_output,
            segment=segment,
            max_segment_chars=segment_chars,
            on_overlap=on_overlap.value,
            discontinuous=discontinuous.value,
            strict=strict,
            show_text=show_text,
            max_note_chars=max_note_chars,
        )
    except ConversionError as err:
        raise fail(str(err))
    except OSError as err:
        raise fail(f"{err.filename or ''}: {err.strerror or err}")
    report.print(msg)
    for name, part in report.splits.items():  # typer.secho: wasabi would wrap long paths
        typer.secho(
            f"✔ {name}: {part['docs']} docs, {part['entities']} entities, "
            f"{part['notes']} notes, {part['patients']} patients -> {part['path']}",
            fg=typer.colors.GREEN,
        )
    typer.echo(f"ℹ Report: {report_path(output)}")
    if report.unbalanced_labels():
        raise typer.Exit(1)
