"""i2b2 2014 XML -> Notes -> DocBin: exact round trips, repairs and refusals."""
import io
import tarfile
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.tokens import DocBin

from spacy_medner.corpus import (
    CharSpan,
    ConversionError,
    ConversionReport,
    Note,
    convert_notes,
    parse_i2b2_2014,
    read_i2b2_2014,
    write_i2b2_2014,
)
from spacy_medner.corpus.i2b2_2014 import note_to_i2b2_2014_xml
from spacy_medner.tokenizer import clinical_nlp

NLP = clinical_nlp("en")


def assert_balanced(report: ConversionReport) -> None:
    for label, c in report.labels.items():
        assert c.entities_in == c.written + c.refused + c.dropped_by_scheme, label


def through_docbin(notes, scheme="type", report=None, **kwargs):
    docs, report = convert_notes(notes, NLP, scheme, report=report, **kwargs)
    data = DocBin(docs=docs, store_user_data=True).to_bytes()
    back = list(DocBin().from_bytes(data).get_docs(NLP.vocab))
    assert_balanced(report)
    return back, report


def ents(doc):
    return [(e.start_char, e.end_char, e.label_) for e in doc.ents]


def make_note(text, *items, note_id="123-04"):
    """Spans from (substring, label) or (start, end, label) items."""
    spans = []
    for item in items:
        if len(item) == 2:
            sub, label = item
            start = text.index(sub)
            spans.append(CharSpan(start, start + len(sub), label))
        else:
            spans.append(CharSpan(*item))
    return Note(note_id, text, spans, note_id.split("-")[0])


def xml(text_cdata, tags="", root="deIdi2b2"):
    """A hand-written i2b2 2014 file (str) for inputs the writer cannot produce."""
    return (
        f'<?xml version="1.0" encoding="UTF-8" ?>\n<{root}>\n<TEXT><![CDATA[{text_cdata}]]></TEXT>\n'
        f"<TAGS>\n{tags}</TAGS>\n</{root}>\n"
    )


def tag(start, end, text, type_, element=None, id_="P0"):
    from spacy_medner.labels import TYPE_TO_CATEGORY

    element = element or TYPE_TO_CATEGORY.get(type_, "PHI")
    text = text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    return f'<{element} id="{id_}" start="{start}" end="{end}" text="{text}" TYPE="{type_}" comment="" />\n'


def parse(xml_text, name="100-01.xml", report=None):
    report = report if report is not None else ConversionReport(format="i2b2-2014")
    data = xml_text.encode("utf8") if isinstance(xml_text, str) else xml_text
    return parse_i2b2_2014(data, name, report), report


# -- round trips --------------------------------------------------------------

ROUND_TRIP_CASES = [
    make_note("John Smith was seen on 2067-05-03 by Dr.Jones.", ("John Smith", "PATIENT"), ("2067-05-03", "DATE"), ("Jones", "DOCTOR")),
    make_note("Zoë Ångström, 北京协和医院, ☎ 555-0143 😀 Müller", ("Zoë Ångström", "PATIENT"), ("北京协和医院", "HOSPITAL"), ("555-0143", "PHONE"), ("Müller", "DOCTOR")),
    make_note("Works at AT&T <Boston> \"HQ\" since 2060.", ("AT&T", "ORGANIZATION"), ("<Boston>", "CITY"), ("2060", "DATE")),
    make_note("JohnSmith03/02", (0, 4, "PATIENT"), (4, 9, "PATIENT"), (9, 11, "DATE"), (12, 14, "DATE")),
    make_note("Smith", (0, 5, "PATIENT")),
    make_note("No identifiers in this note at all.\n\n"),
    make_note("Text with ]]> inside CDATA and\r\nCR chars: MRN:4417220", ("4417220", "MEDICALRECORD")),
    make_note("Line one\nline two\tMRN#55yo ZIP02115", ("55", "AGE"), ("02115", "ZIP")),
]


