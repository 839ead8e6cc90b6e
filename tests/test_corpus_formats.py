"""i2b2 2006, brat and JSONL readers: exact offsets, policies, bad input."""
import json

import pytest
from spacy.tokens import DocBin

from spacy_medner.corpus import (
    ConversionError,
    ConversionReport,
    convert_notes,
    read_brat,
    read_i2b2_2006,
    read_jsonl,
)
from spacy_medner.tokenizer import clinical_nlp

NLP = clinical_nlp("en")


def assert_balanced(report):
    for label, c in report.labels.items():
        assert c.entities_in == c.written + c.refused + c.dropped_by_scheme, label


def to_docs(notes, report, scheme="type", allow_unknown_labels=False):
    docs, report = convert_notes(notes, NLP, scheme, report=report, allow_unknown_labels=allow_unknown_labels)
    back = list(DocBin(docs=docs).from_bytes(DocBin(docs=docs).to_bytes()).get_docs(NLP.vocab))
    assert_balanced(report)
    return back


def texts_of(doc):
    return [(doc.text[e.start_char : e.end_char], e.label_) for e in doc.ents]


# -- i2b2 2006 ----------------------------------------------------------------

I2B2_2006 = """<?xml version="1.0" encoding="UTF-8"?>
<ROOT>
<RECORD ID="101">
<TEXT>
Admitted to <PHI TYPE="HOSPITAL">St. Mary&amp;Joseph</PHI> on <PHI TYPE="DATE">03/02</PHI><PHI TYPE="DATE">2067</PHI>.
<PHI TYPE="PATIENT">Zoë Smith</PHI>, <PHI TYPE="AGE">55</PHI>yo, MRN <PHI TYPE="ID">4417220</PHI>, from <PHI TYPE="LOCATION">Leadworth</PHI>.
Call <PHI TYPE="PHONE">(207)555-0143</PHI>; Dr <PHI TYPE="DOCTOR">Who</PHI>.
</TEXT>
</RECORD>
<RECORD ID="102">
<TEXT>No PHI here.</TEXT>
</RECORD>
</ROOT>
"""


def test_i2b2_2006_offsets_and_type_mapping(tmp_path):
    path = tmp_path / "train.xml"
    path.write_text(I2B2_2006, encoding="utf8")
    report = ConversionReport(format="i2b2-2006")
    notes = list(read_i2b2_2006([path], report))
    assert [(n.note_id, n.patient_id) for n in notes] == [("101", "101"), ("102", "102")]
    docs = to_docs(notes, report)
    assert texts_of(docs[0]) == [
        ("St. Mary&Joseph", "HOSPITAL"), ("03/02", "DATE"), ("2067", "DATE"), ("Zoë Smith", "PATIENT"),
        ("55", "AGE"), ("4417220", "IDNUM"), ("Leadworth", "LOCATION-OTHER"), ("(207)555-0143", "PHONE"),
        ("Who", "DOCTOR"),
    ]
    assert docs[0].text.startswith("\nAdmitted to St. Mary&Joseph on 03/022067.\n")
    assert docs[1].ents == () and docs[1].text == "No PHI here."
    assert report.info["i2b2-2006 TYPE ID -> IDNUM"] == 1
    assert report.info["i2b2-2006 TYPE LOCATION -> LOCATION-OTHER"] == 1


def test_i2b2_2006_crlf_unknown_type_and_errors(tmp_path):
    path = tmp_path / "crlf.xml"
    content = I2B2_2006.replace('TYPE="DOCTOR"', 'TYPE="NURSE"').replace("\n", "\r\n")
    path.write_bytes(content.encode("utf8"))
    report = ConversionReport()
    docs = to_docs(list(read_i2b2_2006([path], report)), report)
    assert "\r" not in docs[0].text
    assert ("(207)555-0143", "PHONE") in texts_of(docs[0])
    assert report.refusals[0]["reason"] == "unknown TYPE 'NURSE'"
    assert report.refusals[0]["tag_id"] == "101/PHI9"

    bad = tmp_path / "bad.xml"
    bad.write_text('<ROOT><RECORD><TEXT>x</TEXT></RECORD></ROOT>')
    with pytest.raises(ConversionError, match="bad.xml: RECORD number 1 has no ID"):
        list(read_i2b2_2006([bad]))
    bad.write_text('<deIdi2b2><TEXT>x</TEXT></deIdi2b2>')
    with pytest.raises(ConversionError, match="expected <ROOT>"):
        list(read_i2b2_2006([bad]))
    bad.write_text('<ROOT><RECORD ID="1"><TEXT>x <PHI TYPE="DATE">1</TEXT></RECORD></ROOT>')
    with pytest.raises(ConversionError, match="bad.xml: malformed XML .*line 1"):
        list(read_i2b2_2006([bad]))


