"""Regression tests of de-identification faults, each named after its symptom.

F6 (surrogate leaks), F2 (input destroyed through a planted symlink), F1 (one
bad JSONL line ends the run), F8 (writing into SRC through a symlinked OUT
sub-folder).  Reproducers: ``/work/shared/probes/faults.sh N``.
"""
import datetime as dt
import json
import os
import re
from pathlib import Path

import pytest
import spacy
from spacy.tokens import SpanGroup
from typer.testing import CliRunner

import spacy_medner.cli  # noqa: F401 - registers the commands
from spacy_medner.cli.app import app
from spacy_medner.deid import CharSpan, Deidentifier, deidentify
from spacy_medner.deid.dates import year_shift
from spacy_medner.deid.surrogates import SurrogateGenerator

from .conftest import add_fail_on_boom, save_ruler_model

runner = CliRunner()
PATTERNS = [
    {"label": "DOCTOR", "pattern": "Alvarez"},
    {"label": "PATIENT", "pattern": "Zebulon Quist"},
    {"label": "DATE", "pattern": "2067-05-03"},
]


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory) -> Path:
    return save_ruler_model(tmp_path_factory.mktemp("model") / "ruler", PATTERNS)


def deid(*args: object):
    return runner.invoke(app, ["deid", *map(str, args), "--no-progress"])


def words(text: str):
    return {w.casefold() for w in re.findall(r"[^\W\d_]+|\d+", text)}


def phi_doc(text: str, spans):
    """A Doc whose medner span group holds ``spans`` ((start, end, label))."""
    doc = spacy.blank("en")(text)
    doc.spans["medner"] = SpanGroup(doc, name="medner", spans=[doc.char_span(s, e, label) for s, e, label in spans])
    return doc


# -- F6: surrogates leak ------------------------------------------------------------------------
F6_TEXT = "Pt Minh Do seen by Dr. Pa Vang and Miss Sir."
F6_SPANS = [(3, 10, "PATIENT"), (23, 30, "DOCTOR"), (35, 43, "PATIENT")]


def test_surrogate_name_words_that_are_also_titles_or_degrees_do_not_survive():
    """`Pt Minh Do … Dr. Pa Vang` came out `Pt Cole Do … Dr. Pa Olson`: Do, Pa, Sir, Miss stayed."""
    for key in ("k", "other", "third"):
        result = deidentify(phi_doc(F6_TEXT, F6_SPANS), "surrogate", key=key, patient_id="1")
        assert len(result.replacements) == 3
        for r in result.replacements:
            original = F6_TEXT[r.start : r.end]
            assert not words(original) & words(r.text), (original, r.text)
        assert result.text.startswith("Pt ") and " seen by Dr. " in result.text  # outside the spans: untouched
    # a title or degree INSIDE a predicted name span is part of the name
    doc = phi_doc("Seen by Dr. Md Rahman MD.", [(8, 24, "DOCTOR")])
    r = deidentify(doc, "surrogate", key="k", patient_id="1").replacements[0]
    assert not words("Dr. Md Rahman MD") & words(r.text)


def test_entity_made_only_of_title_words_is_changed_and_never_counted_replaced_unchanged():
    """`Miss Sir` (PATIENT) was left as it was but counted as replaced."""
    result = deidentify(phi_doc(F6_TEXT, F6_SPANS), "surrogate", key="k", patient_id="1")
    miss_sir = result.replacements[2]
    assert F6_TEXT[miss_sir.start : miss_sir.end] == "Miss Sir"
    assert miss_sir.changed and miss_sir.text != "Miss Sir" and "Miss Sir" not in result.text
    assert result.replaced == 3
    # kept on purpose: an age under 90 is not changed, and not counted as replaced
    ages = deidentify(phi_doc("Aged 45 and 93.", [(5, 7, "AGE"), (12, 14, "AGE")]), "surrogate", key="k", patient_id="1")
    assert [(r.action, r.changed) for r in ages.replacements] == [("age_kept", False), ("age_90_plus", True)]
    assert ages.replaced == 1


def test_surrogate_equal_to_its_original_is_never_written(monkeypatch):
    """Last line of defence: a surrogate that equals the original becomes the tag, not the PHI."""
    monkeypatch.setattr(SurrogateGenerator, "replace", lambda self, text, label, patient: (text, "surrogate"))
    result = Deidentifier("surrogate", key="k").replace("Pt Zebulon Quist.", [CharSpan(3, 16, "PATIENT")], "1")
    assert result.text == "Pt [PATIENT]." and result.replacements[0].action == "tag_fallback"
    assert result.replacements[0].changed


