"""Tests of spacy_medner.evaluation and the ``evaluate`` command (hand-computed cases)."""
import json
import re
from typing import List, Sequence, Tuple

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.tokens import Doc, DocBin
from typer.testing import CliRunner

from spacy_medner.evaluation import (
    CharSpan,
    doc_entities,
    errors_html,
    compare_docs,
    evaluate_model,
    map_gold_docs,
    relaxed_match,
    score_docs,
    strict_match,
    write_reports,
)

Ents = Sequence[Tuple[int, int, str]]
NLP = spacy.blank("en")
TEXT = "Seen 2020-01-02 by Dr Jones at Mercy in Boston."
# offsets: DATE 5-15, Dr 19-21, Jones 22-27, Mercy 31-36, Boston 40-46


def gold_doc(text: str, ents: Ents) -> Doc:
    """A doc tokenized by spaCy's English tokenizer with ``ents`` set (must align)."""
    doc = NLP(text)
    spans = [doc.char_span(s, e, label=label) for s, e, label in ents]
    assert all(span is not None for span in spans), "test entity not on token boundaries"
    doc.ents = spans
    return doc


def pred_doc(text: str, ents: Ents) -> Doc:
    """A doc from *another* tokenizer: split at whitespace and at every entity boundary."""
    cuts = sorted({0, len(text)} | {o for s, e, _ in ents for o in (s, e)})
    words: List[str] = []
    spaces: List[bool] = []
    for a, b in zip(cuts, cuts[1:]):
        for m in re.finditer(r"\S+\s*|\s+", text[a:b]):
            piece = m.group()
            word = piece.rstrip(" ") or piece
            words.append(word)
            spaces.append(word != piece)
    doc = Doc(NLP.vocab, words=words, spaces=spaces)
    assert doc.text == text
    doc.ents = [doc.char_span(s, e, label=label) for s, e, label in ents]
    return doc


def micro(metrics, kind="strict"):
    return metrics[kind]["micro"]


# --- entity matching ---------------------------------------------------------


def test_false_negative():
    gold = gold_doc(TEXT, [(5, 15, "DATE"), (22, 27, "DOCTOR")])
    pred = pred_doc(TEXT, [(5, 15, "DATE")])
    m = score_docs([gold], [pred])
    assert (micro(m)["tp"], micro(m)["fp"], micro(m)["fn"]) == (1, 0, 1)
    assert micro(m)["p"] == pytest.approx(1.0)
    assert micro(m)["r"] == pytest.approx(0.5)
    assert micro(m)["f"] == pytest.approx(2 / 3)
    assert m["strict"]["per_label"]["DOCTOR"] == {"p": 0.0, "r": 0.0, "f": 0.0, "tp": 0, "fp": 0, "fn": 1}


def test_false_positive():
    gold = gold_doc(TEXT, [(5, 15, "DATE")])
    pred = pred_doc(TEXT, [(5, 15, "DATE"), (31, 36, "HOSPITAL")])
    m = score_docs([gold], [pred])
    assert (micro(m)["tp"], micro(m)["fp"], micro(m)["fn"]) == (1, 1, 0)
    assert micro(m)["p"] == pytest.approx(0.5)
    assert micro(m)["r"] == pytest.approx(1.0)
    assert m["strict"]["per_label"]["HOSPITAL"]["fp"] == 1


@pytest.mark.parametrize(
    "pred_span,strict_hit,relaxed_hit",
    [
        ((5, 15), True, True),  # exact
        ((5, 14), False, True),  # end 1 short
        ((5, 13), False, True),  # end 2 short: still within the tolerance
        ((5, 17), False, True),  # end 2 long
        ((5, 12), False, False),  # end 3 short
        ((5, 18), False, False),  # end 3 long
        ((6, 15), False, False),  # start differs by one: always a miss
        ((4, 15), False, False),
    ],
)
def test_boundary_strict_and_relaxed(pred_span, strict_hit, relaxed_hit):
    gold = gold_doc(TEXT, [(5, 15, "DATE")])
    pred = pred_doc(TEXT, [(*pred_span, "DATE")])
    m = score_docs([gold], [pred])
    assert micro(m, "strict")["tp"] == int(strict_hit)
    assert micro(m, "relaxed")["tp"] == int(relaxed_hit)
    assert micro(m, "relaxed")["fp"] == int(not relaxed_hit)
    assert micro(m, "relaxed")["fn"] == int(not relaxed_hit)


