"""Entities -> safe text: the ``tag``, ``mask``, ``surrogate`` (and ``keep``) operators.

Which entities are PHI: by default the span group the ``medner`` pipe writes,
``doc.spans["medner"]`` (``spans_key``; the pipe's own ``spans_key`` when it
is not the default), NOT ``doc.ents``: in a host pipeline ``doc.ents`` may
hold clinical concepts (``pneumonia``) that must never be replaced.
``spans_key=None`` de-identifies ``doc.ents`` instead, on request only.  A
Doc without the span group is an error (:class:`MissingSpanGroup`), never
"no PHI".  Overlapping spans of a group (spancat-style groups may overlap;
medner's never do) are merged into one entity over their union, labelled
like the longest.

:class:`Deidentifier` holds the options (and the Faker instance) for many
notes: ``labels`` (an allow-list: entities with other labels are left in the
text, and reported), ``operators`` (per label: ``tag``, ``mask``,
``surrogate`` or ``keep``; ``DEFAULT`` for the rest, else ``mode``) and the
surrogate ``key``.  :meth:`Deidentifier.replace` works on raw text and
character offsets, which is what the streaming API uses to write into the
exact original text (CRLF, BOM) while the model saw a normalised one.

Text outside the entities is never changed: a text without entities comes
back identical.  A replaced entity never comes back as it was: a surrogate
equal to its original is replaced by the tag (``tag_fallback``); the only
entities left as they are, are ages under 90 (``age_kept``, HIPAA allows
them), entities without a letter or digit (``kept_no_alnum``) and those an
option leaves (:attr:`DeidResult.left`).  :attr:`Replacement.changed` says
which; only changed ones count as replaced.
"""
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from spacy.tokens import Doc

from ..labels import DEFAULT_SPANS_KEY
from ..spans import CharSpan
from .keys import check_key, random_seed
from .shapes import has_alnum, normalise
from .surrogates import DEFAULT_MAX_SHIFT_DAYS, SurrogateGenerator

MODES: Tuple[str, ...] = ("tag", "mask", "surrogate")
#: What may be done to an entity of a label (``keep`` leaves it in the text).
OPERATORS: Tuple[str, ...] = ("tag", "mask", "surrogate", "keep")
DEFAULT_OPERATOR_KEY = "DEFAULT"
#: ``spans_key`` value that means ``doc.ents`` (the CLI spells it ``ents``).
ENTS = None
DEFAULT_TAG_TEMPLATE = "[{label}]"
_LINE_BREAKS = "\r\n"
#: Actions that leave an entity's text as it was (on purpose).
UNCHANGED_ACTIONS = frozenset({"age_kept", "kept_no_alnum"})
#: Why an entity was left in the text (:class:`LeftEntity`).
LEFT_REASONS = ("label_not_selected", "min_score", "operator_keep")

Key = Union[str, int, bytes]


class MissingSpanGroup(ValueError):
    """A Doc lacks the span group that holds the PHI (a configuration error; no note text)."""


@dataclass(frozen=True)
class Replacement:
    """One entity and what replaced it.

    ``start``/``end`` index the input text, ``new_start``/``new_end`` the output
    text; ``action`` says what was done (``tag``, ``mask``, ``surrogate``,
    ``date_shifted``, ``date_unparsed``, ``tag_fallback``, ``age_kept``,
    ``age_90_plus``, ``kept_no_alnum``); ``changed`` is False when the
    output text equals the input's (``age_kept``, ``kept_no_alnum``).
    """

    start: int
    end: int
    label: str
    new_start: int
    new_end: int
    text: str
    action: str
    score: Optional[float] = None
    changed: bool = True


@dataclass(frozen=True)
class LeftEntity:
    """A predicted entity an option left in the text: ``reason`` is one of :data:`LEFT_REASONS`."""

    start: int
    end: int
    label: str
    reason: str
    score: Optional[float] = None


@dataclass
class DeidResult:
    """The de-identified text, the replacements (in text order), how many
    predicted entities ``min_score`` dropped, and every entity an option left."""

    text: str
    replacements: List[Replacement] = field(default_factory=list)
    dropped: int = 0
    left: List[LeftEntity] = field(default_factory=list)

    @property
    def replaced(self) -> int:
        """Entities whose text changed."""
        return sum(r.changed for r in self.replacements)


def merge_overlaps(entities: Iterable[CharSpan]) -> List[CharSpan]:
    """Entities in text order, overlapping ones merged into their union.

    The union takes the label of its longest member (the first on ties) and
    the highest score (a merged region is kept if any member passes
    ``min_score``).  Empty entities are dropped.
    """
    out: List[CharSpan] = []
    members: List[CharSpan] = []
    for ent in sorted((e for e in entities if e.end > e.start), key=lambda e: (e.start, -e.end)):
        if members and ent.start < out[-1].end:
            members.append(ent)
            longest = max(members, key=lambda e: e.end - e.start)
            scores = [e.score for e in members if e.score is not None]
            out[-1] = CharSpan(out[-1].start, max(out[-1].end, ent.end), longest.label, score=max(scores) if scores else None)
        else:
            members = [ent]
            out.append(ent)
    return out


