"""Regression tests for the ``convert`` input/output faults of issue #10 (F3-F11).

Each test is named after the symptom it guards against; the reproducers are
``../shared/probes/faults.sh N``.
"""
import io
import json
import os
import tarfile
import zipfile

import pytest
from spacy.tokens import DocBin
from typer.testing import CliRunner

from spacy_medner.cli import app
from spacy_medner.corpus import (
    ConversionError,
    ConversionReport,
    convert_notes,
    parse_i2b2_2014,
    read_brat,
    read_i2b2_2006,
    read_i2b2_2014,
)
from spacy_medner.tokenizer import clinical_nlp

runner = CliRunner()
NLP = clinical_nlp()
NAME = "Zebulon Quist"


def note_xml(text=f"Pt {NAME} seen 2067-05-03.", tags=None):
    tags = tags if tags is not None else f'<NAME id="P0" start="3" end="16" text="{NAME}" TYPE="PATIENT" comment=""/>'
    return (
        '<?xml version="1.0" encoding="UTF-8" ?>\n<deIdi2b2>\n'
        f"<TEXT><![CDATA[{text}]]></TEXT>\n<TAGS>\n{tags}\n</TAGS>\n</deIdi2b2>\n"
    )


def invoke(*args):
    result = runner.invoke(app, ["convert", *map(str, args)])
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, (ValueError, UnicodeError, KeyError)), repr(result.exception)
    return result


def read_docs(path):
    return list(DocBin().from_disk(path).get_docs(NLP.vocab))


def ents(doc):
    return [(e.start_char, e.end_char, e.text, e.label_) for e in doc.ents]


def one_line_error(result):
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    return lines[0]


# -- F3: no output ever writes over an input -----------------------------------

def test_f3_convert_refuses_out_that_is_an_input(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "100-01.xml").write_text(note_xml())
    before = (src / "100-01.xml").read_bytes()
    line = one_line_error(invoke(src, src / "100-01.xml"))
    assert "OUT" in line and "100-01.xml" in line and "refusing to write there" in line
    assert (src / "100-01.xml").read_bytes() == before
    assert sorted(p.name for p in src.iterdir()) == ["100-01.xml"]  # no report, no temp file
    # the input file named explicitly as SRC and as OUT
    line = one_line_error(invoke(src / "100-01.xml", src / "100-01.xml"))
    assert "it is an input file" in line
    assert (src / "100-01.xml").read_bytes() == before


def test_f3_convert_refuses_out_inside_an_input_folder(tmp_path):
    src = tmp_path / "src"
    (src / "sub").mkdir(parents=True)
    (src / "sub" / "100-01.xml").write_text(note_xml())
    line = one_line_error(invoke(src, src / "sub" / "train.spacy"))
    assert "lies inside an input folder" in line
    assert not (src / "sub" / "train.spacy").exists() and not (src / "sub" / "train.report.json").exists()
    # also through a symlinked folder
    (tmp_path / "link").symlink_to(src)
    line = one_line_error(invoke(src, tmp_path / "link" / "train.spacy"))
    assert "inside an input folder" in line


def test_f3_convert_refuses_out_that_is_a_symlink_to_an_input(tmp_path):
    (tmp_path / "100-01.xml").write_text(note_xml())
    before = (tmp_path / "100-01.xml").read_bytes()
    (tmp_path / "out.spacy").symlink_to(tmp_path / "100-01.xml")
    line = one_line_error(invoke(tmp_path / "100-01.xml", tmp_path / "out.spacy"))
    assert "it is an input file" in line
    assert (tmp_path / "100-01.xml").read_bytes() == before
    # a hard link of the input, too
    os.link(tmp_path / "100-01.xml", tmp_path / "hard.spacy")
    assert "hard link" in one_line_error(invoke(tmp_path / "100-01.xml", tmp_path / "hard.spacy"))
    assert (tmp_path / "100-01.xml").read_bytes() == before


