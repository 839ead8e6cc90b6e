"""The ``deid`` command: formats, patients, pass-through, idempotence, bad input, safety."""
import datetime as dt
import json
import re
from pathlib import Path

import pytest
import spacy
from typer.testing import CliRunner

import spacy_medner.cli  # noqa: F401 - registers the commands
from spacy_medner.cli.app import app
from spacy_medner.corpus import CharSpan, Note, read_i2b2_2014, write_i2b2_2014

PATTERNS = [
    {"label": "PATIENT", "pattern": "John Smith"},
    {"label": "PATIENT", "pattern": [{"LOWER": "smith"}]},
    {"label": "PATIENT", "pattern": "Mary Jones"},
    {"label": "DOCTOR", "pattern": [{"TEXT": "Dr."}, {"TEXT": "Alvarez", "OP": "!"}]},
    {"label": "DOCTOR", "pattern": "Alvarez"},
    {"label": "DATE", "pattern": [{"TEXT": {"REGEX": r"^\d{1,2}/\d{1,2}/\d{2,4}$"}}]},
    {"label": "AGE", "pattern": [{"TEXT": {"IN": ["93", "45"]}}]},
    {"label": "CITY", "pattern": "Boston"},
]
PHI = ("John", "Smith", "SMITH", "Mary", "Jones", "Alvarez", "03/02/2091", "03/12/2091", "Boston")
runner = CliRunner()


def ruler_pipeline(patterns, spans_key="medner"):
    """A deterministic pipeline writing the PHI span group doc.spans[spans_key], as medner does."""
    nlp = spacy.blank("en")
    nlp.add_pipe(
        "span_ruler",
        config={"spans_key": spans_key, "spans_filter": {"@misc": "spacy.first_longest_spans_filter.v1"}},
    ).add_patterns(patterns)
    return nlp


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory) -> Path:
    nlp = ruler_pipeline([p for p in PATTERNS if p["label"] != "DOCTOR" or p["pattern"] == "Alvarez"])
    path = tmp_path_factory.mktemp("model") / "ruler"
    nlp.to_disk(path)
    return path


def run(*args: str, command: str = "deid"):
    result = runner.invoke(app, [command, *map(str, args), "--no-progress"])
    return result


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


@pytest.fixture
def txt_src(tmp_path) -> Path:
    src = tmp_path / "notes"
    write(src / "p1_a.txt", b"John Smith, 93, seen 03/02/2091 in Boston.\r\nSmith is well.  \r\n")
    write(src / "sub" / "p1_b.txt", b"Follow-up for John Smith on 03/12/2091 by Alvarez.\n")
    write(src / "p2_a.txt", b"John Smith (another man) seen 03/02/2091.\n")
    write(src / "clean.txt", "\ufeffNo identifiers here.\r\n\tTrailing \t \r\n".encode("utf-8"))
    return src


def test_tag_mode_txt_folder(model_dir, txt_src, tmp_path):
    out = tmp_path / "out"
    result = run(model_dir, txt_src, out, "--mode", "tag")
    assert result.exit_code == 0, result.output
    names = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.txt"))
    assert names == ["clean.txt", "p1_a.txt", "p2_a.txt", "sub/p1_b.txt"]
    assert (out / "p1_a.txt").read_bytes() == b"[PATIENT], [AGE], seen [DATE] in [CITY].\r\n[PATIENT] is well.  \r\n"
    assert (out / "sub" / "p1_b.txt").read_bytes() == b"Follow-up for [PATIENT] on [DATE] by [DOCTOR].\n"
    assert (out / "clean.txt").read_bytes() == (txt_src / "clean.txt").read_bytes()
    assert "4 notes de-identified" in result.output
    assert not any(phi in result.output for phi in PHI)


def test_mask_options(model_dir, txt_src, tmp_path):
    out = tmp_path / "out"
    assert run(model_dir, txt_src, out, "--mode", "mask", "--mask-char", "#").exit_code == 0
    assert (out / "p2_a.txt").read_text() == "########## (another man) seen ##########.\n"
    out2 = tmp_path / "out2"
    assert run(model_dir, txt_src, out2, "--mode", "mask", "--mask-length", "4").exit_code == 0
    assert (out2 / "p2_a.txt").read_text() == "**** (another man) seen ****.\n"


