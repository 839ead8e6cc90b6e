"""The int8 encoder (spacy_medner.quantize): config switch, runtime call, serialization, source=, GPU skip.

The pipelines are a tiny random BERT (2 layers, width 32) + medner, trained here for a few
steps on SYNTHETIC sentences, so every test runs in seconds.
"""
import json
from pathlib import Path
from typing import List, Tuple

import numpy
import pytest
import spacy
from spacy.language import Language
from spacy.tokens import DocBin
from spacy.training import Example
from thinc.api import fix_random_seed
from typer.testing import CliRunner

import spacy_medner
import spacy_medner.quantize as quantize
from spacy_medner.cli import app
from spacy_medner.packaging import make_self_contained
from spacy_medner.quantize import (
    INT8_RECIPE,
    QuantizableHFShim,
    count_quantized_linear,
    encoder_quantization,
    encoder_shims,
    quantize_encoder,
    quantized_linear_names,
)

CONFIGS = Path(__file__).resolve().parents[1] / "configs"

#: SYNTHETIC sentences (no real person) with their PHI.
TRAIN = [
    ("Patient Maria Keller, device ZX4417Q, has no pneumonia.", [(8, 20, "PATIENT"), (29, 36, "DEVICE")]),
    ("Seen by Dr. Alvarez, device ZX4417Q, and started metformin.", [(12, 19, "DOCTOR"), (28, 35, "DEVICE")]),
    ("No pneumonia today; metformin was continued.", []),
    ("Dr. Chen saw Maria Keller about device ZX4417Q again.", [(4, 8, "DOCTOR"), (13, 25, "PATIENT"), (39, 46, "DEVICE")]),
]
TEXTS = [text for text, _ in TRAIN] + [
    "Maria Keller was seen by Dr. Chen; device ZX4417Q was checked and metformin continued.",
    "Dr. Alvarez reviewed the pneumonia workup with Maria Keller and her family today.",
]


def build_nlp(bert: Path, quantize_mode: str = "none", arch: str = "spacy-medner.TransformerModel.v2") -> Language:
    model = {
        "@architectures": arch,
        "name": str(bert),
        "get_spans": {"@span_getters": "spacy-transformers.strided_spans.v1", "window": 64, "stride": 48},
    }
    if arch.endswith(".v2"):
        model["quantize"] = quantize_mode
    nlp = spacy.blank("en")
    nlp.add_pipe("transformer", config={"model": model})
    nlp.add_pipe("medner", config={"use_patterns": False})
    return nlp


def train(nlp: Language, steps: int = 30) -> Language:
    fix_random_seed(0)
    examples = [Example.from_dict(nlp.make_doc(t), {"entities": e}) for t, e in TRAIN]
    nlp.initialize(get_examples=lambda: examples)
    optimizer = nlp.create_optimizer()
    for _ in range(steps):
        nlp.update(examples, sgd=optimizer)
    return nlp


def predictions(nlp: Language) -> List[Tuple[List[str], List[float]]]:
    """Per text: the token tags and the entity probabilities."""
    out = []
    for doc in nlp.pipe(TEXTS, batch_size=len(TEXTS)):
        tags = [f"{t.ent_iob_}-{t.ent_type_}" for t in doc]
        out.append((tags, [round(float(s), 6) for s in doc.spans["medner"].attrs["scores"]]))
    return out


def hidden_states(nlp: Language, name: str = "transformer") -> numpy.ndarray:
    docs = [nlp.make_doc(t) for t in TEXTS]
    model = nlp.get_pipe(name).model
    trf = next(node for node in model.walk() if node.name == "transformer")
    return numpy.concatenate([x.reshape(-1, x.shape[-1]) for x in trf.predict(docs).model_output.last_hidden_state])


def tag_agreement(a, b) -> float:
    pairs = [(x, y) for (ta, _), (tb, _) in zip(a, b) for x, y in zip(ta, tb)]
    return sum(x == y for x, y in pairs) / len(pairs)


@pytest.fixture(scope="module")
def bert(tmp_path_factory, make_tiny_bert) -> Path:
    return make_tiny_bert(tmp_path_factory.mktemp("q_bert") / "bert", seed=0)


