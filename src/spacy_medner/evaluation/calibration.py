"""Do the entity probabilities mean what they say? Calibration of ``doc.spans`` scores.

Every entity that ``medner`` predicts carries its exact CRF probability
(``doc.spans[key].attrs["scores"]``). Here a predicted entity counts as
**correct** when a gold entity has exactly its characters and label (the
strict match), and:

- :func:`calibration_report` gives the expected calibration error (ECE: the
  share-weighted gap between mean probability and accuracy over equal-width
  probability bins), the Brier score (mean squared gap between probability and
  correctness) and the bins of a reliability diagram;
- :func:`fit_temperature` fits the one scalar ``T`` that divides every CRF
  potential before the probabilities are computed (emissions, transitions,
  start and end), minimising the log loss of the correctness of the predicted
  entities. The decoded entities do not change with ``T``: the Viterbi path
  of potentials divided by a positive scalar is the same path, and the
  decoding lattice never sees ``T``.

Fitting runs the encoder once and then only the CRF (its forward-backward is
a small share of inference), once per candidate ``T``.
"""
import math
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

import numpy
from spacy.language import Language
from spacy.tokens import Doc, Span

from .crf_inputs import crf_inputs
from .entities import doc_entities

DEFAULT_BINS = 10
#: the temperatures searched: log-uniform, then refined by golden-section search
T_RANGE = (0.05, 20.0)


@dataclass
class ScoredEntities:
    """The predicted entities of some documents: probability and strict correctness."""

    probs: numpy.ndarray  # (n,) float64
    correct: numpy.ndarray  # (n,) bool

    def __len__(self) -> int:
        return int(self.probs.shape[0])


def strictly_correct(gold_doc: Doc, spans: Iterable[Span]) -> numpy.ndarray:
    """For each span: does a gold entity have exactly its characters and label?"""
    gold = {(e.start, e.end, e.label) for e in doc_entities(gold_doc)}
    return numpy.asarray([(s.start_char, s.end_char, s.label_) in gold for s in spans], dtype=bool)


def scored_entities(gold_docs: Sequence[Doc], pred_docs: Sequence[Doc], spans_key: str) -> ScoredEntities:
    """Each predicted span of ``pred_docs[i].spans[spans_key]``, scored against ``gold_docs[i].ents``."""
    probs: List[float] = []
    correct: List[numpy.ndarray] = []
    for gold_doc, pred_doc in zip(gold_docs, pred_docs):
        if spans_key not in pred_doc.spans:
            continue
        group = pred_doc.spans[spans_key]
        scores = group.attrs.get("scores")
        if scores is None or len(scores) != len(group):
            raise ValueError(f"doc.spans[{spans_key!r}] has no attrs['scores'] for each span")
        probs.extend(float(p) for p in scores)
        correct.append(strictly_correct(gold_doc, group))
    flat = numpy.concatenate(correct) if correct else numpy.zeros((0,), dtype=bool)
    return ScoredEntities(numpy.asarray(probs, dtype="float64"), flat)


def reliability_bins(s: ScoredEntities, n_bins: int = DEFAULT_BINS) -> List[Dict[str, Any]]:
    """Equal-width probability bins: count, mean probability and accuracy of each non-empty bin."""
    edges = numpy.linspace(0.0, 1.0, n_bins + 1)
    # a probability of exactly 1.0 belongs to the last bin
    index = numpy.minimum(numpy.searchsorted(edges, s.probs, side="right") - 1, n_bins - 1)
    bins = []
    for b in range(n_bins):
        inside = index == b
        n = int(inside.sum())
        bins.append(
            {
                "lower": float(edges[b]),
                "upper": float(edges[b + 1]),
                "count": n,
                "mean_prob": float(s.probs[inside].mean()) if n else None,
                "accuracy": float(s.correct[inside].mean()) if n else None,
            }
        )
    return bins


def expected_calibration_error(s: ScoredEntities, n_bins: int = DEFAULT_BINS) -> float:
    """ECE: sum over bins of (share of entities) x |accuracy − mean probability|."""
    if not len(s):
        return 0.0
    return float(
        sum(b["count"] / len(s) * abs(b["accuracy"] - b["mean_prob"]) for b in reliability_bins(s, n_bins) if b["count"])
    )


def brier_score(s: ScoredEntities) -> float:
    """Mean of (probability − correct)² over the predicted entities."""
    return float(numpy.mean((s.probs - s.correct) ** 2)) if len(s) else 0.0


def log_loss(s: ScoredEntities, eps: float = 1e-12) -> float:
    """Mean binary cross-entropy of the probabilities against correctness."""
    if not len(s):
        return 0.0
    p = numpy.clip(s.probs, eps, 1.0 - eps)
    return float(-numpy.mean(numpy.where(s.correct, numpy.log(p), numpy.log1p(-p))))


