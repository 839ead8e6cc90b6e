"""deid on Parquet and CSV tables (MIMIC-style columns), without conversion."""
import json

import pytest
from typer.testing import CliRunner

from spacy_medner.cli import app

from .conftest import save_ruler_model

pa = pytest.importorskip("pyarrow")
import pyarrow.csv as pacsv  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

runner = CliRunner()
KEY = {"MEDNER_DEID_KEY": "table-test-key-0123456789"}
MIMIC = ["--text-key", "TEXT", "--id-key", "ROW_ID", "--patient-key", "SUBJECT_ID"]


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    return save_ruler_model(
        tmp_path_factory.mktemp("model") / "ruler",
        [{"label": "PATIENT", "pattern": "John Smith"},
         {"label": "DATE", "pattern": [{"TEXT": {"REGEX": r"^\d{1,2}/\d{1,2}/\d{4}$"}}]}],
    )


@pytest.fixture()
def table(tmp_path):
    t = pa.table({
        "ROW_ID": [101, 102, 103, 104],
        "SUBJECT_ID": [7, 7, 8, 8],
        "CATEGORY": ["Nursing", "Radiology", "Nursing", "ECG"],
        "TEXT": ["John Smith seen 03/02/2091.\r\nPlan: \"rest\", fluids", "John Smith, CT 03/12/2091", None, "No PHI here."],
    })
    pq.write_table(t, tmp_path / "notes.parquet")
    pacsv.write_csv(t, tmp_path / "notes.csv")
    return tmp_path


def deid(*args):
    return runner.invoke(app, ["deid", *map(str, args), "--no-progress"], env=KEY)


@pytest.mark.parametrize("name", ["notes.parquet", "notes.csv"])
def test_a_mimic_style_table_is_deidentified_into_parquet_with_its_other_columns(model, table, name):
    out = table / "deid.parquet"
    result = deid(model, table / name, out, "--mode", "surrogate", *MIMIC)
    assert result.exit_code == 1  # the row without text is skipped, named, counted
    assert f"{table / name}: row 3: no text in column TEXT" in result.output
    assert "3 notes de-identified" in result.output and "1 inputs skipped" in result.output
    rows = pq.read_table(out).to_pylist()
    assert [str(r["ROW_ID"]) for r in rows] == ["101", "102", "104"]
    assert list(rows[0]) == ["ROW_ID", "SUBJECT_ID", "CATEGORY", "text_deid", "phi", "error"]
    first, second, third = rows
    assert "John Smith" not in first["text_deid"] and first["text_deid"].endswith("\r\nPlan: \"rest\", fluids")
    name1 = first["text_deid"][first["phi"][0]["new_start"] : first["phi"][0]["new_end"]]
    assert second["text_deid"].startswith(name1 + ", CT ")  # one patient, one surrogate
    assert [p["label"] for p in first["phi"]] == ["PATIENT", "DATE"] and first["error"] is None
    assert third["text_deid"] == "No PHI here." and third["phi"] == [] and third["CATEGORY"] == "ECG"


def test_same_table_same_bytes_from_parquet_and_csv(model, table):
    texts = []
    for name in ("notes.parquet", "notes.csv"):
        out = table / f"{name}.out.parquet"
        deid(model, table / name, out, "--mode", "surrogate", *MIMIC)
        texts.append([r["text_deid"] for r in pq.read_table(out).to_pylist()])
    assert texts[0] == texts[1]


def test_jsonl_output_of_a_table_replaces_the_text_column_in_place(model, table):
    out = table / "deid.jsonl"
    deid(model, table / "notes.parquet", out, "--format", "jsonl", *MIMIC)
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert rows[0]["TEXT"].startswith("[PATIENT] seen [DATE].") and "text" not in rows[0]
    assert rows[0]["CATEGORY"] == "Nursing" and rows[0]["spans"][0]["label"] == "PATIENT"


def test_missing_columns_and_parquet_output_without_a_table_are_refused(model, table, tmp_path):
    result = deid(model, table / "notes.parquet", table / "x.parquet")
    assert "no column text, id (columns: ROW_ID, SUBJECT_ID, CATEGORY, TEXT)" in result.output
    assert not (table / "x.parquet").exists()
    (tmp_path / "n.jsonl").write_text('{"text": "John Smith"}\n')
    result = deid(model, tmp_path / "n.jsonl", tmp_path / "o.parquet", "--format", "parquet")
    assert result.exit_code == 1 and "--format parquet needs a Parquet or CSV input" in result.output
