"""Parsing XML input files safely and faithfully (shared by the i2b2 readers).

The bytes are decoded with the declared encoding (UTF-8 by default; a BOM is
stripped and counted), then parsed with expat through ``xml.etree``.  XML
parsers turn raw CR/CRLF line ends into LF, which shifts the offsets of an
annotation made on the CRLF text.  So that the caller can tell, the raw CRs
inside the content of the elements named in ``keep_raw_cr_in`` (located by
a first expat pass, by byte index) are replaced by a private-use sentinel
character before the real parse; character-reference CRs (``&#13;``) are
explicit content and stay CRs.
"""
import re
import xml.etree.ElementTree as ET
from typing import List, Optional, Sequence, Tuple
from xml.parsers import expat

from .errors import ConversionError
from .report import ConversionReport
from .sources import decode_text

# Only the XML declaration is read with a pattern; the document is parsed by expat.
_DECLARED_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_SENTINELS = tuple(chr(c) for c in range(0xE000, 0xE100))


def _pick_sentinel(text: str) -> str:
    for ch in _SENTINELS:
        if ch not in text:
            return ch
    raise ConversionError("cannot find a free sentinel character")  # 256 PUA chars all used


def _content_regions(data: bytes, elements: Sequence[str], source: str) -> List[Tuple[int, int]]:
    """Byte ranges of the content of every element named in ``elements``."""
    parser = expat.ParserCreate("utf-8")
    starts: List[int] = []
    regions: List[Tuple[int, int]] = []

    def start(name, attrs):  # noqa: ANN001
        if name in elements:
            starts.append(parser.CurrentByteIndex)

    def end(name):  # noqa: ANN001
        if name in elements and starts:
            tag_start = starts.pop()
            content_start = data.index(b">", tag_start) + 1
            regions.append((content_start, parser.CurrentByteIndex))

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        parser.Parse(data, True)
    except expat.ExpatError as err:
        raise ConversionError(
            f"{source}: malformed XML ({expat.ErrorString(err.code)}: line {err.lineno}, column {err.offset})"
        ) from None
    return regions


def parse_xml_bytes(
    data: bytes,
    source: str,
    report: Optional[ConversionReport] = None,
    keep_raw_cr_in: Sequence[str] = (),
) -> Tuple[ET.Element, Optional[str]]:
    """Parse ``data``; return the root and the raw-CR sentinel (None if no raw CR was kept).

    Malformed XML and undecodable bytes raise :class:`ConversionError` with
    file, line and column.
    """
    bom = data.startswith(b"\xef\xbb\xbf")
    declared = _DECLARED_ENCODING.match(data[3:] if bom else data)
    encoding = declared.group(1).decode("ascii") if declared and not bom else "utf-8"
    text = decode_text(data, source, report, encoding=encoding)
    utf8 = text.encode("utf-8")
    sentinel: Optional[str] = None
    if "\r" in text and keep_raw_cr_in:
        regions = _content_regions(utf8, keep_raw_cr_in, source)
        if any(b"\r" in utf8[a:b] for a, b in regions):
            sentinel = _pick_sentinel(text)
            mark = sentinel.encode("utf-8")
            pieces, pos = [], 0
            for a, b in sorted(regions):
                pieces.extend((utf8[pos:a], utf8[a:b].replace(b"\r", mark)))
                pos = b
            pieces.append(utf8[pos:])
            utf8 = b"".join(pieces)
    parser = ET.XMLParser(encoding="utf-8")
    try:
        parser.feed(utf8)
        root = parser.close()
    except ET.ParseError as err:
        raise ConversionError(f"{source}: malformed XML ({err})") from None
    return root, sentinel
