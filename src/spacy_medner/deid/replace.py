"""Entities -> safe text: the ``tag``, ``mask`` and ``surrogate`` modes.

:func:`deidentify` works on any Doc whose ``doc.ents`` are set (by ``medner``,
``ner``, an ``entity_ruler``, ...).  :class:`Deidentifier` holds the options
(and the Faker instance) for many notes; :meth:`Deidentifier.replace` works
on raw text and character offsets, which is what the streaming API uses to
write into the exact original text (CRLF, BOM) while the model saw a
normalised one.

Text outside the entities is never changed: a text without entities comes
back identical.
"""
from dataclasses import dataclass, field
from typing import Iterable, List, Optional, Sequence, Tuple, Union

from spacy.tokens import Doc

from .keys import random_seed
from .shapes import normalise
from .surrogates import DEFAULT_MAX_SHIFT_DAYS, SurrogateGenerator

MODES: Tuple[str, ...] = ("tag", "mask", "surrogate")
DEFAULT_SPANS_KEY = "medner"
DEFAULT_TAG_TEMPLATE = "[{label}]"
_LINE_BREAKS = "\r\n"


@dataclass(frozen=True)
class Entity:
    """A predicted entity: ``text[start:end]`` with ``label`` and its probability (None if unscored)."""

    start: int
    end: int
    label: str
    score: Optional[float] = None


@dataclass(frozen=True)
class Replacement:
    """One entity and what replaced it.

    ``start``/``end`` index the input text, ``new_start``/``new_end`` the output
    text; ``action`` says what was done (``tag``, ``mask``, ``surrogate``,
    ``date_shifted``, ``date_unparsed``, ``age_kept``, ``age_90_plus``,
    ``kept_no_alnum``).
    """

    start: int
    end: int
    label: str
    new_start: int
    new_end: int
    text: str
    action: str
    score: Optional[float] = None


@dataclass
class DeidResult:
    """The de-identified text, the replacements (in text order) and how many
    predicted entities ``min_score`` dropped."""

    text: str
    replacements: List[Replacement] = field(default_factory=list)
    dropped: int = 0


def doc_entities(doc: Doc, spans_key: str = DEFAULT_SPANS_KEY) -> List[Entity]:
    """``doc.ents`` with the probabilities ``medner`` stored in ``doc.spans[spans_key]``."""
    scores = {}
    group = doc.spans.get(spans_key) if spans_key in doc.spans else None
    if group is not None and "scores" in group.attrs:
        for span, score in zip(group, group.attrs["scores"]):
            scores[(span.start_char, span.end_char, span.label_)] = float(score)
    return [
        Entity(ent.start_char, ent.end_char, ent.label_, scores.get((ent.start_char, ent.end_char, ent.label_)))
        for ent in doc.ents
    ]


def filter_by_score(entities: Iterable[Entity], min_score: Optional[float]) -> Tuple[List[Entity], int]:
    """Drop entities whose probability is below ``min_score`` (unscored ones are kept)."""
    entities = list(entities)
    if not min_score:
        return entities, 0
    kept = [e for e in entities if e.score is None or e.score >= min_score]
    return kept, len(entities) - len(kept)


