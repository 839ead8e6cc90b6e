"""NER evaluation on character offsets: strict, i2b2-relaxed, token-level PHI and HIPAA-subset scores.

- :func:`score_docs`: score predicted docs against gold docs (pure, no model);
- :func:`evaluate_model`: run a pipeline over the gold texts, score it and time it;
- :func:`write_reports`: ``metrics.json``, ``metrics.md`` and ``errors.html``.
"""
from ..spans import CharSpan
from .entities import doc_entities, map_gold_docs
from .matching import RELAXED_END_TOLERANCE, relaxed_match, strict_match
from .model import ModelEvaluation, evaluate_model, predict
from .reports import MAX_ERROR_DOCS, errors_html, metrics_markdown, summary_rows, write_reports
from .scoring import DocComparison, compare_docs, score_docs

__all__ = [
    "CharSpan",
    "doc_entities",
    "map_gold_docs",
    "RELAXED_END_TOLERANCE",
    "strict_match",
    "relaxed_match",
    "ModelEvaluation",
    "evaluate_model",
    "predict",
    "MAX_ERROR_DOCS",
    "errors_html",
    "metrics_markdown",
    "summary_rows",
    "write_reports",
    "DocComparison",
    "compare_docs",
    "score_docs",
]
