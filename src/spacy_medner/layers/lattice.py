"""The lattice of a linear-chain CRF, as pure array maths on padded batches (numpy or cupy).

A tag sequence ``y`` for emissions ``E`` (n×K) scores
``start[y0] + Σ_t E[t, y_t] + Σ_t T[y_{t-1}, y_t] + end[y_{n-1}]``; forbidden
tags and transitions score −inf. Everything here works on a :class:`Lattice`
of a padded ``(B, N, K)`` batch, where the only Python loops run over time:

- :func:`forward_backward`: ``log Z``, ``α`` and ``β`` (one joint recursion);
- :func:`token_marginals` and :func:`pairwise_marginal_sums`;
- :func:`segment_log_probs`: the exact log-probability of a decoded span;
- :func:`viterbi`: the best sequence, with a batched backtrace;
- :func:`clamped_statistics`: the same sums over the sequences the gold allows.

The forward step ``α'[j] = logsumexp_i(α[i] + T[i, j]) + E_t[j]`` runs as one
exp-space matrix multiply (:class:`_BlockLogMatmul`): each group of source
tags is shifted by its own maximum and each column of ``exp(T)`` by its own,
and a row where a reachable sum still underflows is recomputed exactly in log
space. The callers build lattices in float64: span probabilities are
differences of sums over the whole note.
"""
import contextlib
from dataclasses import dataclass
from typing import Any, Optional, Tuple, cast

import numpy

from .biluo import biluo_constraints, n_labels_for_tags

ArrayXd = Any
NEG_INF = -numpy.inf
# Below this, an exp-space sum has lost precision: recompute in log space.
_UNDERFLOW = 1e-30
# Above this, exp() of a rescaling factor could overflow.
_OVERFLOW_LOG = 60.0
# Shift for rows with no finite score: keeps exp() at 0 and the sums at -inf.
_HUGE_NEGATIVE = -1e30


@dataclass
class Lattice:
    """Constrained scores of a padded batch.

    ``E`` is ``(B, N, K)`` with −inf where a tag is not allowed at a token,
    ``T`` is ``(K, K)`` with −inf for forbidden transitions, ``start``/``end``
    are ``(K,)``; ``lengths`` is ``(B,)`` and ``active`` ``(B, N)`` marks real
    tokens.
    """

    xp: Any
    E: ArrayXd
    T: ArrayXd
    start: ArrayXd
    end: ArrayXd
    lengths: ArrayXd
    active: ArrayXd

    @property
    def shape(self) -> Tuple[int, int, int]:
        return cast(Tuple[int, int, int], self.E.shape)


def make_lattice(
    xp: Any,
    E: ArrayXd,
    lengths: ArrayXd,
    transitions: ArrayXd,
    start: ArrayXd,
    end: ArrayXd,
    tag_mask: Optional[ArrayXd] = None,
    constrained: bool = True,
) -> Lattice:
    """Apply BILUO constraints (if ``constrained``) and a per-token tag mask.

    ``E`` is a padded ``(B, N, K)`` emission array, ``tag_mask`` an optional
    boolean ``(B, N, K)`` array of allowed tags.
    """
    Bsz, N, K = E.shape
    dtype = E.dtype
    lengths = xp.asarray(lengths, dtype="int64")
    active = xp.arange(N)[None, :] < lengths[:, None]
    T = xp.asarray(transitions, dtype=dtype)
    s = xp.asarray(start, dtype=dtype)
    e = xp.asarray(end, dtype=dtype)
    if constrained:
        allowed_t, allowed_s, allowed_e = (xp.asarray(a) for a in biluo_constraints(n_labels_for_tags(K)))
        T = xp.where(allowed_t, T, NEG_INF)
        s = xp.where(allowed_s, s, NEG_INF)
        e = xp.where(allowed_e, e, NEG_INF)
    if tag_mask is not None:
        E = xp.where(tag_mask, E, NEG_INF)
    return Lattice(xp, E.astype(dtype, copy=False), T, s, e, lengths, active)


