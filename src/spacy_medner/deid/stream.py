"""De-identification of a batch of records, and a stream of them.

:func:`deidentify_batch` is the one core that every front end calls (the
``deid`` command through :func:`deidentify_stream`, and
:mod:`spacy_medner.spark`): records in, one result or failure per record
out, in input order.  Inside a batch the notes run sorted by length (less
padding) and inside ``nlp.memory_zone()``; the context that travels through
``nlp.pipe`` (and across processes when ``n_process`` > 1) is an integer.
:func:`deidentify_stream` reads records lazily in bounded chunks, so memory
does not grow with the corpus.

The model sees the text with CRLF and lone CR line ends made LF (what the
training corpora hold); replacements are written into the exact original
text, whose other bytes are untouched.
"""
from bisect import bisect_right
from dataclasses import dataclass, replace
from itertools import islice
from typing import Any, Callable, Iterable, Iterator, List, Optional, Sequence, Tuple, Union

from spacy.language import Language

from .confidence import scores_key
from ..spans import CharSpan
from .replace import DeidResult, Deidentifier, MissingSpanGroup, phi_entities

DEFAULT_BATCH_SIZE = 32
#: notes per chunk with n_process > 1 (spaCy starts its workers once per chunk)
DEFAULT_ZONE_SIZE = 1000
#: notes per chunk with one process (the unit of length sorting and of progress)
DEFAULT_ZONE_SIZE_SINGLE = 256


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

    def entities_to_original(self, entities: Iterable[CharSpan]) -> List[CharSpan]:
        out = []
        for e in entities:
            start, end = self.to_original(e.start, e.end)
            out.append(replace(e, start=start, end=end))
        return out


@dataclass
class NoteFailure:
    """A record that could not be de-identified, and why (the message holds no note text)."""

    record: NoteRecord
    error: Exception


class MissingText(ValueError):
    """A record without text (null, not a string, or empty)."""


class PipelineFailed(RuntimeError):
    """The pipeline raised on a note (the message holds the exception's type only)."""


def _problem(record: NoteRecord, max_length: int) -> Optional[Exception]:
    """Why ``record`` cannot go through the pipeline, or None (checked before ``nlp.pipe``)."""
    if record.text is None:
        return MissingText("no text (null)")
    if not isinstance(record.text, str):
        return MissingText(f"the text is a {type(record.text).__name__}, not a string")
    if not record.text:
        return MissingText("the text is empty")
    if len(record.text) > max_length:
        return NoteTooLong(f"{len(record.text)} characters, over the pipeline's max_length {max_length}")
    return unencodable(record.text)


def _finish(doc: Any, record: NoteRecord, view: NewlineView, deidentifier: Deidentifier) -> Union[DeidOutput, NoteFailure]:
    entities = view.entities_to_original(phi_entities(doc, deidentifier.spans_key))
    patient = record.patient_id if record.patient_id is not None else record.note_id
    try:
        return DeidOutput(record, deidentifier.replace(record.text, entities, patient))
    except Exception as err:  # noqa: BLE001 - reported with the record
        return NoteFailure(record, err)