# -- brat -----------------------------------------------------------------------

def write_brat(folder, name, text, ann, newline="\n", bom=False):
    folder.mkdir(parents=True, exist_ok=True)
    data = text.replace("\n", newline).encode("utf8")
    (folder / f"{name}.txt").write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    (folder / f"{name}.ann").write_text(ann, encoding="utf8")


def test_brat_entities_other_lines_and_generic_labels(tmp_path):
    text = "Dr Who gave aspirin to Amy Pond on 2067-05-03."
    ann = (
        "T1\tDOCTOR 3 6\tWho\n"
        "T2\tDrug 12 19\taspirin\n"
        "T3\tPATIENT 23 31\tAmy Pond\n"
        "R1\tGiven Arg1:T1 Arg2:T2\n"
        "A1\tNegated T2\n"
        "#1\tAnnotatorNotes T1\tchecked\n"
        "T4\tDATE 35 45\t2067-05-03\n"
    )
    write_brat(tmp_path / "corpus" / "sub", "note1", text, ann)
    (tmp_path / "corpus" / "readme.txt").write_text("no annotations")
    report = ConversionReport(format="brat")
    notes = list(read_brat([tmp_path / "corpus"], report))
    assert [(n.note_id, n.patient_id) for n in notes] == [("note1", None)]
    docs = to_docs(notes, report, allow_unknown_labels=True)
    assert texts_of(docs[0]) == [("Who", "DOCTOR"), ("aspirin", "Drug"), ("Amy Pond", "PATIENT"), ("2067-05-03", "DATE")]
    assert report.info["brat 'R' lines ignored (not text-bound)"] == 1
    assert report.info["brat .txt files without .ann (ignored)"] == 1
    report = ConversionReport()
    docs = to_docs(list(read_brat([tmp_path / "corpus"], report)), report, scheme="hipaa", allow_unknown_labels=True)
    assert [label for _, label in texts_of(docs[0])] == ["PATIENT", "DATE"]
    assert report.labels["Drug"].refused == 1 and report.labels["DOCTOR"].dropped_by_scheme == 1


@pytest.mark.parametrize(
    "policy,expected,refused",
    [
        ("split", [("03/02", "DATE"), ("2067", "DATE")], 0),
        ("merge", [("03/02 and 2067", "DATE")], 0),
        ("refuse", [], 1),
    ],
)
def test_brat_discontinuous_policies(tmp_path, policy, expected, refused):
    text = "On 03/02 and 2067 seen."
    write_brat(tmp_path, "n", text, "T1\tDATE 3 8;13 17\t03/02 2067\n")
    report = ConversionReport()
    docs = to_docs(list(read_brat([tmp_path], report, discontinuous=policy)), report)
    assert texts_of(docs[0]) == expected
    assert report.totals().refused == refused
    kind = {"split": "discontinuous_split", "merge": "discontinuous_merged"}.get(policy)
    assert dict(report.repairs) == ({kind: 1} if kind else {})


@pytest.mark.parametrize("newline,bom", [("\r\n", False), ("\n", True), ("\r\n", True)])
def test_brat_offsets_counting_crs_and_bom_are_remapped(tmp_path, newline, bom):
    text = "Name: Amy Pond\nSeen: 2067-05-03\nDr Who"
    raw = ("\ufeff" if bom else "") + text.replace("\n", newline)  # what brat's server counts in
    ann = "".join(
        f"T{i}\t{label} {raw.index(sub)} {raw.index(sub) + len(sub)}\t{sub}\n"
        for i, (sub, label) in enumerate([("Amy Pond", "PATIENT"), ("2067-05-03", "DATE"), ("Who", "DOCTOR")])
    )
    write_brat(tmp_path, "n", text, ann, newline=newline, bom=bom)
    report = ConversionReport()
    docs = to_docs(list(read_brat([tmp_path], report)), report)
    assert docs[0].text == text
    assert texts_of(docs[0]) == [("Amy Pond", "PATIENT"), ("2067-05-03", "DATE"), ("Who", "DOCTOR")]
    assert all("remapped" in line["detail"] for line in report.repair_lines)
    assert report.repairs["crlf_normalised"] == (newline == "\r\n")
    assert report.repairs["bom_stripped"] == bom


