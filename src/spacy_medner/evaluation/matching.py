"""Strict and i2b2-relaxed entity matching within one document.

Strict: a predicted entity is correct when a gold entity has the same label
and exactly the same start and end character offsets.

Relaxed (the i2b2 2014 evaluation script's "Relaxed" mode, its
``PHITag.fuzzy_end_equality(2)``): a predicted entity matches a gold entity
with the same label and the same start offset whose end offset differs by at
most :data:`RELAXED_END_TOLERANCE` characters, in either direction
(``abs(pred.end - gold.end) <= 2``). A different start is always a miss.

Entities of one side never overlap (they come from ``doc.ents``), so a start
offset identifies at most one entity per side and both matchings are
one-to-one.
"""
from dataclasses import dataclass, field
from typing import Dict, List, Sequence, Tuple

from ..spans import CharSpan

#: Characters an end offset may be off by in relaxed matching (i2b2 2014).
RELAXED_END_TOLERANCE = 2


@dataclass
class MatchResult:
    """Matched pairs and the unmatched entities of both sides."""

    matched: List[Tuple[CharSpan, CharSpan]] = field(default_factory=list)  # (gold, pred)
    false_negatives: List[CharSpan] = field(default_factory=list)  # unmatched gold
    false_positives: List[CharSpan] = field(default_factory=list)  # unmatched predictions


def strict_match(gold: Sequence[CharSpan], pred: Sequence[CharSpan]) -> MatchResult:
    """Match on identical ``(start, end, label)``."""
    pred_set = set(pred)
    gold_set = set(gold)
    result = MatchResult()
    for g in gold:
        if g in pred_set:
            result.matched.append((g, g))
        else:
            result.false_negatives.append(g)
    result.false_positives = [p for p in pred if p not in gold_set]
    return result


def relaxed_match(
    gold: Sequence[CharSpan], pred: Sequence[CharSpan], tolerance: int = RELAXED_END_TOLERANCE
) -> MatchResult:
    """Match on the same label and start, with ``abs(end difference) <= tolerance``."""
    pred_by_start: Dict[Tuple[int, str], CharSpan] = {(p.start, p.label): p for p in pred}
    used = set()
    result = MatchResult()
    for g in gold:
        candidate = pred_by_start.get((g.start, g.label))
        if candidate is not None and candidate not in used and abs(candidate.end - g.end) <= tolerance:
            used.add(candidate)
            result.matched.append((g, candidate))
        else:
            result.false_negatives.append(g)
    result.false_positives = [p for p in pred if p not in used]
    return result
