"""The recall knob's curve: PHI token precision and recall against ``entity_bias``.

:func:`bias_curve` evaluates one pipeline at several ``entity_bias`` values;
:func:`choose_bias` picks the operating point for de-identification: the
bias with the highest PHI token recall among those that clear both targets by a margin.
"""
from typing import Any, Dict, List, Optional, Sequence

from spacy.language import Language
from spacy.tokens import Doc

from .crf_inputs import crf_inputs, has_downstream
from .model import predict
from .scoring import score_docs

DEFAULT_BIASES = (-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 6.0, 8.0)
#: how far (absolute, 0.005 = half a point) both targets must be cleared for the recall-first choice
CHOICE_MARGIN = 0.005


def _medner_pipes(nlp: Language) -> List[Any]:
    from ..pipeline.medner import medner_pipes

    pipes = medner_pipes(nlp)
    if not pipes:
        raise ValueError("the pipeline has no medner component, so it has no entity_bias")
    return pipes


def bias_curve(
    nlp: Language, gold_docs: Sequence[Doc], biases: Sequence[float] = DEFAULT_BIASES, batch_size: int = 32
) -> List[Dict[str, Any]]:
    """One row per bias: token PHI P/R, strict entity P/R/F, structured-types token recall."""
    pipes = _medner_pipes(nlp)
    saved = [pipe.entity_bias for pipe in pipes]
    texts = [doc.text for doc in gold_docs]
    # one medner and nothing after it: run the encoder once and only re-decode per bias
    cached = crf_inputs(nlp, texts, batch_size) if len(pipes) == 1 and not has_downstream(nlp) else None
    rows = []
    try:
        for bias in biases:
            for pipe in pipes:
                pipe.entity_bias = bias
            predicted = cached.annotate() if cached is not None else predict(nlp, texts, batch_size=batch_size)[0]
            m = score_docs(gold_docs, predicted)
            structured = m.get("structured", {})
            rows.append(
                {
                    "entity_bias": float(bias),
                    "token_p": m["token"]["p"],
                    "token_r": m["token"]["r"],
                    "strict_p": m["strict"]["micro"]["p"],
                    "strict_r": m["strict"]["micro"]["r"],
                    "strict_f": m["strict"]["micro"]["f"],
                    "structured_token_r": structured["token"]["r"] if structured.get("applicable") else None,
                }
            )
    finally:
        for pipe, bias in zip(pipes, saved):
            pipe.entity_bias = bias
    return rows


def choose_bias(
    curve: Sequence[Dict[str, Any]], min_recall: float, min_precision: float, margin: float = CHOICE_MARGIN
) -> Optional[Dict[str, Any]]:
    """The operating point for de-identification, recall first; ``None`` when no row meets both targets.

    Among the rows that clear both targets by ``margin``, the one with the highest recall
    (equal recall: the larger bias). Recall is the safety number, so of two points that both
    sit safely inside the targets the one that lets less PHI through wins; the margin keeps the
    choice off the edges, where 20 tuning notes cannot tell a point from its neighbours. Equal
    recall on the tuning notes is a tie that 20 notes cannot break, not a plateau: recall rises
    with the bias on every fresh set measured, so the larger bias is the safer of two points
    that both keep the precision target. When no row clears both by ``margin``, the row meeting both with the
    widest margin, ``min(recall - min_recall, precision - min_precision)`` (ties: the smaller bias).
    """
    ok = [row for row in curve if row["token_r"] >= min_recall and row["token_p"] >= min_precision]
    if not ok:
        return None
    safe = [row for row in ok if row["token_r"] >= min_recall + margin and row["token_p"] >= min_precision + margin]
    if safe:
        return max(safe, key=lambda row: (row["token_r"], row["entity_bias"]))
    return max(ok, key=lambda row: (min(row["token_r"] - min_recall, row["token_p"] - min_precision), -row["entity_bias"]))


def curve_markdown(curve: Sequence[Dict[str, Any]]) -> str:
    """The curve as a markdown table (percentages)."""
    lines = [
        "| entity_bias | PHI token P | PHI token R | strict P | strict R | strict F | structured token R |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in curve:
        sr = row.get("structured_token_r")
        lines.append(
            f"| {row['entity_bias']:g} | {100 * row['token_p']:.2f} | {100 * row['token_r']:.2f} | "
            f"{100 * row['strict_p']:.2f} | {100 * row['strict_r']:.2f} | {100 * row['strict_f']:.2f} | "
            f"{'-' if sr is None else f'{100 * sr:.2f}'} |"
        )
    return "\n".join(lines) + "\n"
