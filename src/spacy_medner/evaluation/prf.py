"""Precision/recall/F from counts: per label, micro and macro.

Counts are kept in spaCy's :class:`spacy.scorer.PRFScore`, so a ratio with a
zero denominator is 0.0 exactly as spaCy reports it (no ZeroDivisionError).

Micro sums the counts of all labels. Macro is the unweighted mean of the
per-label P, R and F over every label seen in the gold *or* the predictions
(a label only ever predicted counts with P = R = F = 0); with no label at all
macro is 0.0.
"""
from typing import Dict, Mapping

from spacy.scorer import PRFScore

from .matching import MatchResult


def prf_dict(score: PRFScore) -> Dict[str, float]:
    """``{"p", "r", "f", "tp", "fp", "fn"}`` of one PRFScore."""
    return {
        "p": float(score.precision),
        "r": float(score.recall),
        "f": float(score.fscore),
        "tp": int(score.tp),
        "fp": int(score.fp),
        "fn": int(score.fn),
    }


def add_match_counts(per_label: Dict[str, PRFScore], result: MatchResult) -> None:
    """Add one document's matching outcome to per-label counts."""
    for gold, _pred in result.matched:
        per_label.setdefault(gold.label, PRFScore()).tp += 1
    for ent in result.false_negatives:
        per_label.setdefault(ent.label, PRFScore()).fn += 1
    for ent in result.false_positives:
        per_label.setdefault(ent.label, PRFScore()).fp += 1


def summarize(per_label: Mapping[str, PRFScore]) -> Dict[str, object]:
    """``{"micro", "macro", "per_label"}`` from per-label counts."""
    total = PRFScore()
    for score in per_label.values():
        total += score
    per_label_dicts = {label: prf_dict(per_label[label]) for label in sorted(per_label)}
    n = len(per_label_dicts)
    macro: Dict[str, float] = {
        key: (sum(d[key] for d in per_label_dicts.values()) / n if n else 0.0)
        for key in ("p", "r", "f")
    }
    return {"micro": prf_dict(total), "macro": macro, "per_label": per_label_dicts}


def ratio(numerator: int, denominator: int) -> float:
    """``numerator / denominator``, 0.0 when the denominator is 0 (spaCy's convention)."""
    return numerator / denominator if denominator else 0.0