def test_relaxed_needs_the_same_label():
    gold = [CharSpan(5, 15, "DATE")]
    assert relaxed_match(gold, [CharSpan(5, 14, "AGE")]).matched == []
    assert relaxed_match(gold, [CharSpan(5, 14, "DATE")]).matched == [(gold[0], CharSpan(5, 14, "DATE"))]


def test_label_mismatch_is_a_false_positive_and_a_false_negative():
    gold = gold_doc(TEXT, [(40, 46, "CITY")])
    pred = pred_doc(TEXT, [(40, 46, "HOSPITAL")])
    m = score_docs([gold], [pred])
    for kind in ("strict", "relaxed"):
        assert m[kind]["per_label"]["CITY"]["fn"] == 1
        assert m[kind]["per_label"]["HOSPITAL"]["fp"] == 1
        assert micro(m, kind)["tp"] == 0
    # token level ignores labels: the city is masked all the same
    assert m["token"]["r"] == 1.0 and m["token"]["p"] == 1.0


def test_micro_vs_macro():
    text = "Ann Bob Cal met Dan"
    gold = gold_doc(text, [(0, 3, "PATIENT"), (4, 7, "PATIENT"), (8, 11, "PATIENT"), (16, 19, "DOCTOR")])
    pred = pred_doc(text, [(0, 3, "PATIENT"), (4, 7, "PATIENT"), (8, 11, "PATIENT")])
    m = score_docs([gold], [pred])
    assert micro(m)["p"] == pytest.approx(1.0)
    assert micro(m)["r"] == pytest.approx(0.75)
    assert micro(m)["f"] == pytest.approx(6 / 7)
    # macro: PATIENT P=R=F=1, DOCTOR P=R=F=0
    assert m["strict"]["macro"] == pytest.approx({"p": 0.5, "r": 0.5, "f": 0.5})


def test_token_level_numbers():
    # gold tokens: Seen 2020 - 01 - 02 by Dr Jones at Mercy in Boston .  (14 tokens)
    gold = gold_doc(TEXT, [(5, 15, "DATE"), (22, 27, "DOCTOR"), (40, 46, "CITY")])
    # prediction: the date cut short inside its last token "02" (partial overlap counts, so it
    # still covers its 5 tokens), "Dr Jones" (Dr is a FP token), "Mercy" (FP token), Boston missed
    pred = pred_doc(TEXT, [(5, 14, "DATE"), (19, 27, "DOCTOR"), (31, 36, "HOSPITAL")])
    t = score_docs([gold], [pred])["token"]
    assert t["tokens"] == 14
    assert t["gold_phi_tokens"] == 7  # 5 date tokens, Jones, Boston
    assert t["detected_gold_phi_tokens"] == 6
    assert t["predicted_phi_tokens"] == 8  # 5 date tokens, Dr, Jones, Mercy
    assert t["correct_predicted_phi_tokens"] == 6
    assert (t["fn"], t["fp"]) == (1, 2)
    assert t["r"] == pytest.approx(6 / 7)
    assert t["p"] == pytest.approx(6 / 8)
    assert t["f"] == pytest.approx(2 * (6 / 7) * (6 / 8) / (6 / 7 + 6 / 8))
    assert t["per_label_recall"] == {
        "CITY": {"r": 0.0, "detected": 0, "total": 1},
        "DATE": {"r": 1.0, "detected": 5, "total": 5},
        "DOCTOR": {"r": 1.0, "detected": 1, "total": 1},
    }


