"""Notes -> spaCy Docs with entities, every entity accounted for.

For each note (:func:`resolve_entities`), in order:

1. the label scheme maps the label (:func:`spacy_medner.labels.map_label`):
   ``None`` is dropped by scheme (counted); a label that is not an i2b2 TYPE
   is refused, unless ``allow_unknown_labels`` (generic formats under the
   ``type`` scheme), where it passes through unchanged.  A refused label is
   free text from the file: it is counted under a numbered placeholder
   (``<unknown TYPE #1>``; :meth:`ConversionReport.shown_label`) unless
   ``show_text``;
2. offsets outside the text, empty or inverted: refused;
3. a stated text (i2b2 ``text`` attribute, brat column, JSONL ``text``; an
   empty one counts as not stated) that disagrees with ``text[start:end]``
   (up to whitespace runs): moved to the unique occurrence of the stated
   text within ``NEARBY_CHARS`` of the span (repair ``moved_to_stated_text``),
   else refused;
4. whitespace at the entity's edges is trimmed (repair ``whitespace_trimmed``);
   an all-whitespace entity is refused;
5. duplicates (same offsets and output label) are refused as ``duplicate of
   tag X`` (never fatal, even in strict mode);
6. overlaps: ``on_overlap="keep-longest"`` keeps the longer entity (the
   earlier one on ties) and refuses the other with a line naming both;
   ``"error"`` raises :class:`ConversionError`.

Then (:func:`entities_to_doc`) the text is tokenized and every entity set
with ``Doc.char_span(alignment_mode="strict")``; an entity boundary inside a
token splits that token (``Doc.retokenize().split``) so no entity is
dropped or stretched; such entities are counted as ``token_split``.  Tokens
outside entities are "O" (not missing).  Notes stay whole Docs unless
``segment``: then they are cut at blank lines (else line ends, else
whitespace) into pieces of at most ``max_segment_chars`` where possible,
never inside an entity or a token.

Long notes: spaCy's ``nlp.max_length`` (1,000,000 characters by default)
guards the parser and NER, which need memory per character; conversion
only tokenizes, so a longer note (or segment) is tokenized anyway, with
``max_length`` raised for that call only, and a notice line naming the
file.  Notes longer than ``max_note_chars`` (``--max-note-chars``, default
10,000,000; 0: no limit) are skipped with a line naming the file (their
entities refused), so that one runaway file cannot exhaust memory.

Each Doc's ``user_data`` holds ``note_id``, ``patient_id``, ``source``,
``segment`` (index) and ``segment_start`` (char offset in the note).
"""
import bisect
import re
from dataclasses import replace
from typing import Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

from spacy.language import Language
from spacy.tokens import Doc

from ..labels import LABEL_SCHEMES, TYPES, map_label
from .errors import ConversionError
from .offset_basis import same_text
from ..spans import CharSpan
from .records import Note
from .report import ConversionReport, display_id

#: How far (chars) from the stated offsets a disagreeing stated text is searched.
NEARBY_CHARS = 64
#: Notes longer than this are skipped (``--max-note-chars``; 0 or None: no limit).
DEFAULT_MAX_NOTE_CHARS = 10_000_000
OVERLAP_POLICIES: Tuple[str, ...] = ("keep-longest", "error")
DEFAULT_MAX_SEGMENT_CHARS = 2000
_KNOWN_TYPES = frozenset(TYPES)


def _find_nearby(text: str, stated: str, start: int, end: int) -> Optional[Tuple[int, int]]:
    """The unique occurrence of ``stated`` (up to whitespace runs) within
    ``NEARBY_CHARS`` of [start, end)."""
    words = stated.split()
    if not words:
        return None
    pattern = re.compile(r"\s+".join(map(re.escape, words)))
    lo = max(0, start - NEARBY_CHARS)
    hi = min(len(text), end + NEARBY_CHARS)
    hits = []
    pos = lo
    while len(hits) < 2:
        m = pattern.search(text, pos, hi)
        if m is None:
            break
        hits.append((m.start(), m.end()))
        pos = m.start() + 1
    return hits[0] if len(hits) == 1 else None