def _safe_max(xp: Any, X: ArrayXd, axis: int) -> ArrayXd:
    """Max along ``axis`` (kept), with 0 where every entry is −inf."""
    m = X.max(axis=axis, keepdims=True)
    return xp.where(xp.isfinite(m), m, 0.0).astype(X.dtype, copy=False)


def _log_pos(xp: Any, S: ArrayXd) -> ArrayXd:
    """log(S) with −inf where S == 0, without runtime warnings."""
    pos = S > 0
    return xp.where(pos, xp.log(xp.where(pos, S, 1.0)), NEG_INF)


def _logsumexp(xp: Any, X: ArrayXd, axis: int) -> ArrayXd:
    m = _safe_max(xp, X, axis)
    return (_log_pos(xp, xp.exp(X - m).sum(axis=axis, keepdims=True)) + m).squeeze(axis)


class _BlockLogMatmul:
    """``out[b, j] = logsumexp_i(A[b, i] + T[i, j])`` as one exp-space matmul.

    The sources ``i`` are grouped by the destinations they may reach (the
    finite entries of their row of ``T``).  Under the BILUO constraints every
    destination's sources lie in one group: the states that end an entity
    (``O``, ``L-*``, ``U-*``) feed ``O``, ``B-*`` and ``U-*``, and ``B-X``,
    ``I-X`` feed ``I-X``, ``L-X``.  Each group of ``A`` is shifted by its own
    maximum and each column of ``exp(T)`` by its own maximum, so the sum a
    destination takes is over sources shifted by the best of them: it cannot
    underflow because the other groups (say, a likely ``O`` far above an
    unlikely entity) score higher.  That is one ``exp``, one matmul and one
    ``log`` per step.  Without that structure (no constraints), the groups
    are the ``n_blocks`` square blocks of a block-diagonal ``T``.  Where a
    reachable entry still underflows (its sources span > ~70 nats, or the
    transition scores of one column do), that row is recomputed exactly in
    log space, so no path is ever lost.
    """

    # None: recompute lost rows by a mask on GPU arrays (no host sync per step), by a branch on numpy
    sync_free: Optional[bool] = None

    def __init__(self, xp: Any, T: ArrayXd, n_blocks: int = 1):
        self.xp = xp
        self.T = T
        allowed = xp.isfinite(T)
        col_max = xp.where(allowed, T, NEG_INF).max(axis=0)
        col_max = xp.where(xp.isfinite(col_max), col_max, 0.0).astype(T.dtype)
        self.col_max = col_max
        self.W = xp.where(allowed, xp.exp(xp.where(allowed, T, 0.0) - col_max[None, :]), 0.0).astype(T.dtype)
        self.reach = allowed.astype(T.dtype)
        row_group, col_group = _source_groups(numpy.asarray(allowed.get() if hasattr(allowed, "get") else allowed), n_blocks)
        n_groups = int(row_group.max()) + 1 if row_group.size else 1
        # the sources sorted by group, and where each group starts (for a segmented max)
        self.by_group = numpy.argsort(row_group, kind="stable")
        self.group_starts = numpy.searchsorted(row_group[self.by_group], numpy.arange(n_groups))
        self.group_mask = xp.asarray(numpy.arange(n_groups)[:, None] == row_group[None, :])
        self.row_group = xp.asarray(row_group)
        self.col_group = xp.asarray(col_group)

    def _group_max(self, A: ArrayXd) -> ArrayXd:
        if self.xp is numpy:
            return numpy.maximum.reduceat(A[:, self.by_group], self.group_starts, axis=1)
        return self.xp.where(self.group_mask[None, :, :], A[:, None, :], NEG_INF).max(axis=2)

    def __call__(self, A: ArrayXd) -> ArrayXd:
        xp = self.xp
        # each group's maximum; a group that is all −inf gets a huge finite shift: exp() gives 0, log() −inf
        m = xp.maximum(self._group_max(A), _HUGE_NEGATIVE)
        S = xp.exp(A - m[:, self.row_group]) @ self.W
        out = xp.log(S) + m[:, self.col_group] + self.col_max
        sync_free = self.sync_free if self.sync_free is not None else xp is not numpy
        if sync_free:
            # on a GPU, reading S back to test it would stall every step: recompute the lost rows by a mask
            lost = (S < _UNDERFLOW) & ((xp.isfinite(A).astype(A.dtype) @ self.reach) > 0)
            exact = _logsumexp(xp, A[:, :, None] + self.T[None, :, :], axis=1)
            return xp.where(lost.any(axis=1)[:, None], exact, out)
        if float(S.min()) < _UNDERFLOW:
            lost = (S < _UNDERFLOW) & ((xp.isfinite(A).astype(A.dtype) @ self.reach) > 0)
            if bool(lost.any()):
                rows = xp.nonzero(lost.any(axis=1))[0]
                out[rows] = _logsumexp(xp, A[rows][:, :, None] + self.T[None, :, :], axis=1)
        return out


