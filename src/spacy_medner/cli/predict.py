"""``predict``: the ORIGINAL notes with the PREDICTED PHI as i2b2 2014 XML, for scoring.

    python -m spacy_medner predict MODEL SRC OUT [--spans-key KEY|ents] [--labels ...] \\
        [--entity-bias X] [--min-score P] [--n-process N] [--batch-size B]

OUT is a folder of i2b2 2014 XML files (one per note, named like the input;
JSONL notes: ``ID.xml``) holding the original text and the predicted
entities as TAGS (TYPE = label, element = its category, ids P0, P1, ...):
what the official i2b2 evaluation script reads, and what ``convert`` turns
into a DocBin for ``evaluate``.  THE OUTPUT CONTAINS PHI: it is the input
with annotations, not a de-identified copy (``deid`` makes that).  The
predictions are those ``deid`` would replace with the same options (span
group, labels, bias, min score).
"""
import time
from pathlib import Path
from typing import Optional

import typer

from ..deid.inputs import DeidInputError, resolve_source
from ..deid.outputs import PREDICTION_FORMAT, OutputWriter, check_output
from ..deid.replace import Deidentifier, parse_labels
from ..deid.stream import DEFAULT_BATCH_SIZE
from .app import app, fail
from .deid import InFormat, Progress, load_tuned_pipeline, run_notes, select_phi

PHI_WARNING = "contains PHI: the original notes with the predicted tags (not de-identified)"


@app.command("predict")
def predict_command(
    model: str = typer.Argument(..., help="spaCy pipeline with a medner component (a directory or an installed package)."),
    src: Path = typer.Argument(..., help="A folder of .txt notes, a JSONL file, or i2b2 2014 XML (file or folder)."),
    out: Path = typer.Argument(..., help="Output folder of i2b2 2014 XML. IT CONTAINS PHI (the original text)."),
    input_format: InFormat = typer.Option(InFormat.auto, "--input-format", help="Input format (auto: from the suffixes)."),
    spans_key: Optional[str] = typer.Option(None, "--spans-key", help="doc.spans key that holds the PHI (default: the medner pipe's); 'ents' for doc.ents."),
    labels: Optional[str] = typer.Option(None, "--labels", help="Comma-separated labels to write (default: all)."),
    n_process: int = typer.Option(1, "--n-process", min=1, help="Processes for nlp.pipe."),
    batch_size: int = typer.Option(DEFAULT_BATCH_SIZE, "--batch-size", min=1, help="Notes per nlp.pipe batch."),
    entity_bias: Optional[float] = typer.Option(None, "--entity-bias", help="Replace medner's entity_bias (added to entity-tag scores: > 0 catches more PHI, < 0 less). Default: the model's own (en_medner ships a tuned one)."),
    min_score: float = typer.Option(0.0, "--min-score", min=0.0, max=1.0, help="Leave out entities with a medner probability below P."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Write into an existing non-empty OUT (never over inputs)."),
    gpu_id: int = typer.Option(-1, "--gpu-id", "-g", help="GPU id, or -1 for CPU."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Progress bar on stderr (counts and notes/s only)."),
    show_text: bool = typer.Option(False, "--show-text", help="Include exception messages in errors (they may contain PHI!)."),
) -> None:
    """Write the ORIGINAL notes with the PREDICTED PHI tags as i2b2 2014 XML, for scoring.

    THE OUTPUT CONTAINS PHI: it is the input text with annotations, not de-identified.
    Score it with the official i2b2 script, or convert it and run evaluate.
    To de-identify, use the deid command.
    """
    try:
        label_list = parse_labels(labels)
        source = resolve_source(src, input_format.value)
        guard = check_output(source, out, PREDICTION_FORMAT, overwrite)
        deidentifier = Deidentifier("tag", labels=label_list, min_score=min_score or None)
    except (DeidInputError, ValueError) as err:
        raise fail(str(err))
    nlp = load_tuned_pipeline(model, gpu_id, entity_bias, min_score, n_process=n_process)
    deidentifier.spans_key = select_phi(nlp, spans_key, label_list, {})

    bar = Progress(source.count_hint(), progress, "predict")
    writer = OutputWriter(source, out, PREDICTION_FORMAT, guard)
    entities = 0

    def written(output) -> None:  # type: ignore[no-untyped-def]
        nonlocal entities
        entities += len(output.result.replacements)

    started = time.perf_counter()
    run_notes(nlp, source, writer, deidentifier, bar, batch_size=batch_size, n_process=n_process, show_text=show_text, on_written=written)
    elapsed = max(time.perf_counter() - started, 1e-9)
    typer.secho(
        f"✔ {writer.written} notes -> {out} (i2b2 2014 XML): {entities} predicted entities, {writer.written / elapsed:.1f} notes/s",
        fg=typer.colors.GREEN,
    )
    typer.secho(f"⚠ {out} {PHI_WARNING}", fg=typer.colors.YELLOW)
    if bar.skipped:
        raise fail(f"{bar.skipped} inputs skipped (listed above)")
