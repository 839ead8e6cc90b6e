"""De-identification API: modes, surrogates, dates, ages, consistency, streaming."""
import datetime as dt
import ipaddress
import re

import numpy
import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.tokens import SpanGroup

from spacy_medner.deid import (
    CharSpan,
    DeidOutput,
    Deidentifier,
    NoteFailure,
    NoteRecord,
    SurrogateKey,
    age_surrogate,
    deidentify,
    deidentify_batch,
    deidentify_stream,
    parse_date,
    shift_date_text,
)
from spacy_medner.deid.stream import NewlineView
from spacy_medner.synth.surrogates import DATE_FORMATS, FULL_DATE_FORMATS, format_date

from .conftest import add_fail_on_boom

LONG_MONTH = {dt.date(2001, m, 1).strftime("%b"): dt.date(2001, m, 1).strftime("%B") for m in range(1, 13)}
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
          "oct", "nov", "dec"]
PATTERNS = [
    {"label": "PATIENT", "pattern": "John Smith"},
    {"label": "PATIENT", "pattern": [{"LOWER": "smith"}]},
    {"label": "PATIENT", "pattern": "Mary Jones"},
    {"label": "DOCTOR", "pattern": [{"TEXT": "J."}, {"TEXT": "Alvarez"}]},
    {"label": "DATE", "pattern": [{"TEXT": {"REGEX": r"^\d{1,2}/\d{1,2}(/\d{2,4})?$"}}]},
    {"label": "DATE", "pattern": [{"SHAPE": "dddd"}, {"ORTH": "-"}, {"SHAPE": "dd"}, {"ORTH": "-"}, {"SHAPE": "dd"}]},
    {"label": "DATE", "pattern": [{"LOWER": {"IN": MONTHS}}, {"IS_DIGIT": True}, {"TEXT": ","}, {"SHAPE": "dddd"}]},
    {"label": "DATE", "pattern": [{"LOWER": {"IN": MONTHS}}, {"IS_DIGIT": True}]},
    {"label": "AGE", "pattern": [{"TEXT": {"IN": ["93", "45", "89", "90"]}}]},
    {"label": "PHONE", "pattern": [{"SHAPE": "ddd"}, {"ORTH": "-"}, {"SHAPE": "ddd"}, {"ORTH": "-"}, {"SHAPE": "dddd"}]},
    {"label": "MEDICALRECORD", "pattern": [{"TEXT": {"REGEX": r"^\d{7}$"}}]},
    {"label": "EMAIL", "pattern": [{"LIKE_EMAIL": True}]},
    {"label": "HOSPITAL", "pattern": "Brigham and Women's Hospital"},
    {"label": "CITY", "pattern": "Boston"},
]


def ruler_nlp():
    """A deterministic pipeline that writes the PHI span group ``doc.spans["medner"]`` (as medner does)."""
    nlp = spacy.blank("en")
    nlp.add_pipe(
        "span_ruler",
        config={"spans_key": "medner", "spans_filter": {"@misc": "spacy.first_longest_spans_filter.v1"}},
    ).add_patterns(PATTERNS)
    return nlp


@pytest.fixture(scope="module")
def nlp():
    return ruler_nlp()


NOTE = "John Smith (MRN 0441722) seen 03/02/2091 by J. Alvarez. Age 93. Call 617-555-0143."


def test_tag_mode_exact(nlp):
    result = deidentify(nlp(NOTE), mode="tag")
    assert result.text == "[PATIENT] (MRN [MEDICALRECORD]) seen [DATE] by [DOCTOR]. Age [AGE]. Call [PHONE]."
    for r in result.replacements:
        assert result.text[r.new_start : r.new_end] == f"[{r.label}]"
        assert r.action == "tag"
    assert [(r.start, r.end) for r in result.replacements] == [
        (0, 10), (16, 23), (30, 40), (44, 54), (60, 62), (69, 81)
    ]
    custom = deidentify(nlp(NOTE), mode="tag", tag_template="<{label}>")
    assert custom.text.startswith("<PATIENT> (MRN <MEDICALRECORD>)")


