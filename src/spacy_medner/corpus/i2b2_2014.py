"""The i2b2/UTHealth 2014 de-identification XML format (the reference format).

One file per note, ``PPP-RR.xml`` (patient, record)::

    <?xml version="1.0" encoding="UTF-8" ?>
    <deIdi2b2>
    <TEXT><![CDATA[ ...note... ]]></TEXT>
    <TAGS>
    <DATE id="P0" start="16" end="26" text="2067-05-03" TYPE="DATE" comment="" />
    </TAGS>
    </deIdi2b2>

Offsets are character offsets into the TEXT content.  Tag elements are named
for the category (NAME, LOCATION, ...) or, as a quirk of the release, ``PHI``.

Reading (:func:`read_i2b2_2014`, :func:`parse_i2b2_2014`):

- note_id is the file stem; patient_id is ``PPP`` for a stem ``PPP-RR``
  (``RR`` digits), else the whole stem (the note is its own patient);
- TYPE is authoritative: an element name that disagrees with the TYPE's
  category, an unknown element with a known TYPE and a lower-case TYPE are
  repairs (counted); an unknown TYPE reaches the builder, which refuses it;
- a tag without TYPE or with non-integer start/end is refused here;
- raw CR/CRLF line ends in the file, or a U+FEFF at the start of TEXT: the
  TEXT is given LF line ends and no BOM; the offsets are remapped when the
  tags' ``text`` attributes show that they counted the CRs/BOM, and also
  when no tag states its text (the raw TEXT is then assumed, as in the
  release; see :mod:`.offset_basis`); counted either way, with the basis.

A file that cannot be read as a note (malformed XML, undecodable bytes,
wrong root, no TEXT, elements inside TEXT) raises :class:`ConversionError`
in :func:`parse_i2b2_2014`; :func:`read_i2b2_2014` skips it with a report
line naming the file and goes on (fatal only under ``--strict``).  Element
names and attribute values are never quoted in messages unless
``show_text`` (tag ids only when they look like ids).
"""
import re
from pathlib import Path
from typing import IO, Iterable, Iterator, List, Optional, Union
from xml.sax.saxutils import quoteattr

from ..labels import CATEGORIES, TAG_ELEMENTS, TYPE_TO_CATEGORY, TYPES
from .errors import ConversionError
from .offset_basis import choose_variant, remap_spans, text_variants, verifiable
from ..spans import CharSpan
from .records import Note
from .report import ConversionReport
from .sources import file_stem, iter_source_files
from .xml_input import parse_xml_bytes

ROOT_ELEMENT = "deIdi2b2"
_PATIENT_RECORD = re.compile(r"^(.+)-(\d+)$")


def _cdata(text: str) -> str:
    # "]]>" cannot appear inside one CDATA section: split it across two.  A
    # carriage return inside CDATA is normalised away by every XML parser, so
    # it is written as a character reference between two sections.
    body = text.replace("]]>", "]]]]><![CDATA[>").replace("\r", "]]>&#13;<![CDATA[")
    return "<![CDATA[" + body + "]]>"


def note_to_i2b2_2014_xml(note: Note, phi_element: bool = False) -> str:
    """Serialise a Note to i2b2 2014 XML.

    Each span's label must be an i2b2 TYPE; its element is the span's
    ``category`` if set, else the TYPE's category (``PHI`` for every tag when
    ``phi_element`` is true).  Tag ids default to ``P0``, ``P1``, ...
    """
    lines = ['<?xml version="1.0" encoding="UTF-8" ?>', "<deIdi2b2>"]
    lines.append("<TEXT>" + _cdata(note.text) + "</TEXT>")
    lines.append("<TAGS>")
    for i, span in enumerate(sorted(note.spans, key=lambda s: (s.start, s.end))):
        element = "PHI" if phi_element else (span.category or TYPE_TO_CATEGORY.get(span.label, "PHI"))
        attrs = {
            "id": span.tag_id or f"P{i}",
            "start": str(span.start),
            "end": str(span.end),
            "text": note.text[span.start : span.end],
            "TYPE": span.label,
            "comment": "",
        }
        attr_text = " ".join(f"{k}={_quote(v)}" for k, v in attrs.items())
        lines.append(f"<{element} {attr_text} />")
    lines.append("</TAGS>")
    lines.append("</deIdi2b2>")
    return "\n".join(lines) + "\n"


