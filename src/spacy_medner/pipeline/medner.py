"""The ``medner`` pipe: named-entity recognition with a linear-chain CRF.

It predicts BILUO tags with exact constrained Viterbi decoding, sets
``doc.ents`` (and ``token.ent_iob``/``ent_type``) like spaCy's ``ner``, and
stores every predicted entity with its exact CRF probability in
``doc.spans[spans_key]`` (``attrs["scores"]``, as spancat does).
"""
from itertools import islice
from typing import Any, Callable, Dict, Iterable, List, Optional, Tuple

import numpy
from spacy.errors import Errors
from spacy.language import Language
from spacy.pipeline.trainable_pipe import TrainablePipe
from spacy.scorer import get_ner_prf
from spacy.tokens import Doc, SpanGroup
from spacy.training import Example, biluo_tags_to_spans, validate_examples, validate_get_examples
from spacy.vocab import Vocab
from thinc.api import Config, Model, Optimizer, set_dropout_rate
from thinc.types import Floats2d

from ..labels import DEFAULT_SPANS_KEY
from ..layers.biluo import B_, I_, L_, U_, boundary_tags, first_tag, n_labels_for_tags, n_tags, tag_names
from ..layers.crf import CRFLoss, crf_decode_with_confidence
from .patterns import NOT_PHI, PatternMatcher, RuleMatch, default_patterns, validate_patterns
from .shapes import shape_permissions

DEFAULT_MEDNER_MODEL = """
[model]
@architectures = "spacy-medner.CRFTagger.v1"
nO = null
emission_scale = 20.0

[model.tok2vec]
@architectures = "spacy-transformers.TransformerListener.v1"
grad_factor = 1.0
upstream = "*"

[model.tok2vec.pooling]
@layers = "reduce_mean.v1"
"""
DEFAULT_MEDNER_MODEL_CONFIG = Config().from_str(DEFAULT_MEDNER_MODEL)["model"]
#: Settings of the pipe: factory arguments, kept in the pipeline's config (not in ``cfg``),
#: so load-time config overrides win over what was saved.
SETTINGS = (
    "entity_bias",
    "overwrite_ents",
    "set_ents",
    "spans_key",
    "use_patterns",
    "break_at_newlines",
    "require_shapes",
)
#: ``span.attrs``-like provenance of an entity in ``doc.spans[spans_key].attrs["sources"]``.
SOURCE_CRF = "crf"
SOURCE_RULE = "rule"

#: Predictions: per doc, the BILUO tag ids, ``(start, end, probability)`` of each entity,
#: and the pattern matches that constrained the decoding.
Predictions = Tuple[List[numpy.ndarray], List[List[Tuple[int, int, float]]], List[List[RuleMatch]]]


def medner_score(examples: Iterable[Example], **kwargs: Any) -> Dict[str, Any]:
    """Strict entity P/R/F, overall and per type, keyed like spaCy's ``ner``."""
    return get_ner_prf(examples, **kwargs)


