"""The whole project workflow on a tiny synthetic corpus (slow).

synth → convert → convert-handwritten → train (a few steps) → convert-ood → sweep-bias → tune →
calibrate → evaluate → evaluate-ood (test/ and fresh/) → package → pip-install the wheel into a temporary
target → ``spacy.load("en_medner")`` in a fresh process.
"""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from spacy.util import load_config

ROOT = Path(__file__).resolve().parents[1]


def _run(args, cwd, env=None):
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True)
    assert result.returncode == 0, f"{' '.join(map(str, args))} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


@pytest.mark.slow
def test_project_workflow_end_to_end(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(ROOT / "project.yml", project / "project.yml")
    shutil.copytree(ROOT / "configs", project / "configs")
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    ood = ROOT / "tests" / "fixtures" / "ood_notes"
    tiny = ["--vars.max_steps", "12", "--vars.eval_frequency", "6", "--vars.warmup_steps", "2"]
    overrides = ["--vars.n_notes", "24", "--vars.ood_dir", str(ood), *tiny]
    spacy_project = [sys.executable, "-m", "spacy", "project", "run"]
    steps = ("synth", "convert", "convert-handwritten", "train", "convert-ood", "sweep-bias", "tune", "calibrate", "evaluate", "evaluate-ood", "package")
    for step in steps:
        _run(spacy_project + [step, ".", *overrides], cwd=project, env=env)

    assert (project / "assets" / "synthetic" / "README.txt").exists()
    trained = load_config(project / "training" / "model-best" / "config.cfg")
    assert trained["training"]["max_steps"] == 12  # the vars reach `spacy train` as overrides
    assert trained["corpora"]["train"]["augmenter"]["level"] == pytest.approx(0.3)
    assert trained["components"]["transformer"]["model"]["transformer_config"]["attention_probs_dropout_prob"] == 0.0
    assert trained["corpora"]["dev"]["limit"] == 20  # scored in training on 20 notes; `evaluate` scores all of dev
    report = json.loads((project / "corpus" / "train" / "notes.report.json").read_text())
    assert report["balanced"] is True
    assert report["totals"]["entities_in"] == report["totals"]["written"] > 0
    handwritten = json.loads((project / "corpus" / "train" / "handwritten.report.json").read_text())
    n_dev = len(list((ood / "dev").glob("*.xml")))
    assert handwritten["totals"]["entities_in"] == handwritten["totals"]["written"] > 0
    assert trained["paths"]["train"] == "corpus/train"  # both .spacy files of the folder are read
    metrics = json.loads((project / "metrics" / "metrics.json").read_text())
    held_out = json.loads((project / "metrics" / "ood-test" / "metrics.json").read_text())
    assert held_out["n_docs"] == len(list((ood / "test").glob("*.xml")))
    fresh = json.loads((project / "metrics" / "ood-fresh" / "metrics.json").read_text())
    assert fresh["n_docs"] == len(list((ood / "fresh").glob("*.xml"))) > 0
    assert fresh["structured"]["applicable"] is True
    assert not (project / "metrics" / "ood").exists()  # no figure that mixes in the notes trained on
    choice = json.loads((project / "metrics" / "bias_choice.json").read_text())
    assert choice["value"] in [row["entity_bias"] for row in choice["curve"]]
    assert (project / "metrics" / "errors.html").exists()
    tuned = load_config(project / "training" / "model-tuned" / "config.cfg")
    assert tuned["components"]["medner"]["entity_bias"] == choice["value"]
    assert (project / "metrics" / "bias_curve.png").read_bytes()[:4] == b"\x89PNG"
    calibration = json.loads((project / "metrics" / "calibration" / "calibration.json").read_text())
    assert metrics["calibration"]["temperature"] == pytest.approx(calibration["temperature"])
    assert metrics["calibration"]["ece"] == pytest.approx(calibration["after"]["ece"], abs=1e-3)
    assert (project / "metrics" / "reliability.png").exists()

    wheel = project / "packages" / "en_medner-0.1.0" / "dist" / "en_medner-0.1.0-py3-none-any.whl"
    assert wheel.exists()
    target = tmp_path / "site"
    _run([sys.executable, "-m", "pip", "install", "--no-deps", "--target", str(target), str(wheel)], cwd=tmp_path)
    code = (
        "import json, spacy; nlp = spacy.load('en_medner'); "
        "doc = nlp('Seen by Dr. Alvarez on 2091-03-02.'); "
        "print(json.dumps({'pipeline': nlp.pipe_names, 'meta': nlp.meta, "
        "'entity_bias': nlp.get_pipe('medner').entity_bias, "
        "'n_scores': len(doc.spans['medner'].attrs['scores']), 'n_ents': len(doc.ents)}))"
    )
    env_loaded = {**env, "PYTHONPATH": str(target), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    out = _run([sys.executable, "-c", code], cwd=tmp_path, env=env_loaded)
    loaded = json.loads(out.stdout.strip().splitlines()[-1])
    assert loaded["pipeline"] == ["medner"]
    assert loaded["entity_bias"] == choice["value"]
    assert loaded["n_scores"] == loaded["n_ents"]
    meta = loaded["meta"]
    assert "SYNTHETIC" in meta["description"] and "SYNTHETIC" in meta["trained_on"]
    assert f"{n_dev} hand-written" in meta["trained_on"] and "fresh/" in meta["not_trained_on"]
    assert meta["performance"]["ents_f"] == pytest.approx(metrics["strict"]["micro"]["f"])
    assert meta["performance_ood"]["phi_token_recall"] == pytest.approx(held_out["token"]["r"])
    assert "performance_ood_all" not in meta
    assert meta["performance_ood_fresh"]["phi_token_recall"] == pytest.approx(fresh["token"]["r"])
    assert meta["entity_bias"]["value"] == choice["value"]
    assert meta["performance"]["temperature"] == pytest.approx(calibration["temperature"])
    assert any(req.startswith("spacy_medner") for req in meta["requirements"])
    assert any(req.startswith("spacy-transformers") for req in meta["requirements"])
    readme = (project / "packages" / "en_medner-0.1.0" / "README.md").read_text()
    assert "Trained on" in readme and "SYNTHETIC" in readme
    assert "out-of-distribution" in readme and "entity_bias" in readme
