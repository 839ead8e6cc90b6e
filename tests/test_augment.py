"""spacy-medner.ClinicalAugmenter.v1: case and whitespace/punctuation noise that keep the entities on their words."""
import random
import re

import pytest
import spacy
from spacy.tokens import Doc, DocBin
from spacy.training import Corpus, Example
from spacy.util import registry

from spacy_medner.augment import clinical_augmenter, create_clinical_augmenter, make_clinical_variant
from spacy_medner.synth import generate_notes

TEXT = "Seen by Dr. Smith on 3/4/22. Pt is a 72 yo man from Boston. BP 120/80.\nCall 617.555.0142 for results.\nFollow up in 2 weeks."
ENTS = [("Smith", "DOCTOR"), ("3/4/22", "DATE"), ("72", "AGE"), ("Boston", "CITY"), ("617.555.0142", "PHONE")]


@pytest.fixture(scope="module")
def nlp():
    return spacy.blank("en")


def _example(nlp, text=TEXT, ents=ENTS):
    doc = nlp.make_doc(text)
    spans, start = [], 0
    for surface, label in ents:
        i = text.index(surface, start)
        spans.append(doc.char_span(i, i + len(surface), label=label))
        start = i + len(surface)
    assert all(spans)
    doc.ents = spans
    return Example(nlp.make_doc(text), doc)


def _ents(example):
    return [(e.text, e.label_) for e in example.reference.ents]


def test_registered_and_resolvable():
    cfg = {"aug": {"@augmenters": "spacy-medner.ClinicalAugmenter.v1", "level": 0.5, "lower": 0.2, "upper": 0.2}}
    aug = registry.resolve(cfg)["aug"]
    assert callable(aug)
    with pytest.raises(ValueError):
        create_clinical_augmenter(level=1.5)
    with pytest.raises(ValueError):
        create_clinical_augmenter(lower=0.7, upper=0.5)


@pytest.mark.parametrize("case", [None, "lower", "upper"])
@pytest.mark.parametrize("seed", range(5))
def test_entities_stay_on_the_same_words(nlp, case, seed):
    eg = _example(nlp)
    variant = make_clinical_variant(nlp, eg, case=case, whitespace=0.5, drop_period=1.0, rng=random.Random(seed))
    recase = {None: str, "lower": str.lower, "upper": str.upper}[case]
    assert _ents(variant) == [(recase(t), label) for t, label in ENTS]
    text = variant.reference.text
    assert variant.predicted.text == text
    for ent in variant.reference.ents:  # the entity's characters are where its tokens are
        assert text[ent.start_char : ent.end_char] == ent.text
    # the alignment spaCy trains on still finds every entity
    aligned = variant.get_aligned_ner()
    assert sum(tag.startswith(("B-", "U-")) for tag in aligned if tag) == len(ENTS)


def test_noise_only_outside_entities(nlp):
    eg = _example(nlp)
    variant = make_clinical_variant(nlp, eg, whitespace=1.0, drop_period=1.0, rng=random.Random(0))
    text = variant.reference.text
    assert "  " in text  # extra spaces were inserted
    assert "3/4/22." not in text and "results.\n" not in text and not text.endswith(".")  # trailing periods dropped
    assert re.search(r"Dr\. +Smith", text)  # "Dr." is one token, not a trailing period
    assert "617.555.0142" in text and re.search(r"BP +120/80", text)
    # the words are the same, only spacing and trailing periods changed
    assert text.split() == [t.rstrip(".") if t.endswith(".") and t != "Dr." else t for t in TEXT.split()]


def test_missing_annotation_stays_missing(nlp):
    words = ["Dr.", "Smith", "saw", "her", "today", "."]
    doc = Doc(nlp.vocab, words=words, spaces=[True, True, True, True, False, False], ents=["O", "B-DOCTOR", None, None, "O", "O"])
    eg = Example(nlp.make_doc(doc.text), doc)
    variant = make_clinical_variant(nlp, eg, case="upper", whitespace=1.0, drop_period=1.0, rng=random.Random(1))
    iobs = [(t.text, t.ent_iob_) for t in variant.reference if not t.is_space]
    assert ("SMITH", "B") in iobs and ("SAW", "") in iobs and ("HER", "") in iobs
    # no space was inserted next to tokens whose annotation is missing
    assert "SAW HER" in variant.reference.text


def test_yields_original_or_variant_like_spacy_augmenters(nlp):
    eg = _example(nlp)
    random.seed(0)
    assert list(clinical_augmenter(nlp, eg, level=0.0)) == [eg]
    out = list(clinical_augmenter(nlp, eg, level=1.0, lower=1.0, upper=0.0))
    assert len(out) == 1 and out[0] is not eg and out[0].reference.text == out[0].reference.text.lower()
    both = list(clinical_augmenter(nlp, eg, level=1.0, lower=0.0, upper=1.0, keep_original=True))
    assert len(both) == 2 and both[0] is eg and both[1].reference.text == both[1].reference.text.upper()
    assert [label for _, label in _ents(both[1])] == [label for _, label in ENTS]


def test_level_zero_draws_no_random_number(nlp):
    """The accuracy config carries the augmenter at level 0: training must then be exactly as
    with no augmenter, so the shared random stream (spaCy's shuffling) is not advanced."""
    eg = _example(nlp)
    random.seed(3)
    expected = random.random()
    random.seed(3)
    assert list(clinical_augmenter(nlp, eg, level=0.0)) == [eg]
    assert random.random() == expected


def test_tags_and_sentence_starts_are_carried_over(nlp):
    words = ["Pt", "seen", "by", "Dr.", "Lee", ".", "Stable", "."]
    doc = Doc(nlp.vocab, words=words, spaces=[True, True, True, True, False, True, False, False],
              tags=["NN", "VBN", "IN", "NNP", "NNP", ".", "JJ", "."], sent_starts=[True, False, False, False, False, False, True, False],
              ents=["O", "O", "O", "O", "B-DOCTOR", "O", "O", "O"])
    eg = Example(nlp.make_doc(doc.text), doc)
    variant = make_clinical_variant(nlp, eg, case="lower", drop_period=1.0, rng=random.Random(0))
    ref = variant.reference
    assert [e.text for e in ref.ents] == ["lee"]
    assert [t.tag_ for t in ref if t.text == "lee"] == ["NNP"]
    assert [t.is_sent_start for t in ref if t.text == "stable"] == [True]


def test_synthetic_notes_through_a_corpus_reader(nlp, tmp_path):
    docs, originals = [], []
    for note in generate_notes(6, seed=2):
        doc = nlp.make_doc(note.text)
        spans = [doc.char_span(s.start, s.end, label=s.label, alignment_mode="contract") for s in note.spans]
        doc.ents = [s for s in spans if s is not None and len(s)]
        docs.append(doc)
        originals.append([(e.label_, e.text.lower()) for e in doc.ents])
    path = tmp_path / "train.spacy"
    DocBin(docs=docs).to_disk(path)
    aug = create_clinical_augmenter(level=1.0, lower=0.5, upper=0.5, whitespace=0.2, drop_period=0.5)
    random.seed(3)
    examples = list(Corpus(path, augmenter=aug)(nlp))
    assert len(examples) == len(docs)
    for eg, original in zip(examples, originals):
        assert [(e.label_, e.text.lower()) for e in eg.reference.ents] == original
        assert eg.predicted.text == eg.reference.text