def _source_groups(allowed: numpy.ndarray, n_blocks: int) -> Tuple[numpy.ndarray, numpy.ndarray]:
    """Group sources (rows of ``allowed``) by their reachable destinations: ``(row_group, col_group)``.

    ``col_group[j]`` is the one group holding every source of destination
    ``j``.  If some destination has sources in two groups, the groups are the
    ``n_blocks`` square blocks instead.
    """
    width = allowed.shape[0]
    ids: dict = {}
    row_group = numpy.array([ids.setdefault(allowed[i].tobytes(), len(ids)) for i in range(width)], dtype="int64")
    col_group = numpy.zeros(width, dtype="int64")
    for j in range(width):
        groups = numpy.unique(row_group[allowed[:, j]])
        if groups.size > 1:
            size = width // n_blocks
            blocks = numpy.arange(width, dtype="int64") // size
            return blocks, blocks
        if groups.size:
            col_group[j] = groups[0]
    return row_group, col_group


class _Transitions:
    """A lattice's transition scores arranged for the joint forward-backward step.

    The forward step ``logsumexp_i(α[i] + T[i, j])`` and the backward step
    ``logsumexp_j(T[i, j] + c[j])`` are independent, so both run as one grouped
    exp-space matmul over the block-diagonal matrix ``[[T, −inf], [−inf, Tᵀ]]``:
    half the array operations of two separate steps.
    """

    def __init__(self, lat: Lattice):
        xp = lat.xp
        K = lat.T.shape[0]
        block = xp.full((2 * K, 2 * K), NEG_INF, dtype=lat.T.dtype)
        block[:K, :K] = lat.T
        block[K:, K:] = lat.T.T
        self.K = K
        self.joint = _BlockLogMatmul(xp, block, n_blocks=2)


def _where_active(lat: Lattice, t: int, shortest: int, new: ArrayXd, otherwise: ArrayXd) -> ArrayXd:
    """The one masking rule of every recursion: ``new`` for the rows whose sequence reaches
    token ``t``, ``otherwise`` for the rows already in their padding.

    Every row reaches the tokens below the batch's shortest length, so there the mask is
    skipped (the documented fast path: no ``where`` over the whole batch).
    """
    if t < shortest:
        return new
    mask = lat.active[:, t]
    return lat.xp.where(mask[:, None] if new.ndim == 2 else mask, new, otherwise)


def forward_backward(lat: Lattice, transitions: Optional[_Transitions] = None) -> Tuple[ArrayXd, ArrayXd, ArrayXd]:
    """Forward and backward log-potentials and ``log Z`` per sequence.

    Returns ``(log_Z (B,), alpha (B, N, K), beta (B, N, K))``.  ``alpha[b, t]``
    is the log-sum of scores of prefixes ending at ``t`` (including
    ``E[t]``), ``beta[b, t]`` of suffixes after ``t`` (including ``end``).
    An empty sequence has ``log Z = 0``; an infeasible one ``−inf``.
    """
    xp = lat.xp
    Bsz, N, K = lat.shape
    if N == 0:
        empty = xp.zeros((Bsz, 0, K), dtype=lat.E.dtype)
        return xp.zeros((Bsz,), dtype=lat.E.dtype), empty, empty
    trans = transitions or _Transitions(lat)
    alpha = xp.empty((Bsz, N, K), dtype=lat.E.dtype)
    beta = xp.empty((Bsz, N, K), dtype=lat.E.dtype)
    alpha[:, 0] = lat.start[None, :] + lat.E[:, 0]
    beta[:, N - 1] = lat.end[None, :]
    both = xp.empty((Bsz, 2 * K), dtype=lat.E.dtype)
    with _quiet_log_of_zero(xp):
        _forward_backward_steps(lat, trans, alpha, beta, both)
    # alpha is carried over padding, so its last row is alpha at length - 1
    log_Z = _logsumexp(xp, alpha[:, N - 1] + lat.end[None, :], axis=1)
    log_Z = xp.where(lat.lengths > 0, log_Z, 0.0).astype(lat.E.dtype, copy=False)
    return log_Z, alpha, beta


