"""The steps of ``project.yml`` that need more than one existing command.

``tune`` sets the packaged ``entity_bias`` from a bias sweep; ``package``
makes the trained pipeline self-contained and builds ``en_medner`` with
``spacy package`` (:mod:`spacy_medner.packaging` writes the meta and the model
card); ``smoke`` loads the installed package and tags a note.
"""
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Optional

import typer
from wasabi import Printer

from ..compose import configure
from ..evaluation.plots import bias_curve_png
from ..packaging import bias_choice, handwritten_docs, make_self_contained, model_card, package_meta
from ..safe_io import InputGuard, UnsafeOutputError, atomic_to_disk, atomic_write_text
from ..synth import is_synthetic_corpus
from .app import app, fail

project_app = typer.Typer(help="Steps of the spaCy project workflow (project.yml).", no_args_is_help=True)
app.add_typer(project_app, name="project")

#: A synthetic note for the smoke test: no real person.
SMOKE_NOTE = (
    "Discharge summary. Patient Maria Keller (MRN 4417220), 67yo, seen by Dr. Alvarez "
    "at Riverside General Hospital on 2091-03-02. Call (207) 555-0143 with questions."
)


@project_app.command("tune")
def project_tune(
    model_dir: Path = typer.Argument(..., help="Trained pipeline (e.g. training/model-best)."),
    output_dir: Path = typer.Argument(..., help="Where to save the pipeline with the chosen entity_bias."),
    bias_curve_path: Path = typer.Option(..., "--bias-curve", help="bias_curve.json of `evaluate --bias-sweep`."),
    choice_path: Path = typer.Option(..., "--choice", help="Where to write the choice (value, reason, curve) as JSON."),
    min_recall: float = typer.Option(0.97, "--min-recall", help="PHI token recall target."),
    min_precision: float = typer.Option(0.90, "--min-precision", help="PHI token precision floor."),
    plot_path: Optional[Path] = typer.Option(None, "--plot", help="Also draw the curve, the targets and the choice as a PNG."),
) -> None:
    """Set the pipeline's entity_bias to the highest-recall value that clears the recall and precision targets by half a point."""
    import spacy

    msg = Printer()
    if not bias_curve_path.exists():
        raise fail(f"--bias-curve {bias_curve_path}: no such file; run evaluate --bias-sweep first")
    try:
        guard = InputGuard([model_dir, bias_curve_path])
        guard.check_folder(output_dir)
        guard.check(choice_path, "--choice")
        if plot_path is not None:
            guard.check(plot_path, "--plot")
    except UnsafeOutputError as err:
        raise fail(str(err))
    choice = bias_choice(json.loads(bias_curve_path.read_text(encoding="utf8")), min_recall, min_precision)
    nlp = spacy.load(model_dir)
    configure(nlp, "medner", entity_bias=choice["value"])
    atomic_to_disk(nlp, output_dir)
    atomic_write_text(choice_path, json.dumps(choice, indent=2) + "\n")
    if plot_path is not None:
        bias_curve_png(choice["curve"], plot_path, chosen=choice["value"], min_recall=min_recall, min_precision=min_precision,
                       title="PHI token recall and precision against entity_bias (out-of-distribution tuning notes)")
    msg.good(f"entity_bias {choice['value']:g}: {choice['reason']}")


