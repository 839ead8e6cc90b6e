"""``evaluate``: score a spaCy pipeline on a gold DocBin and write the reports."""
import json
from pathlib import Path
from typing import List, Optional

import spacy
import typer
from spacy.language import Language
from spacy.tokens import Doc, DocBin
from wasabi import msg

from ..evaluation import (
    MAX_ERROR_DOCS,
    ModelEvaluation,
    evaluate_model,
    map_gold_docs,
    score_docs,
    summary_rows,
    write_reports,
)
from ..evaluation.bias_curve import DEFAULT_BIASES, bias_curve, curve_markdown
from ..evaluation.calibration import entity_calibration
from ..evaluation.plots import bias_curve_png, reliability_png
from ..labels import DEFAULT_SPANS_KEY
from ..pipeline.medner import medner_pipes
from ..corpus.report import display_id
from ..labels import LABEL_SCHEMES
from ..quantize import encoder_quantization, quantize_encoder
from ..safe_io import atomic_write_text
from .app import app, fail


def _first_line(err: BaseException) -> str:
    text = str(err).strip().splitlines()
    return f"{type(err).__name__}: {text[0] if text else ''}"


def load_pipeline(model: str, gpu_id: int) -> Language:
    """Load ``model`` (path or package name), on GPU ``gpu_id`` when it is >= 0."""
    if gpu_id >= 0:
        try:
            spacy.require_gpu(gpu_id)
        except Exception as err:  # noqa: BLE001 - any failure is reported the same way
            raise fail(f"Cannot use GPU {gpu_id}: {_first_line(err)}")
    try:
        return spacy.load(model)
    except Exception as err:  # noqa: BLE001
        raise fail(f"Cannot load model {model!r}: {_first_line(err)}")


def load_gold_docs(data: Path, nlp: Language) -> List[Doc]:
    """Read the gold DocBin ``data`` with the pipeline's vocab."""
    if not data.is_file():
        raise fail(f"Cannot load data {str(data)!r}: no such file")
    try:
        docs = list(DocBin().from_disk(data).get_docs(nlp.vocab))
    except Exception as err:  # noqa: BLE001
        raise fail(f"Cannot load data {str(data)!r} as a spaCy DocBin: {_first_line(err)}")
    if not docs:
        raise fail(f"Data {str(data)!r} contains no documents")
    return docs


def pair_predictions(predicted: List[Doc], gold_docs: List[Doc], source: str) -> List[Doc]:
    """Order predicted docs like the gold: by ``user_data["note_id"]`` when both have it."""
    by_id = {doc.user_data.get("note_id"): doc for doc in predicted}
    ids = [doc.user_data.get("note_id") for doc in gold_docs]
    if None not in by_id and all(i is not None for i in ids):
        missing = [i for i in ids if i not in by_id]
        if missing:
            first = display_id(str(missing[0]), f"gold note #{ids.index(missing[0]) + 1}")
            raise fail(f"{source}: no prediction for {len(missing)} gold notes (first: {first})")
        return [by_id[i] for i in ids]
    if len(predicted) != len(gold_docs):
        raise fail(f"{source}: {len(predicted)} predicted docs but {len(gold_docs)} gold docs")
    return predicted


