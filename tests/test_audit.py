"""The leak audit: gold PHI strings surviving in the de-identified output, per label and why."""
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import spacy_medner.cli  # noqa: F401 - registers the commands
from spacy_medner.cli.app import app
from spacy_medner.corpus import CharSpan, Note, write_i2b2_2014
from spacy_medner.deid import Deidentifier
from spacy_medner.deid.audit import LeakAudit, map_span, occurs
from spacy_medner.deid.replace import Replacement

from .conftest import save_ruler_model

runner = CliRunner()
TEXT = "Zebulon Quist, 45, seen by Dr. Vang at Park Hospital; Mary Jones Brown is 93. Quist is well."
#            gold: PATIENT            AGE        DOCTOR(missed) HOSPITAL         PATIENT (partly)     AGE   PATIENT
GOLD = [
    CharSpan(0, 13, "PATIENT"),
    CharSpan(15, 17, "AGE"),
    CharSpan(31, 35, "DOCTOR"),
    CharSpan(39, 52, "HOSPITAL"),
    CharSpan(54, 70, "PATIENT"),
    CharSpan(74, 76, "AGE"),
    CharSpan(78, 83, "PATIENT"),
]
PATTERNS = [
    {"label": "PATIENT", "pattern": "Zebulon Quist"},
    {"label": "AGE", "pattern": "45"},
    {"label": "AGE", "pattern": "93"},
    {"label": "HOSPITAL", "pattern": "Park Hospital"},
    {"label": "PATIENT", "pattern": "Mary Jones"},
]


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory) -> Path:
    return save_ruler_model(tmp_path_factory.mktemp("model") / "ruler", PATTERNS)


@pytest.fixture
def gold_src(tmp_path) -> Path:
    src = tmp_path / "gold"
    src.mkdir()
    write_i2b2_2014(Note("100-01", TEXT, list(GOLD)), src / "100-01.xml")
    return src


def audit(model_dir, src, out, *options):
    return runner.invoke(app, ["deid", str(model_dir), str(src), str(out), "--audit", "--no-progress", *map(str, options)])


def test_audit_counts_per_label_and_never_prints_strings(model_dir, gold_src, tmp_path):
    out = tmp_path / "out"
    result = audit(model_dir, gold_src, out, "--mode", "surrogate", "--seed", "k" * 20)
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "out.audit.json").read_text())
    labels = report["labels"]
    assert labels["PATIENT"]["gold"] == 3
    assert labels["PATIENT"]["replaced"] == 1  # "Zebulon Quist"
    assert labels["PATIENT"]["partly_replaced"] == 1  # "Mary Jones Brown": "Brown" outside the prediction
    assert labels["PATIENT"]["missed"] == 1  # "Quist" alone: not predicted
    assert labels["DOCTOR"]["missed"] == 1 and labels["HOSPITAL"]["replaced"] == 1
    assert labels["AGE"] == {**labels["AGE"], "gold": 2, "replaced": 1, "age_under_90": 1}
    assert report["total"]["detected_survived"] == report["deid_bugs"] == 0
    assert report["text_included"] is False
    statuses = sorted((f["label"], f["status"]) for f in report["findings"])
    assert statuses == [("AGE", "age_under_90"), ("DOCTOR", "missed"), ("PATIENT", "missed"), ("PATIENT", "partly_replaced")]
    assert all("text" not in f for f in report["findings"])
    blob = json.dumps(report) + result.output
    for phi in ("Zebulon", "Quist", "Vang", "Park", "Brown", "Mary"):
        assert phi not in blob
    assert "PATIENT" in result.output and "audit report ->" in result.output


def test_audit_show_text_puts_strings_in_the_report(model_dir, gold_src, tmp_path):
    result = audit(model_dir, gold_src, tmp_path / "out", "--show-text", "--audit-report", tmp_path / "r.json")
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["text_included"] is True
    # tag mode: the age 45 is replaced too, so only the model's misses are listed
    assert sorted(f["text"] for f in report["findings"]) == ["Mary Jones Brown", "Quist", "Vang"]
    missed_quist = next(f for f in report["findings"] if f["text"] == "Quist")
    assert missed_quist["start"] == 78 and missed_quist["elsewhere"] is False  # only where it survived


def test_audit_flags_detected_phi_that_survived_as_a_bug(model_dir, gold_src, tmp_path, monkeypatch):
    """The F6 kind of bug: a detected entity whose 'surrogate' is the original itself."""

    def leaky(self, original, label, patient_id):
        return original, "surrogate"

    monkeypatch.setattr(Deidentifier, "_new_text", leaky)
    result = audit(model_dir, gold_src, tmp_path / "out")
    assert result.exit_code == 1
    assert "gold PHI strings survived although the model detected them" in result.output
    report = json.loads((tmp_path / "out.audit.json").read_text())
    bugs = {label: counts["detected_survived"] for label, counts in report["labels"].items()}
    # "Zebulon Quist", "Mary Jones Brown" (its detected part kept), "Park Hospital", the age 93 (not made 90+)
    assert bugs == {"AGE": 1, "DOCTOR": 0, "HOSPITAL": 1, "PATIENT": 2} and report["deid_bugs"] == 4
    assert report["labels"]["AGE"]["age_under_90"] == 1  # 45: kept on purpose, not a bug


def test_audit_counts_entities_left_by_an_option(model_dir, gold_src, tmp_path):
    result = audit(model_dir, gold_src, tmp_path / "out", "--labels", "PATIENT,AGE")
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "out.audit.json").read_text())
    assert report["labels"]["HOSPITAL"]["left_by_option"] == 1
    assert next(f for f in report["findings"] if f["label"] == "HOSPITAL")["reason"] == "label_not_selected"