@pytest.mark.parametrize("note", ROUND_TRIP_CASES, ids=range(len(ROUND_TRIP_CASES)))
def test_round_trip_exact(note, tmp_path):
    path = tmp_path / f"{note.note_id}.xml"
    write_i2b2_2014(note, path)
    read = list(read_i2b2_2014([path]))
    assert len(read) == 1
    assert read[0].text == note.text
    assert read[0].note_id == note.note_id and read[0].patient_id == note.note_id.split("-")[0]
    docs, report = through_docbin(read)
    assert len(docs) == 1
    assert docs[0].text == note.text
    assert ents(docs[0]) == sorted((s.start, s.end, s.label) for s in note.spans)
    assert report.totals().written == len(note.spans)
    assert not report.refusals and not report.repairs
    # tokens outside entities are annotated "O", not missing
    assert all(t.ent_iob_ in ("B", "I", "O") for t in docs[0])


def test_phi_element_and_category_scheme():
    note = make_note("Seen by Dr Who in Paris", ("Who", "DOCTOR"), ("Paris", "CITY"))
    read, report = parse(note_to_i2b2_2014_xml(note, phi_element=True))
    assert [s.category for s in read.spans] == ["NAME", "LOCATION"]
    docs, report = through_docbin([read], scheme="category", report=report)
    assert [e[2] for e in ents(docs[0])] == ["NAME", "LOCATION"]
    assert report.labels["DOCTOR"].output_labels == ["NAME"]


def test_hipaa_scheme_drops_and_counts():
    note = make_note("Dr Who saw Amy Pond, a nurse", ("Who", "DOCTOR"), ("Amy Pond", "PATIENT"), ("nurse", "PROFESSION"))
    docs, report = through_docbin([note], scheme="hipaa")
    assert ents(docs[0]) == [(11, 19, "PATIENT")]
    assert report.labels["DOCTOR"].dropped_by_scheme == 1
    assert report.labels["PROFESSION"].dropped_by_scheme == 1
    assert report.labels["PATIENT"].written == 1


_CHARS = list("abcXYZ019 -/:.,()#&<>\"'];\n\t\r") + ["é", "ß", "北", "😀", "\u00a0", "]]>"]


@st.composite
def notes_with_spans(draw):
    text = "".join(draw(st.lists(st.sampled_from(_CHARS), min_size=1, max_size=80)))
    labels = ["PATIENT", "DATE", "AGE", "PHONE", "CITY", "IDNUM"]
    spans, pos = [], 0
    for _ in range(draw(st.integers(0, 6))):
        if pos >= len(text):
            break
        start = draw(st.integers(pos, len(text) - 1))
        end = draw(st.integers(start + 1, min(len(text), start + 15)))
        if text[start].isspace() or text[end - 1].isspace():
            continue
        spans.append(CharSpan(start, end, draw(st.sampled_from(labels)), f"P{len(spans)}"))
        pos = end + draw(st.integers(0, 3))
    return Note("7-1", text, spans, "7")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(note=notes_with_spans())
def test_property_random_notes_round_trip_exactly(note):
    read, report = parse(note_to_i2b2_2014_xml(note), name="7-1.xml")
    assert read.text == note.text
    assert [(s.start, s.end, s.label) for s in read.spans] == [(s.start, s.end, s.label) for s in note.spans]
    if not note.text.strip():
        return
    docs, report = through_docbin([read], report=report)
    assert docs[0].text == note.text
    assert ents(docs[0]) == [(s.start, s.end, s.label) for s in note.spans]
    assert report.totals().written == len(note.spans)
    assert not report.refusals


# -- sources ------------------------------------------------------------------

def test_folder_recursive_zip_and_tar(tmp_path):
    notes = [make_note("Seen by Dr Who.", ("Who", "DOCTOR"), note_id=f"{p}-0{r}") for p in (100, 101) for r in (1, 2)]
    folder = tmp_path / "release" / "sub"
    folder.mkdir(parents=True)
    for note in notes:
        write_i2b2_2014(note, folder / f"{note.note_id}.xml")
    (folder / ".hidden.xml").write_text("not xml")
    (folder / "README.txt").write_text("ignored")
    from_folder = [n.note_id for n in read_i2b2_2014([tmp_path / "release"])]
    assert from_folder == ["100-01", "100-02", "101-01", "101-02"]

    zpath = tmp_path / "release.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        for note in notes:
            zf.writestr(f"training/{note.note_id}.xml", note_to_i2b2_2014_xml(note))
        zf.writestr("__MACOSX/training/._100-01.xml", b"\x00\x05junk")
    assert [n.note_id for n in read_i2b2_2014([zpath])] == from_folder
    assert [n.patient_id for n in read_i2b2_2014([zpath])] == ["100", "100", "101", "101"]

    tpath = tmp_path / "release.tar.gz"
    with tarfile.open(tpath, "w:gz") as tf:
        for note in notes:
            data = note_to_i2b2_2014_xml(note).encode()
            info = tarfile.TarInfo(f"testing/{note.note_id}.xml")
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    read = list(read_i2b2_2014([tpath]))
    assert [n.note_id for n in read] == from_folder
    provenance = [(s.start, s.end, s.label, s.tag_id, s.category, s.text) for n in read for s in n.spans]
    assert provenance == [(11, 14, "DOCTOR", "P0", "NAME", "Who")] * len(read)


