"""Data plumbing of the peer benchmark (benchmarks/): CoNLL reading, spaCy conversion, first-subtoken
label alignment, word-tag to char-span decoding and strict scoring, budget arithmetic. No training."""
import json
import sys
from pathlib import Path

import pytest
from spacy.tokens import Doc
from spacy.vocab import Vocab

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCH))

import bench_data as bd  # noqa: E402
import compare  # noqa: E402

CONLL = (
    "-DOCSTART-\tO\n\n"
    "Aspirin\tB-Chemical\ncauses\tO\nacute\tB-Disease\nrenal\tI-Disease\nfailure\tI-Disease\n.\tO\n\n"
    "No\tO\nrash\tB-Disease\n.\tO\n\n"
    "Cisplatin\tB-Chemical\nnephrotoxicity\tB-Disease\n\n"
)


@pytest.fixture()
def conll_file(tmp_path: Path) -> Path:
    path = tmp_path / "train.tsv"
    path.write_text(CONLL, encoding="utf8")
    return path


def test_read_conll_sentences_labels_and_counts(conll_file: Path) -> None:
    sents = bd.read_conll(conll_file)
    assert [w for w, _ in sents] == [["Aspirin", "causes", "acute", "renal", "failure", "."], ["No", "rash", "."],
                                     ["Cisplatin", "nephrotoxicity"]]
    assert sents[0][1] == ["B-Chemical", "O", "B-Disease", "I-Disease", "I-Disease", "O"]
    assert bd.entity_labels(sents) == ["Chemical", "Disease"]
    assert bd.iob_tag_list(["Chemical", "Disease"]) == ["O", "B-Chemical", "I-Chemical", "B-Disease", "I-Disease"]
    assert bd.count_words(sents) == 11


def test_read_conll_rejects_bad_lines_naming_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text("Aspirin\tB-Chemical\nlonely\n", encoding="utf8")
    with pytest.raises(bd.ConllFormatError, match=r"bad.tsv:2"):
        bd.read_conll(bad)
    bad.write_text("Aspirin\tX-Chemical\n", encoding="utf8")
    with pytest.raises(bd.ConllFormatError, match=r"bad.tsv:1: tag 'X-Chemical'"):
        bd.read_conll(bad)


def test_write_then_read_round_trip(conll_file: Path, tmp_path: Path) -> None:
    sents = bd.read_conll(conll_file)
    out = tmp_path / "copy.tsv"
    bd.write_conll(sents[:2], out)
    assert bd.read_conll(out) == sents[:2]
    assert "\t" in out.read_text().splitlines()[0]


def _rewritten(conll_file: Path, tmp_path: Path) -> Path:
    """What compare.py converts: the sentences re-written (drops -DOCSTART-, which spaCy's converter
    only recognises as `-DOCSTART- -X- O O` and would otherwise keep as a word)."""
    out = tmp_path / "rewritten.tsv"
    bd.write_conll(bd.read_conll(conll_file), out)
    return out


def test_spacy_converter_reads_tab_separated_lines(conll_file: Path, tmp_path: Path) -> None:
    out = bd.spacy_convert(_rewritten(conll_file, tmp_path), tmp_path / "corpus", n_sents=10)
    docs = bd.load_docs(out)
    assert len(docs) == 1  # three sentences grouped into one doc
    doc = docs[0]
    assert [len(s) for s in doc.sents] == [6, 3, 2]
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("Aspirin", "Chemical"), ("acute renal failure", "Disease"), ("rash", "Disease"),
        ("Cisplatin", "Chemical"), ("nephrotoxicity", "Disease")]


def test_first_subtoken_alignment() -> None:
    # [CLS] As ##pi ##rin causes [SEP]  -> words 0,0,0,1
    word_ids = [None, 0, 0, 0, 1, None]
    assert bd.align_first_subtoken(word_ids, [1, 0]) == [-100, 1, -100, -100, 0, -100]
    # consecutive words keep their own labels even when identical
    assert bd.align_first_subtoken([None, 0, 1, 1, 2, None], [3, 4, 4]) == [-100, 3, 4, -100, 4, -100]
    preds = [9, 1, 2, 2, 0, 9]
    assert bd.first_subtoken_predictions(word_ids, preds, 2) == [1, 0]
    # a word lost to truncation is predicted outside
    assert bd.first_subtoken_predictions([None, 0, None], [9, 3, 9], 2, outside=0) == [3, 0]


def test_alignment_with_real_fast_tokenizer() -> None:
    transformers = pytest.importorskip("transformers")
    from spacy_medner.layers.transformer import resolve_transformer_name

    tok = transformers.AutoTokenizer.from_pretrained(str(resolve_transformer_name("bundled")), use_fast=True)
    words = ["Cisplatin", "nephrotoxicity", "."]
    enc = tok(words, is_split_into_words=True)
    labels = bd.align_first_subtoken(enc.word_ids(), [1, 3, 0])
    kept = [lab for lab in labels if lab != -100]
    assert kept == [1, 3, 0]
    assert labels[0] == -100 and labels[-1] == -100
    assert len(labels) > len(words) + 2  # the medical words split into several pieces


def _gold_docs(conll_file: Path, tmp_path: Path):
    return bd.load_docs(bd.spacy_convert(_rewritten(conll_file, tmp_path), tmp_path / "corpus"))