def test_f3_convert_refuses_a_report_path_that_is_an_input(tmp_path):
    # OUT notes.spacy writes notes.report.json: here that is the input
    src = tmp_path / "notes.report.json"
    src.write_text(json.dumps({"text": "Dr Who", "spans": [{"start": 3, "end": 6, "label": "DOCTOR"}]}) + "\n")
    before = src.read_bytes()
    line = one_line_error(invoke(src, tmp_path / "notes.spacy", "--format", "jsonl"))
    assert line.startswith("✘ report") and "it is an input file" in line
    assert src.read_bytes() == before and not (tmp_path / "notes.spacy").exists()


def test_f3_outputs_are_written_atomically_without_leftovers(tmp_path):
    (tmp_path / "src").mkdir()
    for p in (100, 200):
        (tmp_path / "src" / f"{p}-01.xml").write_text(note_xml())
    out = tmp_path / "out"
    out.mkdir()
    (out / "train.spacy").symlink_to(tmp_path / "elsewhere.bin")  # a link at OUT is replaced, not followed
    result = invoke(tmp_path / "src", out / "train.spacy", "--dev-fraction", "0.5")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["train.dev.spacy", "train.report.json", "train.spacy"]
    assert not (out / "train.spacy").is_symlink() and not (tmp_path / "elsewhere.bin").exists()


# -- F4: notes over nlp.max_length ----------------------------------------------

def small_max_length_nlp(monkeypatch, max_length):
    import spacy_medner.tokenizer as tokenizer

    real = tokenizer.clinical_nlp

    def patched(lang="en"):
        nlp = real(lang)
        nlp.max_length = max_length
        return nlp

    monkeypatch.setattr(tokenizer, "clinical_nlp", patched)


def test_f4_note_longer_than_max_length_is_converted_not_a_traceback(tmp_path, monkeypatch):
    small_max_length_nlp(monkeypatch, 200)
    text = f"Pt {NAME} seen. " + "Stable overnight. " * 40  # > 200 characters
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "100-01.xml").write_text(note_xml(text))
    result = invoke(tmp_path / "src", tmp_path / "out.spacy")
    assert result.exit_code == 0, result.output
    [doc] = read_docs(tmp_path / "out.spacy")
    assert doc.text == text and ents(doc) == [(3, 16, NAME, "PATIENT")]
    assert "100-01.xml: longer than nlp.max_length: tokenized anyway" in result.output
    report = json.loads((tmp_path / "out.report.json").read_text())
    assert report["notices"] == {"longer than nlp.max_length: tokenized anyway": 1}
    assert report["notice_lines"][0]["source"].endswith("100-01.xml")
    assert NAME not in result.output.replace(f"-> {tmp_path}", "") and NAME not in json.dumps(report)


def test_f4_note_over_one_million_characters_converts_with_the_default_nlp():
    from spacy_medner.corpus import CharSpan, Note

    text = f"Pt {NAME} seen. " + "x " * 500_000
    assert len(text) > NLP.max_length == 1_000_000
    report = ConversionReport()
    docs, report = convert_notes([Note("100-01", text, [CharSpan(3, 16, "PATIENT", "P0")], "100", "huge/100-01.xml")], NLP, report=report)
    assert [len(d.text) for d in docs] == [len(text)] and ents(docs[0]) == [(3, 16, NAME, "PATIENT")]
    assert NLP.max_length == 1_000_000  # raised for that call only
    assert report.notice_lines[0]["source"] == "huge/100-01.xml"