def _trim(text: str, start: int, end: int) -> Tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def resolve_entities(
    note: Note,
    scheme: str,
    report: ConversionReport,
    on_overlap: str = "keep-longest",
    allow_unknown_labels: bool = False,
) -> List[CharSpan]:
    """Validate, repair and map a note's spans; return non-overlapping entities, sorted."""
    if scheme not in LABEL_SCHEMES:
        raise ValueError(f"Unknown label scheme {scheme!r}; expected one of {LABEL_SCHEMES}")
    if on_overlap not in OVERLAP_POLICIES:
        raise ValueError(f"on_overlap must be one of {OVERLAP_POLICIES}")
    text, src = note.text, note.source or note.note_id
    n = len(text)
    candidates: List[CharSpan] = []
    for span in note.spans:
        label = span.label
        accepted = label in _KNOWN_TYPES or (allow_unknown_labels and scheme == "type")
        if not accepted:  # free text from the file: a placeholder unless show_text
            label = report.shown_label(label, generic=allow_unknown_labels)
        report.entity_in(label)
        where = f"[{span.start}:{span.end}]"

        def refuse(reason: str, quoted: Optional[str] = None) -> None:
            report.refuse(label, src, span.tag_id, reason, counted_in=True, text=quoted)

        if not accepted:
            what = "unknown TYPE" if not allow_unknown_labels else f"not an i2b2 TYPE (needed by --labels {scheme})"
            refuse(f"{what} {span.label!r}" if report.show_text else what)
            continue
        output = map_label(label, scheme) if label in _KNOWN_TYPES else label
        if output is None:
            report.dropped_by_scheme(label)
            continue
        if span.start >= span.end and 0 <= span.start <= n and 0 <= span.end <= n:
            refuse(f"empty or inverted offsets {where}")
            continue
        if not (0 <= span.start < span.end <= n):
            refuse(f"offsets {where} outside the text (length {n})")
            continue
        start, end = span.start, span.end
        if span.text and span.text.strip() and not same_text(text[start:end], span.text):
            moved = _find_nearby(text, span.text, start, end)
            if moved is None:
                refuse(
                    f"stated text disagrees with TEXT{where} and does not occur exactly once "
                    f"within {NEARBY_CHARS} chars",
                    quoted=f"stated {span.text!r}, TEXT has {text[start:end]!r}",
                )
                continue
            start, end = moved
            report.repair("moved_to_stated_text", src, span.tag_id, f"{where} -> [{start}:{end}]")
        trimmed = _trim(text, start, end)
        if trimmed[0] >= trimmed[1]:
            refuse(f"only whitespace at {where}")
            continue
        if trimmed != (start, end):
            report.repair("whitespace_trimmed", src, span.tag_id, f"[{start}:{end}] -> [{trimmed[0]}:{trimmed[1]}]")
            start, end = trimmed
        candidates.append(CharSpan(start, end, output, tag_id=span.tag_id, source_label=label))
    return _resolve_overlaps(candidates, src, report, on_overlap)


def _resolve_overlaps(
    candidates: List[CharSpan], src: str, report: ConversionReport, on_overlap: str
) -> List[CharSpan]:
    seen: Dict[Tuple[int, int, str], CharSpan] = {}
    unique: List[CharSpan] = []
    for e in candidates:
        key = (e.start, e.end, e.label)
        if key in seen:
            report.refuse(
                e.source_label, src, e.tag_id,
                f"duplicate of tag {seen[key].tag_id} (same offsets [{e.start}:{e.end}] and label)",
                counted_in=True, fatal=False,
            )
            report.count("duplicate tags removed")
            continue
        seen[key] = e
        unique.append(e)
    order = {id(e): i for i, e in enumerate(unique)}
    kept: List[CharSpan] = []  # sorted by start, non-overlapping
    starts: List[int] = []
    for e in sorted(unique, key=lambda e: (-(e.end - e.start), order[id(e)])):
        i = bisect.bisect_left(starts, e.end)  # kept[:i] start before e ends
        clash = kept[i - 1] if i > 0 and kept[i - 1].end > e.start else None
        if clash is None:
            kept.insert(i, e)
            starts.insert(i, e.start)
            continue
        msg = (
            f"overlaps tag {clash.tag_id} ({clash.source_label} [{clash.start}:{clash.end}]) "
            f"at [{e.start}:{e.end}]"
        )
        if on_overlap == "error":
            raise ConversionError(f"{src}: tag {e.tag_id} ({e.source_label}) {msg} (--on-overlap error)")
        report.refuse(e.source_label, src, e.tag_id, msg + "; kept the longer", counted_in=True)
    return kept


