"""The i2b2 2006 de-identification challenge XML format (reader).

One file per split, notes inline-tagged::

    <ROOT>
    <RECORD ID="123">
    <TEXT>
    Seen by <PHI TYPE="DOCTOR">Smith</PHI> on <PHI TYPE="DATE">01/02</PHI> ...
    </TEXT>
    </RECORD>
    </ROOT>

Offsets are computed while walking the element tree (text + tail), so they
are exact by construction (raw CR/CRLF line ends become LF first, as XML
specifies; ``&#13;`` stays a CR).  note_id and patient_id are the RECORD ID (the
2006 data has no patient grouping: every record is its own patient).

The 2006 TYPEs are mapped to 2014 TYPEs (then the label scheme applies):

==========  ================  ==============================================
2006 TYPE   2014 TYPE         why
==========  ================  ==============================================
PATIENT     PATIENT
DOCTOR      DOCTOR
HOSPITAL    HOSPITAL
ID          IDNUM             2006 ID covers record, patient and doctor ids;
                              IDNUM is the 2014 catch-all id type
DATE        DATE
LOCATION    LOCATION-OTHER    2006 LOCATION is not subdivided into
                              street/city/state...; LOCATION-OTHER is the
                              2014 catch-all location type
PHONE       PHONE
AGE         AGE
==========  ================  ==============================================

Any other TYPE is passed on unchanged, and the builder refuses it as an
unknown TYPE (counted under a placeholder unless ``show_text``).  Elements
other than PHI inside TEXT contribute their text and are counted
(``info``; their names only with ``show_text``).

Bad records are skipped, never fatal to the run (except under
``--strict``): a file that cannot be parsed (malformed XML, undecodable
bytes, wrong root, no RECORD) is skipped with a line naming the file; a
RECORD without ID or TEXT is skipped with a line naming the file and the
record's position.
"""
from pathlib import Path
from typing import Dict, Iterable, Iterator, List, Optional, Union

from .errors import ConversionError
from ..spans import CharSpan
from .records import Note
from .report import ConversionReport
from .sources import iter_source_files
from .xml_input import parse_xml_bytes

TYPE_2006_TO_2014: Dict[str, str] = {
    "PATIENT": "PATIENT",
    "DOCTOR": "DOCTOR",
    "HOSPITAL": "HOSPITAL",
    "ID": "IDNUM",
    "DATE": "DATE",
    "LOCATION": "LOCATION-OTHER",
    "PHONE": "PHONE",
    "AGE": "AGE",
}


class _Walker:
    """Concatenate an element's text and tails, recording PHI element offsets."""

    def __init__(self, source: str, record_id: str, report: ConversionReport) -> None:
        self.parts: List[str] = []
        self.pos = 0
        self.spans: List[CharSpan] = []
        self.source = source
        self.record_id = record_id
        self.report = report

    def _add(self, text: Optional[str]) -> None:
        if text:
            self.parts.append(text)
            self.pos += len(text)

    def walk(self, el) -> None:
        self._add(el.text)
        for child in el:
            start = self.pos
            self.walk(child)
            if child.tag == "PHI":
                self._phi(child, start, self.pos)
            elif self.report.show_text:
                self.report.count(f"i2b2-2006 inline <{child.tag}> (text kept, not an entity)")
            else:
                self.report.count("i2b2-2006 inline elements other than PHI (text kept, not an entity)")
            self._add(child.tail)

    def _phi(self, el, start: int, end: int) -> None:
        tag_id = f"{self.record_id}/PHI{len(self.spans) + 1}"
        type_2006 = (el.get("TYPE") or "").strip()
        if not type_2006:
            self.report.refuse("<PHI without TYPE>", self.source, tag_id, "no TYPE attribute")
            return
        type_2014 = TYPE_2006_TO_2014.get(type_2006.upper())
        if type_2014 is None:
            label = type_2006
        else:
            label = type_2014
            self.report.count(f"i2b2-2006 TYPE {type_2006.upper()} -> {type_2014}")
        self.spans.append(CharSpan(start, end, label, tag_id))


def parse_i2b2_2006(
    data: bytes, source: str, report: Optional[ConversionReport] = None
) -> Iterator[Note]:
    """Yield one Note per RECORD of an i2b2 2006 XML file (its bytes)."""
    yield from _records(data, source, report, skip_bad_records=False)


def _records(
    data: bytes, source: str, report: Optional[ConversionReport], skip_bad_records: bool
) -> Iterator[Note]:
    report = report if report is not None else ConversionReport(format="i2b2-2006")
    root, _ = parse_xml_bytes(data, source, report)  # raw CRLF -> LF, as XML says
    if root.tag != "ROOT":
        found = f" <{root.tag}>" if report.show_text else ""
        raise ConversionError(f"{source}: root element{found} is not <ROOT> (is this the i2b2-2006 format?)")
    records = [el for el in root if el.tag == "RECORD"]
    if not records:
        raise ConversionError(f"{source}: no <RECORD> elements")
    for k, record in enumerate(records, start=1):
        record_id = (record.get("ID") or "").strip()
        shown = report.shown_id(record_id, f"RECORD#{k}")
        problem = None
        text_el = record.find("TEXT")
        if not record_id:
            problem = f"RECORD number {k} has no ID attribute"
        elif text_el is None:
            problem = f"RECORD number {k} ({shown}) has no <TEXT> element"
        if problem is not None:
            if not skip_bad_records:
                raise ConversionError(f"{source}: {problem}")
            report.skip_note(source, "", problem)
            continue
        walker = _Walker(source, shown, report)
        walker.walk(text_el)
        text = "".join(walker.parts)
        yield Note(note_id=record_id, text=text, spans=walker.spans, patient_id=record_id, source=source)


def read_i2b2_2006(
    sources: Iterable[Union[str, Path]], report: Optional[ConversionReport] = None
) -> Iterator[Note]:
    """Yield a Note per RECORD in the ``*.xml`` files of ``sources``.

    Unreadable files and bad records are skipped with report lines (fatal
    under ``strict``).
    """
    report = report if report is not None else ConversionReport(format="i2b2-2006")
    for f in iter_source_files(sources, (".xml",), report):
        try:
            notes = list(_records(f.data, f.name, report, skip_bad_records=True))
        except ConversionError as err:
            report.skip_unreadable(f.name, "", err)
            continue
        yield from notes
