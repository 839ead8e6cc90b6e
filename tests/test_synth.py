"""The SYNTHETIC default corpus: determinism, exact offsets, coverage, variety, CLI."""
import os
import random
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from spacy_medner.labels import TYPE_TO_CATEGORY, TYPES
from spacy_medner.synth import COVERAGE_BLOCK, generate_notes, write_corpus
from spacy_medner.synth.builder import NoteBuilder, Phi

NOTE_FILE = re.compile(r"^(\d{3})-(\d{2})\.xml$")


@pytest.fixture(scope="module")
def notes100():
    return list(generate_notes(100, seed=11))


def _files(folder: Path):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _masked_lines(note):
    """Note lines with PHI replaced by its TYPE and digits by 9: the line's 'shape'."""
    parts, last = [], 0
    for s in note.spans:
        parts += [note.text[last : s.start], f"<{s.label}>"]
        last = s.end
    parts.append(note.text[last:])
    masked = re.sub(r"\d+(\.\d+)?", "9", "".join(parts))
    return [line.strip() for line in masked.split("\n") if line.strip()]


# -- determinism -------------------------------------------------------------


def test_same_seed_writes_byte_identical_files(tmp_path):
    a = write_corpus(tmp_path / "a", 30, seed=3)
    b = write_corpus(tmp_path / "b", 30, seed=3)
    assert a == b
    files_a, files_b = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert len(files_a) == 31  # 30 notes + README.txt
    assert files_a == files_b


def test_different_seeds_give_different_corpora():
    one = [n.text for n in generate_notes(20, seed=1)]
    two = [n.text for n in generate_notes(20, seed=2)]
    assert all(x != y for x, y in zip(one, two))


def test_first_notes_do_not_depend_on_n():
    short = list(generate_notes(7, seed=5))
    long = list(generate_notes(40, seed=5))[:7]
    assert [(n.note_id, n.text, n.spans) for n in short] == [(n.note_id, n.text, n.spans) for n in long]


# -- offsets, spans, XML -----------------------------------------------------


def test_xml_round_trip_offsets_are_exact(tmp_path):
    notes = {n.note_id: n for n in generate_notes(40, seed=7)}
    write_corpus(tmp_path, 40, seed=7)
    phi_elements = 0
    for path in sorted(tmp_path.glob("*.xml")):
        root = ET.parse(path).getroot()
        assert root.tag == "deIdi2b2"
        text = root.find("TEXT").text
        note = notes[path.stem]
        assert text == note.text
        tags = list(root.find("TAGS"))
        assert len(tags) == len(note.spans) > 0
        for tag, span in zip(tags, note.spans):
            start, end = int(tag.get("start")), int(tag.get("end"))
            assert (start, end, tag.get("TYPE")) == (span.start, span.end, span.label)
            assert tag.get("text") == text[start:end]
            assert tag.get("TYPE") in TYPES
            assert tag.tag in (TYPE_TO_CATEGORY[tag.get("TYPE")], "PHI")
            phi_elements += tag.tag == "PHI"
    assert phi_elements > 0  # the release's quirk element is exercised


def test_builder_records_each_surface_where_it_was_written():
    b = NoteBuilder(random.Random(0), quirk_rate=0.0)
    b.emit("Seen by {d} on {t}.\nMRN:{m}\n", d=("Dr.", Phi("DOCTOR", "Smith")), t=Phi("DATE", "5/3/67"),
           m=Phi("MEDICALRECORD", "4417220"))
    note = b.build("001-01", "001")
    assert [(note.text[s.start : s.end], s.label, s.category) for s in note.spans] == [
        ("Smith", "DOCTOR", "NAME"), ("5/3/67", "DATE", "DATE"), ("4417220", "MEDICALRECORD", "ID")
    ]
    assert note.text == "Seen by Dr.Smith on 5/3/67.\nMRN:4417220\n"
    with pytest.raises(ValueError):
        b.phi("DATE", " 5/3 ")
    with pytest.raises(ValueError):
        b.phi("NOT_A_TYPE", "x")


def test_hard_wrap_keeps_length_and_never_breaks_a_span():
    b = NoteBuilder(random.Random(0), quirk_rate=0.0)
    for i in range(30):
        b.emit("word word {n} word ", n=Phi("PATIENT", f"Anna Maria Smith{i}"))
    plain = b.build("001-01", "001")
    wrapped = b.build("001-01", "001", wrap_width=40)
    assert len(wrapped.text) == len(plain.text) and "\n" in wrapped.text
    assert max(len(line) for line in wrapped.text.split("\n")) < 60
    for s in wrapped.spans:
        assert wrapped.text[s.start : s.end] == plain.text[s.start : s.end]


def _notes_of_kind(monkeypatch, kind: str, n: int, seed: int, languages=()):
    """``n`` notes that are all of one ``kind`` (letters only in ``languages``, when given)."""
    from spacy_medner.synth import corpus, foreign

    if languages:
        monkeypatch.setattr(foreign, "LANGUAGES", {code: foreign.LANGUAGES[code] for code in languages})
    monkeypatch.setattr(corpus, "choose_kind", lambda rng, patient=None, day=None: kind)
    return list(corpus.generate_notes(n, seed=seed))