def test_empty_folder_and_missing_path(tmp_path):
    with pytest.raises(ConversionError, match="no .xml files"):
        list(read_i2b2_2014([tmp_path]))
    with pytest.raises(ConversionError, match="no such file"):
        list(read_i2b2_2014([tmp_path / "nope"]))


def test_note_id_without_record_number_is_its_own_patient():
    read, _ = parse(xml("text"), name="dir/discharge_summary.xml")
    assert (read.note_id, read.patient_id) == ("discharge_summary", "discharge_summary")


# -- bad input: fatal -----------------------------------------------------------

@pytest.mark.parametrize(
    "content,match",
    [
        (xml("Smith").replace("</TAGS>", "<TAGS>"), "malformed XML"),
        (xml("Smith", root="ROOT"), "root element is not <deIdi2b2>"),
        ('<?xml version="1.0"?><deIdi2b2><TAGS></TAGS></deIdi2b2>', "no <TEXT>"),
        ('<?xml version="1.0"?><deIdi2b2><TEXT>a <PHI TYPE="DATE">b</PHI></TEXT></deIdi2b2>', "inline tags"),
    ],
)
def test_fatal_structure_errors_name_the_file(content, match):
    with pytest.raises(ConversionError, match=match) as err:
        parse(content, name="555-01.xml")
    assert str(err.value).startswith("555-01.xml:")
    assert "\n" not in str(err.value)


def test_non_utf8_bytes_are_fatal_with_position():
    data = xml("Seen by XXX").encode("utf8").replace(b"XXX", b"Jos\xe9")
    with pytest.raises(ConversionError, match=r"555-01\.xml: not valid UTF-8 \(byte 0xe9 at byte offset \d+, line 3\)"):
        parse(data, name="555-01.xml")


def test_declared_latin1_encoding_is_honoured():
    text = "Seen by José"
    data = xml(text, tag(8, 12, "José", "DOCTOR")).replace("UTF-8", "ISO-8859-1").encode("latin-1")
    read, report = parse(data)
    assert read.text == text and read.spans[0].text == "José"
    docs, _ = through_docbin([read], report=report)
    assert ents(docs[0]) == [(8, 12, "DOCTOR")]


# -- bad input: repairs ---------------------------------------------------------

def test_bom_is_stripped_and_counted():
    data = b"\xef\xbb\xbf" + xml("Seen by Who", tag(8, 11, "Who", "DOCTOR")).encode()
    read, report = parse(data)
    assert report.repairs["bom_stripped"] == 1
    assert [(s.start, s.end) for s in read.spans] == [(8, 11)]


def test_crlf_file_with_crlf_based_offsets_is_remapped():
    lf = "Name: Amy Pond\nDate: 2067-05-03\r\nDr: Who\rEnd"  # CRLF and lone CR in the raw TEXT
    crlf = lf.replace("\n", "\r\n").replace("\r\r", "\r")
    tags = "".join(
        tag(crlf.index(sub), crlf.index(sub) + len(sub), sub, type_, id_=f"P{i}")
        for i, (sub, type_) in enumerate([("Amy Pond", "PATIENT"), ("2067-05-03", "DATE"), ("Who", "DOCTOR"), ("End", "DATE")])
    )
    read, report = parse(xml(crlf, tags).replace("\n", "\r\n").replace("\r\r", "\r"))
    assert read.text == "Name: Amy Pond\nDate: 2067-05-03\nDr: Who\nEnd"
    assert [read.text[s.start : s.end] for s in read.spans] == ["Amy Pond", "2067-05-03", "Who", "End"]
    assert report.repairs["crlf_normalised"] == 1
    assert "remapped" in report.repair_lines[0]["detail"]
    docs, report = through_docbin([read], report=report)
    assert [docs[0].text[a:b] for a, b, _ in ents(docs[0])] == ["Amy Pond", "2067-05-03", "Who", "End"]