def test_surrogate_patients_from_name(model_dir, txt_src, tmp_path):
    out = tmp_path / "out"
    result = run(model_dir, txt_src, out, "--mode", "surrogate", "--seed", "k1", "--patient-from-name", r"(p\d+)_")
    assert result.exit_code == 0, result.output
    assert "1 notes did not match --patient-from-name" in result.output  # clean.txt
    a, b, c = ((out / name).read_bytes().decode() for name in ("p1_a.txt", "sub/p1_b.txt", "p2_a.txt"))
    for text in (a, b, c):
        assert not any(phi in text for phi in PHI)
    m_a = re.match(r"(\S+ \S+), 90\+, seen (\d\d/\d\d/\d{4}) in (.+)\.\r\n(\S+) is well\.  \r\n$", a)
    m_b = re.match(r"Follow-up for (\S+ \S+) on (\d\d/\d\d/\d{4}) by (\S+)\.\n$", b)
    m_c = re.match(r"(\S+ \S+) \(another man\) seen (\d\d/\d\d/\d{4})\.\n$", c)
    assert m_a and m_b and m_c
    assert m_a.group(1) == m_b.group(1), "same patient: same surrogate"
    assert m_a.group(1).split()[1] == m_a.group(4), "'Smith' alone = last name of 'John Smith'"
    d_a, d_b = (dt.datetime.strptime(m.group(2), "%m/%d/%Y") for m in (m_a, m_b))
    assert (d_b - d_a).days == 10
    d_c = dt.datetime.strptime(m_c.group(2), "%m/%d/%Y")
    assert (m_c.group(1), d_c) != (m_a.group(1), d_a), "another patient: independent surrogates and shift"


def test_idempotent_with_seed(model_dir, txt_src, tmp_path):
    outs = []
    for i, seed in enumerate(("same", "same", "other")):
        out = tmp_path / f"out{i}"
        assert run(model_dir, txt_src, out, "--mode", "surrogate", "--seed", seed).exit_code == 0
        outs.append({p.relative_to(out): p.read_bytes() for p in out.rglob("*.txt")})
    assert outs[0] == outs[1]
    assert outs[0] != outs[2]
    assert outs[0][Path("clean.txt")] == outs[2][Path("clean.txt")]
    # rerun into the same OUT with --overwrite: same bytes
    assert run(model_dir, txt_src, tmp_path / "out0", "--mode", "surrogate", "--seed", "same").exit_code == 1
    assert run(model_dir, txt_src, tmp_path / "out0", "--mode", "surrogate", "--seed", "same", "--overwrite").exit_code == 0
    assert {p.relative_to(tmp_path / "out0"): p.read_bytes() for p in (tmp_path / "out0").rglob("*.txt")} == outs[0]


def test_jsonl_in_out_patient_consistency(model_dir, tmp_path):
    src = tmp_path / "notes.jsonl"
    lines = [
        {"id": "a", "patient_id": "P1", "text": "John Smith seen 03/02/2091.", "meta": {"site": "x"}},
        {"id": "b", "patient_id": "P1", "text": "John Smith back 03/12/2091.", "spans": [{"start": 0, "end": 4, "label": "X"}]},
        {"id": "c", "patient_id": "P2", "text": "John Smith seen 03/02/2091."},
        {"id": "d", "text": "No PHI at all.\r\n"},
    ]
    write(src, "".join(json.dumps(line) + "\n" for line in lines).encode())
    out = tmp_path / "deid.jsonl"
    result = run(model_dir, src, out, "--mode", "surrogate", "--seed", "s")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in rows] == ["a", "b", "c", "d"]
    assert rows[0]["meta"] == {"site": "x"} and list(rows[0]) == ["id", "patient_id", "text", "meta", "spans"]
    assert rows[3]["text"] == "No PHI at all.\r\n" and rows[3]["spans"] == []
    name = lambda row: row["text"][row["spans"][0]["start"] : row["spans"][0]["end"]]  # noqa: E731
    assert name(rows[0]) == name(rows[1]) != "John Smith"
    assert [s["label"] for s in rows[1]["spans"]] == ["PATIENT", "DATE"]
    assert rows[0]["text"] != rows[2]["text"]
    assert not any(phi in r["text"] for r in rows for phi in PHI)


def test_i2b2_round_trip_of_predictions(model_dir, tmp_path):
    src = tmp_path / "xml"
    src.mkdir()
    texts = {
        "100-01": "John Smith seen 03/02/2091 in Boston.\nSmith, 93.",
        "100-02": "Mary Jones on 03/12/2091 with Alvarez.",
        "200-01": "No PHI here.",
    }
    for stem, text in texts.items():
        # gold tags that disagree with the predictions: they must be ignored
        write_i2b2_2014(Note(stem, text, [CharSpan(0, 2, "CITY")]), src / f"{stem}.xml")
    out = tmp_path / "pred"
    result = run(model_dir, src, out, command="predict")
    assert result.exit_code == 0, result.output
    assert "contains PHI" in result.output
    nlp = spacy.load(model_dir)
    notes = {n.note_id: n for n in read_i2b2_2014([out])}
    assert sorted(notes) == sorted(texts)
    for stem, text in texts.items():
        assert notes[stem].text == text
        doc = nlp(text)
        predicted = [(e.start_char, e.end_char, e.label_) for e in doc.spans["medner"]]
        assert [(s.start, s.end, s.label) for s in notes[stem].spans] == predicted
        assert [s.tag_id for s in notes[stem].spans] == [f"P{i}" for i in range(len(predicted))]
    assert '<NAME id="P0" start="0" end="10" text="John Smith" TYPE="PATIENT"' in (out / "100-01.xml").read_text()
    # the default output for i2b2 input: de-identified text with the replacements as tags
    deid = tmp_path / "deid"
    assert run(model_dir, src, deid, "--mode", "tag").exit_code == 0
    note = next(n for n in read_i2b2_2014([deid]) if n.note_id == "100-01")
    assert note.text == "[PATIENT] seen [DATE] in [CITY].\n[PATIENT], [AGE]."
    assert all(note.text[s.start : s.end] == f"[{s.label}]" for s in note.spans) and len(note.spans) == 5