@pytest.mark.parametrize("style", ["pleading", "listing"])
def test_line_numbers_move_each_span_with_its_line(style):
    """Set U held a deposition transcript whose line numbers were read as STREET, DATE and AGE: numbered
    lines are written with every span moved by what was put before its own line, and the numbers are
    outside every span."""
    b = NoteBuilder(random.Random(0), quirk_rate=0.0)
    for i in range(60):
        b.emit("Q. Did {d} see you on {t}?\n", d=Phi("DOCTOR", f"Ann Lee{i}"), t=Phi("DATE", f"3/{i % 28 + 1}/2026"))
    plain = b.build("001-01", "001")
    numbered = b.build("001-01", "001", line_numbers=style)
    assert [(plain.text[s.start : s.end], s.label) for s in plain.spans] == [
        (numbered.text[s.start : s.end], s.label) for s in numbered.spans]
    lines = [line for line in numbered.text.split("\n") if not line.strip().startswith("Page ")]
    if style == "pleading":
        assert [int(line[:2]) for line in lines] == [i % 25 + 1 for i in range(61)]
        assert [line.strip() for line in numbered.text.split("\n") if line.strip().startswith("Page ")] == ["Page 2", "Page 3"]
        assert [line[6:] for line in lines] == plain.text.split("\n")
    else:
        assert [line[:6] for line in lines] == [f"{i + 1:04d}  " for i in range(61)]
        assert [line[6:] for line in lines] == plain.text.split("\n")
    numbers = [m.span() for m in re.finditer(r"(?m)^ ?\d+(?= )|Page \d+", numbered.text)]
    assert len(numbers) >= 61
    assert not [n for n in numbers for s in numbered.spans if s.start < n[1] and n[0] < s.end]
    with pytest.raises(ValueError):
        b.build("001-01", "001", line_numbers="roman")


def test_vietnamese_letters_put_the_family_name_first_and_leave_the_motto_alone(monkeypatch):
    """Set U held a Vietnamese discharge paper (giấy ra viện) whose every line drew PHI guesses: the
    generator writes such letters, with names family first, written dates as one span without the word
    ngày, towns without the word thành phố, and the national motto and titles outside every span."""
    from spacy_medner.synth import foreign

    notes = [n for n in _notes_of_kind(monkeypatch, "foreign_letter", 16, 3, ("vi",))
             if n.meta["case"] == "mixed" and n.meta["scanned"] == "false"]
    assert len(notes) >= 10
    from faker.providers.person.vi_VN import Provider

    surnames = set(Provider.last_names)
    motto, written, doctors = 0, 0, 0
    for note in notes:
        assert "Họ tên người bệnh:" in note.text
        spans = [(note.text[s.start : s.end], s.label) for s in note.spans]
        for line in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"):
            at = note.text.find(line)
            if at >= 0:
                motto += 1
                assert not [s for s in note.spans if s.start < at + len(line) and at < s.end]
        for text, label in spans:
            assert not text.startswith(("BS.", "ThS.", "TS.", "BSCK", "Ông ", "Bà ", "ngày", "thành phố", "TP.")), text
            if label == "DATE" and "tháng" in text:
                written += 1
                assert re.fullmatch(r"\d{1,2} tháng \d{2}(?: năm \d{4})?", text), text
            if label == "DOCTOR" and " " in text and text.split()[0] in surnames:
                doctors += 1
                assert len(text.split()) >= 3, text
    assert motto >= 2 and written >= 5 and doctors >= 10, (motto, written, doctors)


def test_indonesian_letters_and_everyday_words_in_the_letters_language(monkeypatch):
    """Set V held an Indonesian resume medis and a long French hospital report whose ordinary sentences drew
    PHI guesses: the generator writes Indonesian letters (titles dr., Tn., Ny. outside the names, dates with
    the month's name as one span) and, in half the letters whose language Faker has words for, a paragraph
    of that language's everyday words that no span touches."""
    from faker.providers.lorem.fr_FR import Provider as French
    from spacy_medner.synth import foreign

    notes = [n for n in _notes_of_kind(monkeypatch, "foreign_letter", 40, 4, ("id", "fr"))
             if n.meta["case"] == "mixed" and n.meta["scanned"] == "false"]
    indonesian = [n for n in notes if "Nama pasien:" in n.text]
    french = [n for n in notes if "Nous avons hospitalisé" in n.text]
    assert len(indonesian) >= 8 and len(french) >= 8
    months = foreign.LANGUAGES["id"].months
    written = 0
    for note in indonesian:
        for span in note.spans:
            text = note.text[span.start : span.end]
            assert not text.startswith(("dr.", "Dr.", "Tn.", "Ny.")), text
            if span.label == "DATE" and any(m in text for m in months):
                written += 1
                assert re.fullmatch(r"\d{1,2} (?:%s)(?: \d{4})?" % "|".join(months), text), text
    assert written >= 8
    words = {w.lower() for w in French.word_list}
    paragraphs = 0
    for note in french:
        at = 0
        for line in note.text.split("\n"):
            tokens = re.findall(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", line)
            if len(tokens) >= 8 and all(t.lower() in words for t in tokens):
                paragraphs += 1
                assert not [s for s in note.spans if s.start < at + len(line) and at < s.end], line
            at += len(line) + 1
    assert len(french) // 4 <= paragraphs <= len(french)


def test_spans_do_not_overlap_and_have_clean_edges(notes100):
    for note in notes100:
        last_end = -1
        for s in note.spans:
            surface = note.text[s.start : s.end]
            assert s.start >= last_end, note.note_id
            assert surface and surface == surface.strip(), (note.note_id, s.tag_id)
            last_end = s.end


@settings(max_examples=12, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**31))
def test_any_seed_gives_valid_notes(seed):
    for note in generate_notes(4, seed=seed):
        assert note.spans
        ends = [(s.start, s.end) for s in note.spans]
        assert all(a[1] <= b[0] for a, b in zip(ends, ends[1:]))
        assert all(0 <= s.start < s.end <= len(note.text) and s.label in TYPES for s in note.spans)


# -- coverage and frequencies ------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_every_type_appears_in_50_notes(seed):
    assert COVERAGE_BLOCK <= 50
    labels = {s.label for n in generate_notes(50, seed=seed) for s in n.spans}
    assert labels == set(TYPES)


def test_every_block_holds_every_type():
    notes = list(generate_notes(3 * COVERAGE_BLOCK, seed=4))
    for i in range(0, len(notes), COVERAGE_BLOCK):
        labels = {s.label for n in notes[i : i + COVERAGE_BLOCK] for s in n.spans}
        assert labels == set(TYPES), i


