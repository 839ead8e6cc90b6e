"""One call from input files to DocBins plus report (what ``convert`` runs).

Outputs: ``output`` (train DocBin), the dev DocBin when ``dev_fraction`` > 0
(``dev_output``, default ``OUT`` with ``.dev`` before its suffix:
``train.spacy`` -> ``train.dev.spacy``) and the JSON report
(:func:`report_path`: ``train.spacy`` -> ``train.report.json``).

No output ever writes over an input: before anything is read, every
output (OUT, the dev DocBin, the report) is checked with
:class:`spacy_medner.safe_io.InputGuard`; one that is an input, lies in an
input folder (also through symlinks, or as a hard link of an input file),
or is the same file as another output, is a :class:`ConversionError`.
Every file is written atomically (a temp file beside it replaces it), after
all DocBins have been serialised.
"""
from pathlib import Path
from typing import Dict, Iterable, Iterator, List, Optional, Sequence, Tuple, Union

from spacy.language import Language
from spacy.tokens import DocBin

from ..safe_io import InputGuard, UnsafeOutputError, atomic_write_bytes
from .brat import DISCONTINUOUS_POLICIES, read_brat
from .docbin import DEFAULT_MAX_NOTE_CHARS, DEFAULT_MAX_SEGMENT_CHARS, check_unique_note_ids, convert_notes
from .errors import ConversionError
from .i2b2_2006 import read_i2b2_2006
from .i2b2_2014 import read_i2b2_2014
from .jsonl import read_jsonl
from .records import Note
from .report import ConversionReport
from .split import patient_key, split_by_patient

FORMATS: Tuple[str, ...] = ("i2b2-2014", "i2b2-2006", "brat", "jsonl")
#: Formats whose labels are free text: passed through unchanged under ``type``.
GENERIC_FORMATS: Tuple[str, ...] = ("brat", "jsonl")

PathLike = Union[str, Path]


def read_notes(
    format: str,
    sources: Iterable[PathLike],
    report: Optional[ConversionReport] = None,
    discontinuous: str = "split",
) -> Iterator[Note]:
    """Yield the Notes of ``sources`` read as ``format``."""
    sources = list(sources)
    if format == "i2b2-2014":
        return read_i2b2_2014(sources, report)
    if format == "i2b2-2006":
        return read_i2b2_2006(sources, report)
    if format == "brat":
        return read_brat(sources, report, discontinuous)
    if format == "jsonl":
        return read_jsonl(sources, report)
    raise ConversionError(f"unknown format {format!r}; expected one of {', '.join(FORMATS)}")


def dev_path_for(output: PathLike) -> Path:
    """``train.spacy`` -> ``train.dev.spacy``."""
    output = Path(output)
    return output.with_name(f"{output.stem}.dev{output.suffix or '.spacy'}")


def report_path(output: PathLike) -> Path:
    """``train.spacy`` -> ``train.report.json``."""
    output = Path(output)
    return output.with_name(f"{output.stem if output.suffix else output.name}.report.json")


def input_paths(format: str, sources: Iterable[PathLike]) -> List[Path]:
    """What a conversion reads: the sources, and for brat the ``.txt`` beside
    an ``.ann`` named explicitly (read from disk)."""
    paths = [Path(s) for s in sources]
    if format == "brat":
        paths += [p.with_suffix(".txt") for p in paths if p.suffix.lower() == ".ann"]
    return paths


def check_outputs(
    sources: Iterable[PathLike], outputs: Sequence[Tuple[str, PathLike]], format: str = ""
) -> None:
    """Refuse outputs that are (or resolve into) inputs, or the same file twice.

    ``outputs``: (what, path) pairs, e.g. ``("OUT", "train.spacy")``.
    Raises :class:`ConversionError` with one line naming the output.
    """
    guard = InputGuard(input_paths(format, sources))
    try:
        for what, path in outputs:
            guard.check(path, what)
    except UnsafeOutputError as err:
        raise ConversionError(str(err)) from None