def test_mask_mode_exact(nlp):
    result = deidentify(nlp(NOTE), mode="mask")
    assert result.text == "********** (MRN *******) seen ********** by **********. Age **. Call ************."
    assert len(result.text) == len(NOTE)
    fixed = deidentify(nlp(NOTE), mode="mask", mask_char="#", mask_length=3)
    assert fixed.text == "### (MRN ###) seen ### by ###. Age ###. Call ###."
    # a masked entity spanning lines keeps its line breaks (and so the line count)
    deid = Deidentifier("mask")
    assert deid.replace("at Main St\r\nBoston.", [CharSpan(3, 18, "STREET")]).text == "at *******\r\n******."


def test_no_entities_pass_through_identical(nlp):
    text = "\ufeffNo PHI here.  \r\n\tTrailing spaces   \r\n\n"
    for mode in ("tag", "mask", "surrogate"):
        result = deidentify(nlp(text), mode=mode, seed=1)
        assert result.text == text
        assert result.replacements == []


def test_surrogate_names_shaped_and_consistent(nlp):
    text = "John Smith and SMITH, J. Alvarez; Smith again. Mary Jones."
    result = deidentify(nlp(text), mode="surrogate", seed="k", patient_id="P1")
    by_original = {text[r.start : r.end]: r.text for r in result.replacements}
    full, upper, doctor, last = by_original["John Smith"], by_original["SMITH"], by_original["J. Alvarez"], by_original["Smith"]
    assert re.fullmatch(r"[A-Z][a-z'’-]+ [A-Z][A-Za-z'’-]+", full), "first + last"
    assert re.fullmatch(r"[A-Z][A-Za-z'’-]+", last), "last name only"
    assert upper == last.upper(), "same name, upper case kept"
    assert full.split(" ")[1] == last, "'Smith' has one surrogate wherever it occurs"
    assert re.fullmatch(r"[A-Z]\. [A-Z][A-Za-z'’-]+", doctor), "initial + last"
    assert "Smith" not in result.text and "Alvarez" not in result.text and "John" not in result.text
    assert by_original["Mary Jones"] != full


def test_same_patient_consistent_other_patient_independent(nlp):
    deid = Deidentifier("surrogate", seed="secret")
    note1 = "John Smith seen 03/02/2091 at Boston, MRN 0441722."
    note2 = "Follow-up for John Smith on 03/12/2091, Boston, MRN 0441722."
    r1 = deid(nlp(note1), "P1")
    r2 = deid(nlp(note2), "P1")
    surr = lambda r, text: {text[x.start : x.end]: x.text for x in r.replacements}  # noqa: E731
    s1, s2 = surr(r1, note1), surr(r2, note2)
    for original in ("John Smith", "Boston", "0441722"):
        assert s1[original] == s2[original] != original
    others = [surr(deid(nlp(note1), f"P{i}"), note1) for i in range(2, 7)]
    for original in ("John Smith", "Boston", "0441722", "03/02/2091"):
        assert any(o[original] != s1[original] for o in others), original
    # a new Deidentifier with the same seed reproduces the surrogates; another seed does not
    again = Deidentifier("surrogate", seed="secret")(nlp(note1), "P1")
    assert again.text == r1.text
    assert Deidentifier("surrogate", seed="other")(nlp(note1), "P1").text != r1.text


def test_date_intervals_and_formats_kept(nlp):
    note = "Admitted 03/02/2091, discharged 03/12/2091. ISO 2091-03-02 and 2091-03-12. Seen March 2 and March 12."
    result = deidentify(nlp(note), mode="surrogate", seed=7, patient_id="P9")
    new = [r.text for r in result.replacements]
    assert [r.action for r in result.replacements] == ["date_shifted"] * 6
    a, b = (dt.datetime.strptime(x, "%m/%d/%Y") for x in new[:2])
    assert (b - a).days == 10 and a.date() != dt.date(2091, 3, 2)
    c, d = (dt.date.fromisoformat(x) for x in new[2:4])
    assert (d - c).days == 10 and c == a.date()
    assert re.fullmatch(r"[A-Z][a-z]+ \d{1,2}", new[4]) and re.fullmatch(r"[A-Z][a-z]+ \d{1,2}", new[5])
    e, f = (dt.datetime.strptime(x + " 2001", "%B %d %Y") for x in new[4:])
    assert (f - e).days % 365 == 10  # no year: shifted within a reference year