def test_relative_frequencies_look_like_i2b2():
    counts = Counter(s.label for n in generate_notes(300, seed=6) for s in n.spans)
    total = sum(counts.values())
    ranked = [t for t, _ in counts.most_common()]
    assert ranked[0] == "DATE"
    # machine output (X12, FHIR, DICOM) adds IDs and payers, so HOSPITAL may fall to seventh or, level
    # with PHONE (250 vs 254 at seed 6 once SQL dumps gained row keys), to eighth
    assert {"DOCTOR", "PATIENT", "HOSPITAL"} <= set(ranked[:8])
    for rare in ("BIOID", "VEHICLE", "LICENSE", "SSN", "HEALTHPLAN"):
        assert 0 < counts[rare] < 0.01 * total, rare
    # the contact TYPEs a model trained on the old corpus missed are deliberately more frequent, still a minority
    for contact in ("EMAIL", "URL", "IPADDR"):
        assert 0.004 * total < counts[contact] < 0.03 * total, contact


def test_entities_are_a_minority_of_tokens(notes600):
    # 800 notes: on 100 the share moves by two points with the mix of kinds (12.6% to 15.1% at seed 11
    # when the foreign letters' weight went from 3% to 4.5%); on 800 it is 14.7%
    tokens = sum(len(n.text.split()) for n in notes600)
    entity_tokens = sum(len(n.text[s.start : s.end].split()) for n in notes600 for s in n.spans)
    assert tokens / len(notes600) > 200
    assert entity_tokens / tokens < 0.15


def test_glued_and_varied_surface_forms(notes100, notes600):
    text = "\n".join(n.text for n in notes100)
    for pattern in (r"MRN:\d", r"Dr\.[A-Z]", r"\b\d+yo\b", r"\(\d{3}\)\d{3}-\d{4}", r"DOB: ", r"s/p ", r"BP \d+/\d+"):
        assert re.search(pattern, text), pattern
    dates = [n.text[s.start : s.end] for n in notes100 for s in n.spans if s.label == "DATE"]
    shapes = {re.sub(r"[A-Za-z]+", "a", re.sub(r"\d", "9", d)) for d in dates}
    assert len(shapes) >= 12
    assert any(re.fullmatch(r"\d{4}-\d\d-\d\d", d) for d in dates)
    assert any(re.fullmatch(r"\d{1,2}(st|nd|rd|th) of [A-Z][a-z]+", d) for d in dates)
    ages = [int(n.text[s.start : s.end]) for n in notes600 for s in n.spans if s.label == "AGE" and n.text[s.start : s.end].isdigit()]
    assert max(ages) > 89
    doctors = {n.text[s.start : s.end] for n in notes100 for s in n.spans if s.label == "DOCTOR"}
    assert any("," in d for d in doctors) and any(d.isupper() and len(d) > 3 for d in doctors)


def test_variety_of_lines_and_openings(notes100):
    lines = [line for n in notes100 for line in _masked_lines(n)]
    prefixes = {" ".join(line.split()[:2]) for line in lines}
    assert len(set(lines)) > 1500
    assert len(prefixes) > 800
    kinds = Counter(n.meta["kind"] for n in notes100)
    assert {"discharge_summary", "progress_note", "clinic_letter"} <= set(kinds) and len(kinds) >= 5


# -- patients and files ------------------------------------------------------


def test_patients_have_several_consistent_notes(notes100):
    by_patient = defaultdict(list)
    for note in notes100:
        by_patient[note.patient_id].append(note)
    assert sum(len(v) >= 2 for v in by_patient.values()) >= len(by_patient) / 2
    for pid, notes in by_patient.items():
        assert [n.note_id for n in notes] == [f"{pid}-{i:02d}" for i in range(1, len(notes) + 1)]
        dates = [n.meta["record_date"] for n in notes]
        assert dates == sorted(dates)
        # one MRN per patient across all their notes (a worklist export lists other patients' MRNs,
        # and a scanned page may misread the digits)
        mrns = {n.text[s.start : s.end] for n in notes for s in n.spans if s.label == "MEDICALRECORD"
                and n.meta["kind"] != "csv_export" and n.meta["scanned"] == "false"}
        assert len(mrns) <= 1, pid


def test_file_names_and_readme(tmp_path):
    summary = write_corpus(tmp_path, 25, seed=9)
    names = sorted(p.name for p in tmp_path.glob("*.xml"))
    assert len(names) == 25 and all(NOTE_FILE.match(n) for n in names)
    assert summary["notes"] == 25
    assert summary["patients"] == len({NOTE_FILE.match(n).group(1) for n in names})
    assert summary["entities"] == sum(summary["per_type"].values())
    readme = (tmp_path / "README.txt").read_text()
    assert "SYNTHETIC" in readme and "no real patient data" in readme.lower()
    assert "seed: 9" in readme and "notes (N): 25" in readme


def test_only_generated_folders_count_as_synthetic(tmp_path):
    """The model card says SYNTHETIC from the data: a folder `synth` wrote, nothing else."""
    from spacy_medner.synth import is_synthetic_corpus

    write_corpus(tmp_path / "gen", 3, seed=1)
    assert is_synthetic_corpus(tmp_path / "gen")
    real = tmp_path / "real"
    real.mkdir()
    for note in (tmp_path / "gen").glob("*.xml"):
        (real / note.name).write_bytes(note.read_bytes())
    assert not is_synthetic_corpus(real)  # the same XML without the generator's README
    (real / "README.txt").write_text("i2b2 2014 release notes\nSYNTHETIC CLINICAL NOTES - NO REAL PATIENT DATA\n")
    assert not is_synthetic_corpus(real)  # the marker must be the first line
    assert not is_synthetic_corpus(tmp_path / "release.zip")


def test_fakers_are_built_once_per_locale(monkeypatch):
    """A deterministic stand-in for a wall-clock speed test: building a Faker is the slow step,
    so a corpus builds one per locale, never one per note or per name."""
    from spacy_medner.synth import surrogates

    built = []
    real = surrogates.Faker

    def counting(locale):
        built.append(locale)
        return real(locale)

    monkeypatch.setattr(surrogates, "Faker", counting)
    notes = list(generate_notes(300, seed=0))
    assert len(notes) == 300
    from spacy_medner.synth.foreign import LANGUAGES

    locales = {loc for loc, _ in surrogates.NAME_LOCALES} | {lang.locale for lang in LANGUAGES.values()}
    assert len(built) == len(set(built)) <= len(locales) + 1  # and en_US for the surrogates


