"""deid/predict with a real (tiny, CNN) medner pipe: --entity-bias and --min-score plumbing."""
import pytest
import spacy
from spacy.training import Example
from thinc.api import fix_random_seed
from typer.testing import CliRunner

import spacy_medner.cli  # noqa: F401 - registers the commands
from spacy_medner.cli.app import app
from spacy_medner.corpus import read_i2b2_2014

CNN_TOK2VEC = {
    "@architectures": "spacy.HashEmbedCNN.v2",
    "pretrained_vectors": None,
    "width": 32,
    "depth": 1,
    "embed_size": 300,
    "window_size": 1,
    "maxout_pieces": 2,
    "subword_features": True,
}
TRAIN = [
    ("Seen by Dr. Alvarez on 2091-03-02 for chest pain.", [(12, 19, "DOCTOR"), (23, 33, "DATE")]),
    ("Patient John Smith was admitted on 2091-04-11.", [(8, 18, "PATIENT"), (35, 45, "DATE")]),
    ("Follow up with Dr. Chen in two weeks.", [(19, 23, "DOCTOR")]),
    ("No PHI in this sentence at all.", []),
]
NOTES = [
    "Mary Jones was seen by Dr. Patel on 2091-05-06 for cough and fever.",
    "Follow up with Dr. Alvarez in three weeks; labs on 2091-06-01 were normal.",
    "Patient Robert Brown admitted 2091-07-07 with chest pain, seen by Dr. Chen.",
]


@pytest.fixture(scope="module")
def medner_model(tmp_path_factory):
    fix_random_seed(0)
    nlp = spacy.blank("en")
    # the PHI pattern stage is off: it fixes its matches whatever the bias, and these tests measure the CRF's knob
    nlp.add_pipe(
        "medner",
        config={"model": {"@architectures": "spacy-medner.CRFTagger.v1", "tok2vec": CNN_TOK2VEC}, "use_patterns": False},
    )
    examples = [Example.from_dict(nlp.make_doc(t), {"entities": e}) for t, e in TRAIN]
    nlp.initialize(get_examples=lambda: examples)
    optimizer = nlp.create_optimizer()
    for _ in range(8):
        nlp.update(examples, sgd=optimizer)
    path = tmp_path_factory.mktemp("medner") / "model"
    nlp.to_disk(path)
    src = tmp_path_factory.mktemp("notes")
    for i, text in enumerate(NOTES):
        (src / f"n{i}.txt").write_text(text)
    return path, src, nlp


def _predicted(tmp_path, name, model, src, *options):
    out = tmp_path / name
    result = CliRunner().invoke(app, ["predict", str(model), str(src), str(out), "--no-progress", *options])
    assert result.exit_code == 0, result.output
    return {n.note_id: [(s.start, s.end, s.label) for s in n.spans] for n in read_i2b2_2014([out])}


def _entity_tokens(nlp, predictions):
    total = 0
    for i, text in enumerate(NOTES):
        doc = nlp.make_doc(text)
        total += sum(len(doc.char_span(s, e)) for s, e, _ in predictions[f"n{i}"])
    return total


def test_entity_bias_raises_phi_coverage_monotonically(medner_model, tmp_path):
    model, src, nlp = medner_model
    biases = ["-20", "-2", "0", "2", "20"]
    coverage = [_entity_tokens(nlp, _predicted(tmp_path, f"b{i}", model, src, "--entity-bias", b)) for i, b in enumerate(biases)]
    assert coverage == sorted(coverage), coverage
    assert coverage[0] == 0 and coverage[-1] == sum(len(nlp.make_doc(t)) for t in NOTES)


def test_min_score_drops_a_subset(medner_model, tmp_path):
    model, src, nlp = medner_model
    pipe = nlp.get_pipe("medner")
    pipe.entity_bias = 1.5
    try:
        # one batch, as the command runs them (a doc alone can differ in the last float digits)
        scores = sorted(float(s) for doc in nlp.pipe(NOTES) for s in doc.spans["medner"].attrs["scores"])
    finally:
        pipe.entity_bias = 0.0
    assert len(scores) >= 3
    thresholds = [0.0, scores[len(scores) // 2], scores[-1], 1.0]
    previous = None
    counts = []
    for i, p in enumerate(thresholds):
        kept = _predicted(tmp_path, f"s{i}", model, src, "--entity-bias", "1.5", "--min-score", repr(p))
        if previous is not None:
            for note, spans in kept.items():
                assert set(spans) <= set(previous[note])
        counts.append(sum(map(len, kept.values())))
        previous = kept
    # exactly the entities whose CRF probability reaches the threshold are replaced
    assert counts == [sum(s >= p for s in scores) for p in thresholds], (counts, scores)
    assert counts == sorted(counts, reverse=True) and counts[0] > counts[2]


def test_the_models_own_entity_bias_is_kept_unless_the_option_is_given(medner_model, tmp_path):
    """en_medner ships a tuned entity_bias: predict/deid without --entity-bias must not reset it to 0."""
    from spacy_medner import configure

    model, src, nlp = medner_model
    tuned = spacy.load(model)
    configure(tuned, "medner", entity_bias=20.0)
    tuned.to_disk(tmp_path / "tuned")
    kept = _predicted(tmp_path, "kept", tmp_path / "tuned", src)
    assert kept == _predicted(tmp_path, "explicit", model, src, "--entity-bias", "20")
    assert kept != _predicted(tmp_path, "zero", tmp_path / "tuned", src, "--entity-bias", "0")
    out = tmp_path / "deid"
    result = CliRunner().invoke(app, ["deid", str(tmp_path / "tuned"), str(src), str(out), "--no-progress", "--mode", "tag"])
    assert result.exit_code == 0 and "entity_bias in effect: 20" in result.output