def test_empty_docs_and_no_entities_give_zeros():
    docs = [gold_doc("", []), gold_doc("No identifiers here.", [])]
    preds = [pred_doc("", []), pred_doc("No identifiers here.", [])]
    m = score_docs(docs, preds)
    for kind in ("strict", "relaxed"):
        assert micro(m, kind) == {"p": 0.0, "r": 0.0, "f": 0.0, "tp": 0, "fp": 0, "fn": 0}
        assert m[kind]["macro"] == {"p": 0.0, "r": 0.0, "f": 0.0}
        assert m[kind]["per_label"] == {}
    assert (m["token"]["p"], m["token"]["r"], m["token"]["f"]) == (0.0, 0.0, 0.0)
    assert m["hipaa"] == {"applicable": False, "reason": "n/a: none of the labels is an i2b2 TYPE"}
    assert m["spacy_scorer"]["ents_f"] is None and m["spacy_scorer"]["agrees_with_strict"]
    assert score_docs([], [])["n_docs"] == 0


def test_only_predictions_and_only_gold():
    only_pred = score_docs([gold_doc(TEXT, [])], [pred_doc(TEXT, [(5, 15, "DATE")])])
    assert micro(only_pred) == {"p": 0.0, "r": 0.0, "f": 0.0, "tp": 0, "fp": 1, "fn": 0}
    assert only_pred["token"]["r"] == 0.0 and only_pred["token"]["p"] == 0.0
    only_gold = score_docs([gold_doc(TEXT, [(5, 15, "DATE")])], [pred_doc(TEXT, [])])
    assert micro(only_gold) == {"p": 0.0, "r": 0.0, "f": 0.0, "tp": 0, "fp": 0, "fn": 1}


# --- HIPAA subset -------------------------------------------------------------


def test_hipaa_subset_filters_labels():
    # DOCTOR and HOSPITAL are not HIPAA TYPEs; DATE and CITY are
    gold = gold_doc(TEXT, [(5, 15, "DATE"), (22, 27, "DOCTOR"), (40, 46, "CITY")])
    pred = pred_doc(TEXT, [(5, 15, "DATE"), (31, 36, "HOSPITAL"), (40, 46, "PATIENT")])
    m = score_docs([gold], [pred])
    assert (micro(m)["tp"], micro(m)["fp"], micro(m)["fn"]) == (1, 2, 2)
    h = m["hipaa"]
    assert h["applicable"] is True
    assert set(h["strict"]["per_label"]) == {"CITY", "DATE", "PATIENT"}
    assert (h["strict"]["micro"]["tp"], h["strict"]["micro"]["fp"], h["strict"]["micro"]["fn"]) == (1, 1, 1)
    # token recall over the HIPAA gold tokens (5 date + Boston), detected by any prediction
    assert (h["token"]["gold_phi_tokens"], h["token"]["detected_gold_phi_tokens"]) == (6, 6)
    # token precision over HIPAA-labelled predictions (5 date + Boston-as-PATIENT); Mercy excluded
    assert (h["token"]["predicted_phi_tokens"], h["token"]["correct_predicted_phi_tokens"]) == (6, 6)
    assert "DOCTOR" not in h["token"]["per_label_recall"]


def test_hipaa_not_applicable_for_categories_or_foreign_labels():
    gold = gold_doc(TEXT, [(5, 15, "DATE"), (22, 27, "NAME")])
    pred = pred_doc(TEXT, [(5, 15, "DATE")])
    assert score_docs([gold], [pred])["hipaa"]["applicable"] is False
    assert "categories" in score_docs([gold], [pred])["hipaa"]["reason"]
    gold = gold_doc(TEXT, [(5, 15, "WHEN")])
    assert score_docs([gold], [pred_doc(TEXT, [])])["hipaa"]["reason"].startswith("n/a")
    assert "hipaa" not in score_docs([gold], [pred_doc(TEXT, [])], hipaa=False)


# --- spaCy Scorer cross-check -------------------------------------------------