def test_brat_bad_input(tmp_path):
    write_brat(tmp_path / "a", "n", "Dr Who", "T1\tDOCTOR 3\tWho\n")
    with pytest.raises(ConversionError, match=r"n.ann: line 1 \(tag T1\): malformed offsets"):
        list(read_brat([tmp_path / "a"]))
    write_brat(tmp_path / "b", "n", "Dr Who", "T1 DOCTOR 3 6 Who\n")
    with pytest.raises(ConversionError, match="malformed T line"):
        list(read_brat([tmp_path / "b"]))
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "orphan.ann").write_text("T1\tDOCTOR 0 1\tx\n")
    with pytest.raises(ConversionError, match="orphan.ann: no matching .txt"):
        list(read_brat([tmp_path / "c"]))
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "only.txt").write_text("text")
    with pytest.raises(ConversionError, match="no .ann files"):
        list(read_brat([tmp_path / "d"]))
    # an .ann given by name finds its .txt on disk
    write_brat(tmp_path / "e", "n", "Dr Who", "T1\tDOCTOR 3 6\tWho\n")
    assert [n.note_id for n in read_brat([tmp_path / "e" / "n.ann"])] == ["n"]


# -- JSONL --------------------------------------------------------------------

def test_jsonl_reader(tmp_path):
    lines = [
        {"id": "a", "patient_id": "p1", "text": "Dr Who\r\nsaw Zoë", "spans": [
            {"start": 3, "end": 6, "label": "DOCTOR", "text": "Who"},
            {"start": 12, "end": 15, "label": "PATIENT"},
        ], "meta": {"source": "x", "n": 3}},
        {"text": "Took aspirin", "spans": [{"start": 5, "end": 12, "label": "Drug"}]},
        {"text": "bad spans", "spans": [{"start": "0", "end": 3, "label": "X"}, {"start": 0, "end": 3}, 7]},
    ]
    path = tmp_path / "notes.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + "\n\n".join(json.dumps(x, ensure_ascii=False) for x in lines).encode("utf8"))
    report = ConversionReport()
    notes = list(read_jsonl([tmp_path], report))
    assert [(n.note_id, n.patient_id) for n in notes] == [("a", "p1"), ("notes:3", None), ("notes:5", None)]
    assert notes[0].text == "Dr Who\r\nsaw Zoë"  # explicit content: kept exactly
    assert notes[0].meta == {"source": "x", "n": "3"}
    docs = to_docs(notes, report, allow_unknown_labels=True)
    assert texts_of(docs[0]) == [("Who", "DOCTOR"), ("Zoë", "PATIENT")]
    assert texts_of(docs[1]) == [("aspirin", "Drug")]
    assert {r["reason"] for r in report.refusals} == {
        "span has no string 'label'", "span 'start'/'end' missing or not integers", "span is not an object"
    }
    assert report.repairs["bom_stripped"] == 1


@pytest.mark.parametrize(
    "content,match",
    [
        ('{"text": "a"}\n{"text": oops}\n', r"x.jsonl: line 2: invalid JSON \(Expecting value at column 10\)"),
        ('{"spans": []}\n', r"x.jsonl: line 1: expected an object with a string 'text'"),
        ('{"text": "a", "spans": {}}\n', r"x.jsonl: line 1: 'spans' must be a list"),
        ('[1, 2]\n', r"x.jsonl: line 1: expected an object"),
    ],
)
def test_jsonl_fatal_errors(tmp_path, content, match):
    path = tmp_path / "x.jsonl"
    path.write_text(content)
    with pytest.raises(ConversionError, match=match):
        list(read_jsonl([path]))


def test_jsonl_non_utf8(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_bytes(b'{"text": "ok"}\n{"text": "\xff"}\n')
    with pytest.raises(ConversionError, match=r"x.jsonl: not valid UTF-8 \(byte 0xff at byte offset 25, line 2\)"):
        list(read_jsonl([path]))
