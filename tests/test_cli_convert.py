"""``python -m spacy_medner convert`` through typer's CliRunner."""
import json

import pytest
from spacy.tokens import DocBin
from typer.testing import CliRunner

from spacy_medner.cli import app
from spacy_medner.corpus import CharSpan, Note, write_i2b2_2014
from spacy_medner.tokenizer import clinical_nlp

runner = CliRunner()
SECRET = "Quillbottom"
NLP = clinical_nlp()


def write_release(folder, n_patients=6, records=2):
    folder.mkdir(parents=True, exist_ok=True)
    for p in range(100, 100 + n_patients):
        for r in range(1, records + 1):
            text = f"Patient {SECRET} seen 2067-05-0{r} by Dr.Who, MRN:{p}44{r}.\n\nFollow up in clinic."
            spans = [
                CharSpan(8, 8 + len(SECRET), "PATIENT"),
                CharSpan(text.index("2067"), text.index("2067") + 10, "DATE"),
                CharSpan(text.index("Who"), text.index("Who") + 3, "DOCTOR"),
                CharSpan(text.index(f"{p}44"), text.index(f"{p}44") + 6, "MEDICALRECORD"),
            ]
            write_i2b2_2014(Note(f"{p}-0{r}", text, spans, str(p)), folder / f"{p}-0{r}.xml")
    return folder


def read_docs(path):
    return list(DocBin().from_disk(path).get_docs(NLP.vocab))


def invoke(*args):
    result = runner.invoke(app, ["convert", *map(str, args)])
    assert "Traceback" not in result.output
    return result


def test_convert_with_patient_split_and_report(tmp_path):
    src = write_release(tmp_path / "release")
    out = tmp_path / "corpus" / "train.spacy"
    result = invoke(src, out, "--format", "i2b2-2014", "--labels", "type", "--dev-fraction", "0.3", "--seed", "3")
    assert result.exit_code == 0, result.output
    dev_path = tmp_path / "corpus" / "train.dev.spacy"
    train, dev = read_docs(out), read_docs(dev_path)
    assert len(train) + len(dev) == 12 and len(dev) >= 4
    train_patients = {d.user_data["patient_id"] for d in train}
    dev_patients = {d.user_data["patient_id"] for d in dev}
    assert not train_patients & dev_patients
    assert all(len(d.ents) == 4 for d in train + dev)
    report = json.loads((tmp_path / "corpus" / "train.report.json").read_text())
    assert report["balanced"] and report["totals"]["entities_in"] == 48 == report["totals"]["written"]
    assert report["splits"]["dev"]["path"] == str(dev_path)
    assert f"train: {len(train)} docs, {4 * len(train)} entities" in result.output
    assert SECRET not in result.output and SECRET not in json.dumps(report)

    again = tmp_path / "again" / "train.spacy"
    result = invoke(src, again, "--dev-fraction", "0.3", "--seed", "3")
    assert result.exit_code == 0
    assert sorted(d.user_data["note_id"] for d in read_docs(tmp_path / "again" / "train.dev.spacy")) == sorted(
        d.user_data["note_id"] for d in dev
    )


def test_labels_hipaa_and_category(tmp_path):
    src = write_release(tmp_path / "release", n_patients=1, records=1)
    result = invoke(src, tmp_path / "h.spacy", "--labels", "hipaa")
    assert result.exit_code == 0
    report = json.loads((tmp_path / "h.report.json").read_text())
    assert report["labels"]["DOCTOR"]["dropped_by_scheme"] == 1
    assert {e.label_ for e in read_docs(tmp_path / "h.spacy")[0].ents} == {"PATIENT", "DATE", "MEDICALRECORD"}
    assert invoke(src, tmp_path / "c.spacy", "-l", "category").exit_code == 0
    assert {e.label_ for e in read_docs(tmp_path / "c.spacy")[0].ents} == {"NAME", "DATE", "ID"}


def test_segment_option(tmp_path):
    src = write_release(tmp_path / "release", n_patients=1, records=1)
    assert invoke(src, tmp_path / "s.spacy", "--segment", "--segment-chars", "70").exit_code == 0
    docs = read_docs(tmp_path / "s.spacy")
    assert [d.text for d in docs][1] == "Follow up in clinic."
    assert [len(d.ents) for d in docs] == [4, 0]
    assert invoke(src, tmp_path / "w.spacy", "--no-segment", "--segment-chars", "70").exit_code == 0
    assert len(read_docs(tmp_path / "w.spacy")) == 1