# -- CLI ---------------------------------------------------------------------


def _app():
    import spacy_medner.cli.synth  # noqa: F401  (registers the command)
    from spacy_medner.cli.app import app

    return app


def test_cli_writes_corpus_and_prints_counts_only(tmp_path):
    out = tmp_path / "corpus"
    result = CliRunner().invoke(_app(), ["synth", str(out), "-n", "12", "--seed", "4"])
    assert result.exit_code == 0, result.output
    assert "12 SYNTHETIC notes" in result.output and "MEDICALRECORD" in result.output
    assert len(list(out.glob("*.xml"))) == 12 and (out / "README.txt").exists()
    surfaces = {n.text[s.start : s.end] for n in generate_notes(12, seed=4) for s in n.spans}
    leaked = [x for x in surfaces if len(x) > 5 and not x.isdigit() and x in result.output]
    assert not leaked  # no entity text in the summary


def test_cli_refuses_to_mix_corpora_unless_overwrite(tmp_path):
    runner, app = CliRunner(), _app()
    assert runner.invoke(app, ["synth", str(tmp_path), "-n", "10"]).exit_code == 0
    refused = runner.invoke(app, ["synth", str(tmp_path), "-n", "5", "--seed", "1"])
    assert refused.exit_code == 1 and "--overwrite" in refused.output
    assert len(list(tmp_path.glob("*.xml"))) == 10
    (tmp_path / "mine.txt").write_text("keep")
    done = runner.invoke(app, ["synth", str(tmp_path), "-n", "5", "--seed", "1", "--overwrite"])
    assert done.exit_code == 0, done.output
    assert len(list(tmp_path.glob("*.xml"))) == 5 and (tmp_path / "mine.txt").read_text() == "keep"


def test_cli_rejects_a_file_as_out_dir(tmp_path):
    target = tmp_path / "file.txt"
    target.write_text("x")
    result = CliRunner().invoke(_app(), ["synth", str(target), "-n", "3"])
    assert result.exit_code == 1 and "not a folder" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


# -- breadth: note kinds, styles, PHI forms, distractors ----------------------


@pytest.fixture(scope="module")
def notes600():
    return list(generate_notes(800, seed=21))


def _surfaces(notes, label):
    return [n.text[s.start : s.end] for n in notes for s in n.spans if s.label == label]


def test_all_note_kinds_appear(notes600):
    from spacy_medner.synth.notes import NOTE_KINDS

    kinds = Counter(n.meta["kind"] for n in notes600)
    assert set(kinds) == set(NOTE_KINDS) and len(kinds) >= 20
    # no kind dominates: the old templates are a minority of the corpus's notes
    assert max(kinds.values()) < 0.25 * len(notes600)


def test_upper_case_legacy_notes_keep_exact_offsets(notes600):
    upper = [n for n in notes600 if n.meta["case"] == "upper"]
    assert len(upper) >= 10
    for note in upper:
        letters = [ch for ch in note.text if ch.lower() != ch.upper()]  # cased letters (not CJK)
        assert sum(ch.isupper() for ch in letters) / len(letters) > 0.97
        misread = "l" if note.meta["scanned"] == "true" else ""  # OCR reads a 1 as l
        for s in note.spans:  # a letter whose upper case is longer (``ß``) stays, so offsets hold
            assert all(ch == ch.upper() or len(ch.upper()) > 1 or ch in misread for ch in note.text[s.start : s.end])


def test_terse_notes_have_lowercase_names_and_shorthand(notes600):
    terse = [n for n in notes600 if n.meta["kind"] in ("ed_triage", "nursing_note") and n.meta["case"] == "mixed"]
    assert len(terse) >= 10
    text = "\n".join(n.text for n in terse)
    for shorthand in ("c/o", "vss", "pt", "w/"):
        assert shorthand in text, shorthand
    names = [n.text[s.start : s.end] for n in terse for s in n.spans if s.label in ("PATIENT", "DOCTOR")]
    assert any(x.islower() and x.isalpha() for x in names)


def test_names_from_many_cultures_and_shapes(notes600):
    names = set(_surfaces(notes600, "PATIENT") + _surfaces(notes600, "DOCTOR"))
    joined = "\n".join(names)
    assert any("-" in x and x.replace("-", "").isalpha() for x in names)  # hyphenated
    assert "'" in joined  # O'Brien, D'Angelo
    assert re.search(r"\b(van|de la|del|bin|al-|Al|von|da|de)\b", joined)  # particles
    assert any(not x.isascii() for x in names) and any(x.isascii() for x in names)  # diacritics kept or folded
    words = {"Rose", "Hope", "Mark", "Bill", "Grant", "Young", "Park", "Will", "May", "Faith", "Joy", "Grace", "Stone", "King"}
    assert len(words & {w for x in names for w in x.replace(",", " ").split()}) >= 4


def test_contact_and_date_and_age_styles(notes600):
    phones = _surfaces(notes600, "PHONE") + _surfaces(notes600, "FAX")
    for pattern in (r"^\+1 \(\d{3}\) \d{3}-\d{4}$", r"^\d{3}\.\d{3}\.\d{4}$", r"^\d{10}$", r" (ext\.?|x)\s?\d+$", r"^x\d-\d{4}$", r"^\+44 "):
        assert any(re.search(pattern, x) for x in phones), pattern
    dates = _surfaces(notes600, "DATE")
    for pattern in (r"^\d\d\.\d\d\.\d{4}$", r"^\d{1,2} [A-Z][a-z]{2} \d{4}$", r"^[A-Z][a-z]{2} '\d\d$", r"^[A-Z][a-z]+ \d{1,2}(st|nd|rd|th)$",
                    r"^\d{1,2}/\d{1,2}$", r"^\d{4}-\d\d-\d\d$", r"^\d{4}/\d\d/\d\d$"):
        assert any(re.search(pattern, x) for x in dates), pattern
    text = "\n".join(n.text for n in notes600)
    for pattern in (r"aged \d", r"\d+ mo old|\d+-month-old|\d+ wk old", r"\b\d+ ?[MF]\b", r"years of age"):
        assert re.search(pattern, text), pattern
    ips = _surfaces(notes600, "IPADDR")
    assert any(":" in x for x in ips) and any(re.fullmatch(r"\d+\.\d+\.\d+\.\d+", x) for x in ips)
    assert len(_surfaces(notes600, "EMAIL")) >= 30 and len(_surfaces(notes600, "URL")) >= 20
    assert len({re.sub(r"\d", "9", x) for x in _surfaces(notes600, "SSN")}) >= 2