def _quiet_log_of_zero(xp: Any) -> Any:
    """``log(0) = −inf`` is intended in the recursions: silence numpy's warning."""
    return numpy.errstate(divide="ignore") if xp is numpy else contextlib.nullcontext()


def _forward_backward_steps(lat: Lattice, trans: "_Transitions", alpha: ArrayXd, beta: ArrayXd, both: ArrayXd) -> None:
    xp = lat.xp
    Bsz, N, K = lat.shape
    shortest = int(lat.lengths.min()) if Bsz else 0
    for t in range(1, N):
        u = N - 1 - t  # the backward recursion fills beta[:, u] meanwhile
        both[:, :K] = alpha[:, t - 1]
        xp.add(lat.E[:, u + 1], beta[:, u + 1], out=both[:, K:])
        out = trans.joint(both)
        # alpha is carried over padding; beta starts from `end` at each row's last token
        alpha[:, t] = _where_active(lat, t, shortest, out[:, :K] + lat.E[:, t], alpha[:, t - 1])
        beta[:, u] = _where_active(lat, u + 1, shortest, out[:, K:], lat.end[None, :])


def _feasible(xp: Any, log_Z: ArrayXd) -> ArrayXd:
    return xp.isfinite(log_Z)


def token_marginals(lat: Lattice, log_Z: ArrayXd, alpha: ArrayXd, beta: ArrayXd) -> ArrayXd:
    """``P(y_t = k)`` as a ``(B, N, K)`` array, 0 on padding and infeasible rows."""
    xp = lat.xp
    ok = lat.active & _feasible(xp, log_Z)[:, None]
    lz = xp.where(xp.isfinite(log_Z), log_Z, 0.0)[:, None, None]
    mu = xp.exp(xp.minimum(alpha + beta - lz, 0.0))
    return xp.where(ok[:, :, None], mu, 0.0)


def pairwise_marginal_sums(lat: Lattice, log_Z: ArrayXd, alpha: ArrayXd, beta: ArrayXd) -> ArrayXd:
    """``Σ_b Σ_t P(y_t = i, y_{t+1} = j)`` as a ``(K, K)`` array.

    One matrix multiply over all (batch, time) pairs, rescaled in exp space;
    pairs whose rescaling factor could overflow are summed in log space.
    """
    xp = lat.xp
    Bsz, N, K = lat.shape
    if N < 2:
        return xp.zeros((K, K), dtype=lat.E.dtype)
    finite_T = xp.isfinite(lat.T)
    Tmax = lat.T[finite_T].max() if bool(finite_T.any()) else lat.T.dtype.type(0)
    expT = xp.exp(lat.T - Tmax)
    pair_ok = lat.active[:, 1:] & _feasible(xp, log_Z)[:, None]  # (B, N-1)
    A = alpha[:, :-1]
    C = lat.E[:, 1:] + beta[:, 1:]
    mA = _safe_max(xp, A, axis=2)
    mC = _safe_max(xp, C, axis=2)
    lz = xp.where(xp.isfinite(log_Z), log_Z, 0.0)[:, None, None]
    w = mA + mC + Tmax - lz  # (B, N-1, 1)
    regular = pair_ok[:, :, None] & (w <= _OVERFLOW_LOG)
    scale = xp.where(regular, xp.exp(xp.minimum(w, _OVERFLOW_LOG)), 0.0)
    a = (xp.exp(A - mA) * scale).reshape(-1, K)
    c = xp.exp(C - mC).reshape(-1, K)
    total = (a.T @ c) * expT
    extreme = pair_ok & ~regular[:, :, 0]
    if bool(extreme.any()):
        b_idx, t_idx = xp.nonzero(extreme)
        log_xi = (
            A[b_idx, t_idx][:, :, None]
            + lat.T[None, :, :]
            + C[b_idx, t_idx][:, None, :]
            - lz[b_idx, 0][:, :, None]
        )
        total = total + xp.exp(xp.minimum(log_xi, 0.0)).sum(axis=0)
    return total


