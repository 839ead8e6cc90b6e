"""The linear-chain CRF as a Thinc layer, its loss, and the operations the pipe calls.

The layer owns the CRF parameters: ``transitions[from, to]`` (K×K), ``start``
and ``end`` (K) over the BILUO tags of :mod:`.biluo`. Its forward pass is the
identity on the per-doc emission scores, because a CRF's output is a
distribution over whole sequences, not a per-token array. What uses the
parameters:

- :class:`CRFLoss`: the exact negative log-likelihood, a loss object as in
  Thinc (``d_emissions, loss = loss_func(emissions, truths)``); tokens whose
  gold tag is missing (−1) are marginalised out. It returns the gradient of
  the emissions, ``μ − μ_clamped``, and adds the gradients of the CRF's own
  parameters to the layer, from pairwise marginals;
- :func:`crf_viterbi`: the best valid sequence (``entity_bias`` added to every
  entity tag first);
- :func:`crf_marginals`: per-token tag probabilities;
- :func:`crf_decode_with_confidence`: the Viterbi path and the exact
  probability of each decoded entity (at a ``temperature``).

Each call pads the per-doc arrays into one float64 :class:`~.lattice.Lattice`
(:func:`_lattice_for`) and runs the maths of :mod:`.lattice`.
"""
from typing import Any, Callable, List, Optional, Sequence, Tuple, Union

import numpy
from thinc.api import Model, registry
from thinc.loss import Loss
from thinc.types import Floats1d, Floats2d, Ints1d

from .biluo import biluo_constraints, n_labels_for_tags, n_tags, tag_names
from .lattice import (
    NEG_INF,
    ArrayXd,
    Lattice,
    _Transitions,
    _to_numpy,
    clamped_statistics,
    forward_backward,
    make_lattice,
    pairwise_marginal_sums,
    segment_log_probs,
    token_marginals,
    viterbi,
)

InT = List[Floats2d]
OutT = List[Floats2d]

__all__ = [
    "LinearChainCRF", "CRFLoss", "crf_nll_loss", "crf_viterbi", "crf_marginals", "crf_decode_with_confidence",
    "biluo_constraints", "n_labels_for_tags", "n_tags", "tag_names",
]


@registry.layers("spacy-medner.LinearChainCRF.v1")
def LinearChainCRF(nO: Optional[int] = None, transition_scale: float = 1.0) -> Model[InT, OutT]:
    """A linear-chain CRF over ``nO = 4 * labels + 1`` BILUO tags.

    Its forward pass is the identity on the per-doc emission scores; the CRF
    parameters are used by :class:`CRFLoss`, :func:`crf_viterbi`,
    :func:`crf_marginals` and :func:`crf_decode_with_confidence`.
    ``transition_scale`` multiplies the stored ``transitions``, ``start`` and
    ``end`` wherever they are used (and their gradients): with Adam, whose steps
    have the learning rate's size whatever the gradient, it multiplies their
    effective learning rate, as ``emission_scale`` does for the emissions. At 1.0
    and a transformer's rate they move at most the rate per step (the shipped PHI
    model's largest transition is 0.04), next to emissions in the tens.
    """
    return Model(
        "linear_chain_crf",
        forward,
        init=init,
        dims={"nO": nO},
        params={"transitions": None, "start": None, "end": None},
        attrs={"transition_scale": float(transition_scale)},
    )


def _scale(model: Model) -> float:
    """The factor between the stored CRF parameters and the potentials."""
    return model.attrs["transition_scale"]


def forward(model: Model[InT, OutT], X: InT, is_train: bool) -> Tuple[OutT, Callable]:
    def backprop(dY: OutT) -> InT:
        return dY

    return X, backprop


def init(model: Model[InT, OutT], X: Optional[InT] = None, Y: Optional[OutT] = None) -> None:
    if Y is not None and len(Y) and Y[0].ndim == 2:
        model.set_dim("nO", Y[0].shape[1])
    elif X is not None and len(X) and X[0].ndim == 2 and not model.has_dim("nO"):
        model.set_dim("nO", X[0].shape[1])
    K = model.get_dim("nO")
    n_labels_for_tags(K)  # validates K
    model.set_param("transitions", model.ops.alloc2f(K, K))
    model.set_param("start", model.ops.alloc1f(K))
    model.set_param("end", model.ops.alloc1f(K))


