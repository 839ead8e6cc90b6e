"""``calibrate``: fit the temperature of medner's entity probabilities on gold data, save a new pipeline."""
import json
from pathlib import Path

import typer
from wasabi import msg

from ..evaluation.calibration import DEFAULT_BINS, calibrate, calibration_markdown
from ..evaluation.plots import reliability_png
from ..safe_io import InputGuard, UnsafeOutputError, atomic_to_disk, atomic_write_text
from .app import app, fail
from .evaluate import load_gold_docs, load_pipeline


@app.command("calibrate")
def calibrate_command(
    model: str = typer.Argument(..., help="Trained pipeline with one medner component (a directory or package name)."),
    data: Path = typer.Argument(..., help="Gold DocBin (.spacy) to fit on, e.g. the dev split."),
    output_model: Path = typer.Argument(..., help="Where to save the pipeline with the fitted temperature (a new folder)."),
    report: Path = typer.Option(..., "--report", "-r", help="Folder for calibration.json, calibration.md and reliability.png."),
    n_bins: int = typer.Option(DEFAULT_BINS, "--bins", min=2, help="Equal-width probability bins for the ECE and the diagram."),
    batch_size: int = typer.Option(32, "--batch-size", min=1, help="nlp.pipe batch size."),
    gpu_id: int = typer.Option(-1, "--gpu-id", help="GPU to run on; -1 for CPU."),
) -> None:
    """Temperature scaling: one scalar T divides the CRF's potentials before entity probabilities are computed.

    T is fitted on DATA to minimise the log loss of "this predicted entity is exactly right",
    stored in the medner pipe (cfg["temperature"]) and used by every later prediction.
    The decoded entities do not change; only their probabilities (doc.spans[...].attrs["scores"]) do.
    """
    guarded = [Path(model), data] if Path(model).exists() else [data]
    guard = InputGuard(guarded)
    try:
        guard.check_folder(output_model, "OUTPUT_MODEL")
        guard.check_folder(report, "--report")
        if Path(report).resolve() == Path(output_model).resolve() or Path(output_model).resolve() in Path(report).resolve().parents:
            raise UnsafeOutputError(f"--report {report}: refusing to write there, it lies inside OUTPUT_MODEL")
    except UnsafeOutputError as err:
        raise fail(str(err))
    nlp = load_pipeline(model, gpu_id)
    gold_docs = load_gold_docs(data, nlp)
    msg.info(f"Fitting the temperature on {len(gold_docs)} documents")
    try:
        result = calibrate(nlp, gold_docs, batch_size=batch_size, n_bins=n_bins)
    except ValueError as err:
        raise fail(str(err))
    report.mkdir(parents=True, exist_ok=True)
    atomic_write_text(report / "calibration.json", json.dumps(result, indent=2) + "\n")
    atomic_write_text(report / "calibration.md", calibration_markdown(result, data.name))
    reliability_png(result["before"], report / "reliability.png", after=result.get("after_cross_fitted", result["after"]),
                    title=f"Entity probabilities on {data.name}: before and after temperature scaling")
    atomic_to_disk(nlp, output_model)
    held = result.get("after_cross_fitted", result["after"])
    msg.good(
        f"Temperature {result['temperature']:.4g}: ECE {result['before']['ece']:.4f} -> {result['after']['ece']:.4f} "
        f"(cross-fitted {held['ece']:.4f}), Brier {result['before']['brier']:.4f} -> {result['after']['brier']:.4f}"
    )
    msg.good(f"Saved {output_model}; wrote {report}/calibration.json, calibration.md and reliability.png")