@pytest.fixture(scope="module")
def trained(tmp_path_factory, bert) -> Path:
    """A trained float transformer + medner pipeline on disk (v2 architecture, quantize "none")."""
    path = tmp_path_factory.mktemp("q_trained") / "model"
    train(build_nlp(bert), steps=20).to_disk(path)
    return path


@pytest.fixture(scope="module")
def float_predictions(trained) -> list:
    return predictions(spacy.load(trained))


def n_linear(nlp: Language, name: str) -> int:
    return len(quantized_linear_names(encoder_shims(nlp.get_pipe(name).model)[0]._model, INT8_RECIPE))


def test_int8_matches_float_on_most_tokens(trained, float_predictions):
    nlp = spacy.load(trained)
    float_hidden = hidden_states(nlp)
    assert any(tags != ["O-"] * len(tags) for tags, _ in float_predictions)  # the model finds entities
    quantize_encoder(nlp)
    shim = encoder_shims(nlp.get_pipe("transformer").model)[0]
    assert count_quantized_linear(shim.inference_model()) == n_linear(nlp, "transformer") > 0
    int8_hidden = hidden_states(nlp)
    assert not numpy.array_equal(int8_hidden, float_hidden)  # it really runs int8 ...
    cosine = (int8_hidden * float_hidden).sum(-1) / (
        numpy.linalg.norm(int8_hidden, axis=-1) * numpy.linalg.norm(float_hidden, axis=-1)
    )
    assert cosine.min() > 0.99  # ... close to float
    assert tag_agreement(predictions(nlp), float_predictions) >= 0.95


def test_float_model_untouched_and_switch_back(trained, float_predictions):
    nlp = spacy.load(trained)
    shim = encoder_shims(nlp.get_pipe("transformer").model)[0]
    weights = {k: v.clone() for k, v in shim._model.state_dict().items()}
    quantize_encoder(nlp)
    assert all(v.dtype == weights[k].dtype and v.equal(weights[k]) for k, v in shim._model.state_dict().items())
    quantize_encoder(nlp, "none")
    assert encoder_quantization(nlp) == {"transformer": "none"}
    assert nlp.config["components"]["transformer"]["model"]["quantize"] == "none"
    assert predictions(nlp) == float_predictions


def test_disk_round_trip_keeps_switch_and_predictions(trained, float_predictions, tmp_path):
    nlp = spacy.load(trained)
    quantize_encoder(nlp)
    before = predictions(nlp)
    nlp.to_disk(tmp_path / "int8")
    assert 'quantize = "int8"' in (tmp_path / "int8" / "config.cfg").read_text()
    reloaded = spacy.load(tmp_path / "int8")
    assert encoder_quantization(reloaded) == {"transformer": "int8"}
    assert encoder_shims(reloaded.get_pipe("transformer").model)[0].is_quantized  # quantized on load
    assert predictions(reloaded) == before
    # the saved weights are the float ones: the same directory loaded with the switch off is the float model
    as_float = spacy.load(tmp_path / "int8", config={"components": {"transformer": {"model": {"quantize": "none"}}}})
    assert predictions(as_float) == float_predictions
    # bytes too
    again = build_nlp(Path(nlp.config["components"]["transformer"]["model"]["name"]), "int8")
    again.from_bytes(nlp.to_bytes())
    assert predictions(again) == before


def test_v1_pipeline_gets_the_v2_switch(bert, tmp_path):
    nlp = train(build_nlp(bert, arch="spacy-medner.TransformerModel.v1"), steps=5)
    quantize_encoder(nlp)
    assert nlp.config["components"]["transformer"]["model"]["@architectures"] == "spacy-medner.TransformerModel.v2"
    before = predictions(nlp)
    nlp.to_disk(tmp_path / "m")
    reloaded = spacy.load(tmp_path / "m")
    assert encoder_quantization(reloaded) == {"transformer": "int8"}
    assert predictions(reloaded) == before