def test_crlf_file_with_lf_based_offsets_is_kept():
    lf = "Name: Amy Pond\nDate: 2067-05-03"
    tags = tag(lf.index("2067"), lf.index("2067") + 10, "2067-05-03", "DATE")
    read, report = parse(xml(lf, tags).replace("\n", "\r\n"))
    assert read.text == lf
    assert read.text[read.spans[0].start : read.spans[0].end] == "2067-05-03"
    assert "already LF-based" in report.repair_lines[0]["detail"]


def test_whitespace_in_span_is_trimmed_and_counted():
    text = "Seen by  Dr Who \n today"
    read, report = parse(xml(text, tag(8, 17, "  Dr Who \n", "DOCTOR")))
    docs, report = through_docbin([read], report=report)
    assert ents(docs[0]) == [(9, 15, "DOCTOR")]
    assert report.repairs["whitespace_trimmed"] == 1


def test_text_attribute_with_newline_as_space_matches():
    # XML attribute normalisation turns a raw newline into a space
    text = "Amy\nPond came"
    read, report = parse(xml(text, '<NAME id="P0" start="0" end="8" text="Amy\nPond" TYPE="PATIENT" />\n'))
    docs, report = through_docbin([read], report=report)
    assert ents(docs[0]) == [(0, 8, "PATIENT")]
    assert not report.repairs and not report.refusals


def test_shifted_offsets_move_to_unique_nearby_occurrence():
    text = "Patient seen by Dr Who on Monday."
    read, report = parse(xml(text, tag(17, 20, "Who", "DOCTOR")))  # off by two
    docs, report = through_docbin([read], report=report)
    assert ents(docs[0]) == [(19, 22, "DOCTOR")]
    assert report.repairs["moved_to_stated_text"] == 1
    assert report.repair_lines[-1]["detail"] == "[17:20] -> [19:22]"


def test_disagreeing_text_without_unique_occurrence_is_refused():
    text = "Who? Who! Who."
    read, report = parse(xml(text, tag(1, 4, "Who", "DOCTOR") + tag(0, 3, "Zed", "PATIENT", id_="P1")))
    docs, report = through_docbin([read], report=report)
    assert ents(docs[0]) == []
    assert [r["tag_id"] for r in report.refusals] == ["P0", "P1"]
    assert all("does not occur exactly once" in r["reason"] for r in report.refusals)
    assert report.labels["DOCTOR"].refused == 1 and report.labels["PATIENT"].refused == 1


def test_type_case_and_element_mismatch_are_repairs():
    text = "Dr Who in Paris"
    tags = tag(3, 6, "Who", "doctor", element="NAME") + tag(10, 15, "Paris", "CITY", element="NAME", id_="P1")
    read, report = parse(xml(text, tags))
    assert [(s.label, s.category) for s in read.spans] == [("DOCTOR", "NAME"), ("CITY", "LOCATION")]
    assert report.repairs["type_case_normalised"] == 1
    assert report.repairs["element_type_mismatch"] == 1


# -- bad input: refusals --------------------------------------------------------

def test_per_tag_problems_are_refused_with_lines():
    text = "Dr Who met Amy Pond at Leadworth."
    tags = (
        tag(3, 6, "Who", "DOCTOR", id_="P0")
        + tag(11, 99, "Amy Pond", "PATIENT", id_="P1")  # out of range
        + tag(23, 32, "Leadworth", "VILLAGE", element="LOCATION", id_="P2")  # unknown TYPE
        + '<NAME id="P3" start="x" end="19" text="Amy Pond" TYPE="PATIENT" />\n'  # non-integer
        + '<NAME id="P4" start="11" end="19" text="Amy Pond" />\n'  # no TYPE
        + tag(6, 3, "", "DOCTOR", id_="P5")  # inverted
    )
    read, report = parse(xml(text, tags))
    docs, report = through_docbin([read], report=report)
    assert ents(docs[0]) == [(3, 6, "DOCTOR")]
    reasons = {r["tag_id"]: r["reason"] for r in report.refusals}
    assert "outside the text (length 33)" in reasons["P1"]
    assert reasons["P2"] == "unknown TYPE"  # the TYPE is free text: not shown
    assert report.labels["<unknown TYPE #1>"].refused == 1 and "VILLAGE" not in report.labels
    assert "not an integer" in reasons["P3"]
    assert "no TYPE" in reasons["P4"]
    assert "empty or inverted" in reasons["P5"]
    assert report.totals().entities_in == 6 and report.totals().refused == 5