def _pad(xp: Any, seqs: Sequence[ArrayXd], K: int, fill: Any = 0.0, dtype: Any = None) -> Tuple[ArrayXd, ArrayXd]:
    """Pad a list of ``(n_i, ...)`` arrays to ``(B, N, ...)`` with one scatter."""
    lengths = numpy.asarray([len(s) for s in seqs], dtype="int64")
    Bsz, N = len(seqs), int(lengths.max()) if len(seqs) else 0
    tail = tuple(seqs[0].shape[1:]) if len(seqs) else (K,)
    dtype = dtype or (seqs[0].dtype if len(seqs) else "float32")
    padded = xp.full((Bsz, N) + tail, fill, dtype=dtype)
    if lengths.sum():
        rows = numpy.repeat(numpy.arange(Bsz), lengths)
        cols = numpy.arange(int(lengths.sum())) - numpy.repeat(numpy.cumsum(lengths) - lengths, lengths)
        padded[xp.asarray(rows), xp.asarray(cols)] = xp.concatenate([xp.asarray(s) for s in seqs if len(s)])
    return padded, xp.asarray(lengths)


def _unpad(xp: Any, padded: ArrayXd, lengths: ArrayXd) -> List[ArrayXd]:
    lengths_np = numpy.asarray(lengths.get() if hasattr(lengths, "get") else lengths)
    if not len(lengths_np):
        return []
    mask = numpy.arange(padded.shape[1])[None, :] < lengths_np[:, None]
    flat = padded[xp.asarray(mask)]
    return list(xp.split(flat, numpy.cumsum(lengths_np)[:-1].tolist()))


def _lattice_for(
    model: Model,
    emissions: Sequence[Floats2d],
    tag_masks: Optional[Sequence[ArrayXd]] = None,
    entity_bias: float = 0.0,
    temperature: float = 1.0,
) -> Lattice:
    """The constrained lattice of a batch, in float64; ``temperature`` divides every potential.

    Always float64: forward-backward adds scores over the whole note, and a span's
    probability is a difference of such sums (``α + path + β − log Z``). With
    emissions in the tens and notes of thousands of tokens those sums reach 1e5,
    where float32 keeps about 0.01 and a span probability could be off by tens of
    percent. The CRF is a few percent of inference, so the cost is small.
    """
    xp = model.ops.xp
    K = model.get_dim("nO")
    E, lengths = _pad(xp, emissions, K, dtype="float64")
    if entity_bias:
        E = E.copy()
        E[:, :, 1:] += entity_bias
    mask = _pad(xp, tag_masks, K, fill=True, dtype=bool)[0] if tag_masks is not None else None
    scale = _scale(model)
    T, start, end = (xp.asarray(model.get_param(name), dtype="float64") * scale for name in ("transitions", "start", "end"))
    if temperature != 1.0:
        E, T, start, end = E / temperature, T / temperature, start / temperature, end / temperature
    return make_lattice(xp, E, lengths, T, start, end, tag_mask=mask)


def _gold_masks(xp: Any, gold: Sequence[Union[Ints1d, ArrayXd]], K: int) -> List[ArrayXd]:
    """Gold as per-token allowed-tag masks: an int tag, or −1 for "any tag"."""
    masks = []
    for g in gold:
        g = xp.asarray(g)
        if g.ndim == 2:
            masks.append(g.astype(bool))
            continue
        if len(g) and int(g.max()) >= K:
            raise ValueError(f"Gold tag index {int(g.max())} is out of range for {K} tags")
        m = xp.zeros((len(g), K), dtype=bool)
        known = g >= 0
        m[xp.nonzero(known)[0], g[known]] = True
        m[~known] = True
        masks.append(m)
    return masks