def test_f4_note_over_max_note_chars_is_skipped_with_a_line_naming_the_file(tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "100-01.xml").write_text(note_xml(f"Pt {NAME} seen. " + "Stable. " * 30))
    (tmp_path / "src" / "200-01.xml").write_text(note_xml())
    result = invoke(tmp_path / "src", tmp_path / "out.spacy", "--max-note-chars", "100")
    assert result.exit_code == 0, result.output
    assert [d.user_data["note_id"] for d in read_docs(tmp_path / "out.spacy")] == ["200-01"]
    report = json.loads((tmp_path / "out.report.json").read_text())
    [skipped] = report["notes_skipped"]
    assert skipped["source"].endswith("100-01.xml") and "over --max-note-chars 100" in skipped["reason"]
    assert report["labels"]["PATIENT"] == {**report["labels"]["PATIENT"], "entities_in": 2, "written": 1, "refused": 1}
    assert report["balanced"]


# -- F5: archive members --------------------------------------------------------

def _tar(path, members):
    """members: (TarInfo kwargs, data or None)."""
    with tarfile.open(path, "w:gz") as tf:
        for kwargs, data in members:
            info = tarfile.TarInfo(kwargs.pop("name"))
            for k, v in kwargs.items():
                setattr(info, k, v)
            if data is not None:
                info.size = len(data)
                tf.addfile(info, io.BytesIO(data))
            else:
                tf.addfile(info)
    return path


def test_f5_tar_hard_link_member_is_read_from_the_archive(tmp_path):
    data = note_xml().encode()
    rel = _tar(tmp_path / "rel.tgz", [
        ({"name": "train", "type": tarfile.DIRTYPE}, None),
        ({"name": "train/101-01.xml"}, data),
        ({"name": "train/100-01.xml", "type": tarfile.LNKTYPE, "linkname": "train/101-01.xml"}, None),
    ])
    report = ConversionReport()
    notes = list(read_i2b2_2014([rel], report))
    assert [n.note_id for n in notes] == ["101-01", "100-01"]
    assert notes[0].text == notes[1].text
    assert report.inputs["read"] == 2 and report.inputs["hard links read from their target in the archive"] == 1
    result = invoke(rel, tmp_path / "out.spacy")
    assert result.exit_code == 0 and "train: 2 docs, 2 entities, 2 notes" in result.output


def test_f5_archive_symlink_member_is_counted(tmp_path):
    data = note_xml().encode()
    rel = _tar(tmp_path / "rel.tgz", [
        ({"name": "train/101-01.xml"}, data),
        ({"name": "train/100-01.xml", "type": tarfile.SYMTYPE, "linkname": "101-01.xml"}, None),
        ({"name": "train/102-01.xml", "type": tarfile.SYMTYPE, "linkname": "/etc/passwd"}, None),
    ])
    result = invoke(rel, tmp_path / "out.spacy")
    assert result.exit_code == 0, result.output
    assert "train: 1 docs" in result.output
    assert f"{rel}:train/100-01.xml: symlink member (not followed)" in result.output
    report = json.loads((tmp_path / "out.report.json").read_text())
    assert report["inputs"] == {"read": 1, "refused: symlink member (not followed)": 2}
    assert [r["source"] for r in report["inputs_refused"]] == [f"{rel}:train/100-01.xml", f"{rel}:train/102-01.xml"]
    with pytest.raises(ConversionError, match=r"train/100-01.xml: symlink member \(not followed\): not read \(--strict\)"):
        list(read_i2b2_2014([rel], ConversionReport(strict=True)))

    zpath = tmp_path / "rel.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        zf.writestr("train/101-01.xml", data)
        link = zipfile.ZipInfo("train/100-01.xml")
        link.external_attr = 0o120777 << 16  # a symlink as Info-ZIP stores it
        zf.writestr(link, "101-01.xml")
    report = ConversionReport()
    assert [n.note_id for n in read_i2b2_2014([zpath], report)] == ["101-01"]
    assert report.inputs == {"read": 1, "refused: symlink member (not followed)": 1}


