"""Calibration of entity probabilities: ECE/Brier against hand counts, temperature scaling's maths.

- ECE, Brier and the bins against values worked out by hand;
- a temperature divides every potential: span probabilities equal brute force on the divided CRF;
- the decoded entities never move with the temperature (with and without entity_bias);
- the fit recovers a known temperature from correctness drawn at that temperature;
- the temperature is saved with the pipe and survives a disk round trip.
"""
import numpy
import pytest

from spacy_medner.evaluation.calibration import (
    CachedLattices,
    ScoredEntities,
    brier_score,
    calibration_report,
    expected_calibration_error,
    fit_temperature,
    log_loss,
    reliability_bins,
    rescore,
)
from spacy_medner.layers.biluo import biluo_constraints
from spacy_medner.layers.crf import crf_decode_with_confidence

from .test_crf_layer import _brute_force, _logsumexp, _model, _random_params
from .test_pipe_medner import TRAIN_DATA, _examples, partly_trained_nlp


@pytest.fixture(scope="module")
def trained_nlp():
    """The CNN medner of the pipe checklist, trained part way: probabilities below 1."""
    return partly_trained_nlp(12)


@pytest.fixture(scope="module")
def gold_docbin(tmp_path_factory, trained_nlp):
    from spacy.tokens import DocBin

    path = tmp_path_factory.mktemp("gold") / "gold.spacy"
    docs = [eg.reference for eg in _examples(trained_nlp)] * 3
    DocBin(docs=docs).to_disk(path)
    return path


def _scored(probs, correct):
    return ScoredEntities(numpy.asarray(probs, dtype="float64"), numpy.asarray(correct, dtype=bool))


def test_ece_and_brier_by_hand():
    # bin [0.9, 1.0]: probs 0.95, 0.95, 1.0 -> mean 0.9667, accuracy 2/3
    # bin [0.1, 0.2): prob 0.15 -> accuracy 0
    s = _scored([0.95, 0.95, 1.0, 0.15], [True, False, True, False])
    ece = 3 / 4 * abs(2 / 3 - (0.95 + 0.95 + 1.0) / 3) + 1 / 4 * abs(0.0 - 0.15)
    assert expected_calibration_error(s) == pytest.approx(ece)
    brier = ((0.95 - 1) ** 2 + 0.95**2 + 0.0 + 0.15**2) / 4
    assert brier_score(s) == pytest.approx(brier)
    bins = reliability_bins(s)
    assert [b["count"] for b in bins] == [0, 1, 0, 0, 0, 0, 0, 0, 0, 3]
    assert bins[9]["accuracy"] == pytest.approx(2 / 3)


def test_perfectly_calibrated_bins_have_zero_ece():
    s = _scored([0.25] * 4 + [0.75] * 4, [True, False, False, False, True, True, True, False])
    assert expected_calibration_error(s) == pytest.approx(0.0)
    rep = calibration_report(s)
    assert rep["accuracy"] == pytest.approx(0.5) and rep["mean_prob"] == pytest.approx(0.5)


@pytest.mark.parametrize("temperature", [0.5, 1.0, 3.0])
def test_temperature_divides_every_potential(temperature):
    K, n = 9, 5  # two labels
    rng = numpy.random.default_rng(11)
    E = rng.normal(size=(n, K)) * 2
    E[:, 1:] += 1.0
    params = _random_params(rng, K)
    model = _model(K, params)
    enum = _brute_force(E / temperature, *(p / temperature for p in params), allowed=biluo_constraints(2))
    Z = _logsumexp(enum.values())
    paths, spans = crf_decode_with_confidence(model, [E], temperature=temperature)
    path = tuple(paths[0].tolist())
    assert spans[0]
    for start, end, prob in spans[0]:
        expected = sum(numpy.exp(score - Z) for seq, score in enum.items() if seq[start:end] == path[start:end])
        assert prob == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("bias", [0.0, 2.0])
def test_temperature_never_moves_the_decoding(bias):
    K = 13
    rng = numpy.random.default_rng(5)
    model = _model(K, _random_params(rng, K))
    emissions = [rng.normal(size=(n, K)) * 2 for n in (1, 4, 9, 17)]
    base_paths, base_spans = crf_decode_with_confidence(model, emissions, entity_bias=bias)
    moved = 0
    for t in (0.3, 2.0, 7.0):
        paths, spans = crf_decode_with_confidence(model, emissions, entity_bias=bias, temperature=t)
        for a, b in zip(base_paths, paths):
            assert a.tolist() == b.tolist()
        for sa, sb in zip(base_spans, spans):
            assert [x[:2] for x in sa] == [x[:2] for x in sb]
            moved += sum(abs(x[2] - y[2]) > 1e-6 for x, y in zip(sa, sb))
    assert moved, "the temperature should move some probability"


@pytest.mark.parametrize("bias", [0.0, 1.5])
def test_rescoring_given_paths_equals_decoding_again(bias):
    """Calibration re-scores at many temperatures from the paths decoded once: the same entities and probabilities."""
    K = 9
    rng = numpy.random.default_rng(4)
    model = _model(K, _random_params(rng, K, scale=0.5))
    emissions = [rng.normal(size=(n, K)) * 3 for n in (7, 1, 12, 5)]
    paths, _ = crf_decode_with_confidence(model, emissions, entity_bias=bias)
    for t in (0.5, 1.0, 3.0):
        again = crf_decode_with_confidence(model, emissions, entity_bias=bias, temperature=t)
        given = crf_decode_with_confidence(model, emissions, entity_bias=bias, temperature=t, paths=paths)
        assert [p.tolist() for p in given[0]] == [p.tolist() for p in again[0]]
        assert given[1] == again[1]


