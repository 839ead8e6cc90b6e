"""De-identification: predicted entities -> safe text, one Doc or a stream of notes.

    from spacy_medner.deid import deidentify, deidentify_stream, NoteRecord

    result = deidentify(nlp(text), mode="surrogate", key=secret, patient_id="P1")
    result.text, result.replacements

    for out in deidentify_stream(nlp, records, mode="tag", batch_size=32, n_process=2):
        out.record.note_id, out.result.text

The PHI is medner's span group ``doc.spans["medner"]`` (``spans_key``), not
``doc.ents``; ``spans_key=None`` uses ``doc.ents`` on request.
Operators: ``tag`` (``[DATE]``), ``mask`` (``*****``), ``surrogate``
(consistent, keyed Faker surrogates; dates shifted per patient in their own
format; ages over 89 -> ``90+``), ``keep``; per label with ``operators=``,
and an allow-list ``labels=``.  See :mod:`.replace`, :mod:`.surrogates`,
:mod:`.dates`, :mod:`.keys`, and :mod:`.audit` for the leak audit.
"""
from ..spans import CharSpan
from .confidence import apply_knobs, check_min_score, medner_pipes, scores_key, set_entity_bias
from .dates import parse_date, shift_date_text
from .keys import DEFAULT_KEY_ENV, KeyProblem, SurrogateKey, random_seed, resolve_key
from .replace import (
    MODES,
    OPERATORS,
    DeidResult,
    Deidentifier,
    LeftEntity,
    MissingSpanGroup,
    Replacement,
    deidentify,
    phi_entities,
    filter_by_score,
    parse_operators,
)
from .stream import (
    DeidOutput,
    NoteFailure,
    NoteRecord,
    NoteTooLong,
    PipelineFailed,
    UnencodableText,
    deidentify_batch,
    deidentify_stream,
)
from .surrogates import SurrogateGenerator, age_surrogate, label_kind

__all__ = [
    "DEFAULT_KEY_ENV",
    "KeyProblem",
    "LeftEntity",
    "MissingSpanGroup",
    "OPERATORS",
    "UnencodableText",
    "parse_operators",
    "resolve_key",
    "MODES",
    "DeidOutput",
    "DeidResult",
    "Deidentifier",
    "CharSpan",
    "NoteFailure",
    "NoteRecord",
    "NoteTooLong",
    "PipelineFailed",
    "Replacement",
    "SurrogateGenerator",
    "SurrogateKey",
    "age_surrogate",
    "apply_knobs",
    "check_min_score",
    "deidentify",
    "deidentify_batch",
    "deidentify_stream",
    "phi_entities",
    "filter_by_score",
    "label_kind",
    "medner_pipes",
    "parse_date",
    "random_seed",
    "scores_key",
    "set_entity_bias",
    "shift_date_text",
]