def _quote(value: str) -> str:
    # quoteattr escapes &, <, > and quotes; also keep newlines/tabs in attributes
    # from being normalised to spaces by XML attribute-value normalisation.
    return quoteattr(value, {"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


def write_i2b2_2014(
    note: Note, dest: Union[str, Path, IO[str]], phi_element: bool = False
) -> None:
    """Write a Note as one i2b2 2014 XML file (UTF-8, LF line ends)."""
    xml = note_to_i2b2_2014_xml(note, phi_element=phi_element)
    if hasattr(dest, "write"):
        dest.write(xml)  # type: ignore[union-attr]
    else:
        Path(dest).write_text(xml, encoding="utf8", newline="\n")


def patient_of(note_id: str) -> str:
    """``PPP`` for an i2b2 note id ``PPP-RR``; the id itself otherwise."""
    m = _PATIENT_RECORD.match(note_id)
    return m.group(1) if m else note_id


def parse_i2b2_2014(
    data: bytes, source: str, report: Optional[ConversionReport] = None, note_id: Optional[str] = None
) -> Note:
    """Parse one i2b2 2014 XML file (its bytes) into a Note with canonical offsets."""
    report = report if report is not None else ConversionReport(format="i2b2-2014")
    root, sentinel = parse_xml_bytes(data, source, report, keep_raw_cr_in=("TEXT",))
    if root.tag != ROOT_ELEMENT:
        found = f" <{root.tag}>" if report.show_text else ""
        raise ConversionError(
            f"{source}: root element{found} is not <{ROOT_ELEMENT}> (is this the i2b2-2014 format?)"
        )
    text_el = root.find("TEXT")
    if text_el is None:
        raise ConversionError(f"{source}: no <TEXT> element")
    if len(text_el):
        found = f" (<{text_el[0].tag}>)" if report.show_text else ""
        raise ConversionError(
            f"{source}: <TEXT> contains child elements{found}; inline tags are the i2b2-2006 format"
        )
    raw_text = text_el.text or ""
    spans: List[CharSpan] = []
    tags_el = root.find("TAGS")
    for i, el in enumerate(tags_el if tags_el is not None else []):
        span = _read_tag(el, i, source, report)
        if span is not None:
            spans.append(span)
    variants = text_variants(raw_text, cr=sentinel, bom=True)
    canonical = variants[0]
    if len(variants) > 1:
        chosen = choose_variant(variants, spans)
        if chosen is not canonical:
            spans = remap_spans(chosen, spans)
        basis = "" if verifiable(spans) else " (no text attributes to verify: raw TEXT assumed)"
        if sentinel is not None and sentinel in raw_text:
            detail = "offsets counted the CRs: remapped" if chosen.counts_cr else "offsets already LF-based"
            report.repair("crlf_normalised", source, detail=detail + basis)
        if raw_text.startswith("\ufeff"):
            detail = "offsets counted the BOM: remapped" if chosen.counts_bom else "offsets did not count it"
            report.repair("bom_in_text_stripped", source, detail=detail + basis)
    stem = note_id or file_stem(source)
    return Note(
        note_id=stem,
        text=canonical.text,
        spans=spans,
        patient_id=patient_of(stem),
        source=source,
    )


def _read_tag(el, index: int, source: str, report: ConversionReport) -> Optional[CharSpan]:
    attr = el.get
    element = el.tag
    tag_id = report.shown_id((attr("id") or "").strip(), f"#{index}")
    type_ = (attr("TYPE") or "").strip()
    if not type_:
        shown = element if element in TAG_ELEMENTS or report.show_text else "tag"
        report.refuse(f"<{shown} without TYPE>", source, tag_id, "no TYPE attribute")
        return None
    if type_ not in TYPES and type_.upper() in TYPES:
        report.repair("type_case_normalised", source, tag_id, f"TYPE {type_} -> {type_.upper()}")
        type_ = type_.upper()
    if type_ in TYPES:
        expected = TYPE_TO_CATEGORY[type_]
        if element not in TAG_ELEMENTS:
            shown = f"<{element}>" if report.show_text else "unknown element"
            report.repair("unknown_element", source, tag_id, f"{shown} with TYPE {type_}: category {expected}")
        elif element in CATEGORIES and element != expected:
            report.repair("element_type_mismatch", source, tag_id, f"<{element}> with TYPE {type_}: TYPE kept")
        category: Optional[str] = expected
    else:
        category = element if element in CATEGORIES else None
    try:
        start = int((attr("start") or "").strip())
        end = int((attr("end") or "").strip())
    except ValueError:
        report.refuse(report.shown_label(type_, generic=False), source, tag_id, "start/end attribute missing or not an integer")
        return None
    return CharSpan(start, end, type_, tag_id, category, el.get("text"))


def read_i2b2_2014(
    sources: Iterable[Union[str, Path]], report: Optional[ConversionReport] = None
) -> Iterator[Note]:
    """Yield a Note per ``*.xml`` file in the folders/files/archives ``sources``.

    A file that cannot be read as a note is skipped with a report line
    (:meth:`ConversionReport.skip_note`; fatal under ``strict``).
    """
    report = report if report is not None else ConversionReport(format="i2b2-2014")
    for f in iter_source_files(sources, (".xml",), report):
        try:
            note = parse_i2b2_2014(f.data, f.name, report)
        except ConversionError as err:
            report.skip_unreadable(f.name, "", err)
            continue
        yield note