def test_bad_inputs_reported_and_skipped(model_dir, tmp_path):
    src = tmp_path / "notes"
    write(src / "good.txt", b"John Smith here.\n")
    write(src / "latin1.txt", "Jos\xe9 Smith".encode("latin-1"))
    write(src / "empty.txt", b"")
    out = tmp_path / "out"
    result = run(model_dir, src, out)
    assert result.exit_code == 1
    assert re.search(r"latin1\.txt: not valid UTF-8 \(byte 0xe9 at byte offset 3, line 1\)", result.output)
    assert "empty.txt: empty file" in result.output and "2 inputs skipped" in result.output
    assert sorted(p.name for p in out.iterdir()) == ["good.txt"]
    assert (out / "good.txt").read_text() == "[PATIENT] here.\n"
    assert "Smith" not in result.output

    xml = tmp_path / "xml"
    xml.mkdir()
    write_i2b2_2014(Note("100-01", "John Smith."), xml / "100-01.xml")
    write(xml / "100-02.xml", b"<deIdi2b2><TEXT><![CDATA[Mary Jones]]></TEXT><TAGS></deIdi2b2>")
    result = run(model_dir, xml, tmp_path / "xout")
    assert result.exit_code == 1
    assert re.search(r"100-02\.xml: malformed XML", result.output) and "Mary" not in result.output
    assert [p.name for p in (tmp_path / "xout").iterdir()] == ["100-01.xml"]

    jsonl = write(
        tmp_path / "in.jsonl",
        b'{"id": "a", "text": "John Smith"}\n{"id": "b", "text": "Mary Jones"\n\n{"id": "c"}\n{"id": "d", "text": "Boston"}\n',
    )
    result = run(model_dir, jsonl, tmp_path / "o.jsonl")
    assert result.exit_code == 1
    assert "in.jsonl: line 2: invalid JSON" in result.output
    assert "in.jsonl: line 4: expected an object with a string 'text'" in result.output
    assert "Mary" not in result.output
    rows = [json.loads(line) for line in (tmp_path / "o.jsonl").read_text().splitlines()]
    assert [(r["id"], r["text"]) for r in rows] == [("a", "[PATIENT]"), ("d", "[CITY]")]


def test_output_never_overwrites_input(model_dir, txt_src, tmp_path):
    before = {p: p.read_bytes() for p in txt_src.rglob("*") if p.is_file()}
    assert "OUT is SRC" in run(model_dir, txt_src, txt_src, "--overwrite").output
    assert "inside SRC" in run(model_dir, txt_src, txt_src / "out").output
    single = txt_src / "p2_a.txt"
    # SRC is a file inside OUT: its output would be the input itself
    result = run(model_dir, single, txt_src, "--overwrite")
    assert result.exit_code == 1 and "would overwrite the input" in result.output
    jsonl = write(tmp_path / "n.jsonl", b'{"text": "John Smith"}\n')
    result = run(model_dir, jsonl, jsonl, "--overwrite")
    assert result.exit_code == 1 and "OUT is SRC" in result.output
    link = tmp_path / "link.jsonl"
    link.hardlink_to(jsonl)
    result = run(model_dir, jsonl, link, "--overwrite")
    assert result.exit_code == 1 and "input file" in result.output
    assert {p: p.read_bytes() for p in txt_src.rglob("*") if p.is_file()} == before
    assert jsonl.read_bytes() == b'{"text": "John Smith"}\n'


def test_confidence_options_need_medner(model_dir, txt_src, tmp_path):
    result = run(model_dir, txt_src, tmp_path / "o1", "--entity-bias", "2")
    assert result.exit_code == 1 and "--entity-bias needs a pipeline with a medner component" in result.output
    result = run(model_dir, txt_src, tmp_path / "o2", "--min-score", "0.5")
    assert result.exit_code == 1 and "--min-score needs" in result.output
    assert run(model_dir, txt_src, tmp_path / "o3", "--entity-bias", "0").exit_code == 0


