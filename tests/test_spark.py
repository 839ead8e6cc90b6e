"""spacy_medner.spark on a real local Spark (local[2], up to 3 attempts per task), against the deid CLI.

Slow (a Spark session and Python workers start): run with --runslow; CI runs them.
"""
import json
import os
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spacy_medner.cli import app
from spacy_medner.synth.corpus import generate_notes

from .conftest import save_ruler_model

pytestmark = pytest.mark.slow

pyspark = pytest.importorskip("pyspark", reason="pip install 'spacy_medner[spark]'")

KEY_ENV = "MEDNER_TEST_SPARK_KEY"
KEY = "spark-test-key-7f3a9c1e5b"
runner = CliRunner()


@pytest.fixture(scope="module")
def spark(tmp_path_factory):
    from pyspark.sql import SparkSession

    os.environ[KEY_ENV] = KEY  # before the JVM starts: local workers inherit it, as executors would
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    session = (
        SparkSession.builder.master("local[2,3]")
        .appName("spacy_medner tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.local.dir", str(tmp_path_factory.mktemp("spark-local")))
        .getOrCreate()
    )
    yield session
    session.stop()


@pytest.fixture(scope="module")
def notes():
    return list(generate_notes(20, seed=3))


@pytest.fixture(scope="module")
def model(notes, tmp_path_factory):
    """A pipeline whose PHI is exactly the synthetic notes' gold surfaces (a span_ruler on doc.spans["medner"])."""
    patterns = sorted({(s.label, n.text[s.start : s.end]) for n in notes for s in n.spans})
    return save_ruler_model(tmp_path_factory.mktemp("model") / "ruler", [{"label": l, "pattern": p} for l, p in patterns],
                            clinical_tokenizer=True)


@pytest.fixture(scope="module")
def jsonl(notes, tmp_path_factory):
    path = tmp_path_factory.mktemp("in") / "notes.jsonl"
    with path.open("w", encoding="utf-8") as f:
        for i, n in enumerate(notes):
            f.write(json.dumps({"id": n.note_id, "patient_id": n.patient_id, "text": n.text, "row": i}) + "\n")
    return path


@pytest.fixture(scope="module")
def cli_output(model, jsonl, tmp_path_factory):
    out = tmp_path_factory.mktemp("cli") / "deid.jsonl"
    env = {KEY_ENV: KEY}
    result = runner.invoke(
        app, ["deid", str(model), str(jsonl), str(out), "--mode", "surrogate", "--key-env", KEY_ENV, "--no-progress"], env=env
    )
    assert result.exit_code == 0, result.output
    return {o["id"]: o for o in map(json.loads, out.read_text(encoding="utf-8").splitlines())}


def _deid(spark, jsonl, model, **options):
    from spacy_medner.spark import deidentify_df

    df = spark.read.json(str(jsonl))
    options.setdefault("key_env", KEY_ENV)
    return deidentify_df(df, model=str(model), id_col="id", patient_col="patient_id", **options)


def test_spark_output_is_byte_identical_to_the_cli(spark, jsonl, model, cli_output, notes):
    rows = _deid(spark, jsonl, model).repartition(2).collect()
    assert sorted(r["id"] for r in rows) == sorted(n.note_id for n in notes)
    replaced = 0
    for row in rows:
        cli = cli_output[row["id"]]
        assert row["error"] is None
        assert row["text_deid"].encode("utf-8") == cli["text"].encode("utf-8")
        assert [(p["new_start"], p["new_end"], p["label"]) for p in row["phi"]] == [
            (s["start"], s["end"], s["label"]) for s in cli["spans"]
        ]
        replaced += len(row["phi"])
        assert row["row"] == next(i for i, n in enumerate(notes) if n.note_id == row["id"])  # passed through
        assert "text" not in row.asDict()  # the PHI column is not in the output
    gold = sum(len(n.spans) for n in notes)
    assert replaced >= 0.9 * gold
    original = {n.note_id: n.text for n in notes}
    assert all(row["text_deid"] != original[row["id"]] for row in rows)


def test_a_bad_row_lands_in_the_error_column_and_the_others_succeed(spark, model, cli_output, notes):
    from spacy_medner.spark import deid_summary, deidentify_df

    data = [(n.note_id, n.patient_id, n.text) for n in notes[:5]] + [("bad-null", "P9", None), ("bad-empty", "P9", "")]
    df = spark.createDataFrame(data, "id string, patient_id string, text string")
    out = deidentify_df(df, model=str(model), id_col="id", patient_col="patient_id", key_env=KEY_ENV).cache()
    rows = {r["id"]: r for r in out.collect()}
    assert rows["bad-null"]["error"] == "MissingText: no text (null)" and rows["bad-null"]["text_deid"] is None
    assert rows["bad-empty"]["error"] == "MissingText: the text is empty" and rows["bad-empty"]["phi"] is None
    for n in notes[:5]:
        assert rows[n.note_id]["error"] is None and rows[n.note_id]["text_deid"] == cli_output[n.note_id]["text"]
    summary = deid_summary(out)
    assert summary["notes"] == 7 and summary["failed"] == 2
    assert summary["phi"] == sum(len(cli_output[n.note_id]["spans"]) for n in notes[:5])