def _split_tokens_at(doc: Doc, cuts: Iterable[int]) -> None:
    """Split the tokens of ``doc`` that contain a char offset in ``cuts``."""
    starts = [t.idx for t in doc]
    by_token: Dict[int, List[int]] = {}
    for c in sorted(set(cuts)):
        i = bisect.bisect_right(starts, c) - 1
        token = doc[i]
        if token.idx < c < token.idx + len(token):
            by_token.setdefault(i, []).append(c - token.idx)
    if not by_token:
        return
    with doc.retokenize() as retokenizer:
        for i, offsets in by_token.items():
            token = doc[i]
            bounds = [0] + offsets + [len(token)]
            orths = [token.text[a:b] for a, b in zip(bounds, bounds[1:])]
            retokenizer.split(token, orths, heads=[(token, 0)] * len(orths))


def make_doc_any_length(nlp: Language, text: str) -> Doc:
    """``nlp.make_doc(text)``, with ``nlp.max_length`` raised for this call if needed.

    ``max_length`` protects the parser and NER; tokenizing is linear in the
    text, so conversion tokenizes a long note whole.
    """
    if len(text) <= nlp.max_length:
        return nlp.make_doc(text)
    saved = nlp.max_length
    nlp.max_length = len(text)
    try:
        return nlp.make_doc(text)
    finally:
        nlp.max_length = saved


def entities_to_doc(
    nlp: Language, text: str, entities: Sequence[CharSpan], report: ConversionReport, source: str = ""
) -> Doc:
    """Tokenize ``text`` and set ``entities``, splitting tokens where needed."""
    if len(text) > nlp.max_length:
        report.notice(
            "longer than nlp.max_length: tokenized anyway",
            source,
            f"{len(text)} characters, nlp.max_length {nlp.max_length}",
        )
    doc = make_doc_any_length(nlp, text)
    cuts: List[int] = []
    for e in entities:
        if doc.char_span(e.start, e.end, alignment_mode="strict") is None:
            report.token_split(e.source_label)
            cuts.extend((e.start, e.end))
    if cuts:
        _split_tokens_at(doc, cuts)
    spans = []
    for e in entities:
        span = doc.char_span(e.start, e.end, label=e.label, alignment_mode="strict")
        if span is None:  # cannot happen after the split; never drop silently
            raise ConversionError(f"{source}: tag {e.tag_id}: could not align [{e.start}:{e.end}] to tokens")
        spans.append(span)
        report.written(e.source_label, e.label)
    doc.ents = spans
    return doc


_BLANK_LINE = re.compile(r"\n[^\S\n]*\n\s*")
_LINE_END = re.compile(r"\n\s*")
_WHITESPACE = re.compile(r"\s+")


def segment_bounds(text: str, entities: Sequence[CharSpan], max_chars: int) -> List[Tuple[int, int]]:
    """Cut points for ``text``: pieces of at most ``max_chars`` where possible.

    Cuts go after a blank line, else after a line end, else after
    whitespace, and never inside an entity; a piece with no allowed cut
    within ``max_chars`` runs on to the next allowed cut.
    """
    if max_chars <= 0:
        raise ValueError("max_chars must be positive")
    n = len(text)
    ent_starts = [e.start for e in entities]

    def allowed(c: int) -> bool:
        i = bisect.bisect_left(ent_starts, c) - 1  # last entity starting before c
        return i < 0 or entities[i].end <= c

    tiers = [
        [m.end() for m in pattern.finditer(text) if 0 < m.end() < n and allowed(m.end())]
        for pattern in (_BLANK_LINE, _LINE_END, _WHITESPACE)
    ]
    bounds, pos = [], 0
    while n - pos > max_chars:
        limit = pos + max_chars
        cut = None
        for cands in tiers:
            i = bisect.bisect_right(cands, limit) - 1
            if i >= 0 and cands[i] > pos:
                cut = cands[i]
                break
        if cut is None:  # nothing within max_chars: the first allowed cut after it
            later = [c[bisect.bisect_right(c, limit)] for c in tiers if bisect.bisect_right(c, limit) < len(c)]
            if not later:
                break
            cut = min(later)
        bounds.append((pos, cut))
        pos = cut
    bounds.append((pos, n))
    return bounds