class _MaxPlusStep:
    """``out[b, j] = max_i(D[b, i] + T[i, j])`` over allowed ``i`` only.

    Target tags that share the same set of allowed sources form a group, and
    groups of the same shape are stacked, so each step materialises only the
    allowed (source, target) pairs (for BILUO about a quarter of K×K).
    """

    def __init__(self, xp: Any, T: ArrayXd):
        T_host = _to_numpy(T)
        allowed = numpy.isfinite(T_host)
        groups: dict = {}
        for j in range(T_host.shape[1]):
            sources = tuple(numpy.nonzero(allowed[:, j])[0].tolist())
            if sources:
                groups.setdefault(sources, []).append(j)
        shapes: dict = {}
        for sources, cols in groups.items():
            shapes.setdefault((len(sources), len(cols)), []).append((sources, cols))
        self.xp = xp
        self.K = T_host.shape[1]
        self.buckets = []
        for members in shapes.values():
            src = numpy.asarray([m[0] for m in members], dtype="int64")  # (G, d)
            cols = numpy.asarray([m[1] for m in members], dtype="int64")  # (G, c)
            Tg = numpy.stack([T_host[numpy.ix_(m[0], m[1])] for m in members], axis=0)  # (G, d, c)
            self.buckets.append((xp.asarray(src), xp.asarray(cols), xp.asarray(Tg[None])))

    def __call__(self, D: ArrayXd) -> ArrayXd:
        out = self.xp.full((D.shape[0], self.K), NEG_INF, dtype=D.dtype)
        for src, cols, Tg in self.buckets:
            out[:, cols] = (D[:, src][:, :, :, None] + Tg).max(axis=2)  # (B, G, c)
        return out


def viterbi(lat: Lattice) -> Tuple[ArrayXd, ArrayXd]:
    """Best tag sequence per row, fully batched including the backtrace.

    The forward pass keeps only the max-scores ``δ_t``; the backtrace
    recovers each predecessor as ``argmax_i(δ_{t-1}[i] + T[i, y_t])`` for the
    chosen tag only, which is exact and avoids an argmax over every state.
    Returns ``(paths (B, N) int, scores (B,))``; padding positions repeat the
    last tag.  An infeasible row scores −inf.
    """
    xp = lat.xp
    Bsz, N, K = lat.shape
    if N == 0:
        return xp.zeros((Bsz, 0), dtype="int64"), xp.zeros((Bsz,), dtype=lat.E.dtype)
    step = _MaxPlusStep(xp, lat.T)
    deltas = xp.empty((Bsz, N, K), dtype=lat.E.dtype)
    deltas[:, 0] = lat.start[None, :] + lat.E[:, 0]
    shortest = int(lat.lengths.min()) if Bsz else 0
    for t in range(1, N):
        deltas[:, t] = _where_active(lat, t, shortest, step(deltas[:, t - 1]) + lat.E[:, t], deltas[:, t - 1])
    final = deltas[:, N - 1] + lat.end[None, :]  # carried over padding: the last real step
    tag = final.argmax(axis=1)
    rows = xp.arange(Bsz)
    scores = xp.where(lat.lengths > 0, final[rows, tag], 0.0)
    paths = xp.empty((Bsz, N), dtype="int64")
    paths[:, N - 1] = tag
    T_to = lat.T.T  # T_to[j, i] = T[i, j]
    for t in range(N - 1, 0, -1):
        tag = _where_active(lat, t, shortest, (deltas[:, t - 1] + T_to[tag]).argmax(axis=1), tag)
        paths[:, t - 1] = tag
    return paths, scores