class CRFLoss(Loss):
    """The exact CRF negative log-likelihood as a Thinc loss object.

    ``d_emissions, loss = CRFLoss(crf)(emissions, (gold, tag_masks))``, where
    ``gold`` holds per doc the tag indices (−1: missing, marginalised) and
    ``tag_masks`` the allowed tags per token (or ``None``). Calling it also adds
    the gradients of the CRF's own parameters (``transitions``, ``start``,
    ``end``) to the layer, as a layer's backprop would; ``get_loss`` alone
    leaves them untouched.
    """

    def __init__(self, crf: Model) -> None:
        self.crf = crf

    def __call__(self, guesses: List[Floats2d], truths: Tuple[Sequence[Any], Optional[Sequence[ArrayXd]]]) -> Tuple[List[Floats2d], float]:
        gold, masks = truths
        loss, d_emissions = crf_nll_loss(self.crf, guesses, gold, masks)
        return d_emissions, loss

    def get_grad(self, guesses: List[Floats2d], truths: Tuple[Sequence[Any], Optional[Sequence[ArrayXd]]]) -> List[Floats2d]:
        return self(guesses, truths)[0]

    def get_loss(self, guesses: List[Floats2d], truths: Tuple[Sequence[Any], Optional[Sequence[ArrayXd]]]) -> float:
        gold, masks = truths
        return crf_nll_loss(self.crf, guesses, gold, masks, update_params=False)[0]


def crf_nll_loss(
    model: Model,
    emissions: Sequence[Floats2d],
    gold: Sequence[Union[Ints1d, ArrayXd]],
    tag_masks: Optional[Sequence[ArrayXd]] = None,
    update_params: bool = True,
) -> Tuple[float, List[Floats2d]]:
    """Exact negative log-likelihood ``Σ_docs log Z − log Z(gold-clamped)``.

    ``gold`` holds, per doc, either tag indices with −1 for missing (those
    tokens are marginalised) or a boolean ``(n, K)`` mask of tags allowed by
    the annotation.  Returns the loss and ``d_emissions``, and (unless
    ``update_params`` is false) adds the gradients of ``transitions``,
    ``start`` and ``end`` to ``model``.  Docs
    whose gold is impossible under the constraints contribute nothing (their
    gradient is zero) rather than an infinite loss.
    """
    xp = model.ops.xp
    K = model.get_dim("nO")
    free = _lattice_for(model, emissions, tag_masks)
    golds = _gold_masks(xp, gold, K)
    if tag_masks is not None:
        golds = [g & xp.asarray(m, dtype=bool) for g, m in zip(golds, tag_masks)]
    clamp = _pad(xp, golds, K, fill=True, dtype=bool)[0]
    trans = _Transitions(free)
    logZ, alpha, beta = forward_backward(free, trans)
    logZc, mu_c, pair_c = clamped_statistics(free, clamp, trans)
    ok = xp.isfinite(logZc) & xp.isfinite(logZ)
    loss = float(xp.where(ok, logZ - xp.where(ok, logZc, 0.0), 0.0).sum())
    logZ_ok = xp.where(ok, logZ, NEG_INF)
    d_E = token_marginals(free, logZ_ok, alpha, beta) - xp.where(ok[:, None, None], mu_c, 0.0)
    d_T = pairwise_marginal_sums(free, logZ_ok, alpha, beta) - pair_c
    Bsz, N, _ = free.shape
    if N:
        rows = xp.arange(Bsz)
        last = xp.maximum(free.lengths - 1, 0)
        d_start = d_E[:, 0].sum(axis=0)
        d_end = d_E[rows, last].sum(axis=0)
    else:
        d_start = d_end = xp.zeros((K,), dtype=free.E.dtype)
    if update_params:
        dtype, scale = model.get_param("transitions").dtype, _scale(model)
        model.inc_grad("transitions", (d_T * scale).astype(dtype, copy=False))
        model.inc_grad("start", (d_start * scale).astype(dtype, copy=False))
        model.inc_grad("end", (d_end * scale).astype(dtype, copy=False))
    d_emissions = [d.astype(e.dtype, copy=False) for d, e in zip(_unpad(xp, d_E, free.lengths), emissions)]
    return loss, d_emissions


