"""One call from input files to DocBins plus report (what ``convert`` runs).

Outputs: ``output`` (train DocBin), the dev DocBin when ``dev_fraction`` > 0
(``dev_output``, default ``OUT`` with ``.dev`` before its suffix:
``train.spacy`` -> ``train.dev.spacy``) and the JSON report
(:func:`report_path`: ``train.spacy`` -> ``train.report.json``).
"""
from pathlib import Path
from typing import Dict, Iterable, Iterator, Optional, Sequence, Tuple, Union

from spacy.language import Language
from spacy.tokens import DocBin

from .brat import DISCONTINUOUS_POLICIES, read_brat
from .docbin import DEFAULT_MAX_SEGMENT_CHARS, check_unique_note_ids, convert_notes
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
) -> ConversionReport:
    """Read, split by patient, convert and write DocBin(s) and the JSON report."""
    if format not in FORMATS:
        raise ConversionError(f"unknown format {format!r}; expected one of {', '.join(FORMATS)}")
    if discontinuous not in DISCONTINUOUS_POLICIES:
        raise ConversionError(f"--discontinuous must be one of {', '.join(DISCONTINUOUS_POLICIES)}")
    report = report if report is not None else ConversionReport()
    report.format, report.scheme, report.strict, report.show_text = format, scheme, strict, show_text
    notes = list(check_unique_note_ids(read_notes(format, sources, report, discontinuous)))
    train_notes, dev_notes = split_by_patient(notes, dev_fraction, seed)
    parts: Dict[str, Tuple[Sequence[Note], Path]] = {"train": (train_notes, Path(output))}
    if dev_fraction > 0:
        parts["dev"] = (dev_notes, Path(dev_output) if dev_output else dev_path_for(output))
    options = dict(
        report=report,
        on_overlap=on_overlap,
        allow_unknown_labels=format in GENERIC_FORMATS,
        segment=segment,
        max_segment_chars=max_segment_chars,
    )
    if not notes:
        raise ConversionError("no notes found in " + ", ".join(str(s) for s in sources))
    converted = {name: convert_notes(part_notes, nlp, scheme, **options)[0] for name, (part_notes, _) in parts.items()}
    if not any(converted.values()):
        raise ConversionError(f"nothing to write: all {len(notes)} notes have an empty text")
    for name, (part_notes, path) in parts.items():
        docs = converted[name]
        path.parent.mkdir(parents=True, exist_ok=True)
        DocBin(docs=docs, store_user_data=True).to_disk(path)
        report.splits[name] = {
            "path": str(path),
            "notes": len(part_notes),
            "patients": len({patient_key(n) for n in part_notes}),
            "docs": len(docs),
            "entities": sum(len(d.ents) for d in docs),
        }
    report.write_json(report_path(output))
    return report