def test_spacy_scorer_agrees_when_boundaries_align():
    gold = gold_doc(TEXT, [(5, 15, "DATE"), (22, 27, "DOCTOR"), (40, 46, "CITY")])
    pred = pred_doc(TEXT, [(5, 15, "DATE"), (31, 36, "HOSPITAL"), (40, 46, "PATIENT")])
    check = score_docs([gold], [pred])["spacy_scorer"]
    assert check["agrees_with_strict"] is True
    assert check["ents_f"] == pytest.approx(score_docs([gold], [pred])["strict"]["micro"]["f"])


def test_spacy_scorer_differs_on_a_sub_token_prediction():
    # "Jon" inside the gold token "Jones": spaCy's alignment maps it onto the whole gold
    # token (a true positive); on characters it is a miss
    gold = gold_doc(TEXT, [(22, 27, "DOCTOR")])
    pred = pred_doc(TEXT, [(22, 25, "DOCTOR")])
    m = score_docs([gold], [pred])
    assert micro(m)["tp"] == 0
    assert m["spacy_scorer"]["ents_f"] == pytest.approx(1.0)
    assert m["spacy_scorer"]["agrees_with_strict"] is False


def test_texts_must_match():
    with pytest.raises(ValueError, match="doc #0"):
        score_docs([gold_doc(TEXT, [])], [pred_doc(TEXT + "!", [])])
    with pytest.raises(ValueError, match="pair up"):
        score_docs([gold_doc(TEXT, [])], [])


# --- property ------------------------------------------------------------------


@st.composite
def entity_sets(draw):
    """Non-overlapping entities on a 40-character text, each side independently."""

    def side():
        cuts = sorted(draw(st.sets(st.integers(0, 40), max_size=10)))
        pairs = list(zip(cuts[::2], cuts[1::2]))
        return [CharSpan(s, e, draw(st.sampled_from(["A", "B"]))) for s, e in pairs if e > s]

    return side(), side()


@settings(max_examples=60, deadline=None)
@given(entity_sets())
def test_matching_counts_are_consistent(sides):
    gold, pred = sides
    strict, relaxed = strict_match(gold, pred), relaxed_match(gold, pred)
    for result in (strict, relaxed):
        assert len(result.matched) + len(result.false_negatives) == len(gold)
        assert len(result.matched) + len(result.false_positives) == len(pred)
        assert len({p for _, p in result.matched}) == len(result.matched)  # one-to-one
    assert len(strict.matched) <= len(relaxed.matched)
    assert len(strict_match(gold, gold).matched) == len(gold)


# --- gold-label mapping -----------------------------------------------------------


def test_map_gold_docs_to_category_and_hipaa():
    gold = gold_doc(TEXT, [(5, 15, "DATE"), (22, 27, "DOCTOR"), (40, 46, "CITY")])
    mapped, dropped = map_gold_docs([gold], "category")
    assert dropped == 0
    assert doc_entities(mapped[0]) == [CharSpan(5, 15, "DATE"), CharSpan(22, 27, "NAME"), CharSpan(40, 46, "LOCATION")]
    assert doc_entities(gold)[1].label == "DOCTOR"  # original untouched
    mapped, dropped = map_gold_docs([gold], "hipaa")
    assert dropped == 1
    assert [e.label for e in doc_entities(mapped[0])] == ["DATE", "CITY"]
    assert all(t.ent_iob_ != "" for t in mapped[0])  # dropped entity's tokens are O, not missing


def test_map_gold_docs_names_offsets_not_text():
    gold = gold_doc(TEXT, [(22, 27, "SURGEON")])
    with pytest.raises(ValueError) as err:
        map_gold_docs([gold], "type")
    assert "doc #0" in str(err.value) and "22-27" in str(err.value) and "SURGEON" in str(err.value)
    assert "Jones" not in str(err.value)


# --- model evaluation and reports -------------------------------------------------


def ruler_pipeline():
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(
        [
            {"label": "DOCTOR", "pattern": "Jones"},
            {"label": "HOSPITAL", "pattern": "Mercy"},
            {"label": "CITY", "pattern": "Boston"},
        ]
    )
    return nlp