def test_layouts_tables_dictation_and_typos(notes600):
    text = "\n".join(n.text for n in notes600)
    assert re.search(r"^Transcribed by: |^TRANSCRIBED BY: |^DT: ", text, re.M)
    assert re.search(r"^\|? ?Test ?(\||\t|  )", text, re.M)  # a lab table
    assert "\t" in text
    letters = [n for n in notes600 if n.meta["kind"] == "outpatient_letter"]
    assert letters and any({"STREET", "ZIP", "PHONE", "FAX"} <= {s.label for s in n.spans} for n in letters)
    portal = "\n".join(n.text for n in notes600 if n.meta["kind"] == "portal_message")
    assert re.search(r"\b(alot|dont|im|u|pls|thx|becuase|realy|tommorow)\b", portal)


def test_distractors_are_not_annotated(notes600):
    found = 0
    for note in notes600:
        covered = bytearray(len(note.text))
        for s in note.spans:
            covered[s.start : s.end] = b"\x01" * (s.end - s.start)
        for pattern in (r"Parkinson disease", r"Foley catheter", r"Glasgow Coma Scale", r"Apgar", r"Hodgkin", r"Crohn disease",
                        r"\bINR \d\.\d", r"\b3/4 strength", r"\b2/6 (systolic )?murmur", r"\bPACU\b", r"Murphy sign", r"Hope to discharge"):
            for m in re.finditer(pattern, note.text, re.I):
                found += 1
                assert not any(covered[m.start() : m.end()]), (note.note_id, pattern)
    assert found >= 50


def test_typos_touch_only_literal_text():
    from spacy_medner.synth.phrases import typos

    text = "I don't think the medicine is working, I've had a lot of dizziness."
    assert typos(random.Random(1), text, 0.0) == text
    noisy = {typos(random.Random(seed), text, 0.05) for seed in range(20)}
    assert len(noisy) > 5 and typos(random.Random(3), text, 0.05) == typos(random.Random(3), text, 0.05)


def test_child_patients_get_pediatric_notes_and_parents(notes600):
    peds = [n for n in notes600 if n.meta["kind"] == "pediatric_note"]
    assert peds
    for note in peds:
        assert re.search(r"mother|father|mom|parents", note.text, re.I)
        # a scanned note's OCR misreads: "l4 y/o" is an age of 14
        read = {s: note.text[s.start : s.end].translate(str.maketrans("lIoO", "1100")) for s in note.spans if s.label == "AGE"}
        ages = [(int(text), note.text[s.end : s.end + 6].lower()) for s, text in read.items() if text.isdigit()]
        assert ages and any(n < 18 or unit.lstrip(" -").startswith(("mo", "wk", "week")) for n, unit in ages), ages
    # a child's family stays the same across the child's notes
    by_patient = defaultdict(set)
    for note in peds:
        m = re.search(r"^- (Mother|Father): ([^,\n]+)", note.text, re.M | re.I)
        if m and m.group(1).lower() == "mother":
            by_patient[note.patient_id].add(m.group(2).lower())
    assert all(len(v) == 1 for v in by_patient.values())


def test_third_parties_ids_units_and_addresses_abroad(notes600):
    """The shapes the hand-written notes showed the model had not seen: they are written and annotated whole."""
    from spacy_medner.synth.surrogates import THIRD_PARTY_KINDS

    orgs = _surfaces(notes600, "ORGANIZATION")
    kinds_seen = {k for k, words in THIRD_PARTY_KINDS.items() for x in orgs if x.lower().endswith(tuple(w.lower() for w in words))}
    assert len(kinds_seen) >= 6, kinds_seen
    assert len(set(orgs)) > 0.8 * len(orgs) and len(orgs) >= 300
    # a reference number carries its letter prefix inside the span, often the issuer's initials
    ids = _surfaces(notes600, "IDNUM")
    assert sum(bool(re.fullmatch(r"[A-Z]{1,4}\d*-[\dA-Z-]+", x)) for x in ids) >= 30
    initials = 0
    for note in notes600:
        for org, ref in zip(note.spans, note.spans[1:]):
            if org.label == "ORGANIZATION" and ref.label == "IDNUM":
                words = [w for w in note.text[org.start : org.end].replace("-", " ").split() if w[:1].isalpha()]
                initials += note.text[ref.start : ref.end].startswith("".join(w[0] for w in words).upper()[:4])
    assert initials >= 5
    streets = _surfaces(notes600, "STREET")
    assert any(re.search(r", (Suite|Ste\.?|Apt\.?|apt|Unit|Level|Floor) ?\w+$|, \d(st|nd|rd|th) Floor$", x) for x in streets)
    assert any(re.match(r"P\.?O\.? Box \d+", x) for x in streets)
    # relatives named by first name alone after the relation word
    text = "\n".join(n.text for n in notes600)
    assert re.search(r"\b(Grandma|Sister|Wife|Daughter|Brother) [A-Z][a-z]+ (watches|and|came|is)\b", text, re.I)
    # an address abroad: province or state and postcode on one line, the country on the next
    abroad = 0
    for note in notes600:
        for a, b in zip(note.spans, note.spans[1:]):
            if a.label == "ZIP" and b.label == "COUNTRY" and note.text[a.end : b.start] == "\n":
                abroad += 1
    assert abroad >= 3