@Language.factory(
    "medner",
    assigns=["doc.ents", "token.ent_iob", "token.ent_type", "doc.spans"],
    default_config={
        "model": DEFAULT_MEDNER_MODEL_CONFIG,
        "entity_bias": 0.0,
        "overwrite_ents": True,
        "set_ents": True,
        "spans_key": DEFAULT_SPANS_KEY,
        "use_patterns": True,
        "break_at_newlines": True,
        "require_shapes": True,
        "scorer": {"@scorers": "spacy.ner_scorer.v1"},
    },
    default_score_weights={"ents_f": 1.0, "ents_p": 0.0, "ents_r": 0.0, "ents_per_type": None},
)
def make_medner(
    nlp: Language,
    name: str,
    model: Model[List[Doc], List[Floats2d]],
    entity_bias: float,
    overwrite_ents: bool,
    set_ents: bool,
    spans_key: str,
    use_patterns: bool,
    break_at_newlines: bool,
    require_shapes: bool,
    scorer: Optional[Callable],
) -> "MedNER":
    """Create a ``medner`` component.

    entity_bias (float): added to every entity tag's score before decoding;
        raise it to trade precision for recall (e.g. PHI recall) without
        retraining.  Also settable per call via ``pipe.entity_bias``.
    overwrite_ents (bool): True replaces ``doc.ents`` as spaCy's ``ner`` does;
        False keeps entities already on the Doc and adds only predictions that
        do not overlap them (the CRF is constrained to tag those tokens O).
    set_ents (bool): False leaves ``doc.ents`` alone and writes the entities
        only to ``doc.spans[spans_key]`` (what a host pipeline usually wants).
    spans_key (str): ``doc.spans`` key for the predicted entities with scores.
    use_patterns (bool): apply the PHI patterns (``cfg["patterns"]``) as
        decoding constraints: matched tokens must take the pattern's tags.
    break_at_newlines (bool): no predicted entity crosses a line break
        (whitespace tokens holding a newline are decoded O), as in the i2b2
        2014 annotations; False lets an entity run on across lines.
    require_shapes (bool): IPADDR, EMAIL and URL only where the text has
        their shape (digits and dots or colons, an ``@`` between words, a
        scheme or a dotted domain; see :mod:`.shapes`); False lets the CRF
        put them anywhere.
    """
    return MedNER(
        nlp.vocab,
        model,
        name,
        entity_bias=entity_bias,
        overwrite_ents=overwrite_ents,
        set_ents=set_ents,
        spans_key=spans_key,
        use_patterns=use_patterns,
        break_at_newlines=break_at_newlines,
        require_shapes=require_shapes,
        scorer=scorer,
    )


def medner_pipes(nlp: Language) -> List["MedNER"]:
    """The pipeline's ``medner`` components, whatever their names."""
    return [pipe for _, pipe in nlp.pipeline if isinstance(pipe, MedNER)]