def test_evaluate_model_and_reports(tmp_path):
    golds = [
        gold_doc(TEXT, [(5, 15, "DATE"), (22, 27, "DOCTOR"), (40, 46, "CITY")]),
        gold_doc("Dr Jones called.", [(3, 8, "DOCTOR")]),
        gold_doc("Nothing <b>here</b> & there.", []),
    ]
    result = evaluate_model(ruler_pipeline(), golds, batch_size=2)
    m = result.metrics
    # predicted: Jones, Mercy, Boston in doc 0; Jones in doc 1
    assert (micro(m)["tp"], micro(m)["fp"], micro(m)["fn"]) == (3, 1, 1)
    assert m["strict"]["per_label"]["DATE"]["fn"] == 1
    assert m["speed"]["words"] == sum(len(d) for d in golds)
    assert m["speed"]["words_per_second"] > 0
    paths = write_reports(m, golds, result.predicted, tmp_path / "out")
    loaded = json.loads(paths["metrics_json"].read_text())
    assert loaded["strict"]["micro"] == m["strict"]["micro"]
    md = paths["metrics_md"].read_text()
    assert "| DATE | 1 | 0 |" in md and "strict micro" in md
    page = paths["errors_html"].read_text()
    assert "1 of 3 documents" in page  # only doc 0 has errors
    assert "<td>FN</td><td>5</td><td>15</td><td>DATE</td>" in page
    assert "<td>FP</td><td>31</td><td>36</td><td>HOSPITAL</td>" in page
    assert page.count("class=\"entities\"") == 2  # gold + predicted rendering of one doc


def test_errors_html_is_capped_and_escaped():
    golds = [gold_doc("a <b>x</b> & c", [(2, 5, "DATE")]), gold_doc("Dr Jones", [(3, 8, "DOCTOR")])]
    preds = [pred_doc(golds[0].text, []), pred_doc(golds[1].text, [])]
    page = errors_html(golds, compare_docs(golds, preds), max_error_docs=1)
    assert "2 of 2 documents" in page and "showing 1" in page
    assert "doc #1" not in page
    assert "&lt;b&gt;" in page and "<b>x" not in page


def test_errors_html_notes_boundary_and_label_errors():
    gold = gold_doc(TEXT, [(5, 15, "DATE"), (40, 46, "CITY")])
    pred = pred_doc(TEXT, [(5, 14, "DATE"), (40, 46, "PATIENT")])
    page = errors_html([gold], compare_docs([gold], [pred]))
    assert "boundary: relaxed match with 5-14" in page
    assert "label mismatch (predicted PATIENT)" in page


# --- CLI -----------------------------------------------------------------------------


@pytest.fixture()
def cli_setup(tmp_path):
    model_dir = tmp_path / "model"
    ruler_pipeline().to_disk(model_dir)
    data = tmp_path / "gold.spacy"
    golds = [
        gold_doc(TEXT, [(5, 15, "DATE"), (22, 27, "DOCTOR"), (40, 46, "CITY")]),
        gold_doc("Dr Jones called.", [(3, 8, "DOCTOR")]),
    ]
    DocBin(docs=golds, store_user_data=True).to_disk(data)
    return model_dir, data, tmp_path / "report"


def _runner_app():
    import spacy_medner.cli.evaluate  # noqa: F401  (registers the command)
    from spacy_medner.cli import app

    return app


def test_cli_evaluate_writes_reports(cli_setup):
    model_dir, data, out = cli_setup
    result = CliRunner().invoke(_runner_app(), ["evaluate", str(model_dir), str(data), "--output", str(out)])
    assert result.exit_code == 0, result.output
    m = json.loads((out / "metrics.json").read_text())
    assert (m["strict"]["micro"]["tp"], m["strict"]["micro"]["fp"], m["strict"]["micro"]["fn"]) == (3, 1, 1)
    assert m["strict"]["micro"]["p"] == pytest.approx(0.75)
    assert m["relaxed"]["micro"]["r"] == pytest.approx(0.75)
    assert m["token"]["gold_phi_tokens"] == 8 and m["token"]["detected_gold_phi_tokens"] == 3
    assert m["hipaa"]["applicable"] is True
    assert m["model"]["pipeline"] == ["entity_ruler"]
    assert (out / "metrics.md").is_file() and (out / "errors.html").is_file()
    assert "strict micro" in result.output and "75.00" in result.output
    assert "CONTAINS NOTE TEXT" in result.output
    for secret in ("Jones", "Boston", "Mercy", "2020-01-02"):
        assert secret not in result.output