def test_audit_of_jsonl_spans_and_refusals(model_dir, tmp_path):
    src = tmp_path / "in.jsonl"
    rows = [
        {"id": "a", "text": "Zebulon Quist seen.", "spans": [{"start": 0, "end": 13, "label": "PATIENT"}]},
        {"id": "b", "text": "Seen by Vang.", "spans": [{"start": 8, "end": 12, "label": "DOCTOR"}]},
        {"id": "c", "text": "Bad gold.", "spans": [{"start": 5, "end": 50, "label": "X"}]},
    ]
    src.write_text("".join(json.dumps(r) + "\n" for r in rows))
    result = audit(model_dir, src, tmp_path / "out.jsonl")
    assert result.exit_code == 1  # line 3's gold is unusable: reported and skipped
    assert "in.jsonl: line 3: gold annotations unusable (spans[0] (5-50) is outside the text" in result.output
    report = json.loads((tmp_path / "out.jsonl.audit.json").read_text())
    assert report["labels"]["PATIENT"]["replaced"] == 1 and report["labels"]["DOCTOR"]["missed"] == 1
    # .txt notes carry no gold
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.txt").write_text("x")
    result = audit(model_dir, notes, tmp_path / "t")
    assert result.exit_code == 1 and "--audit needs gold annotations" in result.output


def test_audit_api_positions_inside_a_longer_prediction():
    text = "Pt Minh Do seen."
    deid = Deidentifier("tag")
    result = deid.replace(text, [CharSpan(3, 10, "PATIENT")])
    leak = LeakAudit()
    leak.add("n", "f", text, [(8, 10, "PATIENT")], result)  # gold "Do" inside the predicted "Minh Do"
    assert leak.counts["PATIENT"]["replaced"] == 1
    # a "surrogate" that kept the word: the gold string survives inside its replacement
    kept = type(result)(
        "Pt Cole Do seen.", [Replacement(3, 10, "PATIENT", 3, 10, "Cole Do", "surrogate", changed=True)]
    )
    leak = LeakAudit()
    leak.add("n", "f", text, [(8, 10, "PATIENT")], kept)
    assert leak.counts["PATIENT"]["detected_survived"] == 1 and leak.bugs == 1


def test_audit_elsewhere_is_another_occurrence_than_the_surviving_one():
    text = "Quist saw Quist."
    result = Deidentifier("tag").replace(text, [CharSpan(0, 5, "PATIENT")])
    leak = LeakAudit()
    leak.add("n", "f", text, [(0, 5, "PATIENT"), (10, 15, "PATIENT")], result)
    first, second = sorted(leak.findings, key=lambda f: f.start)
    assert (first.status, first.elsewhere) == ("replaced", True)  # replaced here, but the name is still in the note
    assert (second.status, second.elsewhere) == ("missed", False)
    assert leak.counts["PATIENT"]["survives_elsewhere"] == 1


def test_occurs_is_whole_word():
    assert occurs("Do", "Pt Cole Do.") and not occurs("Do", "Pt Doe.") and not occurs("Al", "Alvarez")
    assert occurs("(617)", "x (617) y")


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_map_span_outside_replacements_finds_the_original(data):
    text = data.draw(st.text(alphabet="ab \n", min_size=1, max_size=40))
    cuts = sorted(set(data.draw(st.lists(st.integers(0, len(text)), max_size=8))))
    ents = [CharSpan(a, b, "X") for a, b in zip(cuts[::2], cuts[1::2]) if b > a]
    template = data.draw(st.sampled_from(["[{label}]", "", "{label}{label}{label}{label}"]))
    result = Deidentifier("tag", tag_template=template).replace(text, ents)
    for start in range(len(text)):
        for end in range(start + 1, len(text) + 1):
            new_start, new_end = map_span(start, end, result.replacements)
            # a boundary inside a replacement moves to that replacement's edge: the mapped region is
            # the input region widened to whole replacements, with their new texts
            covering = [r for r in result.replacements if r.start < end and start < r.end]
            lo = min([start] + [r.start for r in covering])
            hi = max([end] + [r.end for r in covering])
            expected, pos = [], lo
            for r in covering:
                expected += [text[pos : r.start], r.text]
                pos = r.end
            expected.append(text[pos:hi])
            assert result.text[new_start:new_end] == "".join(expected)
            if not covering:
                assert result.text[new_start:new_end] == text[start:end]


def test_predict_help_says_the_output_contains_phi():
    result = runner.invoke(app, ["predict", "--help"])
    assert result.exit_code == 0 and "CONTAINS PHI" in result.output


def test_deid_format_i2b2_2014_is_refused_and_points_to_predict(model_dir, gold_src, tmp_path):
    """`deid --format i2b2-2014` wrote the ORIGINAL text with the predicted tags, whatever --mode said."""
    result = runner.invoke(
        app, ["deid", str(model_dir), str(gold_src), str(tmp_path / "out"), "--format", "i2b2-2014", "--mode", "surrogate", "--no-progress"]
    )
    assert result.exit_code == 1
    assert "spacy-medner predict MODEL SRC OUT" in result.output and "i2b2-2014-deid" in result.output
    assert not (tmp_path / "out").exists()


def test_audit_counts_an_age_of_90_or_over_written_as_90_plus_as_replaced():
    text = "Uncle deceased at 90; father at 95."
    result = Deidentifier("surrogate", key="k" * 16).replace(text, [CharSpan(18, 20, "AGE"), CharSpan(32, 34, "AGE")])
    assert "90+" in result.text and "95" not in result.text
    leak = LeakAudit()
    leak.add("n", "f", text, [(18, 20, "AGE"), (32, 34, "AGE")], result)
    assert leak.counts["AGE"]["replaced"] == 2 and leak.bugs == 0