def test_abbreviated_and_unnumbered_streets_brands_and_initials(notes600):
    """Set E's misses, as general forms: street suffixes as notes abbreviate them, a street named without its
    number, one-word brands and local businesses as employers or landmarks, "LAST, FIRST M" and "-- R.B."."""
    from spacy_medner.synth.surrogates import BRAND_TAILS, LOCAL_BUSINESSES

    streets = _surfaces(notes600, "STREET")
    abbreviated = sum(bool(re.search(r"(?i)\b(St|Ave|Dr|Ct|Ln|Rd|Blvd|Pl|Cir|Pkwy)\.?($|,|\*| (Apt|Suite|Ste|Unit|#))", x)) for x in streets)
    assert abbreviated >= 0.1 * len(streets), (abbreviated, len(streets))
    assert sum(not x[:1].isdigit() and not x.upper().startswith(("PO", "P.O", "RR")) for x in streets) >= 3
    orgs = _surfaces(notes600, "ORGANIZATION")
    assert sum(x.endswith(LOCAL_BUSINESSES) for x in orgs) >= 5
    assert sum(bool(re.fullmatch(r"[A-Z][a-z]+(" + "|".join(t + "|" + t.capitalize() for t in BRAND_TAILS) + ")", x)) for x in orgs) >= 3
    patients = _surfaces(notes600, "PATIENT")
    assert any(re.fullmatch(r"[A-Z' -]+, [A-Z' -]+ [A-Z]", x) for x in patients)
    doctors = _surfaces(notes600, "DOCTOR")
    assert any(re.fullmatch(r"([A-Z]\.){2,3}", x) for x in doctors)


def test_logs_of_initials_fill_histories_and_named_departments(notes600):
    """Set G's misses, as general forms: staff initials in a log's column and after a note to file,
    participants' initials in a screening log, prescribers as ``LAST F`` in a fill history; and
    generic departments (``Cardiology``) left unannotated while named units are DEPARTMENT."""
    from spacy_medner.lexicon import DEPARTMENTS

    def cells(note, label):
        return [(note.text[s.start : s.end], note.text[s.end : s.end + 1]) for s in note.spans if s.label == label]

    # initials at the end of a table row or a note to file
    line_end_initials = [x for n in notes600 for x, after in cells(n, "DOCTOR") if re.fullmatch(r"[A-Z]{2,3}", x) and after in ("\n", "")]
    assert len(line_end_initials) >= 10
    padded = [n for n in notes600 for s in n.spans if s.label == "DOCTOR" and re.search(r"^ \d\d:\d\d  .*\S {3,}$", n.text[: s.start].rsplit("\n", 1)[-1])]
    assert len(padded) >= 5  # a timed record's lines signed in a column (" 08:14  Time-out.      LFS")
    screening = [n for n in notes600 if re.search(r"Subj ID.*Init.*Age", n.text)]
    assert screening and all(any(re.fullmatch(r"[A-Z]{2,3}", x) for x, _ in cells(n, "PATIENT")) for n in screening)
    assert all(cells(n, "AGE") for n in screening)
    prescribers = [x for n in notes600 if "PRESCRIBER" in n.text for x, _ in cells(n, "DOCTOR")]
    assert sum(bool(re.fullmatch(r"[A-Z'-]+( [A-Z'-]+)* [A-Z]", x)) for x in prescribers) >= 3
    equipment = [n for n in notes600 if re.search(r"^Item.+Vendor", n.text, re.M)]
    assert equipment and all(cells(n, "ORGANIZATION") and cells(n, "DEVICE") for n in equipment)
    departments = _surfaces(notes600, "DEPARTMENT")
    generic = {d.lower() for d in DEPARTMENTS}
    assert len(departments) >= 20 and not [d for d in departments if d.lower() in generic]
    assert sum(any(re.search(rf"(^|\n){re.escape(d)}(\n|$)", n.text) for n in notes600) for d in DEPARTMENTS) >= 5


def test_hl7_messages_annotate_components_as_the_fixtures_do(notes600):
    """HL7 v2 prints: a name field is one span family name to middle initial, a timestamp one DATE span."""
    hl7 = [n for n in notes600 if n.meta["kind"] == "hl7_message"]
    assert len(hl7) >= 3
    for note in hl7:
        assert note.text.lstrip().split("\n")[0].startswith("MSH|") or "\nMSH|" in note.text
        spans = {(note.text[s.start : s.end], s.label) for s in note.spans}
        assert any(label == "PATIENT" and "^" in text for text, label in spans)
        assert any(label == "DATE" and re.fullmatch(r"\d{12}|\d{14}", text) for text, label in spans)
        assert not any(text.startswith("^") or text.endswith("^") for text, _ in spans)


def test_foreign_addresses_have_no_padded_parts():
    """Faker's en_IN has a city with a trailing space ("Khora "); a PHI surface must not carry it."""
    from spacy_medner.synth.surrogates import Surrogates

    sur = Surrogates(3, random.Random(3))
    parts = [part for _ in range(3000) for part in sur.foreign_address()]
    assert all(part == part.strip() for part in parts)
    sur._foreign_address = lambda: ("Khora ", " Uttar Pradesh", "110 001 ", "India")  # what Faker can hand back
    assert sur.foreign_address() == ("Khora", "Uttar Pradesh", "110 001", "India")