def test_cli_gold_label_scheme_and_no_errors_html(cli_setup):
    model_dir, data, out = cli_setup
    result = CliRunner().invoke(
        _runner_app(),
        ["evaluate", str(model_dir), str(data), "-o", str(out), "--gold-labels-scheme", "hipaa", "--no-errors-html"],
    )
    assert result.exit_code == 0, result.output
    m = json.loads((out / "metrics.json").read_text())
    assert m["gold_label_mapping"] == {"scheme": "hipaa", "dropped_gold_entities": 2}
    assert m["labels"] == ["CITY", "DATE", "DOCTOR", "HOSPITAL"]  # DOCTOR, HOSPITAL only predicted
    assert m["strict"]["per_label"]["DOCTOR"] == {"p": 0.0, "r": 0.0, "f": 0.0, "tp": 0, "fp": 2, "fn": 0}
    assert not (out / "errors.html").exists()


@pytest.mark.parametrize("which", ["model", "data", "docbin", "scheme"])
def test_cli_fails_cleanly(cli_setup, tmp_path, which):
    model_dir, data, out = cli_setup
    args = ["evaluate", str(model_dir), str(data), "-o", str(out)]
    if which == "model":
        args[1] = str(tmp_path / "no_such_model")
    elif which == "data":
        args[2] = str(tmp_path / "missing.spacy")
    elif which == "docbin":
        bad = tmp_path / "bad.spacy"
        bad.write_bytes(b"not a docbin")
        args[2] = str(bad)
    else:
        args += ["--gold-labels-scheme", "nonsense"]
    result = CliRunner().invoke(_runner_app(), args)
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    expected = {"model": "Cannot load model", "data": "no such file", "docbin": "as a spaCy DocBin", "scheme": "nonsense"}
    assert expected[which] in " ".join(result.output.split())  # wasabi wraps long lines
    assert "Traceback" not in result.output


def test_cli_evaluates_several_sets_with_one_load(cli_setup, tmp_path):
    """Two DATA, two --output: each report equals the one a separate call writes."""
    model_dir, data, out = cli_setup
    second = tmp_path / "second.spacy"
    DocBin(docs=[gold_doc("Dr Jones called.", [(3, 8, "DOCTOR")])], store_user_data=True).to_disk(second)
    both = [tmp_path / "a", tmp_path / "b"]
    result = CliRunner().invoke(
        _runner_app(), ["evaluate", str(model_dir), str(data), str(second), "-o", str(both[0]), "-o", str(both[1])]
    )
    assert result.exit_code == 0, result.output
    for gold, joint in ((data, both[0]), (second, both[1])):
        alone = tmp_path / f"alone-{gold.stem}"
        assert CliRunner().invoke(_runner_app(), ["evaluate", str(model_dir), str(gold), "-o", str(alone)]).exit_code == 0
        m, n = (json.loads((d / "metrics.json").read_text()) for d in (joint, alone))
        assert m["data"] == str(gold) and m["n_docs"] == n["n_docs"]
        assert m["strict"] == n["strict"] and m["token"] == n["token"]
    assert json.loads((both[1] / "metrics.json").read_text())["strict"]["micro"]["tp"] == 1


@pytest.mark.parametrize("outputs", [1, 3])
def test_cli_needs_one_output_per_data(cli_setup, tmp_path, outputs):
    model_dir, data, _ = cli_setup
    args = ["evaluate", str(model_dir), str(data), str(data)]
    for i in range(outputs):
        args += ["-o", str(tmp_path / f"o{i}")]
    result = CliRunner().invoke(_runner_app(), args)
    assert result.exit_code == 1 and "one --output per DATA" in " ".join(result.output.split())
    assert not (tmp_path / "o0").exists()