def test_a_retried_task_gives_identical_output(spark, jsonl, model, cli_output, tmp_path):
    """The first attempt of every task dies after writing part of its output; Spark retries it."""
    from pyspark import TaskContext

    from spacy_medner.spark import output_schema, partition_function
    from spacy_medner.spark.worker import DeidSettings

    settings = DeidSettings(model=str(model), id_col="id", patient_col="patient_id", key_env=KEY_ENV)
    run = partition_function(settings)
    marks = str(tmp_path)

    def flaky(frames):
        ctx = TaskContext.get()
        for i, frame in enumerate(run(frames)):
            yield frame
            if ctx.attemptNumber() == 0:
                Path(marks, f"died-{ctx.partitionId()}").touch()
                raise RuntimeError("simulated executor loss")
        Path(marks, f"done-{ctx.partitionId()}-{ctx.attemptNumber()}").touch()

    df = spark.read.json(str(jsonl)).repartition(2)
    rows = df.mapInPandas(flaky, output_schema(df, settings)).collect()
    names = sorted(p.name for p in tmp_path.iterdir())
    assert [n for n in names if n.startswith("died-")] == ["died-0", "died-1"]
    assert all(n.endswith("-1") for n in names if n.startswith("done-"))
    assert sorted((r["id"], r["text_deid"]) for r in rows) == sorted((k, v["text"]) for k, v in cli_output.items())


def test_the_key_is_not_in_the_plan_the_closure_the_conf_or_the_logs(spark, jsonl, model, capfd):
    from pyspark import cloudpickle

    from spacy_medner.spark import partition_function
    from spacy_medner.spark.worker import DeidSettings

    out = _deid(spark, jsonl, model)
    out.explain(extended=True)
    plan = out._jdf.queryExecution().toString()
    rows = out.collect()
    assert rows and all(r["error"] is None for r in rows)
    captured = capfd.readouterr()
    pickled = cloudpickle.dumps(partition_function(DeidSettings(model=str(model), key_env=KEY_ENV)))
    conf = str(spark.sparkContext.getConf().getAll())
    assert KEY_ENV in plan or "MapInPandas" in plan
    for where in (plan, captured.out, captured.err, conf, repr(out.schema)):
        assert KEY not in where
    assert KEY.encode() not in pickled


def test_surrogates_without_a_key_source_are_refused_before_anything_runs(spark, jsonl, model):
    from spacy_medner.spark import deidentify_df

    df = spark.read.json(str(jsonl))
    with pytest.raises(ValueError, match="surrogates need a key"):
        deidentify_df(df, model=str(model), id_col="id")
    with pytest.raises(ValueError, match="columns not in the DataFrame: nope"):
        deidentify_df(df, model=str(model), id_col="nope", mode="tag")


def test_the_job_reads_parquet_and_csv_with_mimic_columns_and_writes_parquet(spark, notes, model, cli_output, tmp_path):
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    from spacy_medner.spark.job import JobError, run_job

    table = pa.table({
        "ROW_ID": [n.note_id for n in notes],
        "SUBJECT_ID": [n.patient_id for n in notes],
        "TEXT": [n.text for n in notes],
        "CATEGORY": ["Discharge summary"] * len(notes),
    })
    pq.write_table(table, tmp_path / "notes.parquet")
    pacsv.write_csv(table, tmp_path / "notes.csv")
    expected = sorted((k, v["text"]) for k, v in cli_output.items())
    for name in ("notes.parquet", "notes.csv"):
        out = tmp_path / f"out-{name}"
        summary = run_job(
            spark, str(tmp_path / name), str(out), model=str(model), text_col="TEXT", id_col="ROW_ID",
            patient_col="SUBJECT_ID", key_env=KEY_ENV,
        )
        assert summary["notes"] == len(notes) and summary["failed"] == 0
        written = pq.read_table(out).to_pylist()
        assert sorted((r["ROW_ID"], r["text_deid"]) for r in written) == expected
        assert all(r["CATEGORY"] == "Discharge summary" and "TEXT" not in r for r in written)
    with pytest.raises(JobError, match="already exists"):
        run_job(spark, str(tmp_path / "notes.csv"), str(tmp_path / "out-notes.csv"), model=str(model), mode="tag")
    with pytest.raises(JobError, match="OUT may not be IN"):
        run_job(spark, str(tmp_path), str(tmp_path / "inside"), model=str(model), mode="tag")
