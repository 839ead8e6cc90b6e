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
from typing import List

from spacy.language import Language

from .replace import DEFAULT_SPANS_KEY


def medner_pipes(nlp: Language) -> List[object]:
    """The pipeline's ``medner`` components (any name)."""
    from ..pipeline.medner import MedNER

    return [pipe for _, pipe in nlp.pipeline if isinstance(pipe, MedNER)]


def set_entity_bias(nlp: Language, bias: float) -> int:
    """Set ``entity_bias`` on every ``medner`` pipe; returns how many were set.

    Raises ValueError when ``bias`` is not 0 and there is no ``medner`` pipe.
    """
    pipes = medner_pipes(nlp)
    if bias and not pipes:
        raise ValueError("--entity-bias needs a pipeline with a medner component; this one has none")
    for pipe in pipes:
        pipe.entity_bias = bias  # type: ignore[attr-defined]
    return len(pipes)


def scores_key(nlp: Language) -> str:
    """The ``doc.spans`` key where the (last) ``medner`` pipe stores entity probabilities."""
    pipes = medner_pipes(nlp)
    if not pipes:
        return DEFAULT_SPANS_KEY
    return str(pipes[-1].cfg.get("spans_key", DEFAULT_SPANS_KEY))  # type: ignore[attr-defined]


def check_min_score(nlp: Language, min_score: float) -> None:
    """Raise ValueError when ``min_score`` is set but nothing in the pipeline scores entities."""
    if not 0.0 <= min_score <= 1.0:
        raise ValueError("--min-score must be between 0 and 1")
    if min_score and not medner_pipes(nlp):
        raise ValueError("--min-score needs entity probabilities from a medner component; this pipeline has none")
