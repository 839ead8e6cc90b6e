"""The DocBin builder: token splits, segmentation, label passthrough, patient split."""
import pytest
from spacy.tokens import DocBin

from spacy_medner.corpus import (
    CharSpan,
    ConversionError,
    ConversionReport,
    Note,
    convert_notes,
    segment_bounds,
    split_by_patient,
)
from spacy_medner.tokenizer import clinical_nlp

NLP = clinical_nlp("en")


def assert_balanced(report):
    for label, c in report.labels.items():
        assert c.entities_in == c.written + c.refused + c.dropped_by_scheme, label


def ents(doc):
    return [(e.start_char, e.end_char, e.label_) for e in doc.ents]


def test_entity_inside_a_token_splits_that_token():
    text = "seen by drwho today, Smithjohnson ok"
    spans = [CharSpan(8, 10, "DOCTOR", "P0"), CharSpan(10, 13, "DOCTOR", "P1"), CharSpan(26, 33, "PATIENT", "P2")]
    assert NLP.make_doc(text).char_span(8, 10, alignment_mode="strict") is None  # the premise
    docs, report = convert_notes([Note("1-1", text, spans, "1")], NLP)
    doc = docs[0]
    assert doc.text == text
    assert ents(doc) == [(8, 10, "DOCTOR"), (10, 13, "DOCTOR"), (26, 33, "PATIENT")]
    assert [t.text for t in doc][2:5] == ["dr", "who", "today"]
    assert report.labels["DOCTOR"].token_split == 2 and report.labels["PATIENT"].token_split == 1
    assert report.totals().written == 3
    assert [t.ent_iob_ for t in doc] == ["O", "O", "B", "B", "O", "O", "O", "B", "O"]
    # survives serialisation
    back = list(DocBin(docs=docs).from_bytes(DocBin(docs=docs).to_bytes()).get_docs(NLP.vocab))
    assert ents(back[0]) == ents(doc) and back[0].text == text


def test_no_split_needed_is_not_counted():
    text = "MRN:4417220 seen 2067-05-03"
    docs, report = convert_notes([Note("1-1", text, [CharSpan(4, 11, "MEDICALRECORD"), CharSpan(17, 27, "DATE")])], NLP)
    assert ents(docs[0]) == [(4, 11, "MEDICALRECORD"), (17, 27, "DATE")]
    assert report.totals().token_split == 0


def test_user_data_names_note_and_patient():
    docs, _ = convert_notes([Note("100-02", "Dr Who", [CharSpan(3, 6, "DOCTOR")], "100", "x/100-02.xml")], NLP)
    assert docs[0].user_data == {
        "note_id": "100-02", "patient_id": "100", "source": "x/100-02.xml", "segment": 0, "segment_start": 0
    }


def test_generic_labels_pass_through_under_type_only():
    note = Note("n", "Took aspirin daily", [CharSpan(5, 12, "Drug", "T1"), CharSpan(13, 18, "DATE", "T2")])
    docs, report = convert_notes([note], NLP, "type", allow_unknown_labels=True)
    assert ents(docs[0]) == [(5, 12, "Drug"), (13, 18, "DATE")]
    docs, report = convert_notes([note], NLP, "category", allow_unknown_labels=True)
    assert ents(docs[0]) == [(13, 18, "DATE")]
    assert report.refusals[0]["reason"] == "not an i2b2 TYPE (needed by --labels category)"
    assert report.refusals[0]["label"] == "<non-TYPE label #1>"  # free text: not shown
    assert_balanced(report)
    docs, report = convert_notes([note], NLP, "type")
    assert report.refusals[0]["reason"] == "unknown TYPE"
    assert report.labels["<unknown TYPE #1>"].refused == 1 and "Drug" not in report.labels
    docs, report = convert_notes([note], NLP, "type", report=ConversionReport(show_text=True))
    assert report.refusals[0]["reason"] == "unknown TYPE 'Drug'"


def test_duplicate_note_ids_are_fatal():
    notes = [Note("1-1", "a", [], "1", "a.xml"), Note("1-1", "b", [], "1", "b.xml")]
    with pytest.raises(ConversionError, match="note id 1-1 already read from a.xml"):
        convert_notes(notes, NLP)


# -- segmentation -------------------------------------------------------------