def note_to_docs(
    note: Note,
    nlp: Language,
    entities: Sequence[CharSpan],
    report: ConversionReport,
    segment: bool = False,
    max_segment_chars: int = DEFAULT_MAX_SEGMENT_CHARS,
) -> List[Doc]:
    """One Doc for the note, or one per segment when ``segment``."""
    bounds = segment_bounds(note.text, entities, max_segment_chars) if segment else [(0, len(note.text))]
    docs = []
    for k, (a, b) in enumerate(bounds):
        inside = [
            replace(e, start=e.start - a, end=e.end - a)
            for e in entities
            if a <= e.start and e.end <= b
        ]
        doc = entities_to_doc(nlp, note.text[a:b], inside, report, note.source)
        doc.user_data.update(
            {
                "note_id": note.note_id,
                "patient_id": note.patient_id or note.note_id,
                "source": note.source,
                "segment": k,
                "segment_start": a,
            }
        )
        docs.append(doc)
    if segment and len(bounds) > 1:
        report.count("notes segmented")
        report.count("segments from segmented notes", len(bounds))
    return docs


def _shown_note_id(note: Note, show_text: bool = False) -> str:
    """The note id as a message may show it: an id taken from the file name
    (i2b2 ``PPP-RR``) or one that looks like an id; else "" (not shown)."""
    if show_text or (note.source and note.note_id in note.source):
        return note.note_id
    return display_id(note.note_id, "")


def check_unique_note_ids(notes: Iterable[Note]) -> Iterator[Note]:
    """Pass notes through; a note id seen twice is a :class:`ConversionError`.

    Two notes with one id are a corpus-level conflict (the same file given
    twice, or train and test folders mixed), not one bad note: fatal.
    """
    seen: Dict[str, str] = {}
    for note in notes:
        src = note.source or note.note_id
        if note.note_id in seen:
            shown = _shown_note_id(note)
            raise ConversionError(
                f"{src}: note id {shown + ' ' if shown else ''}already read from {seen[note.note_id]}"
                " (same file given twice?)"
            )
        seen[note.note_id] = src
        yield note


def convert_notes(
    notes: Iterable[Note],
    nlp: Language,
    scheme: str = "type",
    *,
    report: Optional[ConversionReport] = None,
    on_overlap: str = "keep-longest",
    allow_unknown_labels: bool = False,
    segment: bool = False,
    max_segment_chars: int = DEFAULT_MAX_SEGMENT_CHARS,
    max_note_chars: Optional[int] = DEFAULT_MAX_NOTE_CHARS,
) -> Tuple[List[Doc], ConversionReport]:
    """Convert Notes to Docs with entities; return the Docs and the report.

    Empty (whitespace-only) notes and notes longer than ``max_note_chars``
    (0 or None: no limit) are skipped with a report line (their entities
    refused); a note id seen twice is a :class:`ConversionError`.
    """
    report = report if report is not None else ConversionReport(scheme=scheme)
    report.scheme = scheme
    docs: List[Doc] = []
    for note in check_unique_note_ids(notes):
        src = note.source or note.note_id
        report.notes_read += 1
        skip = None
        if not note.text.strip():
            skip = ("note text is empty", "empty text")
        elif max_note_chars and len(note.text) > max_note_chars:
            reason = f"note has {len(note.text)} characters, over --max-note-chars {max_note_chars}"
            skip = (reason, reason)
        if skip is not None:
            for span in note.spans:
                label = span.label
                if label not in _KNOWN_TYPES and not (allow_unknown_labels and scheme == "type"):
                    label = report.shown_label(label, generic=allow_unknown_labels)
                report.refuse(label, src, span.tag_id, skip[0])
            report.skip_note(src, _shown_note_id(note, report.show_text), skip[1])
            continue
        entities = resolve_entities(note, scheme, report, on_overlap, allow_unknown_labels)
        docs.extend(note_to_docs(note, nlp, entities, report, segment, max_segment_chars))
    return docs, report