@pytest.mark.parametrize(
    "text,days,expected",
    [
        ("2091-03-02", 10, "2091-03-12"),
        ("3/2/91", 10, "3/12/91"),
        ("03/02/2091", -2, "02/28/2091"),
        ("March 2", 30, "April 1"),
        ("Mar 2, 2091", 366, "Mar 2, 2092"),
        ("2 March 2091", 1, "3 March 2091"),
        ("3/2", 1, "3/3"),
        ("2091", 200, "2092"),
        ("2091", -100, "2090"),  # a bare year always moves (at least one year)
        ("MARCH 2ND", 1, "MARCH 3RD"),
        ("Monday, March 2, 2091", 2, "Wednesday, March 4, 2091"),
        ("12/31/2091 10:30", 1, "01/01/2092 10:30"),
        ("13/02/2091", 1, "14/02/2091"),
        ("Sept. 30", 1, "Oct. 1"),
        ("2nd of March", 1, "3rd of March"),
        ("Mar '91", 31, "Apr '91"),
    ],
)
def test_date_formats(text, days, expected):
    assert shift_date_text(text, days) == expected


@pytest.mark.parametrize("text", ["Christmas", "the spring", "2091-13-45", "3/45/91", "last week"])
def test_unparsable_dates(text):
    assert parse_date(text) is None
    deid = Deidentifier("surrogate", seed=1)
    out = deid.replace(f"On {text}.", [CharSpan(3, 3 + len(text), "DATE")], "P1")
    assert out.replacements[0].action == "date_unparsed"
    assert re.fullmatch(r"\d\d/\d\d/\d{4}", out.replacements[0].text)
    again = deid.replace(f"Also {text}", [CharSpan(5, 5 + len(text), "DATE")], "P1")
    assert again.replacements[0].text == out.replacements[0].text
    assert deid.surrogates.stats["date_unparsed"] == 2


@settings(max_examples=200, deadline=None)
@given(
    date=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2150, 12, 31)),
    days=st.integers(-365, 365),
    fmt=st.sampled_from(FULL_DATE_FORMATS),
)
def test_shift_property_full_dates(date, days, fmt):
    """Any full date written in any synthetic-corpus format shifts by exactly ``days`` in that format."""
    text = format_date(date, fmt)
    shifted = shift_date_text(text, days)
    assert shifted is not None
    if fmt in ("mdyy", "mmddyy", "dash_short"):  # two-digit years: 20yy below 50, else 19yy
        yy = date.year % 100
        date = date.replace(year=(2000 if yy < 50 else 1900) + yy) if (date.month, date.day) != (2, 29) else date
    if fmt == "dotted_dmy" and date.day <= 12:
        # "01.02.2091" does not show which field is the day: it is read month first (like "dotted")
        date, fmt = dt.date(date.year, date.day, date.month), "dotted"
    expected = date + dt.timedelta(days=days)
    wanted = format_date(expected, fmt)
    if re.search(r"\bMay\b", text):  # "May" does not show full or abbreviated: full is used
        wanted = re.sub(r"\b(Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b", lambda m: LONG_MONTH[m.group()], wanted)
    if shifted != wanted:
        # "10/10/2000" does not show whether the format pads: only padding may differ
        assert re.match(r"^[1-9]\d[/-][1-9]\d[/-]", text) or re.match(r"^\d{4}-[1-9]\d-[1-9]\d$", text)
        unpad = lambda t: re.sub(r"(?<!\d)0(\d)", r"\1", t)  # noqa: E731
        assert unpad(shifted) == unpad(wanted)


@pytest.mark.parametrize("fmt", sorted(DATE_FORMATS))
def test_every_synthetic_date_format_parses(fmt):
    assert parse_date(format_date(dt.date(2091, 3, 2), fmt)) is not None