def segment_log_probs(
    lat: Lattice,
    log_Z: ArrayXd,
    alpha: ArrayXd,
    beta: ArrayXd,
    paths: ArrayXd,
    rows: ArrayXd,
    starts: ArrayXd,
    ends: ArrayXd,
) -> ArrayXd:
    """``log P(y[s..e] = paths[b, s..e])`` for each (row b, start s, end e).

    ``ends`` are inclusive token indices.  Exact, from the forward-backward
    potentials: ``α_s[y_s] + Σ_{s<t≤e} (T[y_{t-1}, y_t] + E_t[y_t]) + β_e[y_e] − log Z``.
    """
    xp = lat.xp
    Bsz, N, K = lat.shape
    if len(rows) == 0:
        return xp.zeros((0,), dtype=lat.E.dtype)
    unary = xp.take_along_axis(lat.E, paths[:, :, None], axis=2)[:, :, 0]  # (B, N)
    binary = xp.zeros_like(unary)
    binary[:, 1:] = lat.T[paths[:, :-1], paths[:, 1:]]
    step = xp.where(lat.active, unary + binary, 0.0)
    cum = xp.cumsum(step, axis=1)
    inner = cum[rows, ends] - cum[rows, starts]
    tag_s = paths[rows, starts]
    tag_e = paths[rows, ends]
    return alpha[rows, starts, tag_s] + inner + beta[rows, ends, tag_e] - log_Z[rows]


def clamped_statistics(free: Lattice, clamp: ArrayXd, trans: "_Transitions") -> Tuple[ArrayXd, ArrayXd, ArrayXd]:
    """``log Z``, token marginals and pairwise marginal sums of the gold-clamped lattice.

    Rows whose gold fixes every tag have a single path: its score, one-hot
    marginals and transition counts are computed directly.  Rows with missing
    gold run the forward-backward recursions.  Rows whose gold is infeasible
    get ``log Z = −inf`` and contribute nothing to the pairwise sums.
    """
    xp = free.xp
    Bsz, N, K = free.shape
    E = xp.where(clamp, free.E, NEG_INF)
    logZc = xp.zeros((Bsz,), dtype=E.dtype)
    mu_c = xp.zeros((Bsz, N, K), dtype=E.dtype)
    pair_c = xp.zeros((K, K), dtype=E.dtype)
    if N == 0:
        return logZc, mu_c, pair_c
    determined = ((clamp.sum(axis=2) == 1) | ~free.active).all(axis=1)
    path = clamp.argmax(axis=2)  # the gold tags where determined
    step = xp.take_along_axis(E, path[:, :, None], axis=2)[:, :, 0]
    step[:, 1:] += free.T[path[:, :-1], path[:, 1:]]
    rows = xp.arange(Bsz)
    last = xp.maximum(free.lengths - 1, 0)
    score = xp.where(free.active, step, 0.0).sum(axis=1) + free.start[path[:, 0]] + free.end[path[rows, last]]
    score = xp.where(free.lengths > 0, score, 0.0)
    feasible = xp.isfinite(score) & determined
    logZc = xp.where(determined, xp.where(feasible, score, NEG_INF), 0.0).astype(E.dtype, copy=False)
    onehot = clamp & free.active[:, :, None] & feasible[:, None, None]
    mu_c = onehot.astype(E.dtype)
    pair_rows = free.active[:, 1:] & feasible[:, None]
    if bool(pair_rows.any()):
        codes = (path[:, :-1] * K + path[:, 1:])[pair_rows]
        pair_c = xp.bincount(codes, minlength=K * K).reshape(K, K).astype(E.dtype)
    partial = xp.nonzero(~determined)[0]
    if len(partial):
        sub = Lattice(
            xp, E[partial], free.T, free.start, free.end, free.lengths[partial], free.active[partial]
        )
        lz, alpha, beta = forward_backward(sub, trans)
        logZc[partial] = lz
        mu_c[partial] = token_marginals(sub, lz, alpha, beta)
        pair_c = pair_c + pairwise_marginal_sums(sub, lz, alpha, beta)
    return logZc, mu_c, pair_c


def _to_numpy(a: ArrayXd) -> numpy.ndarray:
    return a.get() if hasattr(a, "get") else numpy.asarray(a)
