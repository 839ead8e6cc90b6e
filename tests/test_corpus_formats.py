"""i2b2 2006, brat and JSONL readers: exact offsets, policies, bad input."""
import json
import re

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
from spacy_medner.corpus.i2b2_2006 import parse_i2b2_2006
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
    assert report.refusals[0]["reason"] == "unknown TYPE"
    assert report.refusals[0]["label"] == "<unknown TYPE #1>"
    assert report.refusals[0]["tag_id"] == "101/PHI9"


@pytest.mark.parametrize(
    "content,reason",
    [
        ('<ROOT><RECORD><TEXT>x</TEXT></RECORD></ROOT>', "RECORD number 1 has no ID"),
        ('<ROOT><RECORD ID="1"></RECORD></ROOT>', r"RECORD number 1 \(1\) has no <TEXT>"),
        ('<deIdi2b2><TEXT>x</TEXT></deIdi2b2>', "root element is not <ROOT>"),
        ('<ROOT><RECORD ID="1"><TEXT>x <PHI TYPE="DATE">1</TEXT></RECORD></ROOT>', "malformed XML .*line 1"),
    ],
)
def test_i2b2_2006_bad_files_and_records_are_skipped_with_a_line(tmp_path, content, reason):
    bad = tmp_path / "bad.xml"
    bad.write_text(content)
    (tmp_path / "good.xml").write_text('<ROOT><RECORD ID="7"><TEXT>ok</TEXT></RECORD></ROOT>')
    report = ConversionReport()
    assert [n.note_id for n in read_i2b2_2006([tmp_path], report)] == ["7"]
    [skipped] = report.notes_skipped
    assert skipped["source"] == str(bad) and re.match(reason, skipped["reason"])
    with pytest.raises(ConversionError, match=r"bad.xml: " + reason):  # the parser itself raises
        list(parse_i2b2_2006(content.encode(), "bad.xml"))
    with pytest.raises(ConversionError, match=r"bad.xml: .*\(--strict\)$"):
        list(read_i2b2_2006([tmp_path], ConversionReport(strict=True)))


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
    # "Drug" is not an i2b2 TYPE, needed by --labels hipaa: refused under a placeholder
    assert report.labels["<non-TYPE label #1>"].refused == 1 and report.labels["DOCTOR"].dropped_by_scheme == 1


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
    # malformed T lines are refused (counted, with file and line); the rest of the note is kept
    write_brat(tmp_path / "a", "n", "Dr Who", "T1\tDOCTOR 3\tWho\nT2 DOCTOR 3 6 Who\nT3\t 3 6\tWho\nT4\tDOCTOR 3 6\tWho\n")
    report = ConversionReport()
    [note] = read_brat([tmp_path / "a"], report)
    assert [s.tag_id for s in note.spans] == ["T4"]
    reasons = [(r["label"], r["tag_id"], r["reason"]) for r in report.refusals]
    assert reasons == [
        ("<malformed brat line>", "T1", "line 1: malformed offsets, expected 'start end[;start end]...'"),
        ("<malformed brat line>", "line 2", "line 2: malformed T line, expected 'ID<TAB>Label start end<TAB>text'"),
        ("<malformed brat line>", "T3", "line 3: malformed offsets, expected 'start end[;start end]...'"),
    ]
    assert all(r["source"].endswith("n.ann") for r in report.refusals)
    with pytest.raises(ConversionError, match=r"n.ann: tag T1 \(<malformed brat line>\): line 1: malformed offsets"):
        list(read_brat([tmp_path / "a"], ConversionReport(strict=True)))
    # an .ann without .txt is skipped with a line; others are still read
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "orphan.ann").write_text("T1\tDOCTOR 0 1\tx\n")
    write_brat(tmp_path / "c", "ok", "Dr Who", "T1\tDOCTOR 3 6\tWho\n")
    (tmp_path / "c" / "latin.txt").write_bytes(b"Jos\xe9")
    (tmp_path / "c" / "latin.ann").write_text("T1\tDOCTOR 0 4\tJose\n")
    report = ConversionReport()
    assert [n.note_id for n in read_brat([tmp_path / "c"], report)] == ["ok"]
    assert [(s["source"].rsplit("/", 1)[-1], s["reason"].split(" (")[0]) for s in report.notes_skipped] == [
        ("latin.ann", f"{tmp_path / 'c' / 'latin.txt'}: not valid UTF-8"),
        ("orphan.ann", "no matching .txt file"),
    ]
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
    "content,reason",
    [
        ('{"text": "a"}\n{"text": oops}\n', "line 2: invalid JSON (Expecting value at column 10)"),
        ('{"text": "a"}\n{"spans": []}\n', "line 2: expected an object with a string 'text'"),
        ('{"text": "a"}\n{"text": "b", "spans": {}}\n', "line 2: 'spans' must be a list"),
        ('{"text": "a"}\n[1, 2]\n', "line 2: expected an object with a string 'text'"),
        ('{"text": "a"}\n' + "[" * 100000 + "\n", "line 2: invalid JSON (nested too deeply)"),
    ],
)
def test_jsonl_bad_records_are_skipped_with_file_and_line(tmp_path, content, reason):
    path = tmp_path / "x.jsonl"
    path.write_text(content)
    report = ConversionReport()
    assert [n.text for n in read_jsonl([path], report)] == ["a"]
    assert [f"{s['source'].rsplit(': ', 1)[1]}: {s['reason']}" for s in report.notes_skipped] == [reason]
    assert report.notes_skipped[0]["source"] == f"{path}: line 2"
    with pytest.raises(ConversionError, match=re.escape(f"x.jsonl: {reason} (--strict)")):
        list(read_jsonl([path], ConversionReport(strict=True)))


def test_jsonl_non_utf8_line_is_skipped(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_bytes(b'{"text": "ok"}\n{"text": "\xff"}\n{"text": "also ok"}\n')
    report = ConversionReport()
    assert [n.text for n in read_jsonl([path], report)] == ["ok", "also ok"]
    assert report.notes_skipped == [
        {"source": f"{path}: line 2", "note_id": "", "reason": "not valid UTF-8 (byte 0xff at column 11)"}
    ]