def _cache_drawn_at(temperature: float, n_docs: int, seed: int) -> CachedLattices:
    """A random CRF's lattices whose entities are correct with their probability at ``temperature``."""
    K = 9
    rng = numpy.random.default_rng(seed)
    model = _model(K, _random_params(rng, K, scale=0.5))
    emissions = [rng.normal(size=(6, K)) * 3 for _ in range(n_docs)]
    masks = [numpy.ones((6, K), dtype=bool) for _ in emissions]

    class Pipe:
        crf = model
        entity_bias = 0.0

    paths, spans = crf_decode_with_confidence(model, emissions, masks, temperature=temperature)
    correct = [numpy.asarray([rng.random() < p for _, _, p in doc], dtype=bool) for doc in spans]
    return CachedLattices(Pipe(), emissions, masks, correct, paths)


def test_fit_recovers_a_known_temperature():
    """Correctness drawn from the probabilities at T=2.5 is best explained by T close to 2.5."""
    cache = _cache_drawn_at(2.5, n_docs=400, seed=2)
    fitted = fit_temperature(cache)
    assert fitted == pytest.approx(2.5, rel=0.25)
    assert expected_calibration_error(rescore(cache, fitted)) < expected_calibration_error(rescore(cache, 1.0))


def test_fit_finds_the_brute_force_minimum_of_the_log_loss():
    """The golden-section search lands within its tolerance of a dense grid's minimum."""
    cache = _cache_drawn_at(1.7, n_docs=120, seed=5)
    grid = numpy.exp(numpy.linspace(numpy.log(0.3), numpy.log(10.0), 400))
    brute = grid[int(numpy.argmin([log_loss(rescore(cache, float(t))) for t in grid]))]
    assert fit_temperature(cache) == pytest.approx(brute, rel=0.012)


def test_temperature_survives_disk_round_trip(tmp_path, trained_nlp):
    import spacy

    pipe = trained_nlp.get_pipe("medner")
    text = "Patient John Smith seen at Mercy Hospital on 03/04/2021 by Dr. Jane Doe."
    before = trained_nlp(text)
    pipe.temperature = 3.7
    after = trained_nlp(text)
    assert [(e.start, e.end, e.label_) for e in after.ents] == [(e.start, e.end, e.label_) for e in before.ents]
    trained_nlp.to_disk(tmp_path / "m")
    loaded = spacy.load(tmp_path / "m")
    assert loaded.get_pipe("medner").temperature == pytest.approx(3.7)
    again = loaded(text)
    numpy.testing.assert_allclose(again.spans["medner"].attrs["scores"], after.spans["medner"].attrs["scores"], rtol=1e-5)
    with pytest.raises(ValueError):
        pipe.temperature = 0.0


def test_calibrate_command_saves_a_new_model(tmp_path, trained_nlp, gold_docbin):
    import json

    import spacy
    from typer.testing import CliRunner

    from spacy_medner.cli import app

    trained_nlp.get_pipe("medner").temperature = 1.0
    trained_nlp.to_disk(tmp_path / "model")
    result = CliRunner().invoke(
        app, ["calibrate", str(tmp_path / "model"), str(gold_docbin), str(tmp_path / "calibrated"), "--report", str(tmp_path / "report")]
    )
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "report" / "calibration.json").read_text())
    loaded = spacy.load(tmp_path / "calibrated")
    assert loaded.get_pipe("medner").temperature == pytest.approx(report["temperature"])
    assert report["temperature"] != pytest.approx(1.0)
    assert report["after"]["log_loss"] <= report["before"]["log_loss"] + 1e-12
    assert (tmp_path / "report" / "reliability.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert spacy.load(tmp_path / "model").get_pipe("medner").temperature == 1.0  # the input is untouched
    text = TRAIN_DATA[0][0]
    assert [(e.start, e.end, e.label_) for e in loaded(text).ents] == [
        (e.start, e.end, e.label_) for e in spacy.load(tmp_path / "model")(text).ents
    ]
    refused = CliRunner().invoke(
        app, ["calibrate", str(tmp_path / "model"), str(gold_docbin), str(tmp_path / "model" / "x"), "--report", str(tmp_path / "r2")]
    )
    assert refused.exit_code == 1


def test_evaluate_writes_calibration_and_pictures(tmp_path, trained_nlp, gold_docbin):
    import json

    from typer.testing import CliRunner

    from spacy_medner.cli import app

    trained_nlp.to_disk(tmp_path / "model")
    result = CliRunner().invoke(
        app, ["evaluate", str(tmp_path / "model"), str(gold_docbin), "--output", str(tmp_path / "m"), "--bias-sweep", "0,2", "--no-errors-html"]
    )
    assert result.exit_code == 0, result.output
    metrics = json.loads((tmp_path / "m" / "metrics.json").read_text())
    cal = metrics["calibration"]
    assert cal["applicable"] and cal["n_entities"] == metrics["n_pred_entities"]
    assert sum(b["count"] for b in cal["bins"]) == cal["n_entities"]
    for png in ("reliability.png", "bias_curve.png"):
        assert (tmp_path / "m" / png).read_bytes()[:4] == b"\x89PNG"
    assert "ECE" in (tmp_path / "m" / "metrics.md").read_text()
