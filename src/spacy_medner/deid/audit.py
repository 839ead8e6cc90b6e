"""The leak audit: which GOLD PHI strings survive verbatim in the de-identified notes.

Given notes with gold annotations (i2b2 2014 TAGS, JSONL ``spans``) and their
de-identification (:class:`.replace.DeidResult`, which maps every input
offset to the output), each gold PHI span is looked for in the output:

- at its **mapped position**: the output text where the gold span went (the
  text outside replacements is unchanged, so the offsets shift by the
  length changes before it; an end inside a replacement maps to that
  replacement's end).  It *survived* when that text equals the original
  string, or when the gold span lies inside one replacement whose new text
  still holds the string as a whole word;
- **elsewhere** in the output note, as a whole word (not preceded or
  followed by a letter or digit), other than where it survived: a string
  replaced at its position may still occur elsewhere (another, unannotated
  mention; a surrogate that happens to be it).

Every gold span gets one status:

``replaced``
    nothing of it is left at its position;
``partly_replaced``
    it does not survive whole, but a letter or digit of it lies outside every
    changed replacement: the model's span was too short (a model miss);
``detected_survived``
    it survived although it overlaps a predicted entity that was replaced: a
    DE-IDENTIFICATION BUG (must be 0);
``left_by_option``
    it survived because an option left the predicted entity in the text
    (``--labels``, ``--min-score``, ``keep`` operator; ``reason`` says which);
``missed``
    it survived and no prediction overlaps it (or only one whose text is kept
    by design, e.g. predicted as an age under 90): a model miss;
``age_under_90``
    an AGE of at most 89 that survived: kept on purpose (HIPAA allows it).

Counts per gold label, and a list of every gold span not ``replaced`` (and of
replaced ones that still occur elsewhere) with note, file, offsets and
status.  The strings themselves are only in the report with ``show_text``.
"""
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence, Tuple

from .replace import UNCHANGED_ACTIONS, DeidResult, Replacement
from .surrogates import age_surrogate

STATUSES: Tuple[str, ...] = (
    "replaced",
    "partly_replaced",
    "detected_survived",
    "left_by_option",
    "missed",
    "age_under_90",
)
#: Statuses where the whole gold string is still at its position.
SURVIVED: Tuple[str, ...] = ("detected_survived", "left_by_option", "missed", "age_under_90")
AGE_LABELS = frozenset({"AGE"})

Gold = Tuple[int, int, str]


@dataclass(frozen=True)
class Finding:
    """One gold span's fate (``text`` only when the audit shows text)."""

    note_id: str
    where: str
    label: str
    start: int
    end: int
    status: str
    elsewhere: bool
    reason: str = ""
    text: Optional[str] = None

    def to_dict(self) -> Dict[str, Any]:
        out: Dict[str, Any] = {
            "note": self.note_id,
            "where": self.where,
            "label": self.label,
            "start": self.start,
            "end": self.end,
            "status": self.status,
            "elsewhere": self.elsewhere,
        }
        if self.reason:
            out["reason"] = self.reason
        if self.text is not None:
            out["text"] = self.text
        return out


def _word_re(value: str) -> "re.Pattern[str]":
    left = r"(?<![^\W_])" if value[:1].isalnum() else ""
    right = r"(?![^\W_])" if value[-1:].isalnum() else ""
    return re.compile(left + re.escape(value) + right)


def occurs(value: str, text: str) -> bool:
    """``value`` occurs in ``text`` not glued to a letter or digit on an alphanumeric edge."""
    return bool(value) and _word_re(value).search(text) is not None


def map_span(start: int, end: int, replacements: Sequence[Replacement]) -> Tuple[int, int]:
    """Where ``[start, end)`` of the input went in the output (see the module's notes).

    ``replacements`` are non-overlapping and in text order.
    """
    new_start: Optional[int] = None
    new_end: Optional[int] = None
    delta_start = delta_end = 0
    for r in replacements:
        delta = (r.new_end - r.new_start) - (r.end - r.start)
        if r.end <= start:
            delta_start += delta
        elif r.start <= start:
            new_start = r.new_start
        if r.end <= end:
            delta_end += delta
        elif r.start < end:
            new_end = r.new_end
    if new_start is None:
        new_start = start + delta_start
    if new_end is None:
        new_end = end + delta_end
    return new_start, max(new_start, new_end)


def _overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