def phi_entities(doc: Doc, spans_key: Optional[str] = DEFAULT_SPANS_KEY) -> List[CharSpan]:
    """The PHI entities of ``doc``: ``doc.spans[spans_key]`` with medner's scores.

    ``spans_key=None``: ``doc.ents`` (scores looked up in ``doc.spans["medner"]``
    when present).  Raises :class:`MissingSpanGroup` when the group is absent.
    """
    if spans_key is None:
        scores = {}
        group = doc.spans[DEFAULT_SPANS_KEY] if DEFAULT_SPANS_KEY in doc.spans else None
        if group is not None and "scores" in group.attrs and len(group.attrs["scores"]) == len(group):
            for span, score in zip(group, group.attrs["scores"]):
                scores[(span.start_char, span.end_char, span.label_)] = float(score)
        return [
            CharSpan(ent.start_char, ent.end_char, ent.label_, score=scores.get((ent.start_char, ent.end_char, ent.label_)))
            for ent in doc.ents
        ]
    if spans_key not in doc.spans:
        raise MissingSpanGroup(
            f"doc.spans[{spans_key!r}] is missing: no component of the pipeline wrote that span group; "
            "name the group that holds the PHI (spans_key=, --spans-key), or de-identify doc.ents "
            "explicitly (spans_key=None, --spans-key ents)"
        )
    group = doc.spans[spans_key]
    raw = group.attrs.get("scores") if "scores" in group.attrs else None
    scores: List[Optional[float]] = (
        [float(x) for x in raw] if raw is not None and len(raw) == len(group) else [None] * len(group)
    )
    return merge_overlaps(CharSpan(span.start_char, span.end_char, span.label_, score=score) for span, score in zip(group, scores))


def filter_by_score(entities: Iterable[CharSpan], min_score: Optional[float]) -> Tuple[List[CharSpan], int]:
    """Drop entities whose probability is below ``min_score`` (unscored ones are kept)."""
    entities = list(entities)
    if not min_score:
        return entities, 0
    kept = [e for e in entities if e.score is None or e.score >= min_score]
    return kept, len(entities) - len(kept)


def parse_labels(spec: Optional[str]) -> Optional[List[str]]:
    """``"PATIENT,DATE"`` -> ``["PATIENT", "DATE"]``; None or blank -> None (all labels)."""
    if spec is None or not spec.strip():
        return None
    labels = [item.strip() for item in spec.split(",") if item.strip()]
    return labels or None


def parse_operators(spec: Optional[str]) -> Dict[str, str]:
    """``"PATIENT=surrogate,DATE=surrogate,DEFAULT=tag"`` -> a dict (ValueError naming a bad item)."""
    out: Dict[str, str] = {}
    if spec is None:
        return out
    for item in spec.split(","):
        item = item.strip()
        if not item:
            continue
        label, sep, operator = item.partition("=")
        label, operator = label.strip(), operator.strip().lower()
        if not sep or not label or not operator:
            raise ValueError(f"operator {item!r}: expected LABEL=OPERATOR (or DEFAULT=OPERATOR)")
        if operator not in OPERATORS:
            raise ValueError(f"operator {item!r}: unknown operator {operator!r}; expected one of {', '.join(OPERATORS)}")
        if label in out and out[label] != operator:
            raise ValueError(f"operator {item!r}: label {label} is given twice")
        out[label] = operator
    return out