class Deidentifier:
    """Replaces entities in text by tags, masks or surrogates.

    mode: ``tag`` (``[LABEL]``, see ``tag_template``), ``mask`` (``mask_char``
        repeated; the entity's length, line breaks kept, unless
        ``mask_length`` > 0 gives a fixed length) or ``surrogate``.
    seed: the secret key of the surrogates (see :mod:`.keys`); None draws a
        random one (output then differs between runs).
    min_score: entities with a probability below it are left in the text
        (a precision knob; entities without a probability are kept).
    max_shift_days: date offsets are drawn from ``[-max, max]`` minus 0.
    """

    def __init__(
        self,
        mode: str = "tag",
        *,
        seed: Union[str, int, None] = None,
        mask_char: str = "*",
        mask_length: int = 0,
        tag_template: str = DEFAULT_TAG_TEMPLATE,
        min_score: Optional[float] = None,
        max_shift_days: int = DEFAULT_MAX_SHIFT_DAYS,
        spans_key: str = DEFAULT_SPANS_KEY,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"Unknown mode {mode!r}; expected one of {MODES}")
        if len(mask_char) != 1:
            raise ValueError("mask_char must be exactly one character")
        if mask_length < 0:
            raise ValueError("mask_length must be >= 0 (0 keeps each entity's length)")
        if min_score is not None and not 0.0 <= min_score <= 1.0:
            raise ValueError("min_score must be between 0 and 1")
        try:
            tag_template.format(label="X")
        except (KeyError, IndexError, ValueError):
            raise ValueError("tag_template may only use the field {label}") from None
        self.mode = mode
        self.mask_char = mask_char
        self.mask_length = mask_length
        self.tag_template = tag_template
        self.min_score = min_score
        self.spans_key = spans_key
        self.surrogates = (
            SurrogateGenerator(seed if seed is not None else random_seed(), max_shift_days)
            if mode == "surrogate"
            else None
        )

    def __call__(self, doc: Doc, patient_id: Optional[str] = None) -> DeidResult:
        """De-identify ``doc.text`` using ``doc.ents`` (see :meth:`replace`)."""
        return self.replace(doc.text, doc_entities(doc, self.spans_key), patient_id)

    def replace(self, text: str, entities: Sequence[Entity], patient_id: Optional[str] = None) -> DeidResult:
        """Replace non-overlapping ``entities`` (character offsets into ``text``).

        patient_id groups notes for consistent surrogates and date shifts; None
        makes the note its own patient (keyed by a hash of its text).
        """
        kept, dropped = filter_by_score(entities, self.min_score)
        kept.sort(key=lambda e: (e.start, e.end))
        if patient_id is None and self.surrogates is not None:
            patient_id = "text:" + str(self.surrogates.key.derive("note-text", normalise(text)))
        pieces: List[str] = []
        replacements: List[Replacement] = []
        pos = 0
        out_len = 0
        for ent in kept:
            if not (pos <= ent.start < ent.end <= len(text)):
                raise ValueError(
                    f"entity {ent.label} at {ent.start}-{ent.end} overlaps another or is outside the text"
                )
            gap = text[pos : ent.start]
            pieces.append(gap)
            out_len += len(gap)
            new, action = self._new_text(text[ent.start : ent.end], ent.label, patient_id or "")
            pieces.append(new)
            replacements.append(
                Replacement(ent.start, ent.end, ent.label, out_len, out_len + len(new), new, action, ent.score)
            )
            out_len += len(new)
            pos = ent.end
        if not replacements:
            return DeidResult(text, [], dropped)
        pieces.append(text[pos:])
        return DeidResult("".join(pieces), replacements, dropped)

    def _new_text(self, original: str, label: str, patient_id: str) -> Tuple[str, str]:
        if self.mode == "tag":
            return self.tag_template.format(label=label), "tag"
        if self.mode == "mask":
            if self.mask_length:
                return self.mask_char * self.mask_length, "mask"
            return "".join(c if c in _LINE_BREAKS else self.mask_char for c in original), "mask"
        assert self.surrogates is not None
        return self.surrogates.replace(original, label, patient_id)


def deidentify(
    doc: Doc,
    mode: str = "tag",
    *,
    patient_id: Optional[str] = None,
    seed: Union[str, int, None] = None,
    mask_char: str = "*",
    mask_length: int = 0,
    tag_template: str = DEFAULT_TAG_TEMPLATE,
    min_score: Optional[float] = None,
    max_shift_days: int = DEFAULT_MAX_SHIFT_DAYS,
    spans_key: str = DEFAULT_SPANS_KEY,
) -> DeidResult:
    """De-identify one Doc with entities (see :class:`Deidentifier` for the options).

    For many notes build one :class:`Deidentifier` (or use
    :func:`.stream.deidentify_stream`): it is faster and keeps one seed.
    """
    deid = Deidentifier(
        mode,
        seed=seed,
        mask_char=mask_char,
        mask_length=mask_length,
        tag_template=tag_template,
        min_score=min_score,
        max_shift_days=max_shift_days,
        spans_key=spans_key,
    )
    return deid(doc, patient_id)