class LeakAudit:
    """Accumulates findings note by note (:meth:`add`), then :meth:`report`."""

    def __init__(self, show_text: bool = False) -> None:
        self.show_text = show_text
        self.counts: Dict[str, Counter] = defaultdict(Counter)
        self.findings: List[Finding] = []
        self.notes = 0
        self.notes_without_gold = 0

    def add(self, note_id: str, where: str, text: str, gold: Optional[Sequence[Gold]], result: DeidResult) -> None:
        """Audit one note: its input ``text``, gold spans (offsets into ``text``) and result."""
        if gold is None:
            self.notes_without_gold += 1
            return
        self.notes += 1
        reps = sorted(result.replacements, key=lambda r: r.start)
        out = result.text
        for start, end, label in gold:
            original = text[start:end]
            if not original.strip():
                continue
            new_start, new_end = map_span(start, end, reps)
            overlapping = [r for r in reps if _overlaps(start, end, r.start, r.end)]
            survived = out[new_start:new_end] == original
            if not survived:
                # "90+" for an age of 90 or over is HIPAA's aggregation, not the original surviving
                inside = [
                    r for r in overlapping
                    if r.start <= start and end <= r.end and r.changed and r.action != "age_90_plus"
                ]
                survived = any(occurs(original, r.text) for r in inside)
            reason = ""
            if survived:
                if label.upper() in AGE_LABELS and age_surrogate(original)[1] == "age_kept":
                    status = "age_under_90"
                elif any(r.action not in UNCHANGED_ACTIONS for r in overlapping):  # meant to change it
                    status = "detected_survived"
                elif overlapping:  # predicted with a label whose text is kept (an age under 90): a model error
                    status = "missed"
                    reason = ",".join(sorted({f"predicted_{r.label}_{r.action}" for r in overlapping}))
                else:
                    left = [x for x in result.left if _overlaps(start, end, x.start, x.end)]
                    status = "left_by_option" if left else "missed"
                    reason = ",".join(sorted({x.reason for x in left}))
            else:
                changed = [r for r in overlapping if r.changed]
                uncovered = any(
                    ch.isalnum() and not any(r.start <= i < r.end for r in changed)
                    for i, ch in zip(range(start, end), original)
                )
                status = "partly_replaced" if uncovered else "replaced"
            elsewhere = any(  # another occurrence than the surviving one at its position
                not (survived and m.start() == new_start) for m in _word_re(original).finditer(out)
            )
            self.counts[label]["gold"] += 1
            self.counts[label][status] += 1
            if status == "replaced" and elsewhere:
                self.counts[label]["survives_elsewhere"] += 1
            if status != "replaced" or elsewhere:
                self.findings.append(
                    Finding(note_id, where, label, start, end, status, elsewhere, reason,
                            original if self.show_text else None)
                )

    @property
    def bugs(self) -> int:
        """Gold strings that survived although their prediction was replaced (must be 0)."""
        return sum(c["detected_survived"] for c in self.counts.values())

    def totals(self) -> Counter:
        total: Counter = Counter()
        for counts in self.counts.values():
            total.update(counts)
        return total

    def report(self, **context: Any) -> Dict[str, Any]:
        """The JSON-ready report: counts per label, totals and the findings (text only with show_text)."""
        fields = ("gold", *STATUSES, "survives_elsewhere")
        return {
            **context,
            "notes_audited": self.notes,
            "notes_without_gold": self.notes_without_gold,
            "text_included": self.show_text,
            "statuses": list(STATUSES),
            "labels": {label: {f: self.counts[label][f] for f in fields} for label in sorted(self.counts)},
            "total": {f: self.totals()[f] for f in fields},
            "deid_bugs": self.bugs,
            "findings": [f.to_dict() for f in self.findings],
        }

    def summary_lines(self) -> List[str]:
        """Counts per label for the terminal (never strings)."""
        head = f"{'label':<16}{'gold':>6}{'replaced':>10}{'partly':>8}{'BUG':>6}{'option':>8}{'missed':>8}{'age<90':>8}{'elsewhere':>11}"
        lines = [head]
        rows = sorted(self.counts.items()) + [("TOTAL", self.totals())]
        for label, c in rows:
            lines.append(
                f"{label:<16}{c['gold']:>6}{c['replaced']:>10}{c['partly_replaced']:>8}{c['detected_survived']:>6}"
                f"{c['left_by_option']:>8}{c['missed']:>8}{c['age_under_90']:>8}{c['survives_elsewhere']:>11}"
            )
        return lines