def test_summary_does_not_count_unchanged_entities_as_replaced(tmp_path):
    nlp = spacy.blank("en")
    nlp.add_pipe("span_ruler", config={"spans_key": "medner"}).add_patterns(
        [{"label": "AGE", "pattern": "45"}, {"label": "PATIENT", "pattern": "Zebulon Quist"}]
    )
    nlp.to_disk(tmp_path / "m")
    src = tmp_path / "notes"
    src.mkdir()
    (src / "a.txt").write_text("Zebulon Quist, 45.")
    result = deid(tmp_path / "m", src, tmp_path / "out", "--mode", "surrogate", "--key-file", _key(tmp_path))
    assert result.exit_code == 0, result.output
    assert "1 entities replaced" in result.output and "unchanged on purpose: age_kept 1" in result.output
    assert (tmp_path / "out" / "a.txt").read_text().endswith(", 45.")


@pytest.mark.parametrize("name", ["Park Hospital", "General Hospital", "Children's Hospital", "Memorial Clinic", "Saint Mary"])
def test_hospital_named_with_generic_looking_words_does_not_come_through_unchanged(name):
    """`Park Hospital` came through unchanged (every word was on the generic list)."""
    text = f"Admitted to {name} today."
    result = deidentify(phi_doc(text, [(12, 12 + len(name), "HOSPITAL")]), "surrogate", key="k", patient_id="1")
    r = result.replacements[0]
    kept = words(name) & words(r.text)
    assert kept != words(name), r.text
    assert kept <= {"hospital", "clinic", "children's"}, kept  # only the type words may stay
    assert r.changed and r.action == "surrogate"


def test_generic_type_words_of_a_named_hospital_are_kept():
    text = "At Brigham and Women's Hospital."
    r = deidentify(phi_doc(text, [(3, 31, "HOSPITAL")]), "surrogate", key="k", patient_id="1").replacements[0]
    assert r.text.endswith(" and Women's Hospital") and "Brigham" not in r.text


def test_bare_years_are_shifted_with_the_patients_offset():
    """Bare years ("2091", "in 2091") came out unchanged."""
    text = "Diagnosed in 2089; surgery 2091; seen 2091-03-02."
    spans = [(10, 17, "DATE"), (27, 31, "DATE"), (38, 48, "DATE")]
    runs = []
    for patient in map(str, range(40)):
        deidentifier = Deidentifier("surrogate", key="secret-key-for-tests")
        days = deidentifier.surrogates.date_shift(patient)
        result = deidentifier.replace(text, [CharSpan(*s) for s in spans], patient)
        runs.append((days, result))
    unchanged = [(days, [r.text for r in result.replacements]) for days, result in runs
                 if any(text[r.start : r.end] == r.text for r in result.replacements)]
    assert not unchanged
    for days, result in runs:
        first, second, full = (r.text for r in result.replacements)
        years = year_shift(days)
        assert years != 0 and (years > 0) == (days > 0)
        assert first == f"in {2089 + years}" and second == str(2091 + years)  # interval kept: 2 years
        assert dt.date.fromisoformat(full) == dt.date(2091, 3, 2) + dt.timedelta(days=days)
        assert all(r.changed and r.action == "date_shifted" for r in result.replacements)


# -- F2: input destroyed through OUT/.NAME.partial ----------------------------------------------
def test_symlink_at_predictable_partial_name_does_not_destroy_the_input(model_dir, tmp_path):
    """A symlink at OUT/.NAME.partial pointing to an input made deid truncate that input."""
    src = tmp_path / "in.jsonl"
    data = b'{"id": "a", "text": "Seen by Dr. Alvarez on 2067-05-03."}\n'
    src.write_bytes(data)
    (tmp_path / ".out.jsonl.partial").symlink_to(src)
    result = deid(model_dir, src, tmp_path / "out.jsonl")
    assert result.exit_code == 0, result.output
    assert src.read_bytes() == data
    out = tmp_path / "out.jsonl"
    assert out.is_file() and not out.is_symlink()
    assert json.loads(out.read_text())["text"] == "Seen by Dr. [DOCTOR] on [DATE]."
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.jsonl.partial", "in.jsonl", "out.jsonl"]  # no temp left

    # the same for one file of a folder output (with --overwrite into a prepared OUT)
    notes = tmp_path / "notes"
    notes.mkdir()
    note = notes / "a.txt"
    note.write_bytes(b"Seen by Dr. Alvarez.\n")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    (out_dir / ".a.txt.partial").symlink_to(note)
    result = deid(model_dir, notes, out_dir, "--overwrite")
    assert result.exit_code == 0, result.output
    assert note.read_bytes() == b"Seen by Dr. Alvarez.\n"
    assert (out_dir / "a.txt").read_bytes() == b"Seen by Dr. [DOCTOR].\n" and not (out_dir / "a.txt").is_symlink()