@settings(max_examples=100, deadline=None)
@given(patient=st.text(min_size=0, max_size=12), max_days=st.integers(1, 400))
def test_date_shift_never_zero_and_bounded(patient, max_days):
    shift = SurrogateKey("s").date_shift(patient, max_days)
    assert 1 <= abs(shift) <= max_days
    assert SurrogateKey("s").date_shift(patient, max_days) == shift


@pytest.mark.parametrize(
    "text,expected,action",
    [("93", "90+", "age_90_plus"), ("90", "90+", "age_90_plus"), ("89", "89", "age_kept"), ("45", "45", "age_kept"),
     ("93yo", "90+yo", "age_90_plus"), ("ninety-one", "90+", "age_90_plus"), ("eighty", "eighty", "age_kept"),
     ("100 months", "100 months", "age_kept"), ("89.9", "89.9", "age_kept")],
)
def test_ages(text, expected, action):
    assert age_surrogate(text) == (expected, action)


def test_age_in_note(nlp):
    result = deidentify(nlp("Ages 93 and 45 and 89 and 90."), mode="surrogate", seed=0, patient_id="p")
    assert result.text == "Ages 90+ and 45 and 89 and 90+."
    assert [r.action for r in result.replacements] == ["age_90_plus", "age_kept", "age_kept", "age_90_plus"]


def test_format_preserving_surrogates(nlp):
    text = "MRN 0441722, call 617-555-0143, mail john.smith@gmail.com, Brigham and Women's Hospital"
    result = deidentify(nlp(text), mode="surrogate", seed=3, patient_id="p")
    new = {r.label: r.text for r in result.replacements}
    assert re.fullmatch(r"0\d{6}", new["MEDICALRECORD"]) and new["MEDICALRECORD"] != "0441722"
    assert re.fullmatch(r"[1-9]\d\d-[1-9]\d\d-\d{4}", new["PHONE"]) and new["PHONE"] != "617-555-0143"
    assert re.fullmatch(r"[^@\s]+@[a-z0-9.-]+\.[a-z]+", new["EMAIL"]) and "john" not in new["EMAIL"]
    assert new["HOSPITAL"].endswith(" and Women's Hospital") and "Brigham" not in new["HOSPITAL"]
    deid = Deidentifier("surrogate", seed=3)
    values = [("10.0.3.7", "IPADDR"), ("www.mgh.harvard.edu", "URL"), ("https://x.org/a/b", "URL"), ("2001:db8::1", "IPADDR")]
    contacts = " ".join(v for v, _ in values)
    ents = [CharSpan(contacts.index(v), contacts.index(v) + len(v), label) for v, label in values]
    out = deid.replace(contacts, ents, "p")
    ip4, url1, url2, ip6 = [r.text for r in out.replacements]
    assert ipaddress.ip_address(ip4).is_private and ip4 != "10.0.3.7"
    assert ipaddress.ip_address(ip6).version == 6
    assert url1.startswith("www.") and "/" not in url1 and "mgh" not in url1
    assert re.fullmatch(r"https://[a-z0-9.-]+/\S+", url2)


def test_min_score_drops_low_probability_entities(nlp):
    doc = nlp("John Smith seen 03/02/2091 in Boston.")
    spans = list(doc.spans["medner"])
    group = SpanGroup(doc, name="medner", spans=spans)
    group.attrs["scores"] = numpy.asarray([0.95, 0.40, 0.97], dtype="float32")
    doc.spans["medner"] = group
    kept = deidentify(doc, mode="tag", min_score=0.5)
    assert kept.text == "[PATIENT] seen 03/02/2091 in [CITY]."
    assert kept.dropped == 1 and [r.score for r in kept.replacements] == [pytest.approx(0.95), pytest.approx(0.97)]
    assert [(x.label, x.reason) for x in kept.left] == [("DATE", "min_score")]
    assert deidentify(doc, mode="tag").text == "[PATIENT] seen [DATE] in [CITY]."
    # a group without (aligned) scores: unscored entities are kept
    doc.spans["medner"] = SpanGroup(doc, name="medner", spans=spans)
    assert deidentify(doc, mode="tag", min_score=0.5).text == "[PATIENT] seen [DATE] in [CITY]."
    with pytest.raises(ValueError):
        Deidentifier("tag", min_score=1.5)