def calibration_report(s: ScoredEntities, n_bins: int = DEFAULT_BINS) -> Dict[str, Any]:
    """ECE, Brier, log loss, accuracy, mean probability and the reliability bins."""
    return {
        "n_entities": len(s),
        "ece": expected_calibration_error(s, n_bins),
        "brier": brier_score(s),
        "log_loss": log_loss(s),
        "accuracy": float(s.correct.mean()) if len(s) else None,
        "mean_prob": float(s.probs.mean()) if len(s) else None,
        "n_bins": n_bins,
        "bins": reliability_bins(s, n_bins),
    }


def entity_calibration(gold_docs: Sequence[Doc], pred_docs: Sequence[Doc], spans_key: str, pipes: Sequence[Any] = ()) -> Dict[str, Any]:
    """The ``calibration`` block of ``evaluate``'s metrics (``applicable: False`` with a reason when there are no scores)."""
    if not any(spans_key in doc.spans and "scores" in doc.spans[spans_key].attrs for doc in pred_docs):
        return {"applicable": False, "reason": f"the predictions have no doc.spans[{spans_key!r}] with attrs['scores']"}
    block: Dict[str, Any] = {"applicable": True, "spans_key": spans_key}
    block.update(calibration_report(scored_entities(gold_docs, pred_docs, spans_key)))
    block["temperature"] = float(pipes[0].temperature) if len(pipes) == 1 else None
    return block


# -- temperature ------------------------------------------------------------


@dataclass
class CachedLattices:
    """What the CRF needs to re-score one batch of docs: emissions, masks, decoded paths and entities."""

    pipe: Any  # the MedNER pipe
    emissions: List[Any]
    masks: List[Any]
    correct: List[numpy.ndarray]  # per doc: is each decoded entity correct
    paths: List[Any]  # per doc: the decoded tags (the temperature does not move them)

    def subset(self, index: Sequence[int]) -> "CachedLattices":
        """The same cache restricted to the documents at ``index``."""
        return CachedLattices(
            self.pipe,
            [self.emissions[i] for i in index],
            [self.masks[i] for i in index],
            [self.correct[i] for i in index],
            [self.paths[i] for i in index],
        )


def cache_lattices(nlp: Language, gold_docs: Sequence[Doc], batch_size: int = 32) -> CachedLattices:
    """Run ``nlp`` once over the gold texts up to its medner pipe; keep the CRF's inputs per doc
    and whether each entity it decodes (at its current settings) is strictly correct."""
    inputs = crf_inputs(nlp, [doc.text for doc in gold_docs], batch_size=batch_size)
    docs, paths = inputs.annotate_with_paths()
    pipe = inputs.pipe
    cache = CachedLattices(pipe, [], [], [], paths)
    for _, _, (emissions, masks, _) in inputs.batches:
        cache.emissions.extend(emissions)
        cache.masks.extend(masks)
    cache.correct.extend(strictly_correct(gold_doc, doc.spans[pipe.spans_key]) for gold_doc, doc in zip(gold_docs, docs))
    return cache


def rescore(cache: CachedLattices, temperature: float, batch_size: int = 32) -> ScoredEntities:
    """The decoded entities' probabilities at ``temperature`` (the entities themselves do not change).

    Documents are batched shortest first, so a batch pads to similar lengths (half the time of
    batching in cache order on the synthetic dev split); the entities come out in that order.
    """
    from ..layers.crf import crf_decode_with_confidence

    probs: List[float] = []
    correct: List[numpy.ndarray] = []
    pipe = cache.pipe
    by_length = sorted(range(len(cache.emissions)), key=lambda i: len(cache.emissions[i]))
    for start in range(0, len(by_length), batch_size):
        batch = by_length[start : start + batch_size]
        em = [cache.emissions[i] for i in batch]
        mk = [cache.masks[i] for i in batch]
        paths = [cache.paths[i] for i in batch]
        _, spans = crf_decode_with_confidence(
            pipe.crf, em, mk, entity_bias=pipe.entity_bias, temperature=temperature, paths=paths
        )
        for doc_spans, doc_correct in zip(spans, [cache.correct[i] for i in batch]):
            if len(doc_spans) != len(doc_correct):
                raise ValueError("the decoded entities changed between runs; the cache is stale")
            probs.extend(p for _, _, p in doc_spans)
            correct.append(doc_correct)
    flat = numpy.concatenate(correct) if correct else numpy.zeros((0,), dtype=bool)
    return ScoredEntities(numpy.asarray(probs, dtype="float64"), flat)