def convert_corpus(
    sources: Sequence[PathLike],
    output: PathLike,
    nlp: Language,
    format: str = "i2b2-2014",
    scheme: str = "type",
    *,
    dev_fraction: float = 0.0,
    seed: int = 0,
    dev_output: Optional[PathLike] = None,
    segment: bool = False,
    max_segment_chars: int = DEFAULT_MAX_SEGMENT_CHARS,
    on_overlap: str = "keep-longest",
    discontinuous: str = "split",
    strict: bool = False,
    show_text: bool = False,
    report: Optional[ConversionReport] = None,
    max_note_chars: Optional[int] = DEFAULT_MAX_NOTE_CHARS,
) -> ConversionReport:
    """Read, split by patient, convert and write DocBin(s) and the JSON report.

    Outputs are checked against the inputs first (see the module docstring).
    Bad notes are skipped with report lines; if no note at all could be
    converted, :class:`ConversionError` names the first reason.
    """
    if format not in FORMATS:
        raise ConversionError(f"unknown format {format!r}; expected one of {', '.join(FORMATS)}")
    if discontinuous not in DISCONTINUOUS_POLICIES:
        raise ConversionError(f"--discontinuous must be one of {', '.join(DISCONTINUOUS_POLICIES)}")
    train_path = Path(output)
    dev_path = (Path(dev_output) if dev_output else dev_path_for(output)) if dev_fraction > 0 else None
    outputs = [("OUT", train_path)]
    if dev_path is not None:
        outputs.append(("--dev-output", dev_path))
    outputs.append(("report", report_path(output)))
    check_outputs(sources, outputs, format)
    report = report if report is not None else ConversionReport()
    report.format, report.scheme, report.strict, report.show_text = format, scheme, strict, show_text
    notes = list(check_unique_note_ids(read_notes(format, sources, report, discontinuous)))
    if not notes:
        raise ConversionError(_nothing_read(sources, report))
    train_notes, dev_notes = split_by_patient(notes, dev_fraction, seed)
    parts: Dict[str, Tuple[Sequence[Note], Path]] = {"train": (train_notes, train_path)}
    if dev_path is not None:
        parts["dev"] = (dev_notes, dev_path)
    options = dict(
        report=report,
        on_overlap=on_overlap,
        allow_unknown_labels=format in GENERIC_FORMATS,
        segment=segment,
        max_segment_chars=max_segment_chars,
        max_note_chars=max_note_chars,
    )
    converted = {name: convert_notes(part_notes, nlp, scheme, **options)[0] for name, (part_notes, _) in parts.items()}
    if not any(converted.values()):
        reasons = sorted({s["reason"] for s in report.notes_skipped})
        raise ConversionError(
            f"nothing to write: none of the {len(notes)} notes could be converted ({'; '.join(reasons)[:200]})"
            if reasons != ["empty text"] else f"nothing to write: all {len(notes)} notes have an empty text"
        )
    data = {name: DocBin(docs=docs, store_user_data=True).to_bytes() for name, docs in converted.items()}
    for name, (part_notes, path) in parts.items():
        docs = converted[name]
        atomic_write_bytes(path, data[name])
        report.splits[name] = {
            "path": str(path),
            "notes": len(part_notes),
            "patients": len({patient_key(n) for n in part_notes}),
            "docs": len(docs),
            "entities": sum(len(d.ents) for d in docs),
        }
    report.write_json(report_path(output))
    return report


def _nothing_read(sources: Sequence[PathLike], report: ConversionReport) -> str:
    where = ", ".join(str(s) for s in sources)
    if not report.notes_skipped:
        return f"no notes found in {where}"
    first = report.notes_skipped[0]
    what = f"note {first['note_id']}: " if first["note_id"] else ""
    return (
        f"no notes could be read from {where} ({len(report.notes_skipped)} skipped; "
        f"first: {first['source']}: {what}{first['reason']})"
    )
