"""Formats in: readers for clinical-note annotation formats and the DocBin builder.

Readers yield :class:`Note` objects (i2b2 2014, i2b2 2006, brat, JSONL);
:func:`convert_notes` turns Notes into Docs and a :class:`ConversionReport`;
:func:`convert_corpus` runs the whole conversion the ``convert`` command runs.
"""
from .brat import read_brat
from .converter import FORMATS, GENERIC_FORMATS, convert_corpus, dev_path_for, read_notes, report_path
from .docbin import convert_notes, resolve_entities, segment_bounds
from .errors import ConversionError
from .i2b2_2006 import read_i2b2_2006
from .i2b2_2014 import parse_i2b2_2014, read_i2b2_2014, write_i2b2_2014
from .jsonl import read_jsonl
from ..spans import CharSpan
from .records import Note
from .report import ConversionReport
from .split import split_by_patient

__all__ = [
    "ConversionError",
    "ConversionReport",
    "FORMATS",
    "GENERIC_FORMATS",
    "Note",
    "CharSpan",
    "convert_corpus",
    "convert_notes",
    "dev_path_for",
    "parse_i2b2_2014",
    "read_brat",
    "read_i2b2_2006",
    "read_i2b2_2014",
    "read_jsonl",
    "read_notes",
    "report_path",
    "resolve_entities",
    "segment_bounds",
    "split_by_patient",
    "write_i2b2_2014",
]
