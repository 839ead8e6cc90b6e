"""The encoder's transliterated input (spacy_medner.layers.transliterate): offsets, word pieces,
the ``transliterate`` setting in a pipeline, and its trip through packaging and disk.

Every name and number below is SYNTHETIC.
"""
from pathlib import Path

import numpy
import pytest
import spacy
from anyascii import anyascii
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.training import Example
from spacy_transformers.layers.transformer_model import TransformerModel, huggingface_tokenize
from thinc.api import fix_random_seed
from transformers import AutoTokenizer

from spacy_medner.layers import transliterate as translit
from spacy_medner.layers.transformer import resolve_transformer_name
from spacy_medner.packaging import make_self_contained

BENGALI = "রোগীর নাম: রাবেয়া সুলতানা, বয়স ৪৪ বছর"
AMHARIC = "የታካሚ ስም፡ ወ/ሮ ትዕግሥት አለሙ፤ ዕድሜ 61።"
MIXED = "Pt Иван Петров, tel 555-0142, seen in Beržų g. 14 — 王小明 follow-up."
ASCII = "Patient Maria Keller, MRN 4417-22, seen on 03/04/2026."


@pytest.fixture(scope="module")
def tokenizer():
    return AutoTokenizer.from_pretrained(resolve_transformer_name("bundled"))


def test_ascii_and_latin_text_is_left_to_the_tokenizer():
    assert translit.transliterate(ASCII) == (ASCII, None)
    latin = "Beržų g. 14-3, Ąžuolgiris — Müller, 38.5 °C ± 0.2"
    assert translit.transliterate(latin) == (latin, None)
    # number signs that are not ASCII digits are numbers to the encoder too
    assert translit.transliterate("½ tab")[0] == "1/2 tab"


def test_other_scripts_become_ascii_letters_and_digits():
    text, origin = translit.transliterate("৪৪ Петров, ዕድሜ")
    assert text == "44 Petrov, `dme"
    assert origin[:2] == [0, 1] and text[origin.index(3):].startswith("Petrov")


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40))
@settings(max_examples=300, deadline=None)
def test_every_output_character_comes_from_one_input_character(text):
    out, origin = translit.transliterate(text)
    if origin is None:
        assert out == text
        return
    assert len(origin) == len(out)
    assert origin == sorted(origin) and all(0 <= i < len(text) for i in origin)
    # the characters that came from input character i are its replacement (or itself)
    for i, char in enumerate(text):
        produced = "".join(out[k] for k, j in enumerate(origin) if j == i)
        replacement = translit._replacement(char)
        assert produced == (char if replacement is None else replacement)


def test_ascii_texts_tokenize_exactly_as_upstream(tokenizer):
    ours = translit.tokenize(tokenizer, [ASCII, "short one"])
    theirs = huggingface_tokenize(tokenizer, [ASCII, "short one"])
    for key in ("input_ids", "attention_mask", "offset_mapping"):
        numpy.testing.assert_array_equal(ours[key], theirs[key])


@pytest.mark.parametrize("text", [BENGALI, AMHARIC, MIXED])
def test_word_piece_offsets_point_at_the_original_characters(tokenizer, text):
    encoding = translit.tokenize(tokenizer, [text])
    pieces = encoding["input_texts"][0]
    offsets = encoding["offset_mapping"][0]
    covered = set()
    for piece, (start, end) in zip(pieces, offsets):
        if piece in tokenizer.all_special_tokens:
            continue
        assert 0 <= start < end <= len(text)
        # the piece is (part of) the transliteration of the original characters it points at
        piece = piece.removeprefix("##")
        assert piece in anyascii(text[start:end]).lower() or piece in text[start:end].lower()
        covered.update(range(start, end))
    # every letter and digit of the original is read by some word piece
    assert all(i in covered for i, c in enumerate(text) if c.isalnum())


def test_a_slow_tokenizer_reads_the_text_as_it_is():
    slow = AutoTokenizer.from_pretrained(resolve_transformer_name("bundled"), use_fast=False)
    ours = translit.tokenize(slow, [AMHARIC])
    theirs = huggingface_tokenize(slow, [AMHARIC])
    numpy.testing.assert_array_equal(ours["input_ids"], theirs["input_ids"])


def test_amharic_reaches_the_encoder_as_words_not_unknowns(tokenizer):
    upstream = huggingface_tokenize(tokenizer, [AMHARIC])["input_texts"][0]
    ours = translit.tokenize(tokenizer, [AMHARIC])["input_texts"][0]
    assert upstream.count("[UNK]") >= 8
    # only the Ethiopic word space, which has no ASCII reading, stays unknown
    assert ours.count("[UNK]") == AMHARIC.count("፡")
    assert "." in ours and ";" in ours  # the Ethiopic full stop and semicolon