def crf_viterbi(
    model: Model,
    emissions: Sequence[Floats2d],
    tag_masks: Optional[Sequence[ArrayXd]] = None,
    entity_bias: float = 0.0,
) -> Tuple[List[Ints1d], Floats1d]:
    """Constrained Viterbi decoding: the best valid BILUO sequence per doc.

    ``entity_bias`` is added to every non-``O`` emission before decoding: a
    positive value trades precision for recall without retraining.
    Returns the tag paths and their (biased) scores.
    """
    xp = model.ops.xp
    lat = _lattice_for(model, emissions, tag_masks, entity_bias)
    paths, scores = viterbi(lat)
    return _unpad(xp, paths, lat.lengths), scores


def crf_marginals(
    model: Model,
    emissions: Sequence[Floats2d],
    tag_masks: Optional[Sequence[ArrayXd]] = None,
    entity_bias: float = 0.0,
) -> List[Floats2d]:
    """Per-token tag marginals ``P(y_t = k)``, one ``(n, K)`` array per doc."""
    xp = model.ops.xp
    lat = _lattice_for(model, emissions, tag_masks, entity_bias)
    logZ, alpha, beta = forward_backward(lat)
    return _unpad(xp, token_marginals(lat, logZ, alpha, beta), lat.lengths)


def crf_decode_with_confidence(
    model: Model,
    emissions: Sequence[Floats2d],
    tag_masks: Optional[Sequence[ArrayXd]] = None,
    entity_bias: float = 0.0,
    temperature: float = 1.0,
    paths: Optional[Sequence[Ints1d]] = None,
) -> Tuple[List[Ints1d], List[List[Tuple[int, int, float]]]]:
    """Viterbi paths plus the exact probability of each decoded entity.

    Returns per doc the tag path and a list of ``(start, end, probability)``
    for its entities (token offsets, ``end`` exclusive): the marginal
    probability that the CRF assigns exactly those tags to exactly that span.
    ``entity_bias`` moves the decoding only: probabilities are the model's own.
    ``temperature`` moves the probabilities only: they are those of the CRF
    with every potential divided by it, and the decoding never sees it.
    ``paths``, decoded earlier from the same emissions, masks and
    ``entity_bias``, skips the Viterbi pass (re-scoring at another temperature).
    """
    xp = model.ops.xp
    lat = _lattice_for(model, emissions, tag_masks, temperature=temperature)
    if paths is not None:
        paths = _pad(xp, [xp.asarray(p, dtype="int64") for p in paths], lat.shape[2], fill=0, dtype="int64")[0]
    elif entity_bias or temperature != 1.0:
        paths, _ = viterbi(_lattice_for(model, emissions, tag_masks, entity_bias))
    else:
        paths, _ = viterbi(lat)
    logZ, alpha, beta = forward_backward(lat)
    rows, starts, ends = _entity_segments(xp, paths, lat)
    logp = segment_log_probs(lat, logZ, alpha, beta, paths, rows, starts, ends)
    probs = numpy.asarray(_to_numpy(xp.exp(xp.minimum(logp, 0.0))), dtype="float64")
    rows_np, starts_np, ends_np = (_to_numpy(a) for a in (rows, starts, ends))
    spans: List[List[Tuple[int, int, float]]] = [[] for _ in range(lat.shape[0])]
    for r, s, e, p in zip(rows_np.tolist(), starts_np.tolist(), ends_np.tolist(), probs.tolist()):
        spans[r].append((s, e + 1, p))
    return _unpad(xp, paths, lat.lengths), spans


def _entity_segments(xp: Any, paths: ArrayXd, lat: Lattice) -> Tuple[ArrayXd, ArrayXd, ArrayXd]:
    """(row, start, inclusive end) of every entity in valid BILUO paths."""
    kind = xp.where(paths > 0, (paths - 1) % 4, -1)  # 0=B 1=I 2=L 3=U, -1=O
    opens = lat.active & ((kind == 0) | (kind == 3))
    closes = lat.active & ((kind == 2) | (kind == 3))
    r_open, s = xp.nonzero(opens)
    r_close, e = xp.nonzero(closes)
    if len(r_open) != len(r_close):
        raise ValueError("Decoded path is not valid BILUO")
    return r_open, s, e