def test_self_contained_and_source_keep_int8(trained, tmp_path):
    nlp = spacy.load(trained)
    quantize_encoder(nlp)
    nlp.to_disk(tmp_path / "int8")
    contained = make_self_contained(tmp_path / "int8")  # like en_medner: the transformer inside medner
    assert contained.pipe_names == ["medner"]
    tok2vec = contained.config["components"]["medner"]["model"]["tok2vec"]
    assert tok2vec["@architectures"] == "spacy-medner.Tok2VecTransformer.v1" and tok2vec["quantize"] == "int8"
    assert encoder_quantization(contained) == {"medner": "int8"}
    expected = predictions(nlp)
    assert predictions(contained) == expected
    contained.to_disk(tmp_path / "contained")
    packaged = spacy.load(tmp_path / "contained")
    assert encoder_shims(packaged.get_pipe("medner").model)[0].is_quantized
    assert predictions(packaged) == expected

    # source= from disk (add_to_pipeline) and from a loaded pipeline (nlp.add_pipe)
    host = spacy.blank("en")
    spacy_medner.add_to_pipeline(host, tmp_path / "contained", set_ents=True)
    assert encoder_quantization(host) == {"medner": "int8"}
    assert predictions(host) == expected
    host2 = spacy.blank("en")
    host2.add_pipe("medner", name="phi", source=packaged)
    assert host2.config["components"]["phi"]["model"]["tok2vec"]["quantize"] == "int8"
    host2.to_disk(tmp_path / "host")
    assert encoder_quantization(spacy.load(tmp_path / "host")) == {"phi": "int8"}


def test_quantize_encoder_on_float_self_contained_pipeline(trained, tmp_path):
    """The packaged en_medner is float with spacy-transformers' Tok2VecTransformer: the runtime call still works."""
    float_contained = make_self_contained(trained)
    float_contained.to_disk(tmp_path / "float")
    # built from a v2 config, the switch is a load-time override too
    override = {"components": {"medner": {"model": {"tok2vec": {"quantize": "int8"}}}}}
    assert encoder_shims(spacy.load(tmp_path / "float", config=override).get_pipe("medner").model)[0].is_quantized
    nlp = spacy.load(tmp_path / "float")
    assert encoder_quantization(nlp) == {"medner": "none"}
    quantize_encoder(nlp)
    assert encoder_quantization(nlp) == {"medner": "int8"}
    tok2vec = nlp.config["components"]["medner"]["model"]["tok2vec"]
    assert tok2vec["@architectures"] == "spacy-medner.Tok2VecTransformer.v1" and tok2vec["quantize"] == "int8"
    before = predictions(nlp)
    nlp.to_disk(tmp_path / "int8")
    assert predictions(spacy.load(tmp_path / "int8")) == before


def write_train_docbin(path):
    """The TRAIN sentences and their entities as a DocBin at ``path``."""
    nlp = spacy.blank("en")
    db = DocBin()
    for text, ents in TRAIN:
        doc = nlp.make_doc(text)
        doc.ents = [doc.char_span(s, e, label=label) for s, e, label in ents]
        db.add(doc)
    db.to_disk(path)


def test_config_switch_in_spacy_train(bert, tmp_path):
    """`spacy train` with quantize = "int8": training runs float, the output predicts int8."""
    from spacy.cli.train import train as spacy_train

    write_train_docbin(tmp_path / "train.spacy")
    config = (CONFIGS / "medner_trf.cfg").read_text()
    assert 'quantize = "none"' in config  # the switch users find, off by default
    (tmp_path / "config.cfg").write_text(config)
    overrides = {
        "paths.train": str(tmp_path / "train.spacy"),
        "paths.dev": str(tmp_path / "train.spacy"),
        "components.transformer.model.name": str(bert),
        "components.transformer.model.quantize": "int8",
        "components.transformer.model.get_spans.window": 64,
        "components.transformer.model.get_spans.stride": 48,
        "training.max_steps": 4,
        "training.eval_frequency": 2,
        "training.optimizer.learn_rate.warmup_steps": 1,
        "training.optimizer.learn_rate.total_steps": 4,
    }
    spacy_train(tmp_path / "config.cfg", tmp_path / "out", overrides=overrides)
    trained = spacy.load(tmp_path / "out" / "model-last")
    assert trained.config["components"]["transformer"]["model"]["quantize"] == "int8"
    shim = encoder_shims(trained.get_pipe("transformer").model)[0]
    assert shim.is_quantized
    assert count_quantized_linear(shim.inference_model()) == n_linear(trained, "transformer") > 0
    assert all(p.dtype.is_floating_point for p in shim._model.parameters())  # saved and trained in float