@pytest.mark.parametrize("name", ["../x.xml", "/tmp/abs/100-01.xml", "train/../../y.xml", "C:/z.xml"])
def test_f5_archive_traversal_member_is_counted(tmp_path, name):
    data = note_xml().encode()
    (tmp_path / "work").mkdir()
    rel = _tar(tmp_path / "work" / "rel.tar.gz", [({"name": "train/101-01.xml"}, data), ({"name": name}, data)])
    zpath = tmp_path / "work" / "rel.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        zf.writestr("train/101-01.xml", data)
        zf.writestr(zipfile.ZipInfo(name), data)  # ZipInfo keeps the name as given
    for archive in (rel, zpath):
        report = ConversionReport()
        assert [n.note_id for n in read_i2b2_2014([archive], report)] == ["101-01"]
        [refused] = report.inputs_refused
        assert refused["source"] == f"{archive}:{name}" or refused["source"].startswith(f"{archive}:")
        assert refused["reason"] in ("absolute member name", "member name with a '..' component")
        assert sum(report.inputs.values()) == 2
    result = invoke(rel, tmp_path / "work" / "out.spacy")
    assert result.exit_code == 0 and "1 input files or members not read" in result.output
    # nothing was extracted anywhere
    assert sorted(p.name for p in tmp_path.iterdir()) == ["work"]
    assert sorted(p.name for p in (tmp_path / "work").iterdir()) == ["out.report.json", "out.spacy", "rel.tar.gz", "rel.zip"]


def test_f5_every_archive_member_is_read_or_counted(tmp_path):
    data = note_xml().encode()
    members = [
        ({"name": "train", "type": tarfile.DIRTYPE}, None),
        ({"name": "train/101-01.xml"}, data),
        ({"name": "train/README.txt"}, b"readme"),
        ({"name": "train/copy.bak"}, data),
        ({"name": "train/.hidden.xml"}, b"junk"),
        ({"name": "__MACOSX/train/._101-01.xml"}, b"junk"),
        ({"name": "train/fifo.xml", "type": tarfile.FIFOTYPE}, None),
        ({"name": "train/dev.xml", "type": tarfile.CHRTYPE}, None),
        ({"name": "train/102-01.xml", "type": tarfile.LNKTYPE, "linkname": "train/missing.xml"}, None),
        ({"name": "train/103-01.xml", "type": tarfile.LNKTYPE, "linkname": "./train/copy.bak"}, None),
    ]
    rel = _tar(tmp_path / "rel.tgz", members)
    report = ConversionReport()
    assert [n.note_id for n in read_i2b2_2014([rel], report)] == ["101-01", "103-01"]
    assert sum(report.inputs.values()) - report.inputs["hard links read from their target in the archive"] == len(members)
    assert report.inputs == {
        "read": 2,
        "hard links read from their target in the archive": 1,
        "ignored: archive folder entry": 1,
        "ignored: not .xml": 2,
        "ignored: hidden file or macOS metadata": 2,
        "refused: not a regular file": 2,
        "refused: hard link to a member that is not a regular file stored before it": 1,
    }
    assert [r["source"].split(":")[-1] for r in report.inputs_refused] == ["train/fifo.xml", "train/dev.xml", "train/102-01.xml"]