def test_letters_from_abroad_in_their_own_language(notes600):
    """Sets J and K held letters in German, Italian and Spanish: the generator writes such letters, with
    written dates in the language as one DATE span, titles and generic departments outside PHI, and the
    country's addresses and numbers as PHI."""
    from spacy_medner.synth.foreign import LANGUAGES
    from spacy_medner.synth.surrogates import initials_of

    letters = [n for n in notes600 if n.meta["kind"] == "foreign_letter"]
    assert len(letters) >= 8
    months = {m.lower(): code for code, lang in LANGUAGES.items() for m in lang.months}
    titles = {"Dr.", "Dr", "Dra.", "Dott.", "Dott.ssa", "Prof.", "Pr", "Docteur", "OA", "Sig.", "Sig.ra", "Herrn", "Frau", "Sr.", "Sra.", "M.", "Mme"}
    seen = set()
    for note in letters:
        spans = [(note.text[s.start : s.end], s.label) for s in note.spans]
        written = [t for t, label in spans if label == "DATE" and any(w.lower() in months for w in t.replace(".", " ").split())]
        seen |= {months[w.lower()] for t in written for w in t.replace(".", " ").split() if w.lower() in months}
        assert {"HOSPITAL", "PATIENT", "DOCTOR", "CITY", "ZIP", "DATE"} <= {label for _, label in spans}
        assert not [t for t, label in spans if label in ("DOCTOR", "PATIENT") and t.split()[0] in titles]
        for lang in LANGUAGES.values():
            assert not [t for t, _ in spans if t in lang.departments]
        # e-mail domains are plain ASCII letters and digits (``saintgilbertsurmer.example.org``), unless OCR misread them
        for t, label in spans:
            if label == "EMAIL" and note.meta["scanned"] == "false" and t.lower().startswith(("info@", "segreteria@", "sekretariat@", "contacto@", "secretariat@")):
                assert re.fullmatch(r"[a-z]+@[a-z0-9]+\.example\.org", t, re.IGNORECASE), t
        # a dictation reference's initials are its author's, hyphenated first names included
        doctors = [t for t, label in spans if label == "DOCTOR"]
        refs = [note.text[s.start : s.end] for s in note.spans if s.label == "DOCTOR" and note.text[s.end : s.end + 1] == "/"]
        for ref in refs:
            assert any(initials_of(d) == ref for d in doctors if " " in d), (ref, doctors)
    assert len(seen) >= 4  # written dates with a month name in at least four languages
    # running clinical text with no PHI: the sentences are in the letters and no span touches them
    from spacy_medner.synth.foreign import PROSE

    assert set(PROSE) == set(LANGUAGES)
    found = 0
    for note in letters:
        for sentence in (s for sentences in PROSE.values() for s in sentences):
            at = re.search(r"\s+".join(map(re.escape, sentence.split())), note.text)  # the letter may be wrapped
            if at:
                found += 1
                assert not [sp for sp in note.spans if sp.start < at.end() and at.start() < sp.end], sentence
    assert found >= len(letters)


def test_faker_values_do_not_depend_on_the_hash_seed():
    """Faker's it_IT keeps its cities in a list made from a set; the corpus must not follow PYTHONHASHSEED."""
    code = ("import random; from spacy_medner.synth.surrogates import Surrogates; "
            "f = Surrogates(0, random.Random(0)).faker('it_IT'); print([f.city() for _ in range(20)])")
    runs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": str(h)}).stdout for h in (1, 2)}
    assert len(runs) == 1