def test_bad_options():
    for kwargs in ({"mode": "redact"}, {"mask_char": "**"}, {"mask_length": -1}, {"tag_template": "[{name}]"}):
        with pytest.raises(ValueError):
            Deidentifier(**kwargs)
    with pytest.raises(ValueError, match="overlaps"):
        Deidentifier("tag").replace("abcdef", [CharSpan(0, 3, "A"), CharSpan(2, 4, "B")])


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["ab", " ", "\r\n", "\r", "\n", "X"]), min_size=1, max_size=30), st.data())
def test_newline_view_maps_back(pieces, data):
    text = "".join(pieces)
    view = NewlineView(text)
    assert "\r" not in view.text and len(view.text) == len(text) - text.count("\r\n")
    starts = [i for i, ch in enumerate(view.text) if ch not in "\n"]
    if not starts:
        return
    start = data.draw(st.sampled_from(starts))
    ends = [j + 1 for j in range(start, len(view.text)) if view.text[j] != "\n"]
    end = data.draw(st.sampled_from(ends))
    a, b = view.to_original(start, end)
    assert text[a:b].replace("\r\n", "\n").replace("\r", "\n") == view.text[start:end]


def test_stream_keeps_crlf_order_and_patients(nlp):
    records = [
        NoteRecord("n1", "Seen John Smith.\r\nDate 03/02/2091.\r\n", "P1"),
        NoteRecord("n2", "No PHI.\r\n", "P1"),
        NoteRecord("n3", "John Smith\r\n\r\non 03/12/2091", "P1"),
        NoteRecord("n4", "John Smith again", "P2"),
    ]
    outs = list(deidentify_stream(nlp, iter(records), mode="surrogate", seed="z", batch_size=2, zone_size=3))
    assert [o.record.note_id for o in outs] == ["n1", "n2", "n3", "n4"]
    t1, t2, t3, t4 = (o.result.text for o in outs)
    assert t2 == "No PHI.\r\n"
    assert t1.count("\r\n") == 2 and t3.startswith(outs[0].result.replacements[0].text + "\r\n\r\non ")
    d1 = dt.datetime.strptime(outs[0].result.replacements[1].text, "%m/%d/%Y")
    d3 = dt.datetime.strptime(outs[2].result.replacements[1].text, "%m/%d/%Y")
    assert (d3 - d1).days == 10
    for out in outs:
        for r in out.result.replacements:
            assert out.result.text[r.new_start : r.new_end] == r.text
            assert out.record.text[r.start : r.end] in ("John Smith", "03/02/2091", "03/12/2091")
    tagged = list(deidentify_stream(nlp, records, mode="tag"))
    assert tagged[0].result.text == "Seen [PATIENT].\r\nDate [DATE].\r\n"


def test_stream_multiprocess_matches_single(nlp):
    records = [NoteRecord(f"n{i}", f"John Smith {i} seen 03/0{1 + i % 9}/2091 in Boston.", f"P{i % 3}") for i in range(12)]
    single = [o.result.text for o in deidentify_stream(nlp, records, mode="surrogate", seed=5, batch_size=4)]
    multi = [o.result.text for o in deidentify_stream(nlp, records, mode="surrogate", seed=5, batch_size=4, n_process=2)]
    assert single == multi and len(set(single)) > 1


def test_stream_on_error_skips_the_note(nlp):
    class Failing(Deidentifier):
        def replace(self, text, entities, patient_id=None):
            if "boom" in text:
                raise RuntimeError("x")
            return super().replace(text, entities, patient_id)

    seen = []
    records = [NoteRecord("a", "John Smith"), NoteRecord("b", "boom"), NoteRecord("c", "Boston")]
    outs = list(deidentify_stream(nlp, records, deidentifier=Failing("tag"), on_error=lambda r, e: seen.append(r.note_id)))
    assert [o.record.note_id for o in outs] == ["a", "c"] and seen == ["b"]
    with pytest.raises(RuntimeError):
        list(deidentify_stream(nlp, records, deidentifier=Failing("tag")))