def deidentify_batch(
    nlp: Language,
    deidentifier: Deidentifier,
    records: Sequence[NoteRecord],
    *,
    batch_size: Optional[int] = DEFAULT_BATCH_SIZE,
    n_process: int = 1,
    sort_by_length: bool = True,
    use_memory_zone: bool = True,
) -> List[Union[DeidOutput, NoteFailure]]:
    """De-identify ``records``: one :class:`DeidOutput` or :class:`NoteFailure` per record, in input order.

    The one core of every front end (the ``deid`` stream, :mod:`spacy_medner.spark`).
    It is a pure function of (pipeline, de-identifier settings and key,
    records): the same record gives the same bytes in any batch, process or
    machine.  ``sort_by_length`` runs the notes shortest first, so that a
    batch holds notes of similar length and pads less; the results come back
    in input order.  A note the pipeline cannot take (over ``max_length``, a
    lone surrogate, no text) or whose replacement fails becomes a
    :class:`NoteFailure`; if the pipeline itself fails on a batch, its notes
    are run one by one so that only the failing one is lost.
    :class:`.replace.MissingSpanGroup` (a configuration error) propagates.
    """
    results: List[Optional[Union[DeidOutput, NoteFailure]]] = [None] * len(records)
    todo: List[Tuple[int, NewlineView]] = []
    for i, record in enumerate(records):
        problem = _problem(record, nlp.max_length)
        if problem is not None:
            results[i] = NoteFailure(record, problem)
        else:
            todo.append((i, NewlineView(record.text)))
    if sort_by_length:
        todo.sort(key=lambda item: len(item[1].text))
    views = dict(todo)
    with nlp.memory_zone() if use_memory_zone else _no_zone():
        try:
            docs = nlp.pipe(((view.text, i) for i, view in todo), as_tuples=True, batch_size=batch_size, n_process=n_process)
            for doc, i in docs:
                results[i] = _finish(doc, records[i], views[i], deidentifier)
        except MissingSpanGroup:
            raise
        except Exception:  # noqa: BLE001 - isolate the failing note below
            for i, view in todo:
                if results[i] is not None:
                    continue
                try:
                    doc = nlp(view.text)
                except MissingSpanGroup:
                    raise
                except Exception as err:  # noqa: BLE001 - this note only
                    results[i] = NoteFailure(records[i], PipelineFailed(f"the pipeline failed on this note ({type(err).__name__})"))
                    continue
                results[i] = _finish(doc, records[i], view, deidentifier)
    return [r for r in results if r is not None]


def deidentify_stream(
    nlp: Language,
    records: Iterable[NoteRecord],
    mode: str = "tag",
    *,
    batch_size: Optional[int] = DEFAULT_BATCH_SIZE,
    n_process: int = 1,
    deidentifier: Optional[Deidentifier] = None,
    zone_size: Optional[int] = None,
    use_memory_zone: bool = True,
    sort_by_length: bool = True,
    on_error: Optional[Callable[[NoteRecord, Exception], None]] = None,
    **options: Any,
) -> Iterator[DeidOutput]:
    """De-identify ``records`` with ``nlp``, yielding :class:`DeidOutput` in input order.

    ``records`` is consumed lazily (a generator reading files is fine), in
    chunks of ``zone_size`` notes (default :data:`DEFAULT_ZONE_SIZE`, or
    :data:`DEFAULT_ZONE_SIZE_SINGLE` with one process), each handed to
    :func:`deidentify_batch`: memory holds one chunk, and each chunk runs
    inside ``nlp.memory_zone()`` so that the vocabulary's strings do not
    accumulate.  With ``n_process`` > 1 spaCy starts its worker processes
    once per chunk, hence the larger default; call
    :func:`single_threaded_workers` before loading a transformer pipeline,
    or the forked workers hang.
    ``options`` are :class:`Deidentifier` options (key, labels, operators,
    min_score, ...), used when no ``deidentifier`` is given; ``spans_key``
    defaults to the pipeline's medner pipe's (``"medner"``).
    ``on_error(record, exc)``: a note that cannot be processed (see
    :func:`deidentify_batch`) is passed to it and skipped (default: the
    error is raised).
    """
    if zone_size is None:
        zone_size = DEFAULT_ZONE_SIZE if n_process != 1 else DEFAULT_ZONE_SIZE_SINGLE
    if zone_size < 1:
        raise ValueError("zone_size must be at least 1")
    if deidentifier is None:
        options.setdefault("spans_key", scores_key(nlp))
        deidentifier = Deidentifier(mode, **options)
    source = iter(records)
    while True:
        chunk = list(islice(source, zone_size))
        if not chunk:
            return
        for result in deidentify_batch(
            nlp, deidentifier, chunk, batch_size=batch_size, n_process=n_process,
            sort_by_length=sort_by_length, use_memory_zone=use_memory_zone,
        ):
            if isinstance(result, NoteFailure):
                if on_error is None:
                    raise result.error
                on_error(result.record, result.error)
                continue
            yield result


def single_threaded_workers() -> None:
    """Run torch on one thread in this process, BEFORE loading a pipeline for ``n_process`` > 1.

    spaCy's worker processes are forked from this one. A fork after torch has
    started its thread pool (loading a transformer does) deadlocks the workers
    (an OpenMP pool does not survive a fork); with one thread there is no pool
    to inherit. Each worker then runs torch on one thread: one worker per core.
    """
    try:
        import torch
    except ImportError:  # pragma: no cover - torch comes with spacy-transformers
        return
    torch.set_num_threads(1)


class _no_zone:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None