@app.command("evaluate")
def evaluate_command(
    model: str = typer.Argument(
        ...,
        help="spaCy pipeline (a directory or an installed package name), or a DocBin (.spacy) of "
        "predictions to score as they are, e.g. `deid --format i2b2-2014` output after `convert`.",
    ),
    data: List[Path] = typer.Argument(
        ..., help="Gold DocBin (.spacy) with doc.ents set; several are scored in turn with the model loaded once."
    ),
    output: List[Path] = typer.Option(
        ..., "--output", "-o", help="Directory for metrics.json, metrics.md, errors.html: one per DATA, in order."
    ),
    gold_labels_scheme: Optional[str] = typer.Option(
        None,
        "--gold-labels-scheme",
        help=f"Map gold i2b2 TYPE labels to this scheme ({'|'.join(LABEL_SCHEMES)}) before scoring; "
        "use it when the model was trained on another scheme than the gold labels.",
    ),
    batch_size: int = typer.Option(32, "--batch-size", min=1, help="nlp.pipe batch size."),
    gpu_id: int = typer.Option(-1, "--gpu-id", help="GPU to run on; -1 for CPU."),
    no_errors_html: bool = typer.Option(
        False, "--no-errors-html", help="Do not write errors.html (which contains note text)."
    ),
    max_error_docs: int = typer.Option(
        MAX_ERROR_DOCS, "--max-error-docs", min=0, help="Most documents shown in errors.html."
    ),
    bias_sweep: Optional[str] = typer.Option(
        None,
        "--bias-sweep",
        help="Comma-separated entity_bias values (e.g. '0,1,2,4'): also write bias_curve.json/.md, "
        "PHI token P/R at each (the recall knob's curve). 'default' uses "
        + ",".join(f"{b:g}" for b in DEFAULT_BIASES)
        + ".",
    ),
    int8: bool = typer.Option(
        False,
        "--int8",
        help="Predict with the int8 encoder (dynamic int8 quantization of the transformer, CPU only; "
        "the same as quantize = \"int8\" in the model's config). Ignored on GPU, with a warning.",
    ),
) -> None:
    """Evaluate MODEL on each gold DocBin DATA: strict, i2b2-relaxed, token-level PHI and HIPAA scores.

    Scores are on character offsets, so the model's tokenizer may differ from the gold's.
    Nothing printed contains note text; errors.html does (disable it with --no-errors-html).
    """
    if gold_labels_scheme is not None and gold_labels_scheme not in LABEL_SCHEMES:
        raise fail(
            f"--gold-labels-scheme {gold_labels_scheme!r} is not one of {', '.join(LABEL_SCHEMES)}"
        )
    if len(output) != len(data):
        raise fail(f"{len(data)} DATA but {len(output)} --output: give one --output per DATA, in order")
    if len(set(output)) != len(output):
        raise fail("--output: each DATA needs its own directory")
    if bias_sweep is not None and len(data) > 1:
        raise fail("--bias-sweep takes one DATA")
    scoring_predictions = model.endswith(".spacy") and Path(model).is_file()
    nlp = spacy.blank("en") if scoring_predictions else load_pipeline(model, gpu_id)
    if int8 and scoring_predictions:
        msg.warn("--int8 needs a pipeline, not saved predictions: ignored")
    elif int8:
        try:
            quantize_encoder(nlp)
        except ValueError as err:
            raise fail(f"--int8: {err}")
    # every DATA (and the saved predictions) is read before any is scored: a bad one fails at once
    gold_sets = [load_gold_docs(one_data, nlp) for one_data in data]
    saved = load_gold_docs(Path(model), nlp) if scoring_predictions else None
    for one_data, one_output, gold_docs in zip(data, output, gold_sets):
        if len(data) > 1:
            msg.divider(str(one_data))
        _evaluate_one(
            nlp, model, one_data, one_output, gold_docs, saved_predictions=saved,
            gold_labels_scheme=gold_labels_scheme, batch_size=batch_size, no_errors_html=no_errors_html,
            max_error_docs=max_error_docs, bias_sweep=bias_sweep,
        )


