"""The brat standoff format (reader): ``NAME.txt`` + ``NAME.ann``.

Only text-bound annotations are entities::

    T1<TAB>PATIENT 10 20<TAB>John Smith
    T2<TAB>DATE 30 35;40 45<TAB>01/02 2067      (discontinuous)

Other lines (relations R, events E, attributes A/M, normalisations N, notes
#, equivalences *) are ignored and counted.  Labels are passed on unchanged:
under ``--labels type`` any label is kept (brat is a generic format); under
``category``/``hipaa`` labels must be i2b2 TYPEs or are refused.

Discontinuous entities, policy ``discontinuous`` (each case counted):

- ``split`` (default): one entity per fragment (ids ``T2[0]``, ``T2[1]``);
  every fragment counts as one entity in the report;
- ``merge``: one entity over the covering span ``[min start, max end)``;
- ``refuse``: the entity is refused with a report line.

brat's own server counts a BOM and CRs in its offsets, other tools do not:
the note text gets no BOM and LF line ends, and the offsets are remapped
when the third column shows they counted them (see :mod:`.offset_basis`).
note_id is the file stem; patient_id is None (every note its own patient).

Bad records are skipped, never fatal to the run (except under
``--strict``): a malformed ``T`` line (no tab, bad offsets, no label) is
refused under the label ``<malformed brat line>`` with a line naming the
file and line number; a note whose ``.txt`` is missing or whose files are
not valid UTF-8 is skipped with a line naming the file.
"""
from pathlib import Path
from typing import Dict, Iterable, Iterator, List, Optional, Tuple, Union

from .errors import ConversionError
from .offset_basis import BOM, choose_variant, remap_spans, text_variants
from ..spans import CharSpan
from .records import Note
from .report import ConversionReport
from .sources import SourceFile, read_bytes, decode_text, file_stem, iter_source_files

DISCONTINUOUS_POLICIES: Tuple[str, ...] = ("split", "merge", "refuse")
MALFORMED = "<malformed brat line>"
_OTHER_LINE_KINDS = ("R", "E", "A", "M", "N", "#", "*")


def _fragment_texts(stated: Optional[str], fragments: List[Tuple[int, int]]) -> List[Optional[str]]:
    # brat writes a discontinuous entity's text as its fragments joined by a space
    lengths = [end - start for start, end in fragments]
    if stated is None or len(stated) != sum(lengths) + len(lengths) - 1:
        return [None] * len(fragments)
    texts, pos = [], 0
    for n in lengths:
        texts.append(stated[pos : pos + n])
        pos += n + 1
    return texts