def test_scoring_hand_computed(conll_file: Path, tmp_path: Path) -> None:
    gold = _gold_docs(conll_file, tmp_path)
    predicted_tags = [
        ["B-Chemical", "O", "B-Disease", "I-Disease", "O", "O"],  # Disease boundary wrong: 1 FP + 1 FN
        ["O", "I-Disease", "O"],  # stray I- starts an entity (conlleval style): TP
        ["B-Disease", "B-Disease"],  # Cisplatin labelled Disease: FP Disease + FN Chemical; TP Disease
    ]
    pred = bd.docs_with_predicted_tags(gold, predicted_tags)
    assert [(e.text, e.label_) for e in pred[0].ents] == [
        ("Aspirin", "Chemical"), ("acute renal", "Disease"), ("rash", "Disease"),
        ("Cisplatin", "Disease"), ("nephrotoxicity", "Disease")]
    scores = bd.score_entities(pred, gold)
    # TP = Aspirin, rash, nephrotoxicity = 3; predicted 5, gold 5
    assert scores["p"] == 60.0 and scores["r"] == 60.0 and scores["f"] == 60.0
    # Chemical: TP 1, FP 0, FN 1 -> P 100, R 50, F 66.67; Disease: TP 2, FP 2, FN 1 -> P 50, R 66.67, F 57.14
    assert scores["per_label"]["Chemical"] == {"p": 100.0, "r": 50.0, "f": 66.67}
    assert scores["per_label"]["Disease"] == {"p": 50.0, "r": 66.67, "f": 57.14}
    assert scores["predicted_spans_off_gold_token_boundaries"] == 0
    # same tokens: the char-span scorer agrees with the Scorer
    chars = scores["char_spans"]
    assert (chars["p"], chars["r"], chars["f"]) == (60.0, 60.0, 60.0)
    assert chars["per_label"]["Disease"] == {"p": 50.0, "r": 66.67, "f": 57.14}


def test_scoring_counts_predictions_off_gold_boundaries(conll_file: Path, tmp_path: Path) -> None:
    gold = _gold_docs(conll_file, tmp_path)
    vocab = gold[0].vocab
    text = gold[0].text
    words = text.replace("Aspirin", "Asp irin", 1).split(" ")
    words = [w for w in words if w]
    doc = Doc(vocab, words=words)
    doc.ents = [doc.char_span(0, 3, label="Chemical")]  # "Asp": inside the gold token "Aspirin"
    scores = bd.score_entities([doc], gold)
    assert scores["predicted_spans_off_gold_token_boundaries"] == 1
    assert scores["r"] == 0.0
    # the Scorer drops the misaligned prediction (no false positive); the char-span scorer counts it
    assert scores["p"] == 0.0
    assert scores["char_spans"]["p"] == 0.0 and scores["char_spans"]["per_label"]["Chemical"]["p"] == 0.0
    assert scores["char_spans"]["per_label"]["Disease"]["r"] == 0.0


def test_predicted_tags_must_match_sentence_lengths(conll_file: Path, tmp_path: Path) -> None:
    gold = _gold_docs(conll_file, tmp_path)
    with pytest.raises(ValueError, match="sentence 1"):
        bd.docs_with_predicted_tags(gold, [["O"] * 6, ["O"] * 2, ["O"] * 2])
    with pytest.raises(ValueError, match="predicted sentences"):
        bd.docs_with_predicted_tags(gold, [["O"] * 6, ["O"] * 3, ["O"] * 2, ["O"]])


def test_budget_arithmetic_and_training_timer(tmp_path: Path) -> None:
    vocab = Vocab()
    docs = [Doc(vocab, words=["w"] * n) for n in (100, 100, 100, 300)]
    # padded size 500: the 300-word doc alone, then the three 100-word docs together
    assert compare.spacy_steps_per_epoch(docs, 500) == 2
    assert compare.spacy_steps_per_epoch(docs, 150) == 4
    timing = tmp_path / "t.jsonl"
    timing.write_text("\n".join(json.dumps(r) for r in [
        {"event": "update", "t": 10.0, "step": 0, "epoch": 0}, {"event": "save", "t": 11.0},
        {"event": "update", "t": 12.0, "step": 1, "epoch": 1}, {"event": "save", "t": 40.5}]))
    assert compare.training_seconds(timing) == {"train_seconds": 30.5, "steps": 2, "epochs_started": 2}


def test_targets_and_markdown() -> None:
    results = {
        "corpus": "toy", "data": {"labels": ["Disease"]},
        "systems": {"medner": {"eval": {"scorer": {"p": 80.0, "r": 80.0, "f": 80.0, "per_label": {}}}},
                    "ner": {"eval": {"scorer": {"f": 79.5}}}, "hf": {"eval": {"scorer": {"f": 78.0}}}},
        "speed": {"ratio_medner_vs_hf_pipeline": 1.2, "ratio_medner_vs_ner": 1.1, "crf_share_by_subtraction": 0.03},
    }
    states = {t["target"]: t["state"] for t in compare.targets(results)}
    assert states["medner F1 >= spaCy ner F1 + 1.0"] == "missed"  # 80.0 < 80.5
    assert states["medner F1 >= HF F1"] == "met"
    assert states["medner inference >= 1.5x HF pipeline words/s"] == "missed"
    assert states["medner inference >= 1.0x spaCy ner words/s"] == "met"
    assert states["CRF head < 5% of medner inference time"] == "met"
    results["targets"] = compare.targets(results)
    table = compare.markdown(results)
    assert "| medner | 80.0 | 80.0 | 80.0 | – | – |" in table
    assert "missed" in table


def test_compare_cli_requires_data() -> None:
    with pytest.raises(SystemExit):
        compare.parse_args([])
    args = compare.parse_args(["--train", "a.tsv", "--dev", "b.tsv"])
    assert args.epochs == 2 and args.systems == "medner,ner,hf"