def _long_note():
    paragraphs = [f"Paragraph {i} mentions Dr Who{i} and MRN {1000 + i}." for i in range(12)]
    text = "\n\n".join(paragraphs)
    spans = []
    for i in range(12):
        for sub, label in ((f"Who{i}", "DOCTOR"), (str(1000 + i), "MEDICALRECORD")):
            start = text.index(sub)
            spans.append(CharSpan(start, start + len(sub), label, f"{label}{i}"))
    # an entity across a blank line: no cut may fall inside it
    start = text.index("MRN 1005")
    end = text.index("Paragraph 6") + len("Paragraph")
    spans = [s for s in spans if not (start <= s.start < end)] + [CharSpan(start, end, "HOSPITAL", "H")]
    return Note("9-1", text, spans, "9")


def test_segments_never_cut_entities_and_cover_the_note():
    note = _long_note()
    docs, report = convert_notes([note], NLP, segment=True, max_segment_chars=120)
    assert len(docs) > 3
    assert "".join(d.text for d in docs) == note.text
    got = sorted(
        (d.user_data["segment_start"] + a, d.user_data["segment_start"] + b, label)
        for d in docs for a, b, label in ents(d)
    )
    assert got == sorted((s.start, s.end, s.label) for s in note.spans)
    assert [d.user_data["segment"] for d in docs] == list(range(len(docs)))
    # cuts fall after blank lines and pieces respect the length (paragraphs are short)
    assert all(d.text.endswith("\n\n") for d in docs[:-1])
    assert all(len(d.text) <= 120 for d in docs)
    hospital = [d for d in docs if "HOSPITAL" in [e.label_ for e in d.ents]]
    assert len(hospital) == 1 and "Paragraph 5" in hospital[0].text and "Paragraph 6" in hospital[0].text
    assert report.info["notes segmented"] == 1


def test_no_segmentation_by_default():
    note = _long_note()
    docs, _ = convert_notes([note], NLP)
    assert len(docs) == 1 and docs[0].text == note.text


def test_segment_bounds_fall_back_to_line_ends_then_whitespace():
    text = "aaaa bbbb\ncccc dddd eeee"
    assert segment_bounds(text, [], 12) == [(0, 10), (10, 20), (20, 24)]
    # no allowed cut inside an entity covering the whole first part
    ent = [CharSpan(0, 19, "X", tag_id="t", source_label="X")]
    assert segment_bounds(text, ent, 12) == [(0, 20), (20, 24)]
    assert segment_bounds("x" * 50, [], 10) == [(0, 50)]


# -- patient split ------------------------------------------------------------

def _notes(n_patients=10, per_patient=3):
    return [
        Note(f"{p}-{r}", f"note {p} {r}", [], str(p)) for p in range(n_patients) for r in range(per_patient)
    ]


def test_split_by_patient_has_no_leakage_and_is_deterministic():
    notes = _notes()
    train, dev = split_by_patient(notes, 0.2, seed=0)
    assert len(train) + len(dev) == len(notes)
    assert {n.patient_id for n in train}.isdisjoint({n.patient_id for n in dev})
    assert len(dev) >= 0.2 * len(notes) and len(dev) < 0.2 * len(notes) + 3
    again = split_by_patient(list(reversed(notes)), 0.2, seed=0)[1]
    assert sorted(n.note_id for n in again) == sorted(n.note_id for n in dev)
    others = {frozenset(n.patient_id for n in split_by_patient(notes, 0.2, seed=s)[1]) for s in range(5)}
    assert len(others) > 1  # the seed matters


def test_split_edge_cases():
    notes = _notes(2, 2)
    assert split_by_patient(notes, 0.0) == (notes, [])
    train, dev = split_by_patient(notes, 0.9)
    assert train and dev  # each side keeps a patient
    with pytest.raises(ConversionError, match="in \\[0, 1\\)"):
        split_by_patient(notes, 1.0)
    with pytest.raises(ConversionError, match="one patient"):
        split_by_patient(_notes(1, 3), 0.5)
    # notes without a patient id are their own patient
    loose = [Note(f"n{i}", "x") for i in range(10)]
    train, dev = split_by_patient(loose, 0.3, seed=1)
    assert len(dev) == 3 and not {n.note_id for n in train} & {n.note_id for n in dev}


def test_report_lines_and_json(tmp_path):
    report = ConversionReport(format="jsonl")
    convert_notes([Note("1", "Dr Who", [CharSpan(3, 60, "DOCTOR", "7")], source="f.jsonl: line 1")], NLP, report=report)
    report.write_json(tmp_path / "r.json")
    import json

    data = json.loads((tmp_path / "r.json").read_text())
    assert data["labels"]["DOCTOR"]["refused"] == 1 and data["balanced"] is True
    assert data["refusals"] == [
        {"label": "DOCTOR", "source": "f.jsonl: line 1", "tag_id": "7", "reason": "offsets [3:60] outside the text (length 6)"}
    ]