def test_i2b2_output_refuses_xml_invalid_characters(model_dir, tmp_path):
    src = tmp_path / "notes"
    write(src / "ok.txt", b"John Smith\n")
    write(src / "formfeed.txt", b"Page 1\x0cJohn Smith\n")
    result = run(model_dir, src, tmp_path / "out", command="predict")
    assert result.exit_code == 1
    assert "formfeed.txt: the text holds U+000C at offset 6" in result.output
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["ok.xml"]
    # text output keeps the form feed
    assert run(model_dir, src, tmp_path / "t").exit_code == 0
    assert (tmp_path / "t" / "formfeed.txt").read_bytes() == b"Page 1\x0c[PATIENT]\n"


def test_progress_bar_has_counts_only(model_dir, txt_src, tmp_path):
    result = runner.invoke(app, ["deid", str(model_dir), str(txt_src), str(tmp_path / "o"), "--mode", "surrogate", "--seed", "1"])
    assert result.exit_code == 0
    assert "note/s" in result.output or "it/s" in result.output or "4/4" in result.output
    assert not any(phi in result.output for phi in PHI)


def test_missing_src_and_bad_regex(model_dir, tmp_path):
    result = run(model_dir, tmp_path / "nope", tmp_path / "o")
    assert result.exit_code == 1 and "no such file or folder" in result.output
    result = run(model_dir, tmp_path, tmp_path / "o", "--patient-from-name", "(")
    assert result.exit_code == 1 and "invalid regular expression" in result.output


def test_jsonl_to_text_files_and_id_clash(model_dir, tmp_path):
    src = write(
        tmp_path / "in.jsonl",
        b'{"id": "a/1", "text": "John Smith"}\n{"id": "a_1", "text": "Mary Jones"}\n{"id": "b", "text": "Boston"}\n',
    )
    out = tmp_path / "out"
    result = run(model_dir, src, out, "--format", "text")
    assert result.exit_code == 1
    assert "in.jsonl: line 2: its output name is already used by an earlier note" in result.output
    assert sorted(p.name for p in out.iterdir()) == ["a_1.txt", "b.txt"]
    assert (out / "a_1.txt").read_text() == "[PATIENT]" and (out / "b.txt").read_text() == "[CITY]"



def test_note_over_max_length_reported(model_dir, tmp_path, monkeypatch):
    nlp = spacy.load(model_dir)
    nlp.max_length = 1000
    monkeypatch.setattr(spacy_medner.cli.deid, "load_pipeline", lambda model, gpu_id: nlp)
    src = tmp_path / "notes"
    write(src / "long.txt", b"John Smith " * 200)
    write(src / "short.txt", b"John Smith")
    result = run(model_dir, src, tmp_path / "out")
    assert result.exit_code == 1
    assert "long.txt: 2200 characters, over the pipeline's max_length 1000" in result.output
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["short.txt"]


def test_int8_quantizes_the_loaded_pipeline_and_refuses_one_without_an_encoder(model_dir, txt_src, tmp_path, monkeypatch):
    import spacy_medner.cli.deid as deid_cli

    result = run(model_dir, txt_src, tmp_path / "out", "--int8")
    assert result.exit_code == 1 and "no spacy-transformers encoder" in result.output
    assert not (tmp_path / "out").exists()
    quantized = []
    monkeypatch.setattr(deid_cli, "quantize_encoder", lambda nlp: quantized.append(nlp.pipe_names) or nlp)
    result = run(model_dir, txt_src, tmp_path / "out2", "--int8")
    assert result.exit_code == 0 and quantized == [["span_ruler"]]


@pytest.mark.slow
def test_n_process_2_with_a_transformer_pipeline_does_not_hang(tiny_transformer_dir, make_transformer_medner_nlp, tmp_path):
    """Forked workers deadlocked once torch had started its thread pool in the parent (loading does)."""
    import subprocess
    import sys

    nlp = make_transformer_medner_nlp(str(tiny_transformer_dir))
    nlp.get_pipe("medner").add_label("PATIENT")
    nlp.initialize()
    nlp.to_disk(tmp_path / "model")
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"id": f"n{i}", "text": f"John Smith {i} seen in clinic today."}) + "\n" for i in range(8)))
    proc = subprocess.run(
        [sys.executable, "-m", "spacy_medner", "deid", str(tmp_path / "model"), str(src), str(tmp_path / "out.jsonl"),
         "--n-process", "2", "--batch-size", "2", "--no-progress"],
        capture_output=True, text=True, timeout=240,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert len((tmp_path / "out.jsonl").read_text().splitlines()) == 8
