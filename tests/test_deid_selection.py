"""Which entities are PHI: medner's span group (not doc.ents), --labels, --operators, --spans-key."""
import json
from pathlib import Path

import pytest
import spacy
from spacy.tokens import SpanGroup
from typer.testing import CliRunner

import spacy_medner.cli  # noqa: F401 - registers the commands
from spacy_medner.cli.app import app
from spacy_medner.deid import CharSpan, Deidentifier, MissingSpanGroup, deidentify, parse_operators, phi_entities
from spacy_medner.deid.confidence import phi_spans_key

from .test_deid_medner import CNN_TOK2VEC

runner = CliRunner()
NOTE = "Seen 2091-03-02 for pneumonia, call 617-555-0143.\n"


def host_pipeline():
    """A host pipeline: its own ``ner``-like entities in doc.ents (a clinical concept) and a real medner
    beside them (overwrite_ents=False).  The CRF is switched off by a large negative bias, so the
    medner PHI is exactly what its patterns find: the date and the phone number."""
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    medner = nlp.add_pipe(
        "medner",
        config={
            "model": {"@architectures": "spacy-medner.CRFTagger.v1", "tok2vec": CNN_TOK2VEC},
            "overwrite_ents": False,
            "entity_bias": -50.0,
        },
    )
    for label in ("PATIENT", "DATE", "PHONE"):
        medner.add_label(label)
    nlp.initialize()
    ruler.add_patterns([{"label": "DISEASE", "pattern": "pneumonia"}])
    return nlp


@pytest.fixture(scope="module")
def host_dir(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("host") / "model"
    host_pipeline().to_disk(path)
    return path


@pytest.fixture
def notes(tmp_path) -> Path:
    src = tmp_path / "notes"
    src.mkdir()
    (src / "a.txt").write_text(NOTE)
    return src


def deid(*args: object):
    return runner.invoke(app, ["deid", *map(str, args), "--no-progress"])


def test_clinical_concepts_in_host_doc_ents_are_not_replaced(host_dir, notes, tmp_path):
    """deid used doc.ents: in a host pipeline it replaced the host's clinical concepts ("pneumonia")."""
    nlp = spacy.load(host_dir)
    doc = nlp(NOTE)
    assert [e.label_ for e in doc.ents] == ["DATE", "DISEASE", "PHONE"]  # the host's concept is in doc.ents
    assert deidentify(doc).text == "Seen [DATE] for pneumonia, call [PHONE].\n"
    result = deid(host_dir, notes, tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "a.txt").read_text() == "Seen [DATE] for pneumonia, call [PHONE].\n"
    # doc.ents only when asked for
    assert deidentify(doc, spans_key=None).text == "Seen [DATE] for [DISEASE], call [PHONE].\n"
    result = deid(host_dir, notes, tmp_path / "ents", "--spans-key", "ents")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "ents" / "a.txt").read_text() == "Seen [DATE] for [DISEASE], call [PHONE].\n"


def test_missing_span_group_is_an_error_not_a_note_without_phi(tmp_path, notes):
    """A pipeline that writes no PHI span group must not pass notes through as if they had no PHI."""
    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns([{"label": "DATE", "pattern": "2091-03-02"}])
    nlp.to_disk(tmp_path / "ruler")
    result = deid(tmp_path / "ruler", notes, tmp_path / "out")
    assert result.exit_code == 1
    assert "doc.spans['medner'] is missing" in result.output and "--spans-key ents" in result.output
    assert not list((tmp_path / "out").glob("*.txt"))
    with pytest.raises(MissingSpanGroup):
        deidentify(nlp(NOTE))
    # explicitly asked: doc.ents
    result = deid(tmp_path / "ruler", notes, tmp_path / "ents", "--spans-key", "ents")
    assert result.exit_code == 0 and (tmp_path / "ents" / "a.txt").read_text().startswith("Seen [DATE] for")


