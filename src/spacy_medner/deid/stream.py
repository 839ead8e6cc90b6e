"""Streaming de-identification: records in, de-identified records out.

:func:`deidentify_stream` feeds ``nlp.pipe(..., as_tuples=True)`` lazily and
yields results in input order, so memory does not grow with the corpus:
only the notes in flight are held, and each chunk of notes runs inside
``nlp.memory_zone()`` so that the vocabulary's strings do not accumulate
either.  The context that travels through ``nlp.pipe`` (and across
processes when ``n_process`` > 1) is an integer; the records wait in the
main process.

The model sees the text with CRLF and lone CR line ends made LF (what the
training corpora hold); replacements are written into the exact original
text, whose other bytes are untouched.
"""
from bisect import bisect_right
from dataclasses import dataclass
from itertools import chain, count, islice
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, Tuple

from spacy.language import Language

from .confidence import scores_key
from .replace import DeidResult, Deidentifier, Entity, doc_entities

DEFAULT_BATCH_SIZE = 32
DEFAULT_ZONE_SIZE = 1000


class NoteTooLong(ValueError):
    """A note longer than the pipeline's ``max_length`` (the message holds lengths only)."""


class UnencodableText(ValueError):
    """A note holding a lone surrogate (``\\ud800`` in JSON): no tokenizer can encode it.

    The message holds the code point and its offset only.
    """


def unencodable(text: str) -> Optional[UnencodableText]:
    """The problem with a text that is not valid Unicode (lone surrogates), or None."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as err:
        return UnencodableText(
            f"the text holds U+{ord(text[err.start]):04X} at offset {err.start}, a lone surrogate that "
            "UTF-8 cannot encode (a '\\ud800'-style escape?); fix the input"
        )
    return None


@dataclass
class NoteRecord:
    """A note to de-identify.

    ``patient_id`` groups a patient's notes for consistent surrogates and one
    date shift; None makes the note its own patient (keyed by ``note_id``).
    ``context`` is carried through untouched (file paths, the JSON object).
    """

    note_id: str
    text: str
    patient_id: Optional[str] = None
    context: Any = None


@dataclass
class DeidOutput:
    """A record and its result; ``result.replacements`` index ``record.text``."""

    record: NoteRecord
    result: DeidResult


class NewlineView:
    """``text`` with CRLF/CR made LF, and the map of its offsets back to ``text``."""

    def __init__(self, text: str) -> None:
        self.original = text
        self._crlf_at: List[int] = []  # model offsets of LFs that were CRLF
        if "\r" not in text:
            self.text = text
            return
        pieces = text.split("\r\n")
        pos = 0
        for piece in pieces[:-1]:
            pos += len(piece)
            self._crlf_at.append(pos)
            pos += 1
        self.text = "\n".join(pieces).replace("\r", "\n")

    def to_original(self, start: int, end: int) -> Tuple[int, int]:
        """Map a span ``[start, end)`` of the model text to the original text."""
        if not self._crlf_at:
            return start, end
        return start + bisect_right(self._crlf_at, start - 1), end - 1 + bisect_right(self._crlf_at, end - 1) + 1

    def entities_to_original(self, entities: Iterable[Entity]) -> List[Entity]:
        return [Entity(*self.to_original(e.start, e.end), e.label, e.score) for e in entities]


def deidentify_stream(
    nlp: Language,
    records: Iterable[NoteRecord],
    mode: str = "tag",
    *,
    batch_size: Optional[int] = DEFAULT_BATCH_SIZE,
    n_process: int = 1,
    deidentifier: Optional[Deidentifier] = None,
    zone_size: int = DEFAULT_ZONE_SIZE,
    use_memory_zone: bool = True,
    on_error: Optional[Callable[[NoteRecord, Exception], None]] = None,
    **options: Any,
) -> Iterator[DeidOutput]:
    """De-identify ``records`` with ``nlp``, yielding :class:`DeidOutput` in input order.

    ``records`` is consumed lazily (a generator reading files is fine).
    ``options`` are :class:`Deidentifier` options (key, labels, operators,
    min_score, ...), used when no ``deidentifier`` is given; ``spans_key``
    defaults to the pipeline's medner pipe's (``"medner"``).
    ``on_error(record, exc)``: a note that cannot be processed (over
    ``max_length``, a lone surrogate in its text, a failed replacement) is
    passed to it and skipped (default: the error is raised).  Errors of the
    pipeline itself, and :class:`.replace.MissingSpanGroup`, always
    propagate.
    """
    if zone_size < 1:
        raise ValueError("zone_size must be at least 1")
    if deidentifier is None:
        options.setdefault("spans_key", scores_key(nlp))
        deidentifier = Deidentifier(mode, **options)
    spans_key = deidentifier.spans_key
    pending: Dict[int, Tuple[NoteRecord, NewlineView]] = {}
    keys = count()

    def feed(chunk: Iterable[NoteRecord]) -> Iterator[Tuple[str, int]]:
        for record in chunk:
            err: Optional[ValueError] = None
            if len(record.text) > nlp.max_length:
                err = NoteTooLong(f"{len(record.text)} characters, over the pipeline's max_length {nlp.max_length}")
            else:
                err = unencodable(record.text)
            if err is not None:  # checked here: inside nlp.pipe it would end the whole run
                if on_error is None:
                    raise err
                on_error(record, err)
                continue
            view = NewlineView(record.text)
            key = next(keys)
            pending[key] = (record, view)
            yield view.text, key

    source = iter(records)
    while True:
        chunk = islice(source, zone_size)
        first = next(chunk, None)
        if first is None:
            return
        docs = nlp.pipe(feed(chain([first], chunk)), as_tuples=True, batch_size=batch_size, n_process=n_process)
        zone = nlp.memory_zone() if use_memory_zone else _no_zone()
        with zone:
            for doc, key in docs:
                record, view = pending.pop(key)
                entities = view.entities_to_original(doc_entities(doc, spans_key))
                patient = record.patient_id if record.patient_id is not None else record.note_id
                try:
                    result = deidentifier.replace(record.text, entities, patient)
                except Exception as err:  # noqa: BLE001 - handed to the caller with the record
                    if on_error is None:
                        raise
                    on_error(record, err)
                    continue
                yield DeidOutput(record, result)


class _no_zone:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None