def test_machine_exports_and_forms(notes600, monkeypatch):
    """Sets F, K and M held X12, FHIR and CSV output and numbered forms: the generator writes them, with
    their PHI annotated by the yardstick's rules and their structure (segment ids, JSON keys, column
    names, item numbers, form revisions) left outside every span."""
    kinds = ("x12_eligibility", "fhir_patient", "csv_export", "numbered_form", "dicom_header", "ccda_document")
    by_kind = {k: [n for n in notes600 if n.meta["kind"] == k] for k in kinds}
    # each kind is 1.5-2.5% of notes, so 800 notes hold a handful of each (C-CDA fell from 12 to 2 when round
    # sixteen's letters shifted the random stream); two or more of each are checked below
    assert all(len(notes) >= 2 for notes in by_kind.values()), {k: len(v) for k, v in by_kind.items()}

    def covered(note, start, end):
        return any(s.start < end and start < s.end for s in note.spans)

    def span_at(note, start):
        return next((s for s in note.spans if s.start == start), None)

    for note in by_kind["x12_eligibility"]:
        segments = list(re.finditer(r"(?:^|~\n?)([A-Z][A-Z0-9]{1,2})\*", note.text, re.M))
        assert len(segments) >= 15
        assert not [m.group(1) for m in segments if covered(note, m.start(1), m.end(1))]
        name = re.search(r"NM1\*IL\*1\*([^*~]+(?:\*[^*~]+){0,2})", note.text)
        subscriber = span_at(note, name.start(1))
        assert subscriber is not None and subscriber.label == "PATIENT" and subscriber.end == name.end(1)
        dob = re.search(r"DMG\*D8\*(\d{8})", note.text)
        assert span_at(note, dob.start(1)).label == "DATE"
    for note in by_kind["fhir_patient"]:
        for key in re.finditer(r'"(\w+)":', note.text):
            assert not covered(note, key.start(1), key.end(1)), key.group(1)
        public = note.text.find("http://hl7.org/fhir/sid/us-ssn")
        assert public < 0 or not covered(note, public, public + 30)
        family = re.search(r'"family":\s"([^"]+)",\s"given":\s\[\s"([^"]+)"', note.text)
        assert [span_at(note, family.start(i)).label for i in (1, 2)] == ["PATIENT", "PATIENT"]
    named = logged = dumped = 0
    # the export's forms (a table with a "Last, First" column, an access log, a SQL dump) are checked on 30
    # more exports, so that each form is seen whatever share of 800 notes the random stream gives it
    for note in by_kind["csv_export"] + _notes_of_kind(monkeypatch, "csv_export", 30, 5):
        lines = note.text.split("\n")
        header = next(i for i, line in enumerate(lines) if re.search(r"(?i)\b(?:dob|mrn|lastname|firstname|provider|age|sex|phone|zip|visitdate|icd10|hba1c)\b", line))
        offset = sum(len(line) + 1 for line in lines[:header])
        assert not covered(note, offset, offset + len(lines[header]))
        assert covered(note, offset + len(lines[header]) + 1, offset + len(lines[header]) + 1 + len(lines[header + 1]))
        if re.search(r"(?i)\bpatientname\b", lines[header]):  # "Last, First" in one cell is one PATIENT span
            named += 1
            table_end = note.text.find("\n\n", offset)  # the table's rows, not a note line below it ("Son, Jared, at bedside")
            table = note.text[offset : table_end if table_end >= 0 else len(note.text)]
            for m in re.finditer(r"(?:^|[,|\t;])\"?([A-Z][\w'-]+, [A-Z][\w'-]+)\"?(?=[,|\t;]|$)", table, re.M):
                # one span; a provider column may hold a clinician's "ZHENG, JING" too
                cell = span_at(note, offset + m.start(1))
                assert cell.label in ("PATIENT", "DOCTOR") and cell.end == offset + m.end(1), m.group(1)
        if lines[header].startswith("INSERT INTO"):  # a database dump: every value's span starts after its quote
            dumped += 1
            end = note.text.index(");\n", offset) + 2
            rows = [sp for sp in note.spans if offset < sp.start < end]
            assert rows and all(note.text[sp.start - 1] == "'" for sp in rows)
            assert all(note.text[sp.end] in "' " for sp in rows)  # the quote, or the time of day after a date
            keys = list(re.finditer(r"(?m)^\((\d+),", note.text[offset:end]))  # row keys count up and are not PHI
            assert keys and not any(covered(note, offset + k.start(1), offset + k.end(1)) for k in keys)
            assert [int(k.group(1)) for k in keys] == sorted(int(k.group(1)) for k in keys)
        if re.search(r"(?i)\buserid\b", lines[header]):  # an access log: the time, then the login
            logged += 1
            start = offset + len(lines[header]) + 1
            for row in lines[header + 1 :]:
                login = re.split(r"[,|\t;]", re.sub(r"^\(\d+,", "", row))[1].strip("'\"") if row else "NULL"
                if login != "NULL":
                    break
                start += len(row) + 1
            assert span_at(note, start + row.index(login)).label == "USERNAME", row
    assert named and logged and dumped
    for note in by_kind["dicom_header"]:
        elements = list(re.finditer(r"(?m)^(\([0-9a-f]{4},[0-9a-f]{4}\) [A-Z]{2}) .*?(#\s+\d+, 1 \w+)$", note.text))
        assert len(elements) >= 20
        assert not [m.group(1) for m in elements if covered(note, m.start(1), m.end(1)) or covered(note, m.start(2), m.end(2))]
        name = re.search(r"\(0010,0010\) PN \[([^\]]+)\]", note.text)
        assert span_at(note, name.start(1)).label == "PATIENT" and span_at(note, name.start(1)).end == name.end(1)
        sop_class = re.search(r"\(0008,0016\) UI (=\w+)", note.text)
        assert not covered(note, sop_class.start(1), sop_class.end(1))
    for note in by_kind["ccda_document"]:
        for tag in re.finditer(r"</?([A-Za-z]+)", note.text):
            assert not covered(note, tag.start(1), tag.end(1)), tag.group(1)
        given = re.search(r"<patient>\s*<name use=\"L\"><given>([^<]+)</given><family>([^<]+)</family>", note.text)
        assert [span_at(note, given.start(i)).label for i in (1, 2)] == ["PATIENT", "PATIENT"]
        for phone in re.finditer(r'value="tel:([^"]+)"', note.text):
            assert re.fullmatch(r"\+1-\d{3}-\d{3}-\d{4}", phone.group(1)) and span_at(note, phone.start(1)).label == "PHONE"
        standard = note.text.find('root="2.16.840.1.113883.4.1"')
        assert standard < 0 or not covered(note, standard, standard + 28)
    for note in by_kind["numbered_form"]:
        items = list(re.finditer(r"(?m)^(\d{1,2})\. ", note.text))
        assert len(items) >= 10
        assert not [m.group(1) for m in items if covered(note, m.start(1), m.end(1))]
        rev = re.search(r"(?i)\(rev\. ([\dOlSB]{2}/[\dOlSB]{4})\)", note.text)  # scanned forms misread digits (O1/2018)
        assert rev and not covered(note, rev.start(1), rev.end(1))


def test_scanned_notes_carry_ocr_misreads(notes600):
    """Sets F, I and N held OCR text of scanned pages (``2O25``, ``V1LLALOBOS``): some notes are
    'scanned', their confusable characters misread one for one, PHI included, offsets unchanged."""
    scanned = [n for n in notes600 if n.meta["scanned"] == "true"]
    clean = [n for n in notes600 if n.meta["scanned"] == "false"]
    assert len(scanned) >= 10 and len(clean) > 10 * len(scanned)
    glued = re.compile(r"\d[OlSB]\d|[0-9][Oo][0-9]|\b[A-Z]+[015][A-Z]+\b")

    def misread_spans(notes):
        return [n.text[s.start : s.end] for n in notes for s in n.spans if glued.search(n.text[s.start : s.end])]

    assert len(misread_spans(scanned)) >= 5
    assert len(misread_spans(scanned)) / len(scanned) > 5 * len(misread_spans(clean)) / len(clean)
    for note in scanned:
        for s in note.spans:
            surface = note.text[s.start : s.end]
            assert surface and surface == surface.strip()


def test_store_numbers_and_log_style_names(notes600):
    """Sets M and N missed a pharmacy's store number (``Dillard Drug #0213``) and the initial of a
    paging log's ``HUGHES-ADEYEMI, D``: both forms are written, inside their spans."""
    from spacy_medner.synth.surrogates import Surrogates

    sur = Surrogates(0, random.Random(3))
    pharmacies = [sur.organization("pharmacy") for _ in range(300)]
    numbered = [x for x in pharmacies if re.search(r"(?i)(drugs?|pharmacy|apothecary|rx) #\d+$", x)]
    assert 0.15 < len(numbered) / len(pharmacies) < 0.45
    names = _surfaces(notes600, "DOCTOR") + _surfaces(notes600, "PATIENT")
    assert sum(bool(re.fullmatch(r"[A-Z'-]+(?: [A-Z'-]+)?, [A-Z]", x)) for x in names) >= 5
