"""The conversion report: every entity in is accounted for.

For each *source* label (the label as the input states it, e.g. the i2b2
TYPE) the report counts entities in, written, refused (with a reason line
each) and dropped by the label scheme, and how many needed a token split to
align.  The invariant ``in == written + refused + dropped_by_scheme`` holds
for every label (:meth:`ConversionReport.unbalanced_labels` checks it).
Repairs (BOM stripped, CRLF offsets remapped, whitespace trimmed, ...) are
counted by kind with one line each.  Lines name file, tag id, offsets and
label, never note or entity text (unless ``show_text`` is set).

Nothing taken from a file's *content* is printed or written here unless
``show_text``: a TYPE/label outside the accepted label set is counted under
a numbered placeholder (:meth:`ConversionReport.unknown_label`,
``<unknown TYPE #1>``), element names are not quoted, and an id attribute
is shown only when it looks like an id (:func:`display_id`).  File names
(and archive member names) are shown, with non-printable characters
escaped (:func:`printable`).

Input accounting: every file or archive member met while reading is either
read or counted under ``inputs`` with a reason; those refused (symlinks,
unsafe names, unreadable members) also get a line in ``inputs_refused``.
Whole notes (or records) that cannot be read are skipped with a line in
``notes_skipped``; both are fatal only under ``strict``.
"""
import json
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Union

from wasabi import Printer

from ..safe_io import atomic_write_text
from .errors import ConversionError

#: At most this many lines per repair kind are kept (the counts stay exact).
MAX_LINES_PER_REPAIR_KIND = 1000

_ID_LIKE = re.compile(r"[A-Za-z0-9_.:/#\[\]-]{1,32}")


def looks_like_id(value: str) -> bool:
    """An id attribute that can be shown: at most 32 id characters, with a digit.

    ``P0``, ``T12``, ``T2[1]``, ``101/PHI3``, ``7`` are shown; anything with
    spaces, or without a digit (a word, maybe a name), is not.
    """
    return bool(_ID_LIKE.fullmatch(value)) and any(c.isdigit() for c in value)


def display_id(value: str, fallback: str, show_text: bool = False) -> str:
    """``value`` when it may be shown (see :func:`looks_like_id`), else ``fallback``."""
    return value if show_text or looks_like_id(value) else fallback