def test_symlink_at_the_output_name_is_replaced_not_followed(model_dir, tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.txt").write_bytes(b"Seen by Dr. Alvarez.\n")
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"precious")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    (out_dir / "a.txt").symlink_to(victim)
    result = deid(model_dir, notes, out_dir, "--overwrite")
    assert result.exit_code == 0, result.output
    assert victim.read_bytes() == b"precious"
    assert not (out_dir / "a.txt").is_symlink() and (out_dir / "a.txt").read_bytes() == b"Seen by Dr. [DOCTOR].\n"


# -- F1: one bad JSONL line aborts the run ----------------------------------------------------
def test_lone_surrogate_in_one_jsonl_line_skips_that_line_and_writes_the_others(model_dir, tmp_path):
    """A JSONL line holding "\\ud800" ended the whole run with 0 outputs, naming a file that did not exist."""
    src = tmp_path / "in.jsonl"
    src.write_text(
        '{"id":"a","text":"Seen by Dr. Alvarez."}\n'
        '{"id":"b","text":"Pt Zebulon \\ud800 Quist."}\n'
        '{"id":"c","text":"Seen by Dr. Alvarez."}\n'
    )
    out = tmp_path / "out.jsonl"
    result = deid(model_dir, src, out)
    assert result.exit_code == 1
    assert f"{src}: line 2: the text holds U+D800 at offset 11" in result.output
    assert "1 inputs skipped" in result.output and "2 notes de-identified" in result.output
    assert "Zebulon" not in result.output and "Quist" not in result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [(r["id"], r["text"]) for r in rows] == [("a", "Seen by Dr. [DOCTOR]."), ("c", "Seen by Dr. [DOCTOR].")]


def test_a_note_the_pipeline_fails_on_is_skipped_and_named_without_its_text(model_dir, tmp_path, monkeypatch):
    nlp = add_fail_on_boom(spacy.load(model_dir))
    monkeypatch.setattr(spacy_medner.cli.deid, "load_pipeline", lambda model, gpu_id: nlp)
    src = tmp_path / "in.jsonl"
    src.write_text('{"text": "Seen by Dr. Alvarez."}\n{"text": "boom"}\n{"text": "Dr. Alvarez called."}\n')
    out = tmp_path / "out.jsonl"
    result = deid(model_dir, src, out, "--batch-size", "2")
    assert result.exit_code == 1
    assert f"{src}: line 2: the pipeline failed on this note (RuntimeError)" in result.output
    assert "1 inputs skipped" in result.output and "2 notes de-identified" in result.output
    assert "secret note text" not in result.output and "boom" not in result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["text"] for r in rows] == ["Seen by Dr. [DOCTOR].", "Dr. [DOCTOR] called."]


# -- F8: OUT/sub is a symlink to SRC --------------------------------------------------------------
def test_out_subfolder_symlinked_to_src_is_refused_and_src_is_untouched(model_dir, tmp_path):
    """With OUT/sub -> SRC (and --overwrite), deid wrote its outputs INTO SRC."""
    src = tmp_path / "src"
    (src / "sub").mkdir(parents=True)
    (src / "sub" / "n.txt").write_bytes(b"Seen by Dr. Alvarez.\n")
    out = tmp_path / "out"
    out.mkdir()
    os.symlink("../src", out / "sub")
    before = sorted(p.relative_to(src).as_posix() for p in src.rglob("*"))
    result = deid(model_dir, src, out, "--overwrite")
    assert result.exit_code == 1
    assert "out/sub/n.txt: refusing to write there, it lies inside an input folder; not written" in result.output
    assert "1 inputs skipped" in result.output
    assert sorted(p.relative_to(src).as_posix() for p in src.rglob("*")) == before
    assert (src / "sub" / "n.txt").read_bytes() == b"Seen by Dr. Alvarez.\n"


def test_out_subfolder_symlinked_elsewhere_is_refused(model_dir, tmp_path):
    src = tmp_path / "src"
    (src / "sub").mkdir(parents=True)
    (src / "sub" / "n.txt").write_bytes(b"Seen by Dr. Alvarez.\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    os.symlink(elsewhere, out / "sub")
    result = deid(model_dir, src, out, "--overwrite")
    assert result.exit_code == 1 and "a folder on its path is a symlink leading out of" in result.output
    assert list(elsewhere.iterdir()) == []


def _key(tmp_path: Path) -> Path:
    path = tmp_path / "deid.key"
    path.write_text("a-long-secret-key-for-the-tests\n")
    path.chmod(0o600)
    return path