# -- in a pipeline ---------------------------------------------------------------------

#: SYNTHETIC training sentences.
TRAIN = [
    ("Patient Maria Keller was seen by Dr. Chen.", [(8, 20, "PATIENT"), (37, 41, "DOCTOR")]),
    ("রোগীর নাম রাবেয়া সুলতানা, ডা. শাহনাজ দেখেছেন।", [(10, 25, "PATIENT"), (31, 37, "DOCTOR")]),
    ("የታካሚ ስም ትዕግሥት አለሙ ነው።", [(8, 17, "PATIENT")]),
]


def build(bert: Path, transliterate: bool):
    nlp = spacy.blank("en")
    nlp.add_pipe(
        "transformer",
        config={
            "model": {
                "@architectures": "spacy-medner.TransformerModel.v2",
                "name": str(bert),
                "transliterate": transliterate,
                "get_spans": {"@span_getters": "spacy-transformers.strided_spans.v1", "window": 64, "stride": 48},
            }
        },
    )
    nlp.add_pipe("medner", config={"use_patterns": False})
    return nlp


def encoder_output(nlp, texts):
    node = next(n for n in nlp.get_pipe(nlp.pipe_names[0]).model.walk() if isinstance(n, TransformerModel))
    return node.predict([nlp.make_doc(t) for t in texts])


@pytest.fixture(scope="module")
def bert(tmp_path_factory, make_tiny_bert) -> Path:
    return make_tiny_bert(tmp_path_factory.mktemp("tl_bert") / "bert", seed=0)


@pytest.fixture(scope="module")
def trained(tmp_path_factory, bert) -> Path:
    fix_random_seed(0)
    nlp = build(bert, transliterate=True)
    examples = [Example.from_dict(nlp.make_doc(t), {"entities": e}) for t, e in TRAIN]
    nlp.initialize(get_examples=lambda: examples)
    optimizer = nlp.create_optimizer()
    for _ in range(10):
        nlp.update(examples, sgd=optimizer)
    path = tmp_path_factory.mktemp("tl_trained") / "model"
    nlp.to_disk(path)
    return path


def test_the_setting_changes_other_scripts_only(bert):
    on, off = build(bert, True), build(bert, False)
    for nlp in (on, off):
        nlp.get_pipe("medner").add_label("PATIENT")
        nlp.initialize()
    ascii_on, ascii_off = encoder_output(on, [ASCII]), encoder_output(off, [ASCII])
    numpy.testing.assert_array_equal(ascii_on.wordpieces.input_ids, ascii_off.wordpieces.input_ids)
    numpy.testing.assert_allclose(
        ascii_on.model_output.last_hidden_state, ascii_off.model_output.last_hidden_state, atol=1e-6
    )
    amharic_on, amharic_off = encoder_output(on, [AMHARIC]), encoder_output(off, [AMHARIC])
    assert "[UNK]" in amharic_off.wordpieces.strings[0]
    assert amharic_on.wordpieces.strings[0].count("[UNK]") == AMHARIC.count("፡")
    # every spaCy token that is not a space is aligned to at least one word piece
    doc = on.make_doc(AMHARIC)
    lengths = amharic_on.align.lengths
    assert all(lengths[t.i] > 0 for t in doc if not t.is_space)


def entities_and_scores(nlp):
    docs = list(nlp.pipe([t for t, _ in TRAIN]))
    entities = [[(e.start_char, e.end_char, e.label_) for e in d.ents] for d in docs]
    return entities, numpy.concatenate([numpy.asarray(list(d.spans["medner"].attrs["scores"])) for d in docs])


def test_the_setting_survives_packaging_and_disk(trained, tmp_path):
    before, scores = entities_and_scores(spacy.load(trained))
    contained = make_self_contained(trained)
    arch = contained.config["components"]["medner"]["model"]["tok2vec"]
    assert arch["@architectures"] == "spacy-medner.Tok2VecTransformer.v1" and arch["transliterate"] is True
    contained.to_disk(tmp_path / "pkg")
    reloaded = spacy.load(tmp_path / "pkg")
    node = next(n for n in reloaded.get_pipe("medner").model.walk() if isinstance(n, TransformerModel))
    assert node._func is translit.forward
    assert encoder_output(reloaded, [AMHARIC]).wordpieces.strings[0].count("[UNK]") == AMHARIC.count("፡")
    after, reloaded_scores = entities_and_scores(reloaded)
    assert after == before
    numpy.testing.assert_allclose(reloaded_scores, scores, atol=1e-5)
