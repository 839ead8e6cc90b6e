"""Which text do a file's offsets count in?  BOM and CR line-end handling.

A note's *canonical* text has no leading byte-order mark and LF line ends
(CRLF and lone CR become LF) -- what an XML parser reports as the TEXT of a
CRLF file.  Annotation tools disagree on whether their offsets count the
BOM and the CRs, so every combination that the raw text allows is built as
a :class:`TextVariant` with a map from its offsets to canonical offsets, and
the variant on which most spans' stated texts (i2b2 ``text`` attribute, brat
third column) match wins.  Spans are then remapped to canonical offsets, so
that each span covers the same characters it covered in the text its
offsets were counted in.

Without stated texts to verify (all ``text=""``), and on ties, the *raw*
text is assumed: offsets count the leading BOM and the CRs.  That is the
text as the annotators saw it: the i2b2 release counts offsets in the raw
TEXT content, where a U+FEFF inside the CDATA is a character like any other,
and brat's server counts the BOM and CRs of the ``.txt``.  Assuming the
canonical text instead would shift every span after a BOM or CR by one
character per BOM/CR, silently.  Readers report which basis was assumed; :func:`verifiable`
tells whether any span could be checked.
"""
from dataclasses import dataclass, replace
from typing import List, Optional, Sequence, Tuple

from ..spans import CharSpan

BOM = "\ufeff"


@dataclass(frozen=True)
class TextVariant:
    """A way to read the raw text; ``to_canonical[i]`` maps offset i to canonical.

    ``counts_bom``/``counts_cr``: whether offsets in this variant count the
    leading BOM / the raw CRs (both False: the canonical text).
    """

    counts_bom: bool
    counts_cr: bool
    text: str
    to_canonical: Tuple[int, ...]


def same_text(a: str, b: str) -> bool:
    """Equal up to whitespace runs (XML attribute normalisation turns newlines into spaces)."""
    return a.split() == b.split()


def _variant(raw: str, cr: Optional[str], has_bom: bool, keep_bom: bool, keep_cr: bool) -> TextVariant:
    out: List[str] = []
    mapping: List[int] = []
    canonical = 0
    n = len(raw)
    for i, ch in enumerate(raw):
        if i == 0 and has_bom:
            if keep_bom:
                out.append(BOM)
                mapping.append(canonical)
            continue
        if ch == cr:
            crlf = i + 1 < n and raw[i + 1] == "\n"
            if crlf:  # canonical drops the CR, keeps the LF
                if keep_cr:
                    out.append("\r")
                    mapping.append(canonical)
                continue
            out.append("\r" if keep_cr else "\n")  # lone CR: canonical LF
            mapping.append(canonical)
            canonical += 1
            continue
        out.append(ch)
        mapping.append(canonical)
        canonical += 1
    mapping.append(canonical)
    return TextVariant(keep_bom, keep_cr, "".join(out), tuple(mapping))


def text_variants(raw: str, cr: Optional[str] = "\r", bom: bool = True) -> List[TextVariant]:
    """The canonical variant first, then those that keep the BOM and/or CRs.

    ``cr`` is the character that stands for a raw carriage return (the XML
    reader substitutes a sentinel so that character-reference CRs, which are
    explicit content, are left alone); None: no character is a raw CR.
    """
    has_bom = bom and raw.startswith(BOM)
    has_cr = cr is not None and cr in raw
    variants = []
    for keep_bom in ((False, True) if has_bom else (False,)):
        for keep_cr in ((False, True) if has_cr else (False,)):
            variants.append(_variant(raw, cr, has_bom, keep_bom, keep_cr))
    return variants


def _stated(span: CharSpan) -> bool:
    return span.text is not None and bool(span.text.strip())


def verifiable(spans: Sequence[CharSpan]) -> bool:
    """Whether any span states its text (an empty ``text=""`` states nothing)."""
    return any(_stated(s) for s in spans)


def choose_variant(variants: Sequence[TextVariant], spans: Sequence[CharSpan]) -> TextVariant:
    """The variant on which most spans' stated texts match.

    On ties, and when no span states its text, the raw variant (the one
    that counts the most of the BOM and CRs: the last one of
    :func:`text_variants`) wins; see the module docstring.
    """
    if len(variants) == 1:
        return variants[0]
    best, best_score = variants[0], -1
    for variant in variants:  # canonical first, raw last: ">=" gives ties to the raw side
        score = sum(
            1
            for s in spans
            if _stated(s)
            and 0 <= s.start < s.end <= len(variant.text)
            and same_text(variant.text[s.start : s.end], s.text)
        )
        if score >= best_score:
            best, best_score = variant, score
    return best


def remap_spans(variant: TextVariant, spans: Sequence[CharSpan]) -> List[CharSpan]:
    """Spans in ``variant`` offsets -> canonical offsets (out-of-range ones unchanged)."""
    n = len(variant.text)
    out = []
    for s in spans:
        if 0 <= s.start <= n and 0 <= s.end <= n:
            s = replace(s, start=variant.to_canonical[s.start], end=variant.to_canonical[s.end])
        out.append(s)
    return out