@pytest.mark.parametrize(
    "setup,match",
    [
        (lambda d: (d / "x").mkdir(), "no .xml files found"),
        (lambda d: (d / "x.xml").write_text("<deIdi2b2><TEXT>a</TEXT>"), "x.xml: malformed XML"),
        (lambda d: (d / "x.xml").write_bytes(b"<deIdi2b2><TEXT>\xff</TEXT></deIdi2b2>"), "x.xml: not valid UTF-8"),
    ],
)
def test_fatal_errors_exit_1_with_one_line(tmp_path, setup, match):
    setup(tmp_path)
    src = tmp_path / "x" if (tmp_path / "x").is_dir() else tmp_path / "x.xml"
    result = invoke(src, tmp_path / "out.spacy")
    assert result.exit_code == 1
    assert match in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "out.spacy").exists()


def test_strict_and_overlap_error(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "1-1.xml").write_text(
        '<deIdi2b2><TEXT><![CDATA[Amy Pond here]]></TEXT><TAGS>'
        '<NAME id="P0" start="0" end="8" text="Amy Pond" TYPE="PATIENT"/>'
        '<NAME id="P1" start="4" end="8" text="Pond" TYPE="DOCTOR"/></TAGS></deIdi2b2>'
    )
    result = invoke(src, tmp_path / "a.spacy")
    assert result.exit_code == 0 and "1 entities refused" in result.output
    assert "overlaps tag P0" in result.output and "Pond" not in result.output.replace("Amy Pond", "")
    result = invoke(src, tmp_path / "b.spacy", "--strict")
    assert result.exit_code == 1 and "1-1.xml: tag P1 (DOCTOR)" in result.output
    result = invoke(src, tmp_path / "c.spacy", "--on-overlap", "error")
    assert result.exit_code == 1 and "(--on-overlap error)" in result.output


def test_brat_and_jsonl_formats(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "n.txt").write_text("Gave aspirin to Amy")
    (tmp_path / "b" / "n.ann").write_text("T1\tDrug 5 12\taspirin\nT2\tPATIENT 16 19\tAmy\n")
    assert invoke(tmp_path / "b", tmp_path / "b.spacy", "-f", "brat").exit_code == 0
    assert [e.label_ for e in read_docs(tmp_path / "b.spacy")[0].ents] == ["Drug", "PATIENT"]
    (tmp_path / "n.jsonl").write_text(json.dumps({"text": "Dr Who", "spans": [{"start": 3, "end": 6, "label": "DOCTOR"}]}))
    assert invoke(tmp_path / "n.jsonl", tmp_path / "j.spacy", "--format", "jsonl").exit_code == 0
    assert [e.text for e in read_docs(tmp_path / "j.spacy")[0].ents] == ["Who"]


def test_usage_errors(tmp_path):
    src = write_release(tmp_path / "release", n_patients=1, records=1)
    assert invoke(src).exit_code == 2
    result = invoke(src, tmp_path, "--labels", "type")
    assert result.exit_code == 1 and "OUT is a folder" in result.output
    result = invoke(src, tmp_path / "o.spacy", "--lang", "zz")
    assert result.exit_code == 1 and "--lang zz" in result.output
    result = invoke(src, tmp_path / "o.spacy", "--dev-fraction", "0.5")
    assert result.exit_code == 1 and "one patient" in result.output
    assert invoke(src, tmp_path / "o.spacy", "--format", "conll").exit_code == 2


def test_nothing_to_write_is_an_error(tmp_path):
    (tmp_path / "blank.jsonl").write_text("\n\n")
    result = invoke(tmp_path / "blank.jsonl", tmp_path / "o.spacy", "-f", "jsonl")
    assert result.exit_code == 1 and "no notes found" in result.output
    (tmp_path / "empty.jsonl").write_text('{"text": "  "}\n')
    result = invoke(tmp_path / "empty.jsonl", tmp_path / "o.spacy", "-f", "jsonl")
    assert result.exit_code == 1 and "all 1 notes have an empty text" in result.output
    assert not (tmp_path / "o.spacy").exists()


@pytest.mark.parametrize("subset,patients", [("tune", range(900, 930)), ("test", range(950, 980)), ("dev", [*range(930, 950), *range(980, 1000), *range(388, 898)]), ("fresh", range(376, 388))])
def test_hand_written_ood_sets_convert_without_refusals_or_repairs(tmp_path, subset, patients):
    """The yardstick's three sets are disjoint by patient, and every tag's text is its TEXT slice."""
    from pathlib import Path

    folder = Path(__file__).parent / "fixtures" / "ood_notes" / subset
    out = tmp_path / f"{subset}.spacy"
    result = invoke(folder, out, "--format", "i2b2-2014")
    assert result.exit_code == 0, result.output
    report = json.loads(out.with_suffix(".report.json").read_text())
    n_xml = len(list(folder.glob("*.xml")))
    assert n_xml >= 10 and report["notes_read"] == n_xml and report["notes_skipped"] == []
    assert report["totals"]["refused"] == 0 and report["repairs"] == {} and report["balanced"] is True
    assert all(int(p.name.split("-")[0]) in patients for p in folder.glob("*.xml"))
    docs = read_docs(out)
    assert sum(len(d.ents) for d in docs) == report["totals"]["written"] > 10 * n_xml