def test_stream_skips_notes_over_max_length():
    nlp = ruler_nlp()
    nlp.max_length = 1000
    seen = []
    records = [NoteRecord("long", "x " * 600), NoteRecord("short", "John Smith")]
    outs = list(deidentify_stream(nlp, records, on_error=lambda r, e: seen.append((r.note_id, str(e)))))
    assert [o.result.text for o in outs] == ["[PATIENT]"]
    assert seen == [("long", "1200 characters, over the pipeline's max_length 1000")]
    with pytest.raises(ValueError, match="max_length"):
        list(deidentify_stream(nlp, records))


def test_batch_runs_notes_by_length_and_returns_them_in_input_order():
    nlp = ruler_nlp()
    seen_lengths = []

    @spacy.Language.component("record_lengths_test")
    def record_lengths(doc):
        seen_lengths.append(len(doc.text))
        return doc

    nlp.add_pipe("record_lengths_test")
    deidentifier = Deidentifier("surrogate", key="k" * 16)
    records = [NoteRecord(f"n{i}", "John Smith seen. " * (1 + (i * 7) % 5), f"P{i % 2}") for i in range(10)]
    by_length = deidentify_batch(nlp, deidentifier, records, batch_size=3)
    assert seen_lengths == sorted(seen_lengths) and len(seen_lengths) == 10
    seen_lengths.clear()
    as_given = deidentify_batch(nlp, deidentifier, records, batch_size=3, sort_by_length=False)
    assert seen_lengths == [len(r.text) for r in records]
    assert [o.record.note_id for o in by_length] == [r.note_id for r in records]
    assert [o.result.text for o in by_length] == [o.result.text for o in as_given]
    assert all("John Smith" not in o.result.text for o in by_length)


def test_batch_turns_bad_records_and_pipeline_failures_into_failures_of_those_records_only():
    nlp = add_fail_on_boom(ruler_nlp())
    records = [
        NoteRecord("a", "John Smith"),
        NoteRecord("b", "boom John Smith"),
        NoteRecord("c", None),  # type: ignore[arg-type]
        NoteRecord("d", ""),
        NoteRecord("e", "John Smith \ud800"),
        NoteRecord("f", "Boston"),
    ]
    results = deidentify_batch(nlp, Deidentifier("tag"), records)
    assert [r.record.note_id for r in results] == ["a", "b", "c", "d", "e", "f"]
    assert [type(r).__name__ for r in results] == ["DeidOutput", "NoteFailure", "NoteFailure", "NoteFailure", "NoteFailure", "DeidOutput"]
    assert [r.result.text for r in results if isinstance(r, DeidOutput)] == ["[PATIENT]", "[CITY]"]
    errors = [str(r.error) for r in results if isinstance(r, NoteFailure)]
    assert errors[0] == "the pipeline failed on this note (RuntimeError)"
    assert not any("secret" in e or "John" in e or "boom" in e for e in errors)


@pytest.mark.parametrize("text", ["OCTOBER", "March", "May", "2nd", "the 2nd", "Monday", "3/2", "March 2nd", "Mar '91", "2091"])
def test_no_offset_gives_a_date_back_its_own_text(text):
    """The leak audit found 'OCTOBER' surviving a shift of ~12 months; check every offset of a year and more."""
    parsed = parse_date(text)
    assert parsed is not None
    same = [days for days in range(-800, 801) if days and parsed.shift(days).lower() == text.lower()]
    assert same == []


def test_a_date_does_not_run_across_a_line_break():
    """'OCTOBER.\\n4' (a month, then a numbered list item) is no 4 October: shifting it kept 'OCTOBER'."""
    assert parse_date("OCTOBER.\n4") is None
    assert parse_date("October 4") is not None
    deid = Deidentifier("surrogate", key="k" * 16)
    out = deid.replace("FLU SHOT IN OCTOBER.\n4. RECHECK", [CharSpan(12, 22, "DATE")], "P1")
    assert "OCTOBER" not in out.text and out.text.endswith(". RECHECK")
