"""The conversion report: every entity in is accounted for.

For each *source* label (the label as the input states it, e.g. the i2b2
TYPE) the report counts entities in, written, refused (with a reason line
each) and dropped by the label scheme, and how many needed a token split to
align.  The invariant ``in == written + refused + dropped_by_scheme`` holds
for every label (:meth:`ConversionReport.unbalanced_labels` checks it).
Repairs (BOM stripped, CRLF offsets remapped, whitespace trimmed, ...) are
counted by kind with one line each.  Lines name file, tag id, offsets and
label, never note or entity text (unless ``show_text`` is set).
"""
import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Union

from wasabi import Printer

from .errors import ConversionError

#: At most this many lines per repair kind are kept (the counts stay exact).
MAX_LINES_PER_REPAIR_KIND = 1000


@dataclass
class LabelCounts:
    """Per source label: what came in and where it went."""

    entities_in: int = 0
    written: int = 0
    refused: int = 0
    dropped_by_scheme: int = 0
    token_split: int = 0
    output_labels: List[str] = field(default_factory=list)

    def balanced(self) -> bool:
        return self.entities_in == self.written + self.refused + self.dropped_by_scheme


@dataclass
class ConversionReport:
    """Accounting shared by a reader and the DocBin builder for one conversion.

    ``strict`` turns every refusal and skipped note into a
    :class:`ConversionError`; ``show_text`` lets refusal lines quote the text
    involved (PHI: debugging only).
    """

    format: str = ""
    scheme: str = "type"
    strict: bool = False
    show_text: bool = False
    labels: Dict[str, LabelCounts] = field(default_factory=dict)
    repairs: Counter = field(default_factory=Counter)
    repair_lines: List[Dict[str, str]] = field(default_factory=list)
    refusals: List[Dict[str, str]] = field(default_factory=list)
    info: Counter = field(default_factory=Counter)
    notes_read: int = 0
    notes_skipped: List[Dict[str, str]] = field(default_factory=list)
    splits: Dict[str, Dict[str, Any]] = field(default_factory=dict)

    # -- counting ---------------------------------------------------------
    def _label(self, label: str) -> LabelCounts:
        if label not in self.labels:
            self.labels[label] = LabelCounts()
        return self.labels[label]

    def entity_in(self, label: str) -> None:
        """One entity with source label ``label`` entered the builder."""
        self._label(label).entities_in += 1

    def refuse(
        self,
        label: str,
        source: str,
        tag_id: str,
        reason: str,
        *,
        counted_in: bool = False,
        text: Optional[str] = None,
        fatal: bool = True,
    ) -> None:
        """Refuse one entity with a reason line (fatal when ``strict`` and ``fatal``).

        ``counted_in=False`` means the entity never reached
        :meth:`entity_in` (a reader refused it), so it is counted in here.
        ``fatal=False`` is for refusals that lose nothing (duplicates).
        """
        line = f"{source}: tag {tag_id or '?'} ({label}): {reason}"
        if self.strict and fatal:
            raise ConversionError(line + " (--strict)")
        counts = self._label(label)
        if not counted_in:
            counts.entities_in += 1
        counts.refused += 1
        entry = {"label": label, "source": source, "tag_id": tag_id, "reason": reason}
        if self.show_text and text is not None:
            entry["text"] = text
        self.refusals.append(entry)

    def repair(self, kind: str, source: str, tag_id: str = "", detail: str = "") -> None:
        """Count one documented repair of kind ``kind``."""
        self.repairs[kind] += 1
        if self.repairs[kind] <= MAX_LINES_PER_REPAIR_KIND:
            self.repair_lines.append(
                {"kind": kind, "source": source, "tag_id": tag_id, "detail": detail}
            )

    def count(self, kind: str, n: int = 1) -> None:
        """Count an informational event (ignored lines, label mappings, ...)."""
        self.info[kind] += n

    def skip_note(self, source: str, note_id: str, reason: str) -> None:
        """A whole note is not converted (fatal when ``strict``)."""
        if self.strict:
            raise ConversionError(f"{source}: note {note_id}: {reason} (--strict)")
        self.notes_skipped.append({"source": source, "note_id": note_id, "reason": reason})

    def written(self, label: str, output_label: str) -> None:
        counts = self._label(label)
        counts.written += 1
        if output_label not in counts.output_labels:
            counts.output_labels.append(output_label)

    def dropped_by_scheme(self, label: str) -> None:
        self._label(label).dropped_by_scheme += 1

    def token_split(self, label: str) -> None:
        self._label(label).token_split += 1

    # -- summaries --------------------------------------------------------
    def unbalanced_labels(self) -> List[str]:
        """Labels for which in != written + refused + dropped (should be none)."""
        return [label for label, c in self.labels.items() if not c.balanced()]

    def totals(self) -> LabelCounts:
        total = LabelCounts()
        for c in self.labels.values():
            total.entities_in += c.entities_in
            total.written += c.written
            total.refused += c.refused
            total.dropped_by_scheme += c.dropped_by_scheme
            total.token_split += c.token_split
        return total

    def to_dict(self) -> Dict[str, Any]:
        totals = asdict(self.totals())
        del totals["output_labels"]
        return {
            "format": self.format,
            "scheme": self.scheme,
            "notes_read": self.notes_read,
            "notes_skipped": self.notes_skipped,
            "splits": self.splits,
            "totals": totals,
            "labels": {k: asdict(v) for k, v in sorted(self.labels.items())},
            "balanced": not self.unbalanced_labels(),
            "repairs": dict(sorted(self.repairs.items())),
            "repair_lines": self.repair_lines,
            "refusals": self.refusals,
            "info": dict(sorted(self.info.items())),
        }

    def write_json(self, path: Union[str, Path]) -> None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_dict(), indent=2) + "\n", encoding="utf8")

    def print(self, printer: Optional[Printer] = None, max_lines: int = 20) -> None:
        """Print the per-label table, repairs and the first refusal lines."""
        msg = printer or Printer()
        rows = []
        for label, c in sorted(self.labels.items()):
            out = ",".join(c.output_labels) or "-"
            rows.append(
                (label, out, c.entities_in, c.written, c.token_split, c.refused, c.dropped_by_scheme)
            )
        t = self.totals()
        rows.append(("TOTAL", "", t.entities_in, t.written, t.token_split, t.refused, t.dropped_by_scheme))
        header = ("label", "written as", "in", "written", "token split", "refused", "dropped by scheme")
        msg.divider(f"Conversion report ({self.format}, labels={self.scheme})")
        msg.table(rows, header=header, divider=True, aligns=("l", "l", "r", "r", "r", "r", "r"))
        if self.repairs:
            msg.text("Repairs:")
            msg.table(sorted(self.repairs.items()), header=("repair", "count"), divider=True)
        if self.info:
            msg.text("Other counts:")
            msg.table(sorted(self.info.items()), header=("what", "count"), divider=True)
        # plain print: wasabi wraps at 80 columns, which splits file paths
        if self.notes_skipped:
            msg.warn(f"{len(self.notes_skipped)} notes skipped:")
            for skipped in self.notes_skipped[:max_lines]:
                print(f"  {skipped['source']}: note {skipped['note_id']}: {skipped['reason']}")
        if self.refusals:
            msg.warn(f"{len(self.refusals)} entities refused:")
            for r in self.refusals[:max_lines]:
                extra = f" [{r['text']!r}]" if "text" in r else ""
                print(f"  {r['source']}: tag {r['tag_id'] or '?'} ({r['label']}): {r['reason']}{extra}")
            if len(self.refusals) > max_lines:
                print(f"  ... {len(self.refusals) - max_lines} more in the JSON report")
        unbalanced = self.unbalanced_labels()
        if unbalanced:  # a bug, not bad input: say so loudly
            msg.fail(f"Entity accounting does not balance for: {', '.join(unbalanced)}")