@project_app.command("package")
def project_package(
    model_dir: Path = typer.Argument(..., help="Trained pipeline (e.g. training/model-best)."),
    output_dir: Path = typer.Argument(..., help="Where spacy package writes the package."),
    metrics_path: Path = typer.Option(..., "--metrics", help="metrics.json from the evaluate step."),
    ood_metrics_path: Optional[Path] = typer.Option(
        None, "--ood-metrics", help="metrics.json on the held-out out-of-distribution notes (evaluate-ood step)."
    ),
    ood_all_metrics_path: Optional[Path] = typer.Option(
        None, "--ood-all-metrics", help="metrics.json on all out-of-distribution notes, the tuning half included."
    ),
    ood_fresh_metrics_path: Optional[Path] = typer.Option(
        None, "--ood-fresh-metrics", help="metrics.json on the hand-written notes never used in development (evaluate-ood step, fresh/)."
    ),
    bias_choice_path: Optional[Path] = typer.Option(
        None, "--bias-choice", help="bias_choice.json of the tune step: recorded in the model card."
    ),
    name: str = typer.Option("medner", "--name"),
    version: str = typer.Option("0.1.0", "--version"),
    notes: Path = typer.Option(
        ..., "--notes", help="The notes the model was trained on: the model card says SYNTHETIC when `synth` wrote them."
    ),
    transformer: str = typer.Option("bundled", "--transformer", help="The transformer the model was trained from."),
    train_corpus: Optional[Path] = typer.Option(
        None, "--train-corpus", help="The training corpus (a .spacy file or a folder of them): the model card counts "
        "the hand-written notes in a `handwritten.spacy` file there (the convert-handwritten step's output)."
    ),
    build: str = typer.Option("wheel", "--build", help="spacy package --build formats."),
) -> None:
    """Build the installable ``en_medner`` package with real metrics, the chosen entity_bias and a model card."""
    msg = Printer()
    inputs = {
        "--metrics": metrics_path,
        "--ood-metrics": ood_metrics_path,
        "--ood-all-metrics": ood_all_metrics_path,
        "--ood-fresh-metrics": ood_fresh_metrics_path,
        "--bias-choice": bias_choice_path,
    }
    for flag, path in inputs.items():
        if path is not None and not path.exists():
            raise fail(f"{flag} {path}: no such file; run the evaluate steps first")
    read = {flag: json.loads(path.read_text(encoding="utf8")) if path else None for flag, path in inputs.items()}
    nlp = make_self_contained(model_dir)
    meta = package_meta(
        nlp.meta,
        name=name,
        version=version,
        synthetic=is_synthetic_corpus(notes),
        transformer=transformer,
        metrics=read["--metrics"],
        ood_metrics=read["--ood-metrics"],
        ood_all_metrics=read["--ood-all-metrics"],
        ood_fresh_metrics=read["--ood-fresh-metrics"],
        bias=read["--bias-choice"],
        handwritten_docs=handwritten_docs(train_corpus) if train_corpus is not None else 0,
    )
    nlp.meta.update(meta)
    card = model_card({**meta, "pipeline": nlp.pipe_names, "labels": {"medner": list(nlp.get_pipe("medner").labels)}})
    output_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        staging = Path(tmp) / f"{nlp.lang}_{name}"
        nlp.to_disk(staging)
        (staging / "README.md").write_text(card, encoding="utf8")
        cmd = [
            sys.executable, "-m", "spacy", "package", str(staging), str(output_dir),
            "--name", name, "--version", version, "--build", build, "--force",
        ]
        msg.info(f"Running: {' '.join(cmd)}")
        result = subprocess.run(cmd)
    if result.returncode != 0:
        raise fail("spacy package failed", result.returncode)
    msg.good(f"Packaged {nlp.lang}_{name}-{version} in {output_dir}")


@project_app.command("smoke")
def project_smoke(
    model: str = typer.Argument("en_medner", help="Installed package name or path."),
    text: Optional[str] = typer.Option(None, "--text", help="Note to tag (default: a built-in SYNTHETIC note)."),
) -> None:
    """Load the packaged model (a fresh process) and tag a SYNTHETIC sample note."""
    import spacy

    msg = Printer()
    try:
        nlp = spacy.load(model)
    except (OSError, ImportError, ValueError) as err:
        raise fail(f"cannot load {model}: {type(err).__name__}")
    doc = nlp(text or SMOKE_NOTE)
    scores = doc.spans["medner"].attrs["scores"] if "medner" in doc.spans else []
    msg.info(f"{model}: pipeline {nlp.pipe_names}, {len(doc.ents)} entities in the sample note")
    if text is None:  # the built-in note is synthetic: printing its entities reveals no PHI
        for ent, score in zip(doc.ents, scores):
            msg.text(f"  {ent.start_char:>4}-{ent.end_char:<4} {ent.label_:<14} p={score:.2f}  {ent.text}")
    if not doc.ents:
        raise fail("the model found no entity in the sample note")
