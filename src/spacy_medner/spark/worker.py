"""The executor side of :func:`spacy_medner.spark.deidentify_df`: pandas batches in, de-identified batches out.

Each Python worker loads the pipeline and the :class:`.Deidentifier` once
(:func:`worker_state`, cached per settings) and reuses them for every batch
and task it runs.  The key is read here, on the executor, from the
environment variable or the file that :class:`DeidSettings` names: it never
travels through the driver, the plan or the task closures.

Every row is turned into a :class:`.NoteRecord` and handed to
:func:`spacy_medner.deid.deidentify_batch`, the core the ``deid`` command
also runs, so a note gives the same bytes here as there.  A row that cannot
be de-identified keeps its other columns, gets a null ``text_deid`` and
``phi``, and its reason in ``error`` (never note text).
"""
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

from ..deid.confidence import apply_knobs, phi_spans_key, pipeline_labels
from ..deid.keys import resolve_key
from ..deid.replace import DEFAULT_OPERATOR_KEY, Deidentifier
from ..deid.stream import (
    DEFAULT_BATCH_SIZE,
    MissingText,
    NoteFailure,
    NoteRecord,
    NoteTooLong,
    PipelineFailed,
    UnencodableText,
    deidentify_batch,
)
from ..deid.surrogates import DEFAULT_MAX_SHIFT_DAYS
from ..deid.tables import ERROR_OUT, PHI_OUT, TEXT_OUT, phi_entries
from ..quantize import quantize_encoder

#: Errors whose messages hold no note text (lengths, offsets, type names).
TEXT_FREE_ERRORS = (MissingText, NoteTooLong, PipelineFailed, UnencodableText)

#: Notes per call of the core (the unit of length sorting and of the memory zone).
CHUNK_NOTES = 256


@dataclass(frozen=True)
class DeidSettings:
    """Everything a worker needs to de-identify, except the key itself (only where to find it)."""

    model: str = "en_medner"
    text_col: str = "text"
    id_col: str = "note_id"
    patient_col: Optional[str] = None
    mode: str = "surrogate"
    key_env: Optional[str] = None
    key_file: Optional[str] = None
    labels: Optional[Tuple[str, ...]] = None
    operators: Tuple[Tuple[str, str], ...] = ()
    spans_key: Optional[str] = None
    entity_bias: Optional[float] = None
    min_score: float = 0.0
    mask_char: str = "*"
    mask_length: int = 0
    max_shift_days: int = DEFAULT_MAX_SHIFT_DAYS
    batch_size: int = DEFAULT_BATCH_SIZE
    int8: bool = False

    @property
    def uses_surrogates(self) -> bool:
        operators = dict(self.operators)
        return "surrogate" in {operators.get(DEFAULT_OPERATOR_KEY, self.mode), *operators.values()}


_STATE: Dict[DeidSettings, Tuple[Any, Deidentifier]] = {}


def worker_state(settings: DeidSettings) -> Tuple[Any, Deidentifier]:
    """The (pipeline, de-identifier) of ``settings`` in this Python worker, loaded on first use."""
    state = _STATE.get(settings)
    if state is None:
        state = _STATE[settings] = _load(settings)
    return state


def _load(settings: DeidSettings) -> Tuple[Any, Deidentifier]:
    import spacy

    key = None
    if settings.uses_surrogates or settings.key_env or settings.key_file:
        resolved = resolve_key(Path(settings.key_file) if settings.key_file else None, settings.key_env)
        key = resolved.key
        if settings.uses_surrogates and key is None:
            raise ValueError(
                "surrogates on Spark need a key on every executor: set key_env (an environment variable) or "
                "key_file; a random key per worker would give each worker other surrogates"
            )
    nlp = spacy.load(settings.model)
    apply_knobs(nlp, settings.entity_bias, settings.min_score)
    if settings.int8:
        quantize_encoder(nlp)
    deidentifier = Deidentifier(
        settings.mode,
        key=key,
        labels=settings.labels,
        operators=dict(settings.operators),
        mask_char=settings.mask_char,
        mask_length=settings.mask_length,
        min_score=settings.min_score or None,
        max_shift_days=settings.max_shift_days,
    )
    deidentifier.spans_key = phi_spans_key(nlp, settings.spans_key)
    named = set(settings.labels or ()) | {label for label, _ in settings.operators if label != DEFAULT_OPERATOR_KEY}
    known = pipeline_labels(nlp, deidentifier.spans_key)
    if named and known and named - known:
        raise ValueError(f"labels the model does not predict: {', '.join(sorted(named - known))}")
    return nlp, deidentifier


def set_torch_threads() -> None:
    """Give torch the CPUs Spark gave this task (``spark.task.cpus``), not every core of the machine."""
    try:
        from pyspark import TaskContext
        import torch
    except ImportError:  # pragma: no cover - pyspark is there when this runs
        return
    ctx = TaskContext.get()
    cpus = ctx.cpus() if ctx is not None else None
    if cpus and torch.get_num_threads() != cpus:
        torch.set_num_threads(cpus)


def _text(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


def records_of(frame: Any, settings: DeidSettings) -> List[NoteRecord]:
    """The pandas batch ``frame`` as records (row position as context)."""
    ids = frame[settings.id_col].tolist()
    texts = frame[settings.text_col].tolist()
    patients = frame[settings.patient_col].tolist() if settings.patient_col else [None] * len(ids)
    return [
        NoteRecord(str(note_id), _text(text), None if _text(patient) is None else str(patient), i)
        for i, (note_id, text, patient) in enumerate(zip(ids, texts, patients))
    ]


def deidentify_frame(frame: Any, settings: DeidSettings) -> Any:
    """One pandas batch: the input's columns without the text, plus ``text_deid``, ``phi`` and ``error``."""
    nlp, deidentifier = worker_state(settings)
    records = records_of(frame, settings)
    texts: List[Optional[str]] = [None] * len(records)
    phis: List[Optional[List[Dict[str, Any]]]] = [None] * len(records)
    errors: List[Optional[str]] = [None] * len(records)
    for start in range(0, len(records), CHUNK_NOTES):
        chunk = records[start : start + CHUNK_NOTES]
        for result in deidentify_batch(nlp, deidentifier, chunk, batch_size=settings.batch_size):
            i = result.record.context
            if isinstance(result, NoteFailure):
                errors[i] = error_text(result.error)
                continue
            texts[i] = result.result.text
            phis[i] = phi_entries(result.result)
    out = frame.drop(columns=[settings.text_col])
    out[TEXT_OUT] = texts
    out[PHI_OUT] = phis
    out[ERROR_OUT] = errors
    return out


def error_text(err: Exception) -> str:
    """A failure as one line without note text: the type, and the message of our own text-free errors."""
    if isinstance(err, TEXT_FREE_ERRORS):
        return f"{type(err).__name__}: {err}"
    return type(err).__name__


def partition_function(settings: DeidSettings):
    """The function for ``DataFrame.mapInPandas``: batches of rows in, de-identified batches out."""

    def run(frames: Iterator[Any]) -> Iterator[Any]:
        set_torch_threads()
        for frame in frames:
            yield deidentify_frame(frame, settings)

    return run