def test_training_updates_rebuild_the_int8_copy(bert):
    nlp = train(build_nlp(bert, "int8"), steps=2)
    shim = encoder_shims(nlp.get_pipe("transformer").model)[0]
    list(nlp.pipe(TEXTS))
    first = shim.inference_model()
    assert shim.is_quantized
    examples = [Example.from_dict(nlp.make_doc(t), {"entities": e}) for t, e in TRAIN]
    losses = nlp.update(examples, sgd=nlp.create_optimizer())
    assert numpy.isfinite(losses["medner"])  # the float model trains under the int8 switch
    assert not shim.is_quantized  # the update made the int8 copy stale
    assert shim.inference_model() is not first


def test_gpu_skips_cleanly(trained, float_predictions, monkeypatch):
    nlp = spacy.load(trained)
    monkeypatch.setattr(quantize, "_torch_on_gpu", lambda shim: True)
    with pytest.warns(UserWarning, match="CPU option"):
        assert quantize_encoder(nlp) is nlp
    assert encoder_quantization(nlp) == {"transformer": "none"}
    assert "quantize" not in nlp.config["components"]["transformer"]["model"] or (
        nlp.config["components"]["transformer"]["model"]["quantize"] == "none"
    )
    assert predictions(nlp) == float_predictions


def test_gpu_with_int8_config_runs_float(trained, float_predictions, tmp_path, monkeypatch):
    int8 = spacy.load(trained, config={"components": {"transformer": {"model": {"quantize": "int8"}}}})
    monkeypatch.setattr(quantize, "_torch_on_gpu", lambda shim: True)
    shim = encoder_shims(int8.get_pipe("transformer").model)[0]
    shim._int8 = None
    with pytest.warns(UserWarning, match="CPU option"):
        got = predictions(int8)
    assert got == float_predictions and not shim.is_quantized
    assert encoder_quantization(int8) == {"transformer": "none"}


def test_bad_settings(bert):
    with pytest.raises(ValueError, match="quantize must be one of"):
        build_nlp(bert, "int4")
    with pytest.raises(ValueError, match="no spacy-transformers encoder"):
        quantize_encoder(spacy.blank("en"))
    nlp = build_nlp(bert)
    with pytest.raises(ValueError, match="quantize must be one of"):
        quantize_encoder(nlp, "fp16")


def test_deepcopy_and_pickle_drop_the_int8_copy(trained):
    import copy
    import pickle

    nlp = spacy.load(trained)
    quantize_encoder(nlp)
    shim = encoder_shims(nlp.get_pipe("transformer").model)[0]
    for clone in (copy.deepcopy(shim), pickle.loads(pickle.dumps(shim))):
        assert isinstance(clone, QuantizableHFShim) and clone.quantize == "int8" and not clone.is_quantized
        assert count_quantized_linear(clone.inference_model()) == count_quantized_linear(shim.inference_model())


def test_evaluate_int8(trained, tmp_path):
    write_train_docbin(tmp_path / "gold.spacy")
    for flag, expected in ((["--int8"], "int8"), ([], "none")):
        out = tmp_path / f"m{expected}"
        result = CliRunner().invoke(
            app, ["evaluate", str(trained), str(tmp_path / "gold.spacy"), "-o", str(out), "--no-errors-html", *flag]
        )
        assert result.exit_code == 0, result.output
        metrics = json.loads((out / "metrics.json").read_text())
        assert metrics["model"]["encoder_quantization"] == {"transformer": expected}
    result = CliRunner().invoke(
        app, ["evaluate", str(tmp_path / "gold.spacy"), str(tmp_path / "gold.spacy"), "-o", str(tmp_path / "p"), "--int8"]
    )
    assert result.exit_code == 0 and "--int8 needs a pipeline" in result.output
