"""Label shapes: PHI types that only exist where the text has their shape.

An IP address is digits (or hex) and dots or colons, an e-mail address has an ``@``
between two words, a URL has a scheme, ``www.`` or a dotted domain. Every instance of
these types in every corpus we have fits its shape, but the CRF, on text unlike anything
it was trained on (a paragraph of Greek, a GEDCOM file's ``@I1@`` cross-references), can
still decode long runs of such tokens as ``IPADDR`` or ``EMAIL``. In decoding, a token may
take one of these labels only where it overlaps text of that label's shape
(:func:`shape_permissions`); the ``medner`` pipe's ``require_shapes`` setting switches the
rule off. The shapes are deliberately loose: they only have to hold for every real
instance, and detecting the instances is the PHI patterns' job (:mod:`.patterns`).
"""
import re
from typing import Dict, Sequence

import numpy
from spacy.tokens import Doc

from .patterns import ocr_digits

#: per label, a regex that every entity of that label overlaps, over ``doc.text`` with
#: OCR-garbled digits put back (:func:`~.patterns.ocr_digits`); an IPv4 group may hold a
#: letter that OCR read for a digit (``1.186.B1.221``); the e-mail and URL shapes start only
#: where a word does, so a long run of letters costs linear time, not quadratic
LABEL_SHAPES: Dict[str, "re.Pattern[str]"] = {
    "IPADDR": re.compile(r"[0-9A-Za-z]{1,3}(?:\.[0-9A-Za-z]{1,3}){3}|[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}"),
    "EMAIL": re.compile(r"(?<![^\s@<>()\[\],;:\"'])[^\s@<>()\[\],;:\"']+(?:@|%40)[\w-]+(?:\.[\w-]+)+", re.IGNORECASE),
    "URL": re.compile(
        r"(?<![A-Za-z0-9+.-])(?:[A-Za-z][A-Za-z0-9+.-]*://|www\.)\S+|(?<![\w.-])[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}(?:/\S*)?",
        re.IGNORECASE,
    ),
}


def shape_permissions(doc: Doc, labels: Sequence[str]) -> Dict[str, numpy.ndarray]:
    """For each of ``labels`` that has a shape, which tokens of ``doc`` may take it: those
    that overlap a match (spaCy's ``expand`` alignment, as the PHI patterns map theirs)."""
    text = ocr_digits(doc.text)
    allowed = {}
    for label in labels:
        shape = LABEL_SHAPES.get(label)
        if shape is None:
            continue
        allowed[label] = numpy.zeros(len(doc), dtype=bool)
        for match in shape.finditer(text):
            span = doc.char_span(match.start(), match.end(), alignment_mode="expand")
            if span is not None:
                allowed[label][span.start : span.end] = True
    return allowed
