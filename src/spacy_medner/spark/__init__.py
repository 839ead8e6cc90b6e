"""De-identify a Spark DataFrame of notes: ``pip install "spacy_medner[spark]"``.

    from spacy_medner.spark import deidentify_df, deid_summary

    notes = spark.read.parquet("notes.parquet")          # note_id, patient_id, text, ...
    deid = deidentify_df(notes, model="en_medner", patient_col="patient_id", key_env="MEDNER_DEID_KEY")
    deid.write.parquet("notes_deid.parquet")
    print(deid_summary(spark.read.parquet("notes_deid.parquet")))

:func:`deidentify_df` is ``mapInPandas`` over the core that the ``deid``
command runs (:func:`spacy_medner.deid.deidentify_batch`), so a note gives
the same bytes on Spark as on one machine with the same model, settings and
key.  Surrogates and date shifts are a pure function of (key, patient, text):
no shuffle by patient is needed, and retried or speculative tasks write the
same output.  The pipeline is loaded once per Python worker
(:mod:`.worker`), and torch uses the CPUs of the task (``spark.task.cpus``).

The key never enters the plan: only the NAME of the environment variable
(``key_env``) or the PATH of the secret file (``key_file``) that the
executors read is in it.  See docs/scale-out.md.
"""
from typing import Any, Dict, Iterable, Mapping, Optional

from ..deid.stream import DEFAULT_BATCH_SIZE
from ..deid.surrogates import DEFAULT_MAX_SHIFT_DAYS
from ..deid.tables import ERROR_OUT, PHI_FIELDS, PHI_OUT, TEXT_OUT
from .worker import DeidSettings, partition_function

__all__ = ["DeidSettings", "deid_summary", "deidentify_df", "output_schema", "partition_function"]


def output_schema(df: Any, settings: DeidSettings) -> Any:
    """The schema of :func:`deidentify_df`'s output: ``df``'s columns without the text, plus the results."""
    from pyspark.sql.types import StructType

    phi = ", ".join(f"{name}: {kind}" for name, kind in PHI_FIELDS)
    added = StructType.fromDDL(f"{TEXT_OUT} string, {PHI_OUT} array<struct<{phi}>>, {ERROR_OUT} string")
    kept = [f for f in df.schema.fields if f.name != settings.text_col]
    return StructType(kept + list(added.fields))


def deidentify_df(
    df: Any,
    *,
    model: str = "en_medner",
    text_col: str = "text",
    id_col: str = "note_id",
    patient_col: Optional[str] = None,
    mode: str = "surrogate",
    key_env: Optional[str] = None,
    key_file: Optional[str] = None,
    labels: Optional[Iterable[str]] = None,
    operators: Optional[Mapping[str, str]] = None,
    spans_key: Optional[str] = None,
    entity_bias: Optional[float] = None,
    min_score: float = 0.0,
    mask_char: str = "*",
    mask_length: int = 0,
    max_shift_days: int = DEFAULT_MAX_SHIFT_DAYS,
    batch_size: int = DEFAULT_BATCH_SIZE,
    int8: bool = False,
) -> Any:
    """De-identify the notes of ``df`` (lazily: nothing runs until an action).

    ``model``: a package name or a path every executor can read.
    ``id_col`` identifies a note; ``patient_col`` groups a patient's notes
    (one date shift, the same surrogates); without it each note is its own
    patient.  ``mode``, ``labels``, ``operators``, ``entity_bias``,
    ``min_score``, ``int8`` and the mask/shift options are the ``deid``
    command's (with ``int8`` a note's bytes may depend on the notes that
    share its batch: see docs/model.md).
    The key: the executors read the environment variable ``key_env`` or the
    file ``key_file`` (surrogates need one of them; each worker drawing a
    random key would give other surrogates in each).

    Returns ``df`` without ``text_col``, plus ``text_deid``, ``phi`` (an
    array of structs: start, end, label, action, score, new_start,
    new_end; offsets into the input and output texts) and ``error`` (null,
    or why the row failed: such a row has null ``text_deid`` and ``phi``).
    """
    settings = DeidSettings(
        model=model,
        text_col=text_col,
        id_col=id_col,
        patient_col=patient_col,
        mode=mode,
        key_env=key_env,
        key_file=None if key_file is None else str(key_file),
        labels=None if labels is None else tuple(labels),
        operators=tuple(sorted((operators or {}).items())),
        spans_key=spans_key,
        entity_bias=entity_bias,
        min_score=min_score,
        mask_char=mask_char,
        mask_length=mask_length,
        max_shift_days=max_shift_days,
        batch_size=batch_size,
        int8=int8,
    )
    missing = [c for c in (text_col, id_col, patient_col) if c is not None and c not in df.columns]
    if missing:
        raise ValueError(f"columns not in the DataFrame: {', '.join(missing)} (it has: {', '.join(df.columns)})")
    clash = [c for c in (TEXT_OUT, PHI_OUT, ERROR_OUT) if c in df.columns]
    if clash:
        raise ValueError(f"the DataFrame already has output column(s) {', '.join(clash)}; rename them first")
    if settings.uses_surrogates and not (key_env or key_file):
        raise ValueError(
            "surrogates need a key that every executor reads: key_env='MEDNER_DEID_KEY' (an environment "
            "variable set on the executors) or key_file='/path/readable/by/executors'"
        )
    return df.mapInPandas(partition_function(settings), output_schema(df, settings))


def deid_summary(deid: Any) -> Dict[str, Any]:
    """Counts of a :func:`deidentify_df` output: notes, failures, and replaced PHI per label.

    Computed from the output with Spark aggregations (one job), so retried
    tasks are not counted twice, as accumulators in a transformation can be.
    Run it on the written output to avoid de-identifying twice.
    """
    from pyspark.sql import functions as F

    totals = deid.agg(F.count(F.lit(1)).alias("notes"), F.count(ERROR_OUT).alias("failed")).first()
    per_label = (
        deid.select(F.explode(PHI_OUT).alias("p")).groupBy(F.col("p.label").alias("label")).count().collect()
    )
    labels = {row["label"]: int(row["count"]) for row in sorted(per_label, key=lambda r: r["label"])}
    return {
        "notes": int(totals["notes"]),
        "failed": int(totals["failed"]),
        "phi": sum(labels.values()),
        "phi_per_label": labels,
    }
