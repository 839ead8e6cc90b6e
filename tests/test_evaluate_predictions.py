"""``evaluate PRED.spacy GOLD.spacy`` scores saved predictions (e.g. de-identified XML) as they are."""
import json

import spacy
from spacy.tokens import DocBin
from typer.testing import CliRunner

from spacy_medner.cli import app

TEXTS = {"001-01": "Seen by Dr. Alvarez on 2091-03-02.", "002-01": "Call 555-0143 today."}


def _docbin(path, ents_by_id, order):
    nlp = spacy.blank("en")
    docs = []
    for note_id in order:
        doc = nlp.make_doc(TEXTS[note_id])
        doc.ents = [doc.char_span(s, e, label=label) for s, e, label in ents_by_id[note_id]]
        doc.user_data["note_id"] = note_id
        docs.append(doc)
    DocBin(docs=docs, store_user_data=True).to_disk(path)


def test_scores_prediction_docbin_paired_by_note_id(tmp_path):
    gold = {"001-01": [(12, 19, "DOCTOR"), (23, 33, "DATE")], "002-01": [(5, 13, "PHONE")]}
    pred = {"001-01": [(12, 19, "DOCTOR")], "002-01": [(5, 13, "PHONE"), (14, 19, "DATE")]}
    _docbin(tmp_path / "gold.spacy", gold, ["001-01", "002-01"])
    _docbin(tmp_path / "pred.spacy", pred, ["002-01", "001-01"])  # another order
    result = CliRunner().invoke(app, ["evaluate", str(tmp_path / "pred.spacy"), str(tmp_path / "gold.spacy"), "-o", str(tmp_path / "m")])
    assert result.exit_code == 0, result.output
    metrics = json.loads((tmp_path / "m" / "metrics.json").read_text())
    micro = metrics["strict"]["micro"]
    assert (micro["tp"], micro["fp"], micro["fn"]) == (2, 1, 1)
    assert "words/s" not in result.output


def test_missing_prediction_is_a_clear_error(tmp_path):
    _docbin(tmp_path / "gold.spacy", {"001-01": [], "002-01": []}, ["001-01", "002-01"])
    _docbin(tmp_path / "pred.spacy", {"001-01": []}, ["001-01"])
    result = CliRunner().invoke(app, ["evaluate", str(tmp_path / "pred.spacy"), str(tmp_path / "gold.spacy"), "-o", str(tmp_path / "m")])
    assert result.exit_code == 1
    assert "prediction for 1 gold notes (first: 002-01)" in " ".join(result.output.split())