def test_labels_allow_list_leaves_other_labels_and_says_so(host_dir, notes, tmp_path):
    result = deid(host_dir, notes, tmp_path / "out", "--labels", "DATE")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "a.txt").read_text() == "Seen [DATE] for pneumonia, call 617-555-0143.\n"
    assert "left in the text (not in --labels): PATIENT, PHONE" in result.output
    assert "predicted entities left in the text: not in --labels 1" in result.output
    assert "617-555" not in result.output


def test_labels_the_model_does_not_predict_are_refused(host_dir, notes, tmp_path):
    result = deid(host_dir, notes, tmp_path / "out", "--labels", "DATE,PATEINT")
    assert result.exit_code == 1 and "labels the model does not predict: PATEINT" in result.output
    result = deid(host_dir, notes, tmp_path / "out", "--operators", "PHNOE=keep")
    assert result.exit_code == 1 and "PHNOE" in result.output
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_operators_per_label(host_dir, notes, tmp_path):
    result = deid(host_dir, notes, tmp_path / "out", "--operators", "DATE=surrogate, PHONE=keep, DEFAULT=mask", "--seed", "k" * 20)
    assert result.exit_code == 0, result.output
    text = (tmp_path / "out" / "a.txt").read_text()
    assert "617-555-0143" in text and "2091-03-02" not in text
    assert text.startswith("Seen ") and text[5:15] != "2091-03-02" and len(text) == len(NOTE)
    assert "--operators keeps these labels in the text: PHONE" in result.output
    assert "keep operator 1" in result.output
    for bad in ("DATE", "DATE=redact", "DATE=tag,DATE=mask"):
        result = deid(host_dir, notes, tmp_path / "bad", "--operators", bad)
        assert result.exit_code == 1


def test_operators_api():
    assert parse_operators("PATIENT=surrogate, DATE=Keep,DEFAULT=tag") == {"PATIENT": "surrogate", "DATE": "keep", "DEFAULT": "tag"}
    deid = Deidentifier("mask", operators={"PATIENT": "tag", "DATE": "keep"}, labels=["PATIENT", "DATE", "CITY"])
    text = "Zebulon Quist 2091-03-02 Boston MRN 12"
    ents = [CharSpan(0, 13, "PATIENT"), CharSpan(14, 24, "DATE"), CharSpan(25, 31, "CITY"), CharSpan(36, 38, "MRN")]
    result = deid.replace(text, ents)
    assert result.text == "[PATIENT] 2091-03-02 ****** MRN 12"
    assert [(x.label, x.reason) for x in result.left] == [("DATE", "operator_keep"), ("MRN", "label_not_selected")]
    assert not deid.uses_surrogates and deid.surrogates is None


def test_overlapping_spans_of_a_group_are_merged_not_dropped():
    doc = spacy.blank("en")("Zebulon Quist Jr seen.")
    doc.spans["medner"] = SpanGroup(doc, name="medner", spans=[doc.char_span(0, 13, "PATIENT"), doc.char_span(8, 16, "NAME")])
    assert phi_entities(doc) == [CharSpan(0, 16, "PATIENT")]
    assert deidentify(doc).text == "[PATIENT] seen."


def test_several_medner_pipes_need_an_explicit_spans_key():
    nlp = spacy.blank("en")
    nlp.add_pipe("medner", name="phi", config={"spans_key": "phi"})
    assert phi_spans_key(nlp) == "phi"
    nlp.add_pipe("medner", name="disease", config={"spans_key": "disease"})
    with pytest.raises(ValueError, match="choose the one that holds the PHI"):
        phi_spans_key(nlp)
    assert phi_spans_key(nlp, "phi") == "phi" and phi_spans_key(nlp, "ents") is None
    same = spacy.blank("en")
    same.add_pipe("medner", name="a")
    same.add_pipe("medner", name="b")
    with pytest.raises(ValueError, match="same span group"):
        phi_spans_key(same, "medner")


def test_jsonl_spans_are_the_replacements(host_dir, tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a", "text": NOTE}) + "\n")
    result = deid(host_dir, src, tmp_path / "out.jsonl")
    assert result.exit_code == 0, result.output
    row = json.loads((tmp_path / "out.jsonl").read_text())
    assert [row["text"][s["start"] : s["end"]] for s in row["spans"]] == ["[DATE]", "[PHONE]"]
