"""Token-level binary PHI detection: the de-identification safety numbers.

Tokens are the *gold* document's spaCy tokens, leaving out whitespace-only
tokens (``token.is_space``). Labels are ignored, because masking a date as if
it were a name still hides it:

- a token is **gold PHI** when at least one of its characters lies inside a
  gold entity (gold entities are aligned to gold tokens, so this is "inside");
- a token is **predicted PHI** when at least one of its characters lies inside
  a predicted entity (predictions may come from another tokenizer, so partial
  overlap counts).

Recall = detected gold-PHI tokens / gold-PHI tokens; precision = predicted-PHI
tokens that are gold PHI / predicted-PHI tokens. Per-label recall: for each
gold label, the share of its tokens that are predicted PHI under any label.

With ``subset`` (the HIPAA labels) the populations are restricted and the
match stays label-agnostic: recall counts the tokens of gold entities whose
label is in the subset, detected by *any* prediction; precision counts the
tokens of predictions whose label is in the subset, correct when inside *any*
gold entity.
"""
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Set, Tuple

from spacy.tokens import Doc

from ..spans import CharSpan
from .prf import ratio


@dataclass
class TokenCounts:
    """Token counts summed over documents."""

    gold_phi: int = 0  # gold-PHI tokens (recall population)
    detected: int = 0  # ... of which predicted PHI
    predicted_phi: int = 0  # predicted-PHI tokens (precision population)
    correct: int = 0  # ... of which gold PHI
    tokens: int = 0  # non-space tokens seen
    per_label: Dict[str, List[int]] = field(default_factory=dict)  # label -> [detected, total]

    def to_dict(self) -> Dict[str, object]:
        """JSON-ready metrics: binary P/R/F, the counts and per-label recall."""
        p = ratio(self.correct, self.predicted_phi)
        r = ratio(self.detected, self.gold_phi)
        f = 2 * p * r / (p + r) if (p + r) else 0.0
        return {
            "p": p,
            "r": r,
            "f": f,
            "gold_phi_tokens": self.gold_phi,
            "detected_gold_phi_tokens": self.detected,
            "fn": self.gold_phi - self.detected,
            "predicted_phi_tokens": self.predicted_phi,
            "correct_predicted_phi_tokens": self.correct,
            "fp": self.predicted_phi - self.correct,
            "tokens": self.tokens,
            "per_label_recall": {
                label: {"r": ratio(hit, total), "detected": hit, "total": total}
                for label, (hit, total) in sorted(self.per_label.items())
            },
        }


def _coverage(length: int, entities: Sequence[CharSpan]) -> List[Optional[str]]:
    """Label of the entity covering each character (None outside entities)."""
    labels: List[Optional[str]] = [None] * length
    for ent in entities:
        for i in range(max(ent.start, 0), min(ent.end, length)):
            labels[i] = ent.label
    return labels


def _labels_within(labels: List[Optional[str]], start: int, end: int) -> List[str]:
    """Distinct labels covering characters ``start:end``, in text order."""
    found: List[str] = []
    for label in labels[start:end]:
        if label is not None and label not in found:
            found.append(label)
    return found


def token_spans(doc: Doc) -> List[Tuple[int, int]]:
    """Character spans of the non-whitespace tokens of ``doc``."""
    return [(t.idx, t.idx + len(t)) for t in doc if not t.is_space]


def add_token_counts(
    counts: TokenCounts,
    gold_doc: Doc,
    gold: Sequence[CharSpan],
    pred: Sequence[CharSpan],
    subset: Optional[Set[str]] = None,
) -> None:
    """Add one document's token counts (``subset`` restricts the populations)."""
    length = len(gold_doc.text)
    gold_at = _coverage(length, gold)
    pred_at = _coverage(length, pred)
    for start, end in token_spans(gold_doc):
        counts.tokens += 1
        gold_labels = _labels_within(gold_at, start, end)
        pred_labels = _labels_within(pred_at, start, end)
        gold_in_scope = [g for g in gold_labels if subset is None or g in subset]
        if gold_in_scope:
            hit = bool(pred_labels)
            counts.gold_phi += 1
            counts.detected += int(hit)
            tally = counts.per_label.setdefault(gold_in_scope[0], [0, 0])
            tally[0] += int(hit)
            tally[1] += 1
        if any(subset is None or p in subset for p in pred_labels):
            counts.predicted_phi += 1
            counts.correct += int(bool(gold_labels))