class MedNER(TrainablePipe):
    """Transformer (or any tok2vec) + linear-chain CRF entity recognizer."""

    def __init__(
        self,
        vocab: Vocab,
        model: Model,
        name: str = "medner",
        *,
        entity_bias: float = 0.0,
        overwrite_ents: bool = True,
        set_ents: bool = True,
        spans_key: str = DEFAULT_SPANS_KEY,
        use_patterns: bool = True,
        break_at_newlines: bool = True,
        require_shapes: bool = True,
        scorer: Optional[Callable] = medner_score,
    ) -> None:
        self.vocab = vocab
        self.model = model
        self.name = name
        self.scorer = scorer
        # Learnt state, serialized with the weights.  The settings below are
        # not in cfg: they come from the pipeline's config (factory arguments),
        # so `spacy.load(..., config=...)` overrides win over a saved model.
        self.cfg: Dict[str, Any] = {"labels": [], "patterns": default_patterns()}
        self.entity_bias = entity_bias
        self.overwrite_ents = bool(overwrite_ents)
        self.set_ents = bool(set_ents)
        self.spans_key = spans_key
        self.use_patterns = bool(use_patterns)
        self.break_at_newlines = bool(break_at_newlines)
        self.require_shapes = bool(require_shapes)
        self._matcher: Optional[Tuple[Tuple[str, ...], int, PatternMatcher]] = None

    @property
    def labels(self) -> Tuple[str, ...]:
        """The entity labels, in the order that defines the tag indices."""
        return tuple(self.cfg["labels"])

    @property
    def label_data(self) -> List[str]:
        return list(self.labels)

    @property
    def tag_names(self) -> List[str]:
        """BILUO tag strings in index order: ``O``, then ``B/I/L/U`` per label."""
        return tag_names(self.labels)

    @property
    def entity_bias(self) -> float:
        return self._entity_bias

    @entity_bias.setter
    def entity_bias(self, value: float) -> None:
        self._entity_bias = float(value)

    @property
    def temperature(self) -> float:
        """Divides every CRF potential before the entity probabilities are computed (1.0: none).

        Fitted after training (``spacy_medner calibrate``) and saved in ``cfg``;
        it moves the probabilities only, never the decoded entities.
        """
        return float(self.cfg.get("temperature", 1.0))

    @temperature.setter
    def temperature(self, value: float) -> None:
        if not value > 0:
            raise ValueError(f"[{self.name}] temperature must be positive, got {value!r}")
        self.cfg["temperature"] = float(value)

    @property
    def patterns(self) -> List[Dict[str, str]]:
        """The PHI patterns (see :mod:`.patterns`); saved with the pipe."""
        return list(self.cfg.get("patterns", []))

    @patterns.setter
    def patterns(self, patterns: Iterable[Dict[str, str]]) -> None:
        self.cfg["patterns"] = validate_patterns(patterns)
        self._matcher = None

    def rule_matches(self, doc: Doc) -> List[RuleMatch]:
        """The pattern matches on ``doc`` for this pipe's labels (empty when patterns are off)."""
        if not self.use_patterns or not self.labels:
            return []
        key = (self.labels, len(self.cfg.get("patterns", [])))
        if self._matcher is None or self._matcher[:2] != key:
            self._matcher = (key[0], key[1], PatternMatcher(self.cfg.get("patterns", []), self.labels))
        return self._matcher[2](doc)

    @property
    def crf(self) -> Model:
        return self.model.get_ref("crf")

    def predict(self, docs: Iterable[Doc]) -> Predictions:
        """Decode the best valid BILUO sequence per doc, with entity probabilities.

        PHI pattern matches constrain the decoding: their tokens may only take
        the pattern's tags, and the CRF decodes everything else around them.
        """
        return self.decode(*self.lattice_inputs(docs))

    def lattice_inputs(self, docs: Iterable[Doc]) -> Tuple[List[Floats2d], List[numpy.ndarray], List[List[RuleMatch]]]:
        """What the CRF decodes: per doc the emissions, the allowed-tag mask and the pattern matches."""
        docs = list(docs)
        rules = [self._applicable_rules(doc) for doc in docs]
        if not any(len(doc) for doc in docs):
            K = n_tags(len(self.labels))
            return [numpy.zeros((0, K), dtype="float32") for _ in docs], [numpy.ones((0, K), dtype=bool) for _ in docs], rules
        return self.model.predict(docs), self._tag_masks(docs, rules=rules), rules

    def decode(self, emissions: List[Floats2d], masks: List[numpy.ndarray], rules: List[List[RuleMatch]]) -> Predictions:
        """Viterbi paths (moved by ``entity_bias``) and entity probabilities (at ``temperature``)."""
        paths, spans = crf_decode_with_confidence(
            self.crf, emissions, masks, entity_bias=self.entity_bias, temperature=self.temperature
        )
        return [self.model.ops.to_numpy(p) for p in paths], spans, rules

    def set_annotations(self, docs: Iterable[Doc], predictions: Predictions) -> None:
        """Write the entities to ``doc.spans[spans_key]`` and, if ``set_ents``, to ``doc.ents``.

        The span group's ``attrs["scores"]`` holds each entity's exact CRF
        probability and ``attrs["sources"]`` where it came from: ``"crf"`` or
        ``"rule:<pattern id>"``.
        """
        paths, scored_spans, rules = predictions
        names = self.tag_names
        for doc, path, doc_spans, doc_rules in zip(docs, paths, scored_spans, rules):
            tags = [names[i] for i in path.tolist()]
            ents = biluo_tags_to_spans(doc, tags) if tags else []
            scores = [p for _, _, p in doc_spans]
            by_rule = {(r.start, r.end): r.rule_id for r in doc_rules}
            sources = [
                f"{SOURCE_RULE}:{by_rule[(e.start, e.end)]}" if (e.start, e.end) in by_rule else SOURCE_CRF for e in ents
            ]
            if self.set_ents and self.overwrite_ents:
                doc.set_ents(ents, default="outside")
            elif self.set_ents:
                occupied = {i for ent in doc.ents for i in range(ent.start, ent.end)}
                keep = [not any(i in occupied for i in range(e.start, e.end)) for e in ents]
                ents, scores, sources = ([x for x, k in zip(xs, keep) if k] for xs in (ents, scores, sources))
                doc.set_ents(ents, default="unmodified")
            group = SpanGroup(doc, name=self.spans_key, spans=ents)
            group.attrs["scores"] = numpy.asarray(scores, dtype="float32")
            group.attrs["sources"] = sources
            doc.spans[self.spans_key] = group

    def update(
        self,
        examples: Iterable[Example],
        *,
        drop: float = 0.0,
        sgd: Optional[Optimizer] = None,
        losses: Optional[Dict[str, float]] = None,
    ) -> Dict[str, float]:
        """Learn from a batch of examples: exact CRF negative log-likelihood."""
        if losses is None:
            losses = {}
        losses.setdefault(self.name, 0.0)
        examples = list(examples)
        validate_examples(examples, "MedNER.update")
        if not any(len(eg.predicted) if eg.predicted else 0 for eg in examples):
            return losses
        set_dropout_rate(self.model, drop)
        emissions, backprop = self.model.begin_update([eg.predicted for eg in examples])
        loss, d_emissions = self.get_loss(examples, emissions)
        backprop(d_emissions)
        if sgd not in (None, False):
            self.finish_update(sgd)
        losses[self.name] += loss
        return losses

    def get_loss(self, examples: Iterable[Example], scores: List[Floats2d]) -> Tuple[float, List[Floats2d]]:
        """CRF negative log-likelihood of the gold BILUO tags and its gradient.

        Tokens with missing or misaligned gold annotation are marginalised.
        """
        examples = list(examples)
        validate_examples(examples, "MedNER.get_loss")
        gold = [self._gold_tag_ids(eg) for eg in examples]
        masks = self._tag_masks([eg.predicted for eg in examples], gold=gold)
        d_scores, loss = CRFLoss(self.crf)(scores, (gold, masks))
        if not numpy.isfinite(loss):
            raise ValueError(Errors.E910.format(name=self.name))
        return loss, d_scores

    def initialize(
        self,
        get_examples: Callable[[], Iterable[Example]],
        *,
        nlp: Optional[Language] = None,
        labels: Optional[List[str]] = None,
    ) -> None:
        """Collect the labels (from ``labels`` or the examples' gold entities) and size the model."""
        validate_get_examples(get_examples, "MedNER.initialize")
        if labels is not None:
            for label in labels:
                self.add_label(label)
        else:
            found = {ent.label_ for eg in get_examples() for ent in eg.reference.ents}
            for label in sorted(found):
                self.add_label(label)
        self._require_labels()
        K = n_tags(len(self.labels))
        for ref in ("output_layer", "crf"):
            layer = self.model.get_ref(ref)
            if not layer.has_dim("nO"):
                layer.set_dim("nO", K)
            elif layer.get_dim("nO") != K:
                raise ValueError(
                    f"[{self.name}] The model's '{ref}' has nO={layer.get_dim('nO')}, "
                    f"but {len(self.labels)} labels need {K} BILUO tags"
                )
        doc_sample = [eg.reference for eg in islice(get_examples(), 10)]
        if not doc_sample:
            raise ValueError(Errors.E923.format(name=self.name))
        self.model.initialize(X=doc_sample)

    def add_label(self, label: str) -> int:
        """Add an entity label; only possible before the model is sized."""
        if not isinstance(label, str):
            raise ValueError(Errors.E187)
        if label in self.labels:
            return 0
        output = self.model.get_ref("output_layer")
        if output.has_dim("nO") and output.get_dim("nO") == n_tags(len(self.labels)) and self.labels:
            raise ValueError(Errors.E922.format(name=self.name, nO=output.get_dim("nO")))
        self.cfg["labels"].append(label)
        self.vocab.strings.add(label)
        return 1

    def from_bytes(self, bytes_data: bytes, *, exclude: Iterable[str] = tuple()) -> "MedNER":
        super().from_bytes(bytes_data, exclude=exclude)
        return self._after_load()

    def from_disk(self, path: Any, *, exclude: Iterable[str] = tuple()) -> "MedNER":
        super().from_disk(path, exclude=exclude)
        return self._after_load()

    def _after_load(self) -> "MedNER":
        """Drop settings that older models kept in cfg: the pipeline config holds them now."""
        for key in SETTINGS:
            self.cfg.pop(key, None)
        self._matcher = None
        return self

    # -- helpers -------------------------------------------------------------

    def _gold_tag_ids(self, example: Example) -> numpy.ndarray:
        """Gold BILUO tag ids aligned to the predicted tokens; −1 where missing."""
        index = {name: i for i, name in enumerate(self.tag_names)}
        tags = example.get_aligned_ner()
        return numpy.asarray([index.get(tag, -1) if tag else -1 for tag in tags], dtype="int64")

    def _keeps_existing(self) -> bool:
        return self.set_ents and not self.overwrite_ents

    def _applicable_rules(self, doc: Doc) -> List[RuleMatch]:
        """Pattern matches that may constrain ``doc``: not over entities that are kept."""
        matches = self.rule_matches(doc)
        if matches and self._keeps_existing() and doc.ents:
            occupied = {i for ent in doc.ents for i in range(ent.start, ent.end)}
            matches = [m for m in matches if not any(i in occupied for i in range(m.start, m.end))]
        return matches

    def _tag_masks(
        self,
        docs: List[Doc],
        gold: Optional[List[numpy.ndarray]] = None,
        rules: Optional[List[List[RuleMatch]]] = None,
    ) -> List[numpy.ndarray]:
        """Per-token allowed tags.

        Whitespace tokens may not begin or end an entity (no ``B``/``L``/``U``).
        In decoding (no ``gold``) with ``break_at_newlines``, one holding a line
        break may only be ``O``; with ``require_shapes``, a token may take a
        label with a shape (IPADDR, EMAIL, URL) only where the text has it.
        When keeping existing entities, their tokens may only be ``O``.  A
        pattern match's tokens may only take its tags (``U``, or ``B I… L``), or
        only ``O`` for a not-PHI pattern.
        Gold tags are always allowed, so training never contradicts the data.
        """
        K = n_tags(len(self.labels))
        n_labels = n_labels_for_tags(K)
        boundaries = boundary_tags(n_labels)
        label_index = {label: i for i, label in enumerate(self.labels)}
        keep_existing = self._keeps_existing()
        masks = []
        for i, doc in enumerate(docs):
            mask = numpy.ones((len(doc), K), dtype=bool)
            space = numpy.fromiter((t.is_space for t in doc), dtype=bool, count=len(doc))
            if space.any():
                mask[numpy.ix_(space, boundaries)] = False
                if self.break_at_newlines and gold is None:  # a decoding rule: training sees the free lattice
                    newline = [i for i in numpy.flatnonzero(space) if "\n" in doc[int(i)].text]
                    mask[newline, 1:] = False
            if self.require_shapes and gold is None:  # decoding only, like the line-break rule
                for label, allowed in shape_permissions(doc, self.labels).items():
                    first = first_tag(label_index[label])
                    mask[numpy.ix_(~allowed, [first + B_, first + I_, first + L_, first + U_])] = False
            if keep_existing and doc.ents:
                for ent in doc.ents:
                    mask[ent.start : ent.end, 1:] = False
            for match in rules[i] if rules is not None else ():
                mask[match.start : match.end] = False
                if match.label == NOT_PHI:
                    mask[match.start : match.end, 0] = True
                    continue
                first = first_tag(label_index[match.label])
                if match.end - match.start == 1:
                    mask[match.start, first + U_] = True
                else:
                    mask[match.start, first + B_] = True
                    mask[match.start + 1 : match.end - 1, first + I_] = True
                    mask[match.end - 1, first + L_] = True
            if gold is not None:
                known = gold[i] >= 0
                mask[numpy.nonzero(known)[0], gold[i][known]] = True
            masks.append(self.model.ops.asarray(mask))
        return masks
