"""De-identification: predicted entities -> safe text, one Doc or a stream of notes.

    from spacy_medner.deid import deidentify, deidentify_stream, NoteRecord

    result = deidentify(nlp(text), mode="surrogate", seed="secret", patient_id="P1")
    result.text, result.replacements

    for out in deidentify_stream(nlp, records, mode="tag", batch_size=32, n_process=2):
        out.record.note_id, out.result.text

Modes: ``tag`` (``[DATE]``), ``mask`` (``*****``), ``surrogate`` (consistent,
seeded Faker surrogates; dates shifted per patient in their own format; ages
over 89 -> ``90+``).  See :mod:`.replace`, :mod:`.surrogates`, :mod:`.dates`.
"""
from .confidence import check_min_score, medner_pipes, scores_key, set_entity_bias
from .dates import parse_date, shift_date_text
from .keys import SurrogateKey, random_seed
from .replace import (
    MODES,
    DeidResult,
    Deidentifier,
    Entity,
    Replacement,
    deidentify,
    doc_entities,
    filter_by_score,
)
from .stream import DeidOutput, NoteRecord, NoteTooLong, deidentify_stream
from .surrogates import SurrogateGenerator, age_surrogate, label_kind

__all__ = [
    "MODES",
    "DeidOutput",
    "DeidResult",
    "Deidentifier",
    "Entity",
    "NoteRecord",
    "NoteTooLong",
    "Replacement",
    "SurrogateGenerator",
    "SurrogateKey",
    "age_surrogate",
    "check_min_score",
    "deidentify",
    "deidentify_stream",
    "doc_entities",
    "filter_by_score",
    "label_kind",
    "medner_pipes",
    "parse_date",
    "random_seed",
    "scores_key",
    "set_entity_bias",
    "shift_date_text",
]
