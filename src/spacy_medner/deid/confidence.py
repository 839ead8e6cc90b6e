"""The two confidence knobs of de-identification.

- recall: ``entity_bias`` of the ``medner`` pipe(s) is added to every
  entity tag's score before Viterbi decoding.  The decoded path maximises
  ``score + bias * (number of entity tokens)``, so raising it never lowers
  the number of tokens predicted as PHI: more PHI is caught, at the price of
  false positives (over-redaction).  Negative values do the opposite.
- precision: ``min_score`` leaves predicted entities whose exact CRF
  probability (``doc.spans[spans_key].attrs["scores"]``) is below it in the
  text: fewer false positives, but every dropped entity that was real PHI
  LEAKS.  For de-identification keep it at 0 unless over-redaction matters
  more than recall.
"""
from typing import List, Optional, Set

from spacy.language import Language

from ..pipeline.medner import medner_pipes
from ..labels import DEFAULT_SPANS_KEY


def set_entity_bias(nlp: Language, bias: Optional[float]) -> List[float]:
    """Set ``entity_bias`` on every ``medner`` pipe (``None``: keep each pipe's own).

    Returns the biases in effect. ``en_medner`` ships with a tuned bias, so
    ``None`` is the default everywhere. Raises ValueError when ``bias`` is set
    and there is no ``medner`` pipe.
    """
    pipes = medner_pipes(nlp)
    if bias and not pipes:
        raise ValueError("--entity-bias needs a pipeline with a medner component; this one has none")
    for pipe in pipes:
        if bias is not None:
            pipe.entity_bias = bias  # type: ignore[attr-defined]
    return [float(pipe.entity_bias) for pipe in pipes]  # type: ignore[attr-defined]


def apply_knobs(nlp: Language, entity_bias: Optional[float], min_score: float) -> List[float]:
    """``set_entity_bias`` and ``check_min_score`` together, as ``deid`` and ``predict`` use them."""
    biases = set_entity_bias(nlp, entity_bias)
    check_min_score(nlp, min_score)
    return biases


def pipe_spans_key(pipe: object) -> str:
    """The ``doc.spans`` key a medner pipe writes (its ``spans_key`` setting)."""
    key = getattr(pipe, "spans_key", None)
    if key is None:  # older pipes kept it in cfg
        key = getattr(pipe, "cfg", {}).get("spans_key", DEFAULT_SPANS_KEY)
    return str(key)


def scores_key(nlp: Language) -> str:
    """The ``doc.spans`` key where the (last) ``medner`` pipe stores entity probabilities."""
    pipes = medner_pipes(nlp)
    if not pipes:
        return DEFAULT_SPANS_KEY
    return pipe_spans_key(pipes[-1])


def check_min_score(nlp: Language, min_score: float) -> None:
    """Raise ValueError when ``min_score`` is set but nothing in the pipeline scores entities."""
    if not 0.0 <= min_score <= 1.0:
        raise ValueError("--min-score must be between 0 and 1")
    if min_score and not medner_pipes(nlp):
        raise ValueError("--min-score needs entity probabilities from a medner component; this pipeline has none")


#: ``--spans-key`` value that selects ``doc.ents``.
ENTS_KEY = "ents"


def phi_spans_key(nlp: Language, requested: Optional[str] = None) -> Optional[str]:
    """The span group holding the PHI: ``requested`` (``"ents"`` -> None: doc.ents), else medner's.

    Without ``requested``: the ``spans_key`` of the pipeline's medner pipe
    (``"medner"`` when there is none: a Doc without that group is then an
    error).  Several medner pipes are ambiguous (a host may run a disease
    medner next to the PHI one) and need ``requested``; several writing the
    SAME key overwrite each other's group and are refused.
    """
    pipes = medner_pipes(nlp)
    keys = [pipe_spans_key(pipe) for pipe in pipes]
    if len(keys) != len(set(keys)):
        raise ValueError(
            "several medner components write the same span group "
            f"({', '.join(sorted(k for k in set(keys) if keys.count(k) > 1))}): the last one replaces the others' "
            "PHI; give each medner component its own spans_key"
        )
    if requested is not None:
        return None if requested == ENTS_KEY else requested
    if len(keys) > 1:
        raise ValueError(
            f"the pipeline has {len(keys)} medner components (span groups {', '.join(keys)}); "
            "choose the one that holds the PHI with --spans-key"
        )
    return keys[0] if keys else DEFAULT_SPANS_KEY


def pipeline_labels(nlp: Language, spans_key: Optional[str]) -> Set[str]:
    """The labels the medner pipe(s) writing ``spans_key`` can predict (all medner pipes for doc.ents).

    Empty when the pipeline has no such medner pipe (the labels cannot be checked).
    """
    labels: Set[str] = set()
    for pipe in medner_pipes(nlp):
        if spans_key is None or pipe_spans_key(pipe) == spans_key:
            labels.update(pipe.labels)  # type: ignore[attr-defined]
    return labels