def _evaluate_one(
    nlp: Language,
    model: str,
    data: Path,
    output: Path,
    gold_docs: List[Doc],
    *,
    saved_predictions: Optional[List[Doc]],
    gold_labels_scheme: Optional[str],
    batch_size: int,
    no_errors_html: bool,
    max_error_docs: int,
    bias_sweep: Optional[str],
) -> None:
    """Score ``nlp`` (or ``saved_predictions``, read from ``model``) on the gold docs of ``data``; write its reports."""
    scoring_predictions = saved_predictions is not None
    label_mapping = None
    if gold_labels_scheme is not None:
        try:
            gold_docs, dropped = map_gold_docs(gold_docs, gold_labels_scheme)
        except ValueError as err:
            raise fail(f"{data}: {err}")
        label_mapping = {"scheme": gold_labels_scheme, "dropped_gold_entities": dropped}
        msg.info(f"Gold labels mapped to the {gold_labels_scheme!r} scheme ({dropped} gold entities dropped)")

    if scoring_predictions:
        predicted = pair_predictions(saved_predictions, gold_docs, model)
        msg.info(f"Scoring {len(predicted)} predicted documents from {model!r}")
        result = ModelEvaluation(metrics=score_docs(gold_docs, predicted), predicted=predicted)
    else:
        quantized = sorted(name for name, mode in encoder_quantization(nlp).items() if mode != "none")
        encoder = f", int8 encoder in {', '.join(quantized)}" if quantized else ""
        msg.info(f"Predicting {len(gold_docs)} documents with {model!r} (batch size {batch_size}{encoder})")
        result = evaluate_model(nlp, gold_docs, batch_size=batch_size)
    metrics = result.metrics
    metrics["model"] = {
        "path_or_name": model,
        "name": nlp.meta.get("name"),
        "version": nlp.meta.get("version"),
        "pipeline": list(nlp.pipe_names),
        "encoder_quantization": {} if scoring_predictions else encoder_quantization(nlp),
    }
    metrics["data"] = str(data)
    metrics["gold_label_mapping"] = label_mapping

    gold_labels = {e.label_ for doc in gold_docs for e in doc.ents}
    pred_labels = {e.label_ for doc in result.predicted for e in doc.ents}
    if gold_labels and pred_labels and not gold_labels & pred_labels:
        msg.warn(
            f"No predicted label ({', '.join(sorted(pred_labels))}) occurs in the gold "
            f"({', '.join(sorted(gold_labels))}); is --gold-labels-scheme needed?"
        )

    pipes = medner_pipes(nlp)
    spans_key = pipes[0].spans_key if pipes else DEFAULT_SPANS_KEY
    metrics["calibration"] = entity_calibration(gold_docs, result.predicted, spans_key, pipes)
    paths = write_reports(
        metrics,
        gold_docs,
        result.predicted,
        output,
        write_errors_html=not no_errors_html,
        max_error_docs=max_error_docs,
    )
    if bias_sweep is not None and scoring_predictions:
        msg.warn("--bias-sweep needs a pipeline, not saved predictions: no curve written")
    if bias_sweep is not None and not scoring_predictions:
        try:
            biases = DEFAULT_BIASES if bias_sweep == "default" else [float(b) for b in bias_sweep.split(",") if b.strip()]
        except ValueError:
            raise fail(f"--bias-sweep {bias_sweep!r}: expected comma-separated numbers")
        msg.info(f"Bias sweep over {len(biases)} entity_bias values")
        try:
            curve = bias_curve(nlp, gold_docs, biases, batch_size=batch_size)
        except ValueError as err:
            raise fail(str(err))
        atomic_write_text(output / "bias_curve.json", json.dumps(curve, indent=2) + "\n")
        atomic_write_text(output / "bias_curve.md", curve_markdown(curve))
        bias_curve_png(curve, output / "bias_curve.png", chosen=pipes[0].entity_bias)
        msg.text(curve_markdown(curve))
    rows = [(name, f"{100 * p:.2f}", f"{100 * r:.2f}", f"{100 * f:.2f}") for name, p, r, f in summary_rows(metrics)]
    msg.table(rows, header=("Metric", "P", "R", "F"), aligns=("l", "r", "r", "r"), divider=True)
    hipaa = metrics.get("hipaa", {})
    if not hipaa.get("applicable", False):
        msg.text(f"HIPAA subset: {hipaa.get('reason', 'n/a')}")
    speed = metrics.get("speed")
    rate = f", {speed['words_per_second']:.0f} words/s" if speed else ""
    msg.text(f"{metrics['n_docs']} docs, {metrics['n_words']} words{rate}; {metrics['docs_with_errors']} docs with errors")
    if not metrics["spacy_scorer"]["agrees_with_strict"]:
        msg.warn("spaCy's Scorer differs from the character-offset strict score (tokenization mismatch)")
    cal = metrics["calibration"]
    if cal["applicable"]:
        reliability_png(cal, output / "reliability.png", title=f"Reliability of entity probabilities: {data.name}")
        msg.text(f"Entity probabilities: ECE {cal['ece']:.4f}, Brier {cal['brier']:.4f} ({cal['n_entities']} entities); reliability.png")
    msg.good(f"Wrote {paths['metrics_json']} and {paths['metrics_md']}")
    if paths["errors_html"] is not None:
        msg.warn(f"Wrote {paths['errors_html']}: it CONTAINS NOTE TEXT (use --no-errors-html to skip it)")