def test_f5_unreadable_zip_member_is_counted_not_fatal(tmp_path):
    data = note_xml().encode()
    zpath = tmp_path / "rel.zip"
    with zipfile.ZipFile(zpath, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("train/100-01.xml", data)
        zf.writestr("train/101-01.xml", note_xml("Another note.", "").encode())
    raw = bytearray(zpath.read_bytes())
    # corrupt the stored CRC of the first member (local header and central directory)
    with zipfile.ZipFile(zpath) as zf:
        crc = zf.getinfo("train/100-01.xml").CRC.to_bytes(4, "little")
    raw = raw.replace(crc, b"\0\0\0\0")
    zpath.write_bytes(bytes(raw))
    report = ConversionReport()
    assert [n.note_id for n in read_i2b2_2014([zpath], report)] == ["101-01"]
    assert report.inputs_refused[0]["reason"] == "unreadable member" and report.inputs_refused[0]["detail"] == "BadZipFile"


# -- F7: --dev-output and OUT --------------------------------------------------

def two_patients(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for p in (100, 200):
        (src / f"{p}-01.xml").write_text(note_xml())
    return src


def test_f7_dev_output_equal_to_out_is_refused(tmp_path):
    src = two_patients(tmp_path)
    result = invoke(src, tmp_path / "out.spacy", "--dev-fraction", "0.5", "--dev-output", tmp_path / "out.spacy")
    line = one_line_error(result)
    assert "--dev-output" in line and "another output of this run has the same path" in line
    assert not (tmp_path / "out.spacy").exists()


def test_f7_dev_output_symlink_to_out_is_refused(tmp_path):
    src = two_patients(tmp_path)
    (tmp_path / "out.spacy").write_bytes(b"previous train")
    (tmp_path / "dev.spacy").symlink_to(tmp_path / "out.spacy")
    line = one_line_error(invoke(src, tmp_path / "out.spacy", "--dev-fraction", "0.5", "--dev-output", tmp_path / "dev.spacy"))
    assert "same path" in line
    assert (tmp_path / "out.spacy").read_bytes() == b"previous train"
    # the same file through a symlinked folder, and the dev DocBin on the report path
    (tmp_path / "alias").symlink_to(tmp_path)
    assert "same path" in one_line_error(
        invoke(src, tmp_path / "out.spacy", "--dev-fraction", "0.5", "--dev-output", tmp_path / "alias" / "out.spacy")
    )
    line = one_line_error(invoke(src, tmp_path / "out.spacy", "--dev-fraction", "0.5", "--dev-output", tmp_path / "out.report.json"))
    assert line.startswith("✘ report") and "same path" in line


# -- F9: BOM / CRLF with empty text attributes ----------------------------------

def test_f9_bom_in_text_with_empty_text_attributes_keeps_spans_on_the_same_characters(tmp_path):
    raw = f"\ufeffPt {NAME} seen"
    start = raw.index(NAME)  # the release counts offsets in the raw TEXT, BOM included
    data = note_xml(raw, f'<NAME id="P0" start="{start}" end="{start + len(NAME)}" text="" TYPE="PATIENT" comment=""/>')
    report = ConversionReport()
    note = parse_i2b2_2014(data.encode(), "100-01.xml", report)
    assert note.text == f"Pt {NAME} seen"
    assert [note.text[s.start : s.end] for s in note.spans] == [NAME]
    assert "raw TEXT assumed" in report.repair_lines[0]["detail"]
    (tmp_path / "100-01.xml").write_text(data)
    assert invoke(tmp_path / "100-01.xml", tmp_path / "out.spacy").exit_code == 0
    assert [e[2] for e in ents(read_docs(tmp_path / "out.spacy")[0])] == [NAME]


def test_f9_crlf_with_empty_text_attributes_keeps_spans_on_the_same_characters(tmp_path):
    lf = f"Name: {NAME}\nDate: 2067-05-03\nDr: Who\rEnd"  # the file gets CRLF line ends below
    raw = lf.replace("\n", "\r\n")  # the raw TEXT, as the offsets count it
    subs = [(NAME, "PATIENT"), ("2067-05-03", "DATE"), ("Who", "DOCTOR"), ("End", "DATE")]
    tags = "".join(
        f'<X id="P{i}" start="{raw.index(s)}" end="{raw.index(s) + len(s)}" text="" TYPE="{t}" comment=""/>'
        for i, (s, t) in enumerate(subs)
    )
    (tmp_path / "100-01.xml").write_bytes(note_xml(lf, tags).replace("\n", "\r\n").encode())
    report = ConversionReport()
    [note] = read_i2b2_2014([tmp_path / "100-01.xml"], report)
    assert note.text == f"Name: {NAME}\nDate: 2067-05-03\nDr: Who\nEnd"
    assert [note.text[s.start : s.end] for s in note.spans] == [s for s, _ in subs]
    assert report.repairs["crlf_normalised"] == 1
    assert report.repair_lines[-1]["detail"].startswith("offsets counted the CRs: remapped (no text attributes")


def test_f9_brat_bom_and_crlf_with_empty_text_column_keep_spans(tmp_path):
    raw = f"\ufeffPt {NAME}\r\nseen by Dr Who"
    (tmp_path / "n.txt").write_bytes(raw.encode())
    (tmp_path / "n.ann").write_text(
        f"T1\tPATIENT {raw.index(NAME)} {raw.index(NAME) + len(NAME)}\t\n"
        f"T2\tDOCTOR {raw.index('Who')} {raw.index('Who') + 3}\t\n"
    )
    [note] = read_brat([tmp_path])
    assert [note.text[s.start : s.end] for s in note.spans] == [NAME, "Who"]


# -- F10: nothing from a file's content without --show-text -----------------------

def test_f10_unknown_type_is_not_printed_without_show_text(tmp_path):
    tags = f'<NAME id="P0" start="3" end="16" text="" TYPE="{NAME}" comment=""/>'
    (tmp_path / "100-01.xml").write_text(note_xml(f"Pt {NAME}", tags))
    result = invoke(tmp_path / "100-01.xml", tmp_path / "out.spacy")
    assert result.exit_code == 0, result.output
    report_text = (tmp_path / "out.report.json").read_text()
    for word in ("Zebulon", "Quist"):
        assert word not in result.output and word not in report_text
    report = json.loads(report_text)
    assert report["labels"]["<unknown TYPE #1>"]["refused"] == 1
    assert report["refusals"][0]["reason"] == "unknown TYPE"
    result = invoke(tmp_path / "100-01.xml", tmp_path / "shown.spacy", "--show-text")
    assert f"unknown TYPE '{NAME}'" in result.output


def test_f10_element_name_inside_text_is_not_printed(tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "101-01.xml").write_text("<deIdi2b2><TEXT>Pt <Quist>Zebulon</Quist></TEXT><TAGS/></deIdi2b2>\n")
    (tmp_path / "src" / "100-01.xml").write_text(note_xml())
    result = invoke(tmp_path / "src", tmp_path / "out" / "x.spacy")
    assert result.exit_code == 0, result.output
    assert "Quist" not in result.output.replace(NAME, "")
    assert "101-01.xml: <TEXT> contains child elements; inline tags are the i2b2-2006 format" in result.output
    assert "Quist" not in (tmp_path / "out" / "x.report.json").read_text()
    line = one_line_error(invoke(tmp_path / "src" / "101-01.xml", tmp_path / "o2.spacy"))
    assert "Quist" not in line and "child elements" in line


def test_f10_other_element_names_and_odd_ids_are_not_printed(tmp_path):
    # an unknown root element, an unknown tag element, a TYPE-less one and an id that is a name
    report = ConversionReport()
    with pytest.raises(ConversionError) as err:
        parse_i2b2_2014(b"<Quist><TEXT>x</TEXT></Quist>", "1-1.xml", report)
    assert "Quist" not in str(err.value)
    tags = (
        '<Quist id="P0" start="3" end="10" text="" TYPE="PATIENT"/>'
        '<Quist id="P1" start="3" end="10" text=""/>'
        f'<NAME id="{NAME}" start="3" end="99" text="" TYPE="PATIENT"/>'
    )
    note = parse_i2b2_2014(note_xml(f"Pt {NAME}", tags).encode(), "1-1.xml", report)
    convert_notes([note], NLP, report=report)
    dumped = json.dumps(report.to_dict())
    assert "Quist" not in dumped and "Zebulon" not in dumped
    assert {r["tag_id"] for r in report.refusals} == {"P1", "#2"}
    # i2b2 2006: inline elements other than PHI, unknown TYPE
    (tmp_path / "a.xml").write_text(f'<ROOT><RECORD ID="1"><TEXT>Pt <Quist>x</Quist> <PHI TYPE="{NAME}">y</PHI></TEXT></RECORD></ROOT>')
    report = ConversionReport()
    convert_notes(list(read_i2b2_2006([tmp_path / "a.xml"], report)), NLP, report=report)
    dumped = json.dumps(report.to_dict())
    assert "Quist" not in dumped and "Zebulon" not in dumped


# -- F11: JSONL lone surrogates and bad records -----------------------------------

def test_f11_lone_surrogate_in_jsonl_is_replaced_and_counted_not_a_traceback(tmp_path):
    line = '{"id":"b","text":"Pt Zebulon \\ud800 Quist.","spans":[{"start":3,"end":18,"label":"PATIENT\\udc00"}]}'
    (tmp_path / "in.jsonl").write_text(line + "\n")
    result = invoke(tmp_path / "in.jsonl", tmp_path / "out.spacy", "--format", "jsonl")
    assert result.exit_code == 0, result.output
    [doc] = read_docs(tmp_path / "out.spacy")
    assert doc.text == "Pt Zebulon \ufffd Quist."  # one character for one: offsets unchanged
    assert ents(doc) == [(3, 18, "Zebulon \ufffd Quist", "PATIENT\ufffd")]
    report = json.loads((tmp_path / "out.report.json").read_text())
    assert report["repairs"] == {"lone_surrogate_replaced": 1}
    assert report["repair_lines"][0]["source"] == f"{tmp_path / 'in.jsonl'}: line 1"
    assert "2 lone surrogate(s)" in report["repair_lines"][0]["detail"]


def test_f11_bad_jsonl_record_is_skipped_with_file_and_line(tmp_path):
    lines = [
        '{"text": "Dr Who"}',
        '{"text": "Pt Zebulon Quist" oops}',
        '{"text": 7}',
        '{"text": "ok", "spans": "Zebulon"}',
        '{"text": "Seen."}',
    ]
    (tmp_path / "in.jsonl").write_bytes(("\n".join(lines) + "\n").encode() + b'{"text": "\xff Quist"}\n')
    result = invoke(tmp_path / "in.jsonl", tmp_path / "out.spacy", "--format", "jsonl")
    assert result.exit_code == 0, result.output
    assert [d.text for d in read_docs(tmp_path / "out.spacy")] == ["Dr Who", "Seen."]
    report = json.loads((tmp_path / "out.report.json").read_text())
    assert [s["source"].rsplit(": ", 1)[1] for s in report["notes_skipped"]] == ["line 2", "line 3", "line 4", "line 6"]
    assert "Zebulon" not in result.output and "Quist" not in result.output
    assert "Zebulon" not in json.dumps(report) and "Quist" not in json.dumps(report)
    result = invoke(tmp_path / "in.jsonl", tmp_path / "strict.spacy", "--format", "jsonl", "--strict")
    assert "in.jsonl: line 2: invalid JSON" in one_line_error(result)


# -- bad records elsewhere: reported and skipped, never fatal to the run ---------

def test_bad_i2b2_file_is_skipped_not_fatal_to_the_run(tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "100-01.xml").write_text(note_xml())
    (tmp_path / "src" / "200-01.xml").write_text("<deIdi2b2><TEXT>a</TEXT>")  # malformed
    (tmp_path / "src" / "300-01.xml").write_bytes(b"<deIdi2b2><TEXT>\xff</TEXT></deIdi2b2>")
    result = invoke(tmp_path / "src", tmp_path / "out.spacy")
    assert result.exit_code == 0, result.output
    assert [d.user_data["note_id"] for d in read_docs(tmp_path / "out.spacy")] == ["100-01"]
    assert "200-01.xml: malformed XML" in result.output and "300-01.xml: not valid UTF-8" in result.output
    assert "2 notes skipped" in result.output
    result = invoke(tmp_path / "src", tmp_path / "strict.spacy", "--strict")
    assert "200-01.xml: malformed XML" in one_line_error(result)