class Deidentifier:
    """Replaces entities in text by tags, masks or surrogates.

    mode: the operator of every label ``operators`` does not name: ``tag``
        (``[LABEL]``, see ``tag_template``), ``mask`` (``mask_char`` repeated;
        the entity's length, line breaks kept, unless ``mask_length`` > 0
        gives a fixed length) or ``surrogate``.
    operators: per label, one of :data:`OPERATORS` (``keep`` leaves the
        entity in the text); the key ``DEFAULT`` replaces ``mode``.
    labels: an allow-list; entities with other labels are left in the text
        (reported in :attr:`DeidResult.left`).  None: every label.
    key: the secret key of the surrogates (see :mod:`.keys`); ``seed`` is
        its old name.  None draws a random one (output then differs between
        runs).  An empty key is refused.
    min_score: entities with a probability below it are left in the text
        (a precision knob; entities without a probability are kept).
    max_shift_days: date offsets are drawn from ``[-max, max]`` minus 0.
    spans_key: the span group holding the PHI; None: ``doc.ents``.
    """

    def __init__(
        self,
        mode: str = "tag",
        *,
        key: Optional[Key] = None,
        seed: Optional[Key] = None,
        labels: Optional[Iterable[str]] = None,
        operators: Optional[Mapping[str, str]] = None,
        mask_char: str = "*",
        mask_length: int = 0,
        tag_template: str = DEFAULT_TAG_TEMPLATE,
        min_score: Optional[float] = None,
        max_shift_days: int = DEFAULT_MAX_SHIFT_DAYS,
        spans_key: Optional[str] = DEFAULT_SPANS_KEY,
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
        if key is not None and seed is not None:
            raise ValueError("give key= (or its old name seed=), not both")
        if key is None:
            key = seed
        if key is not None:
            check_key(key)
        operators = dict(operators or {})
        for label, operator in operators.items():
            if operator not in OPERATORS:
                raise ValueError(f"operator for {label}: {operator!r} is not one of {', '.join(OPERATORS)}")
        self.default_operator = operators.pop(DEFAULT_OPERATOR_KEY, mode)
        self.operators: Dict[str, str] = operators
        self.labels = None if labels is None else frozenset(labels)
        self.mode = mode
        self.mask_char = mask_char
        self.mask_length = mask_length
        self.tag_template = tag_template
        self.min_score = min_score
        self.spans_key = spans_key
        self.uses_surrogates = "surrogate" in {self.default_operator, *self.operators.values()}
        self.key_is_random = self.uses_surrogates and key is None
        self.surrogates = (
            SurrogateGenerator(key if key is not None else random_seed(), max_shift_days)
            if self.uses_surrogates
            else None
        )

    def operator_for(self, label: str) -> str:
        return self.operators.get(label, self.default_operator)

    def __call__(self, doc: Doc, patient_id: Optional[str] = None) -> DeidResult:
        """De-identify ``doc.text`` using its PHI entities (see :func:`phi_entities`, :meth:`replace`)."""
        return self.replace(doc.text, phi_entities(doc, self.spans_key), patient_id)

    def select(self, entities: Iterable[CharSpan]) -> Tuple[List[CharSpan], List[LeftEntity]]:
        """The entities to replace, and those the options leave in the text (with why)."""
        kept: List[CharSpan] = []
        left: List[LeftEntity] = []
        for ent in entities:
            if self.labels is not None and ent.label not in self.labels:
                reason = "label_not_selected"
            elif self.min_score and ent.score is not None and ent.score < self.min_score:
                reason = "min_score"
            elif self.operator_for(ent.label) == "keep":
                reason = "operator_keep"
            else:
                kept.append(ent)
                continue
            left.append(LeftEntity(ent.start, ent.end, ent.label, reason, ent.score))
        return kept, left

    def replace(self, text: str, entities: Sequence[CharSpan], patient_id: Optional[str] = None) -> DeidResult:
        """Replace non-overlapping ``entities`` (character offsets into ``text``).

        patient_id groups notes for consistent surrogates and date shifts; None
        makes the note its own patient (keyed by a hash of its text).
        """
        kept, left = self.select(entities)
        dropped = sum(1 for x in left if x.reason == "min_score")
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
            original = text[ent.start : ent.end]
            new, action = self._new_text(original, ent.label, patient_id or "")
            pieces.append(new)
            replacements.append(
                Replacement(
                    ent.start, ent.end, ent.label, out_len, out_len + len(new), new, action, ent.score,
                    changed=new != original,
                )
            )
            out_len += len(new)
            pos = ent.end
        if not replacements:
            return DeidResult(text, [], dropped, left)
        pieces.append(text[pos:])
        return DeidResult("".join(pieces), replacements, dropped, left)

    def _new_text(self, original: str, label: str, patient_id: str) -> Tuple[str, str]:
        operator = self.operator_for(label)
        if operator == "tag":
            return self.tag_template.format(label=label), "tag"
        if operator == "mask":
            if self.mask_length:
                return self.mask_char * self.mask_length, "mask"
            return "".join(c if c in _LINE_BREAKS else self.mask_char for c in original), "mask"
        assert self.surrogates is not None
        new, action = self.surrogates.replace(original, label, patient_id)
        if action not in UNCHANGED_ACTIONS and has_alnum(original) and normalise(new) == normalise(original):
            # never hand PHI back as its own surrogate (the generator redraws; this is the last line)
            return self.tag_template.format(label=label), "tag_fallback"
        return new, action


def deidentify(
    doc: Doc,
    mode: str = "tag",
    *,
    patient_id: Optional[str] = None,
    key: Optional[Key] = None,
    seed: Optional[Key] = None,
    labels: Optional[Iterable[str]] = None,
    operators: Optional[Mapping[str, str]] = None,
    mask_char: str = "*",
    mask_length: int = 0,
    tag_template: str = DEFAULT_TAG_TEMPLATE,
    min_score: Optional[float] = None,
    max_shift_days: int = DEFAULT_MAX_SHIFT_DAYS,
    spans_key: Optional[str] = DEFAULT_SPANS_KEY,
) -> DeidResult:
    """De-identify one Doc (see :class:`Deidentifier` for the options).

    The PHI is ``doc.spans[spans_key]`` (medner's span group), or ``doc.ents``
    with ``spans_key=None``.  For many notes build one :class:`Deidentifier`
    (or use :func:`.stream.deidentify_stream`): it is faster and keeps one key.
    """
    deid = Deidentifier(
        mode,
        key=key,
        seed=seed,
        labels=labels,
        operators=operators,
        mask_char=mask_char,
        mask_length=mask_length,
        tag_template=tag_template,
        min_score=min_score,
        max_shift_days=max_shift_days,
        spans_key=spans_key,
    )
    return deid(doc, patient_id)