def fit_temperature(cache: CachedLattices, doc_index: Optional[Sequence[int]] = None, tol: float = 0.01) -> float:
    """The temperature minimising the log loss of entity correctness (golden-section search on log T,
    until the bracket is ``tol`` wide: the result is within ``tol / 2`` of the minimum in log T, so
    within about half a percent of it in T).

    ``doc_index`` restricts the fit to some documents of the cache (for cross-fitting).
    """
    if doc_index is not None:
        cache = cache.subset(doc_index)
    if not sum(len(c) for c in cache.correct):
        return 1.0
    memo: Dict[float, float] = {}

    def loss(log_t: float) -> float:
        if log_t not in memo:
            memo[log_t] = log_loss(rescore(cache, math.exp(log_t)))
        return memo[log_t]

    lo, hi = math.log(T_RANGE[0]), math.log(T_RANGE[1])
    # a coarse grid first, so the golden-section search starts in the right basin
    grid = numpy.linspace(lo, hi, 9)
    best = int(numpy.argmin([loss(float(x)) for x in grid]))
    a, b = float(grid[max(best - 1, 0)]), float(grid[min(best + 1, len(grid) - 1)])
    ratio = (math.sqrt(5.0) - 1.0) / 2.0
    c, d = b - ratio * (b - a), a + ratio * (b - a)
    while b - a > tol:
        if loss(c) < loss(d):
            b, d = d, c
            c = b - ratio * (b - a)
        else:
            a, c = c, d
            d = a + ratio * (b - a)
    return float(math.exp((a + b) / 2.0))


def cross_fitted(cache: CachedLattices, folds: int = 2) -> Tuple[ScoredEntities, List[float]]:
    """Out-of-fold probabilities: each fold re-scored at the temperature fitted on the others."""
    n = len(cache.emissions)
    order = numpy.arange(n)
    probs: List[numpy.ndarray] = []
    correct: List[numpy.ndarray] = []
    temps = []
    for k in range(folds):
        held = order[order % folds == k]
        rest = order[order % folds != k]
        t = fit_temperature(cache, rest)
        temps.append(t)
        s = rescore(cache.subset(held), t)
        probs.append(s.probs)
        correct.append(s.correct)
    return ScoredEntities(numpy.concatenate(probs), numpy.concatenate(correct)), temps


def calibrate(nlp: Language, gold_docs: Sequence[Doc], batch_size: int = 32, folds: int = 2, n_bins: int = DEFAULT_BINS) -> Dict[str, Any]:
    """Fit the medner pipe's temperature on ``gold_docs`` and set it; the before/after report.

    ``after_cross_fitted`` scores each of ``folds`` document folds at the
    temperature fitted on the others, an honest estimate for unseen notes;
    ``after`` scores all documents at the temperature fitted on all of them,
    the one that is saved.
    """
    cache = cache_lattices(nlp, gold_docs, batch_size=batch_size)
    before_t = cache.pipe.temperature
    before = calibration_report(rescore(cache, before_t), n_bins)
    fitted = fit_temperature(cache)
    after = calibration_report(rescore(cache, fitted), n_bins)
    report: Dict[str, Any] = {"temperature_before": before_t, "temperature": fitted, "before": before, "after": after}
    if len(cache.emissions) >= 2 * folds:
        held_out, temps = cross_fitted(cache, folds)
        report["after_cross_fitted"] = calibration_report(held_out, n_bins)
        report["fold_temperatures"] = temps
    cache.pipe.temperature = fitted
    return report


def calibration_markdown(report: Dict[str, Any], data: str) -> str:
    """The calibration report as a short markdown table."""
    rows = [("before", report["temperature_before"], report["before"]), ("after", report["temperature"], report["after"])]
    if "after_cross_fitted" in report:
        temps = ", ".join(f"{t:.3g}" for t in report["fold_temperatures"])
        rows.append((f"after, {len(report['fold_temperatures'])}-fold cross-fitted (T {temps})", None, report["after_cross_fitted"]))
    lines = [
        f"# Calibration of entity probabilities on {data}",
        "",
        "A predicted entity is correct when a gold entity has exactly its characters and label.",
        "",
        "| | temperature | entities | ECE | Brier | log loss | mean probability | correct |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, t, rep in rows:
        lines.append(
            f"| {name} | {'-' if t is None else f'{t:.3g}'} | {rep['n_entities']} | {rep['ece']:.4f} | {rep['brier']:.4f} | "
            f"{rep['log_loss']:.4f} | {100 * (rep['mean_prob'] or 0):.2f} | {100 * (rep['accuracy'] or 0):.2f} |"
        )
    return "\n".join(lines) + "\n"