def test_strict_makes_a_refusal_fatal_naming_file_and_tag():
    read, report = parse(xml("Dr Who", tag(3, 60, "Who", "DOCTOR", id_="P7")), name="9-9.xml")
    report.strict = True
    with pytest.raises(ConversionError, match=r"^9-9\.xml: tag P7 \(DOCTOR\): offsets \[3:60\] outside"):
        convert_notes([read], NLP, report=report)


def test_overlapping_tags_keep_longest_or_error():
    text = "Amy Pond Williams"
    tags = tag(0, 8, "Amy Pond", "PATIENT", id_="P0") + tag(4, 17, "Pond Williams", "PATIENT", id_="P1") + tag(9, 17, "Williams", "DOCTOR", id_="P2")
    read, report = parse(xml(text, tags))
    docs, report = through_docbin([read], report=report)
    assert ents(docs[0]) == [(4, 17, "PATIENT")]
    assert {r["tag_id"] for r in report.refusals} == {"P0", "P2"}
    assert all("kept the longer" in r["reason"] and "P1" in r["reason"] for r in report.refusals)
    with pytest.raises(ConversionError, match="overlaps tag P1"):
        convert_notes([read], NLP, on_overlap="error")


def test_duplicates_are_deduplicated_and_counted_even_in_strict_mode():
    text = "Dr Who"
    tags = tag(3, 6, "Who", "DOCTOR", id_="P0") + tag(3, 6, "Who", "DOCTOR", id_="P1")
    read, report = parse(xml(text, tags))
    report.strict = True
    docs, report = through_docbin([read], report=report)
    assert ents(docs[0]) == [(3, 6, "DOCTOR")]
    assert report.labels["DOCTOR"].entities_in == 2 and report.labels["DOCTOR"].refused == 1
    assert report.refusals[0]["reason"].startswith("duplicate of tag P0")
    assert report.info["duplicate tags removed"] == 1


def test_empty_text_note_is_skipped_and_its_tags_refused():
    read, report = parse(xml("", tag(0, 3, "Who", "DOCTOR")))
    docs, report = through_docbin([read], report=report)
    assert docs == []
    assert report.notes_skipped == [{"source": "100-01.xml", "note_id": "100-01", "reason": "empty text"}]
    assert report.labels["DOCTOR"].refused == 1
    report.strict = True
    with pytest.raises(ConversionError, match="note text is empty"):
        convert_notes([read], NLP, report=report)


def test_messages_and_report_never_contain_entity_text(tmp_path):
    secret = "Zanzibarovich"
    text = f"Dr {secret} and {secret} again"
    tags = (
        tag(3, 3 + len(secret), secret, "DOCTOR", id_="P0")
        + tag(3, 50, secret, "PATIENT", id_="P1")
        + tag(0, 5, secret, "DOCTOR", id_="P2")  # disagrees, several occurrences
        + tag(3, 3 + len(secret), secret, "VILLAGE", id_="P3")
    )
    read, report = parse(xml(text, tags))
    docs, report = through_docbin([read], report=report)
    report.write_json(tmp_path / "r.json")
    assert secret not in (tmp_path / "r.json").read_text()
    assert len(report.refusals) == 3
    shown = ConversionReport(show_text=True)
    read, _ = parse(xml(text, tags), report=shown)
    through_docbin([read], report=shown)
    assert any(secret in r.get("text", "") for r in shown.refusals)


def test_empty_text_attribute_means_not_stated():
    read, report = parse(xml("Dr Who", '<NAME id="P0" start="3" end="6" text="" TYPE="DOCTOR" />\n'))
    docs, report = through_docbin([read], report=report)
    assert ents(docs[0]) == [(3, 6, "DOCTOR")] and not report.refusals


def test_nearby_search_tolerates_attribute_whitespace_normalisation():
    text = "Patient: Amy\nPond, seen."
    read, report = parse(xml(text, tag(6, 14, "Amy Pond", "PATIENT")))  # offsets 3 too early
    docs, report = through_docbin([read], report=report)
    assert ents(docs[0]) == [(9, 17, "PATIENT")]
    assert report.repairs["moved_to_stated_text"] == 1
