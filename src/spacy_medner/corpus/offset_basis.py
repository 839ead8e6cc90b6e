"""Which text do a file's offsets count in?  BOM and CR line-end handling.

A note's *canonical* text has no leading byte-order mark and LF line ends
(CRLF and lone CR become LF) -- what an XML parser reports as the TEXT of a
CRLF file.  Annotation tools disagree on whether their offsets count the
BOM and the CRs, so every combination that the raw text allows is built as
a :class:`TextVariant` with a map from its offsets to canonical offsets, and
the variant on which most spans' stated texts (i2b2 ``text`` attribute, brat
third column) match wins; ties go to the canonical text.  Spans are then
remapped to canonical offsets.  Without stated texts the canonical text is
assumed (documented).
"""
from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

from .records import Span

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


def choose_variant(variants: Sequence[TextVariant], spans: Sequence[Span]) -> TextVariant:
    """The variant on which most spans' stated texts match (canonical on ties)."""
    if len(variants) == 1:
        return variants[0]
    best, best_score = variants[0], -1
    for variant in variants:
        score = sum(
            1
            for s in spans
            if s.text is not None
            and 0 <= s.start < s.end <= len(variant.text)
            and same_text(variant.text[s.start : s.end], s.text)
        )
        if score > best_score:
            best, best_score = variant, score
    return best


def remap_spans(variant: TextVariant, spans: Sequence[Span]) -> List[Span]:
    """Spans in ``variant`` offsets -> canonical offsets (out-of-range ones unchanged)."""
    n = len(variant.text)
    out = []
    for s in spans:
        if 0 <= s.start <= n and 0 <= s.end <= n:
            s = Span(variant.to_canonical[s.start], variant.to_canonical[s.end], s.label, s.tag_id, s.category, s.text)
        out.append(s)
    return out