def printable(name: str) -> str:
    """A file or member name safe to print on one line (escapes, never raises)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # undecodable bytes of a file name (surrogateescape)
        name = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    if name.isprintable():
        return name
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in name)


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
    inputs: Counter = field(default_factory=Counter)
    inputs_refused: List[Dict[str, str]] = field(default_factory=list)
    notices: Counter = field(default_factory=Counter)
    notice_lines: List[Dict[str, str]] = field(default_factory=list)
    _placeholders: Dict[str, str] = field(default_factory=dict, repr=False)

    # -- what may be shown ------------------------------------------------
    def unknown_label(self, label: str, kind: str = "unknown TYPE") -> str:
        """The name a label outside the accepted set is counted under.

        The label itself with ``show_text``; else a placeholder numbered in
        order of first appearance (``<unknown TYPE #1>``, ``<non-TYPE label
        #1>``), the same for the same value within one report.  Never a
        hash: a short name's hash is easy to reverse.
        """
        if self.show_text:
            return label
        key = f"{kind}\0{label}"
        if key not in self._placeholders:
            n = sum(1 for k in self._placeholders if k.startswith(f"{kind}\0")) + 1
            self._placeholders[key] = f"<{kind} #{n}>"
        return self._placeholders[key]

    def shown_label(self, label: str, generic: Optional[bool] = None) -> str:
        """``label`` as a report line may show it.

        i2b2 TYPEs are shown; so are the labels of a generic format (brat,
        JSONL: ``generic``, default from :attr:`format`) under ``--labels
        type``, where they are the output labels.  Any other value is free
        text from the file: a placeholder (see :meth:`unknown_label`).
        """
        from ..labels import TYPES

        if generic is None:
            generic = self.format in ("brat", "jsonl")
        if label in TYPES or self.show_text or (generic and self.scheme == "type"):
            return label
        return self.unknown_label(label, "non-TYPE label" if generic else "unknown TYPE")

    def shown_id(self, value: str, fallback: str) -> str:
        """An id from a file's content as it may be shown (see :func:`display_id`)."""
        return display_id(value, fallback, self.show_text)

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
        """A whole note (or file, or record) is not converted (fatal when ``strict``).

        ``note_id`` may be empty (a file whose notes could not be read);
        ``reason`` must not contain note text.
        """
        if self.strict:
            what = f"note {note_id}: " if note_id else ""
            raise ConversionError(f"{source}: {what}{reason} (--strict)")
        self.notes_skipped.append({"source": source, "note_id": note_id, "reason": reason})

    def skip_unreadable(self, source: str, note_id: str, error: Exception) -> None:
        """Skip a note whose parser raised ``error`` (a :class:`ConversionError`
        whose message starts with the source); the reason is the message.
        Under ``strict`` the error itself is raised again."""
        if self.strict:
            message = str(error)
            if message.endswith("(--strict)"):
                raise error
            raise ConversionError(f"{message} (--strict)") from None
        reason = str(error)
        if reason.startswith(f"{source}: "):
            reason = reason[len(source) + 2 :]
        self.skip_note(source, note_id, reason)

    def input_read(self) -> None:
        """One input file (or archive member) was read."""
        self.inputs["read"] += 1

    def input_ignored(self, why: str) -> None:
        """An input file or member that is not one (wrong suffix, hidden, a
        folder entry): counted, no line."""
        self.inputs[f"ignored: {why}"] += 1

    def refuse_input(self, source: str, why: str, detail: str = "") -> None:
        """An input file or member that is not read for safety or because it is
        unreadable: counted, with a line (fatal when ``strict``)."""
        line = f"{source}: {why}" + (f" ({detail})" if detail else "")
        if self.strict:
            raise ConversionError(f"{line}: not read (--strict)")
        self.inputs[f"refused: {why}"] += 1
        self.inputs_refused.append({"source": source, "reason": why, "detail": detail})

    def notice(self, kind: str, source: str, detail: str = "") -> None:
        """Something worth a line that is neither a repair nor a refusal."""
        self.notices[kind] += 1
        if self.notices[kind] <= MAX_LINES_PER_REPAIR_KIND:
            self.notice_lines.append({"kind": kind, "source": source, "detail": detail})

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
            "inputs": dict(sorted(self.inputs.items())),
            "inputs_refused": self.inputs_refused,
            "notices": dict(sorted(self.notices.items())),
            "notice_lines": self.notice_lines,
        }

    def write_json(self, path: Union[str, Path]) -> None:
        """Write the report as JSON, atomically (a temp file replaces ``path``)."""
        atomic_write_text(path, json.dumps(self.to_dict(), indent=2) + "\n")

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
        if set(self.inputs) - {"read"}:
            msg.text("Input files and archive members:")
            msg.table(sorted(self.inputs.items()), header=("input", "count"), divider=True)
        # plain print: wasabi wraps at 80 columns, which splits file paths
        if self.inputs_refused:
            msg.warn(f"{len(self.inputs_refused)} input files or members not read:")
            for r in self.inputs_refused[:max_lines]:
                detail = f" ({r['detail']})" if r["detail"] else ""
                print(f"  {r['source']}: {r['reason']}{detail}")
            if len(self.inputs_refused) > max_lines:
                print(f"  ... {len(self.inputs_refused) - max_lines} more in the JSON report")
        if self.notice_lines:
            msg.info(f"{len(self.notice_lines)} notices:")
            for n in self.notice_lines[:max_lines]:
                print(f"  {n['source']}: {n['kind']}" + (f" ({n['detail']})" if n["detail"] else ""))
        if self.notes_skipped:
            msg.warn(f"{len(self.notes_skipped)} notes skipped:")
            for skipped in self.notes_skipped[:max_lines]:
                what = f"note {skipped['note_id']}: " if skipped["note_id"] else ""
                print(f"  {skipped['source']}: {what}{skipped['reason']}")
            if len(self.notes_skipped) > max_lines:
                print(f"  ... {len(self.notes_skipped) - max_lines} more in the JSON report")
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
