"""Label shapes: which tokens may be decoded as IPADDR, EMAIL or URL."""
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from spacy.tokens import DocBin
from typer.testing import CliRunner

from spacy_medner.cli import app
from spacy_medner.pipeline.shapes import LABEL_SHAPES, shape_permissions
from spacy_medner.tokenizer import clinical_nlp

OOD_NOTES = Path(__file__).parent / "fixtures" / "ood_notes"

LABELS = ["DOCTOR", "IPADDR", "EMAIL", "URL"]


@pytest.fixture(scope="module")
def nlp():
    return clinical_nlp()


def _allowed(nlp, text, label):
    doc = nlp(text)
    return [t.text for t, ok in zip(doc, shape_permissions(doc, LABELS)[label]) if ok]


def test_only_labels_with_a_shape_are_constrained(nlp):
    assert set(shape_permissions(nlp("Dr. Alvarez"), LABELS)) == {"IPADDR", "EMAIL", "URL"}


@pytest.mark.parametrize(
    "text,label,value",
    [
        ("from 203.0.113.58 at noon", "IPADDR", "203.0.113.58"),
        ("host 2001:db8:4c1::2e up", "IPADDR", "2001:db8:4c1::2e"),
        ("src 38.158.1.l34 (OCR)", "IPADDR", "38.158.1.l34"),  # letters OCR read for digits
        ("src 1.186.B1.221 (OCR)", "IPADDR", "1.186.B1.221"),
        ("mail kfairweather@brightwater-cri.example.org today", "EMAIL", "kfairweather@brightwater-cri.example.org"),
        ("lookup?email=rlbaez49%40example.net HTTP", "EMAIL", "rlbaez49%40example.net"),
        ("see https://visit.example/join/7QK-42M-XP9 now", "URL", "https://visit.example/join/7QK-42M-XP9"),
        ("see valleyoakhealth.org/telehealth-help now", "URL", "valleyoakhealth.org/telehealth-help"),
    ],
)
def test_every_token_of_an_instance_is_allowed(nlp, text, label, value):
    doc = nlp(text)
    start = text.index(value)
    span = doc.char_span(start, start + len(value), alignment_mode="expand")
    allowed = shape_permissions(doc, LABELS)[label]
    assert all(allowed[t.i] for t in span)


@pytest.mark.parametrize(
    "text,label",
    [
        ("Δύσπνοια προοδευτικά επιδεινούμενη, οιδήματα κάτω άκρων", "IPADDR"),
        ("0 @I1@ INDI\n1 FAMC @F1@\n1 FAMS @F4@", "EMAIL"),
        ("[nc@32473 room=7418] Staff presence ON", "EMAIL"),
        ("Kuume, yskä ja hengenahdistus", "URL"),
        ("BP 120/80, HR 72, pain 3/10", "IPADDR"),
    ],
)
def test_text_without_the_shape_allows_nothing(nlp, text, label):
    assert _allowed(nlp, text, label) == []


def test_only_the_address_itself_may_be_an_ip_address(nlp):
    assert _allowed(nlp, "login jfallon @ 10.60.3.21 port 5432 at 10:42", "IPADDR") == ["10.60.3.21"]


@pytest.mark.slow
def test_every_gold_entity_of_the_fixture_notes_fits_its_shape(nlp, tmp_path):
    """The shapes were written to hold for every instance in every hand-written set."""
    out = tmp_path / "ood.spacy"
    result = CliRunner().invoke(app, ["convert", str(OOD_NOTES), str(out), "--format", "i2b2-2014"])
    assert result.exit_code == 0, result.output
    checked = 0
    for gold in DocBin().from_disk(out).get_docs(nlp.vocab):
        doc = nlp.make_doc(gold.text)
        allowed = shape_permissions(doc, list(LABEL_SHAPES))
        for ent in gold.ents:
            if ent.label_ in LABEL_SHAPES:
                span = doc.char_span(ent.start_char, ent.end_char, alignment_mode="expand")
                assert all(allowed[ent.label_][t.i] for t in span), ent.label_
                checked += 1
    assert checked > 100


@given(st.text(alphabet="ab1-_.@:/ %40", max_size=60))
@example("1a://x")
@example("..ab.ab")
def test_email_and_url_shapes_start_only_where_a_word_does(text):
    """So a long unbroken run of characters is scanned once, not once per position."""
    for label in ("EMAIL", "URL"):
        for match in LABEL_SHAPES[label].finditer(text):
            before = text[match.start() - 1] if match.start() else " "
            assert not (before.isalnum() or before in "_-.")
