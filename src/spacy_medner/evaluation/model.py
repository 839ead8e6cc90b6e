"""Run a pipeline over the gold texts and score its predictions.

Predictions come from ``nlp.pipe`` over the gold docs' *texts*, so the
pipeline tokenizes with its own tokenizer; scoring is on character offsets
(:mod:`.scoring`). Speed is words per second of that ``nlp.pipe`` call
(model loading excluded), where words are the gold docs' tokens counted as
spaCy does (``len(doc)``).
"""
import time
from dataclasses import dataclass
from typing import Any, Dict, List, Sequence, Tuple

from spacy.language import Language
from spacy.tokens import Doc

from .scoring import compare_docs, score_comparisons


@dataclass
class ModelEvaluation:
    """The metrics of one evaluation and the predicted docs they were computed on."""

    metrics: Dict[str, Any]
    predicted: List[Doc]


def predict(nlp: Language, texts: Sequence[str], batch_size: int = 32) -> Tuple[List[Doc], float]:
    """``nlp.pipe`` over ``texts``: the predicted docs and the seconds it took."""
    start = time.perf_counter()
    docs = list(nlp.pipe(texts, batch_size=batch_size))
    return docs, time.perf_counter() - start


def evaluate_model(
    nlp: Language, gold_docs: Sequence[Doc], batch_size: int = 32, hipaa: bool = True
) -> ModelEvaluation:
    """Predict the gold texts with ``nlp`` and score the predictions.

    The metrics are those of :func:`~.scoring.score_docs` plus ``speed``
    (words, seconds, words per second, batch size).
    """
    gold_docs = list(gold_docs)
    predicted, seconds = predict(nlp, [doc.text for doc in gold_docs], batch_size=batch_size)
    comparisons = compare_docs(gold_docs, predicted)
    metrics = score_comparisons(gold_docs, predicted, comparisons, hipaa=hipaa)
    words = metrics["n_words"]
    metrics["speed"] = {
        "words": words,
        "seconds": seconds,
        "words_per_second": words / seconds if seconds > 0 else 0.0,
        "batch_size": batch_size,
    }
    return ModelEvaluation(metrics=metrics, predicted=predicted)