def parse_brat_ann(
    ann_text: str, ann_name: str, report: ConversionReport, discontinuous: str = "split"
) -> List[CharSpan]:
    """Spans (offsets as the file states them) from the text of a ``.ann`` file."""
    if discontinuous not in DISCONTINUOUS_POLICIES:
        raise ValueError(f"discontinuous must be one of {DISCONTINUOUS_POLICIES}")
    spans: List[CharSpan] = []
    for lineno, line in enumerate(ann_text.split("\n"), start=1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        if not line.startswith("T"):
            kind = repr(line[0]) if line[0] in _OTHER_LINE_KINDS or report.show_text else "other"
            report.count(f"brat {kind} lines ignored (not text-bound)")
            continue
        fields = line.split("\t", 2)
        tag_id = report.shown_id(fields[0].strip(), f"line {lineno}")
        where = f"line {lineno}"

        def malformed(reason: str) -> None:
            report.refuse(MALFORMED, ann_name, tag_id, f"{where}: {reason}")

        if len(fields) < 2:
            malformed("malformed T line, expected 'ID<TAB>Label start end<TAB>text'")
            continue
        label, _, offsets = fields[1].strip().partition(" ")
        stated = fields[2] if len(fields) > 2 else None
        try:
            fragments = []
            for part in offsets.split(";"):
                a, b = part.split()
                fragments.append((int(a), int(b)))
        except ValueError:
            malformed("malformed offsets, expected 'start end[;start end]...'")
            continue
        if not label:
            malformed("missing label")
            continue
        if len(fragments) == 1:
            start, end = fragments[0]
            spans.append(CharSpan(start, end, label, tag_id, None, stated))
        elif discontinuous == "refuse":
            report.refuse(report.shown_label(label, generic=True), ann_name, tag_id, f"discontinuous entity ({len(fragments)} fragments; --discontinuous refuse)")
        elif discontinuous == "merge":
            start = min(a for a, _ in fragments)
            end = max(b for _, b in fragments)
            report.repair("discontinuous_merged", ann_name, tag_id, f"{len(fragments)} fragments -> [{start}:{end}]")
            spans.append(CharSpan(start, end, label, tag_id, None, None))
        else:
            report.repair("discontinuous_split", ann_name, tag_id, f"{len(fragments)} fragments -> {len(fragments)} entities")
            for k, ((start, end), text) in enumerate(zip(fragments, _fragment_texts(stated, fragments))):
                spans.append(CharSpan(start, end, label, f"{tag_id}[{k}]", None, text))
    return spans


def parse_brat(
    txt: bytes,
    ann: bytes,
    txt_name: str,
    ann_name: str,
    report: Optional[ConversionReport] = None,
    discontinuous: str = "split",
) -> Note:
    """One Note from the bytes of a ``.txt`` and its ``.ann``."""
    report = report if report is not None else ConversionReport(format="brat")
    raw = decode_text(txt, txt_name, strip_bom=False)
    spans = parse_brat_ann(decode_text(ann, ann_name, report), ann_name, report, discontinuous)
    variants = text_variants(raw, cr="\r", bom=True)
    canonical = variants[0]
    if len(variants) > 1:
        chosen = choose_variant(variants, spans)
        if chosen is not canonical:
            spans = remap_spans(chosen, spans)
        if raw.startswith(BOM):
            detail = "offsets counted the BOM: remapped" if chosen.counts_bom else "offsets did not count it"
            report.repair("bom_stripped", txt_name, detail=detail)
        if "\r" in raw:
            detail = "offsets counted the CRs: remapped" if chosen.counts_cr else "offsets already LF-based"
            report.repair("crlf_normalised", txt_name, detail=detail)
    stem = file_stem(txt_name)
    return Note(note_id=stem, text=canonical.text, spans=spans, patient_id=None, source=ann_name)


def read_brat(
    sources: Iterable[Union[str, Path]],
    report: Optional[ConversionReport] = None,
    discontinuous: str = "split",
) -> Iterator[Note]:
    """Yield a Note per ``.ann`` file (with its ``.txt``) in ``sources``.

    A ``.txt`` without ``.ann`` is not a note (counted); an ``.ann`` without
    ``.txt``, or with undecodable bytes, is skipped with a report line.
    """
    report = report if report is not None else ConversionReport(format="brat")
    texts: Dict[str, SourceFile] = {}
    anns: Dict[str, SourceFile] = {}
    for f in iter_source_files(sources, (".txt", ".ann"), report):
        (anns if f.name.lower().endswith(".ann") else texts)[f.relative_stem] = f
    if not anns:
        raise ConversionError("no .ann files found in " + ", ".join(str(s) for s in sources))
    for stem in sorted(set(texts) - set(anns)):
        report.count("brat .txt files without .ann (ignored)")
    for stem in sorted(anns):
        ann = anns[stem]
        txt = texts.get(stem)
        try:
            if txt is None:
                sibling = ann.path.with_suffix(".txt") if ann.path is not None else None
                if sibling is None or not sibling.is_file():
                    raise ConversionError(f"{ann.name}: no matching .txt file")
                txt = SourceFile(str(sibling), read_bytes(sibling), sibling)
            note = parse_brat(txt.data, ann.data, txt.name, ann.name, report, discontinuous)
        except ConversionError as err:
            report.skip_unreadable(ann.name, "", err)
            continue
        yield note
