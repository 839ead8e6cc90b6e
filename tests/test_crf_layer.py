"""The CRF layer against brute-force enumeration, finite differences and properties."""
import itertools

import numpy
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from thinc.api import NumpyOps

from spacy_medner.layers.biluo import biluo_constraints, n_tags, tag_names
from spacy_medner.layers.crf import (
    CRFLoss,
    LinearChainCRF,
    crf_decode_with_confidence,
    crf_marginals,
    crf_nll_loss,
    crf_viterbi,
)
from spacy_medner.layers.lattice import (
    forward_backward,
    make_lattice,
    pairwise_marginal_sums,
    token_marginals,
    viterbi,
)

xp = numpy


def _random_params(rng, K, dtype="float64", scale=1.0):
    return (
        (rng.normal(size=(K, K)) * scale).astype(dtype),
        (rng.normal(size=K) * scale).astype(dtype),
        (rng.normal(size=K) * scale).astype(dtype),
    )


def _model(K, params=None, dtype="float64", transition_scale=1.0):
    model = LinearChainCRF(K, transition_scale=transition_scale)
    model.initialize()
    if params is not None:
        for name, value in zip(("transitions", "start", "end"), params):
            model.set_param(name, numpy.asarray(value, dtype=dtype))
    return model


def _brute_force(E, T, s, e, allowed=None, tag_mask=None):
    """Enumerate every tag sequence: scores of all sequences with nonzero probability."""
    n, K = E.shape
    out = {}
    for seq in itertools.product(range(K), repeat=n):
        ok = True
        if n and allowed is not None:
            trans, a_start, a_end = allowed
            ok = a_start[seq[0]] and a_end[seq[-1]] and all(trans[a, b] for a, b in zip(seq, seq[1:]))
        if tag_mask is not None:
            ok = ok and all(tag_mask[t, y] for t, y in enumerate(seq))
        if not ok:
            continue
        score = 0.0
        if n:
            score = s[seq[0]] + e[seq[-1]] + sum(E[t, y] for t, y in enumerate(seq))
            score += sum(T[a, b] for a, b in zip(seq, seq[1:]))
        out[seq] = score
    return out


def _logsumexp(values):
    values = numpy.asarray(list(values), dtype="float64")
    if not len(values):
        return -numpy.inf
    m = values.max()
    return m + numpy.log(numpy.exp(values - m).sum())


def _lattice(E, T, s, e, constrained, tag_mask=None):
    mask = None if tag_mask is None else tag_mask[None]
    return make_lattice(xp, E[None], xp.asarray([len(E)]), T, s, e, tag_mask=mask, constrained=constrained)


CASES = [(K, n, constrained) for K in (2, 3, 5) for n in range(0, 6) for constrained in (False, True) if constrained is False or K == 5]


@pytest.mark.parametrize("K,n,constrained", CASES)
def test_against_brute_force(K, n, constrained):
    rng = numpy.random.default_rng(K * 100 + n)
    E = rng.normal(size=(n, K)) * 2
    T, s, e = _random_params(rng, K)
    allowed = biluo_constraints(1) if constrained else None
    enum = _brute_force(E, T, s, e, allowed)
    lat = _lattice(E, T, s, e, constrained)
    log_Z, alpha, beta = forward_backward(lat)
    expected_Z = _logsumexp(enum.values()) if n else 0.0
    assert log_Z[0] == pytest.approx(expected_Z, abs=1e-9)
    # Viterbi path and score
    paths, scores = viterbi(lat)
    best = max(enum, key=enum.get)
    assert tuple(paths[0].tolist()) == best
    assert scores[0] == pytest.approx(enum[best] if n else 0.0, abs=1e-9)
    # token marginals
    mu = token_marginals(lat, log_Z, alpha, beta)[0]
    pair = pairwise_marginal_sums(lat, log_Z, alpha, beta)
    exp_mu = numpy.zeros((n, K))
    exp_pair = numpy.zeros((K, K))
    for seq, score in enum.items():
        p = numpy.exp(score - expected_Z)
        for t, y in enumerate(seq):
            exp_mu[t, y] += p
        for a, b in zip(seq, seq[1:]):
            exp_pair[a, b] += p
    numpy.testing.assert_allclose(mu, exp_mu, atol=1e-9)
    numpy.testing.assert_allclose(pair, exp_pair, atol=1e-9)


@pytest.mark.parametrize("n", range(0, 6))
def test_clamped_partition_and_loss_against_brute_force(n):
    """Loss = log Z - log Z(gold-clamped), with missing gold marginalised."""
    K = 5
    rng = numpy.random.default_rng(7 + n)
    E = rng.normal(size=(n, K))
    params = _random_params(rng, K)
    allowed = biluo_constraints(1)
    enum = _brute_force(E, *params, allowed=allowed)
    # A valid gold sequence with one token missing.
    best = max(enum, key=enum.get) if n else ()
    gold = numpy.asarray(best, dtype="int64")
    if n >= 2:
        gold[1] = -1
    mask = numpy.ones((n, K), dtype=bool)
    for t, g in enumerate(gold):
        if g >= 0:
            mask[t] = False
            mask[t, g] = True
    clamped = _brute_force(E, *params, allowed=allowed, tag_mask=mask)
    expected = (_logsumexp(enum.values()) - _logsumexp(clamped.values())) if n else 0.0
    model = _model(K, params)
    loss, _ = crf_nll_loss(model, [E], [gold])
    assert loss == pytest.approx(expected, abs=1e-9)


def test_segment_probabilities_against_brute_force():
    K = 9  # two labels
    n = 5
    rng = numpy.random.default_rng(3)
    E = rng.normal(size=(n, K)) * 2
    E[:, 1:] += 1.5  # make entities likely
    params = _random_params(rng, K)
    enum = _brute_force(E, *params, allowed=biluo_constraints(2))
    Z = _logsumexp(enum.values())
    model = _model(K, params)
    paths, spans = crf_decode_with_confidence(model, [E])
    path = tuple(paths[0].tolist())
    assert path == max(enum, key=enum.get)
    assert spans[0], "expected at least one decoded entity"
    for start, end, prob in spans[0]:
        target = path[start:end]
        expected = sum(numpy.exp(score - Z) for seq, score in enum.items() if seq[start:end] == target)
        assert prob == pytest.approx(expected, abs=1e-9)


def _finite_difference(f, x, eps=1e-6):
    grad = numpy.zeros_like(x)
    it = numpy.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        orig = x[i]
        x[i] = orig + eps
        plus = f()
        x[i] = orig - eps
        minus = f()
        x[i] = orig
        grad[i] = (plus - minus) / (2 * eps)
    return grad


@pytest.mark.parametrize("transition_scale", [1.0, 3.0])
def test_gradients_match_central_finite_differences(transition_scale):
    K = 9
    rng = numpy.random.default_rng(11)
    emissions = [rng.normal(size=(n, K)) for n in (4, 1, 0, 6)]
    golds = [
        numpy.asarray([0, 1, 3, 0]),
        numpy.asarray([-1]),
        numpy.asarray([], dtype="int64"),
        numpy.asarray([5, 7, 8, -1, -1, 0]),
    ]
    params = [p.copy() for p in _random_params(rng, K, scale=1.0 / transition_scale)]
    model = _model(K, params, transition_scale=transition_scale)

    def loss_value():
        for name, value in zip(("transitions", "start", "end"), params):
            model.set_param(name, value)
        return crf_nll_loss(model, emissions, golds)[0]

    for name in ("transitions", "start", "end"):
        model.set_grad(name, numpy.zeros_like(model.get_param(name)))
    loss, d_emissions = crf_nll_loss(model, emissions, golds)
    analytic = {name: model.get_grad(name).copy() for name in ("transitions", "start", "end")}
    for E, dE in zip(emissions, d_emissions):
        if len(E):
            numpy.testing.assert_allclose(dE, _finite_difference(loss_value, E), atol=1e-6)
    for name, value in zip(("transitions", "start", "end"), params):
        numerical = _finite_difference(loss_value, value)
        allowed = numpy.isfinite(numerical)
        numpy.testing.assert_allclose(analytic[name][allowed], numerical[allowed], atol=1e-6)


def test_transition_scale_multiplies_the_stored_parameters_in_every_use():
    """A CRF with ``transition_scale`` 4 and stored parameters P is the CRF with scale 1 and 4 P: the
    same loss, emission gradients, marginals and Viterbi paths (the scale only changes how fast Adam moves them)."""
    K = 9
    rng = numpy.random.default_rng(5)
    emissions = [rng.normal(size=(n, K)) * 3 for n in (5, 2, 7)]
    golds = [numpy.asarray([0, 1, 3, 0, 4]), numpy.asarray([-1, 0]), numpy.asarray([5, 7, 8, -1, 0, 0, 4])]
    params = _random_params(rng, K, scale=0.5)
    scaled = _model(K, params, transition_scale=4.0)
    plain = _model(K, [p * 4.0 for p in params])
    loss_s, d_s = crf_nll_loss(scaled, emissions, golds, update_params=False)
    loss_p, d_p = crf_nll_loss(plain, emissions, golds, update_params=False)
    assert loss_s == pytest.approx(loss_p, rel=1e-12)
    for a, b in zip(d_s + crf_marginals(scaled, emissions), d_p + crf_marginals(plain, emissions)):
        numpy.testing.assert_allclose(a, b, atol=1e-12)
    assert [list(p) for p in crf_viterbi(scaled, emissions)[0]] == [list(p) for p in crf_viterbi(plain, emissions)[0]]


@pytest.mark.parametrize("lengths", [(7, 0, 3, 12, 1), (9, 4, 12, 5, 6)])
def test_batch_equals_per_doc_in_any_order(lengths):
    K = 13
    rng = numpy.random.default_rng(5)
    emissions = [rng.normal(size=(n, K)).astype("float32") for n in lengths]
    golds = [rng.integers(-1, 1, size=len(E)) for E in emissions]  # O or missing: always valid
    model = _model(K, _random_params(rng, K, "float32"), dtype="float32")
    batch_paths, batch_scores = crf_viterbi(model, emissions)
    batch_marg = crf_marginals(model, emissions)
    batch_loss = crf_nll_loss(model, emissions, golds)[0]
    per_doc_loss = 0.0
    for i, E in enumerate(emissions):
        path, score = crf_viterbi(model, [E])
        numpy.testing.assert_array_equal(path[0], batch_paths[i])
        assert score[0] == pytest.approx(float(batch_scores[i]), rel=1e-5, abs=1e-5)
        numpy.testing.assert_allclose(crf_marginals(model, [E])[0], batch_marg[i], atol=1e-5)
        per_doc_loss += crf_nll_loss(model, [E], [golds[i]])[0]
    assert batch_loss == pytest.approx(per_doc_loss, rel=1e-5)
    order = [3, 0, 4, 1, 2]
    shuffled, _ = crf_viterbi(model, [emissions[i] for i in order])
    for j, i in enumerate(order):
        numpy.testing.assert_array_equal(shuffled[j], batch_paths[i])


def test_matmul_forward_agrees_with_logsumexp_reference():
    K = 21
    rng = numpy.random.default_rng(9)
    B, N = 4, 30
    E = rng.normal(size=(B, N, K)).astype("float32") * 3
    lengths = numpy.asarray([30, 17, 1, 25])
    T, s, e = _random_params(rng, K, "float32", scale=2.0)
    lat = make_lattice(xp, E, lengths, T, s, e)
    log_Z, alpha, _ = forward_backward(lat)
    # reference: broadcast logsumexp in float64
    ref = lat.start[None, :].astype("float64") + lat.E[:, 0].astype("float64")
    Tf = lat.T.astype("float64")
    ref_alphas = [ref]
    for t in range(1, N):
        cand = ref[:, :, None] + Tf[None]
        m = numpy.max(cand, axis=1, keepdims=True)
        m = numpy.where(numpy.isfinite(m), m, 0)
        with numpy.errstate(divide="ignore"):
            new = numpy.log(numpy.exp(cand - m).sum(axis=1)) + m[:, 0] + lat.E[:, t]
        ref = numpy.where((t < lengths)[:, None], new, ref)
        ref_alphas.append(ref)
    with numpy.errstate(divide="ignore"):
        ref_Z = [
            _logsumexp((ref_alphas[n - 1][b] + lat.end)[numpy.isfinite(ref_alphas[n - 1][b] + lat.end)])
            for b, n in enumerate(lengths)
        ]
    numpy.testing.assert_allclose(log_Z, ref_Z, rtol=1e-5)
    finite = numpy.isfinite(numpy.stack(ref_alphas, axis=1))
    numpy.testing.assert_array_equal(numpy.isfinite(alpha), finite)
    numpy.testing.assert_allclose(alpha[finite], numpy.stack(ref_alphas, axis=1)[finite], rtol=1e-4, atol=1e-3)


def test_peaked_biluo_scores_need_no_log_space_fallback(monkeypatch):
    """A likely O far above every entity tag (real notes): the exp-space step stays exact.

    Shifting each group of sources (the entity-ending states; B-X and I-X of each label) by its
    own maximum keeps an unlikely entity's continuation from underflowing next to O. Shifting by
    the block's maximum did not, and fell back to the slow log-space sum at every step.
    """
    import spacy_medner.layers.lattice as crf

    K = n_tags(6)
    rng = numpy.random.default_rng(5)
    B, N = 3, 120
    E = (rng.normal(size=(B, N, K)) * 20).astype("float32")
    E[:, :, 0] += 60.0
    lengths = numpy.asarray([120, 80, 7])
    T, s, e = _random_params(rng, K, "float32", scale=2.0)
    lat = make_lattice(xp, E, lengths, T, s, e)
    calls = []
    real = crf._logsumexp
    monkeypatch.setattr(crf, "_logsumexp", lambda *a, **k: calls.append(1) or real(*a, **k))
    log_Z, _, _ = forward_backward(lat)
    assert len(calls) == 1  # log Z itself; no step fell back
    lat64 = make_lattice(xp, E.astype("float64"), lengths, *(a.astype("float64") for a in (T, s, e)))
    ref = []
    for b, n in enumerate(lengths):
        a = lat64.start + lat64.E[b, 0]
        for t in range(1, n):
            a = _logsumexp_axis0(a[:, None] + lat64.T) + lat64.E[b, t]
        ref.append(_logsumexp((a + lat64.end)[numpy.isfinite(a + lat64.end)]))
    numpy.testing.assert_allclose(log_Z, ref, rtol=2e-6)


def _logsumexp_axis0(X):
    m = numpy.max(X, axis=0)
    m = numpy.where(numpy.isfinite(m), m, 0.0)
    with numpy.errstate(divide="ignore"):
        return numpy.log(numpy.exp(X - m).sum(axis=0)) + m


@pytest.mark.parametrize("magnitude", [1e4, 3e2])
def test_no_nan_at_extreme_emissions(magnitude):
    K = 9
    rng = numpy.random.default_rng(1)
    emissions = [(rng.choice([-1, 1], size=(n, K)) * magnitude).astype("float32") for n in (6, 2, 9)]
    # The gold contradicts the emissions as much as possible, but is valid BILUO.
    golds = [numpy.asarray([1, 2, 3, 0, 4, 0]), numpy.asarray([5, 7]), numpy.asarray([0] * 9)]
    model = _model(K, _random_params(rng, K, "float32"), dtype="float32")
    loss, d_em = crf_nll_loss(model, emissions, golds)
    assert numpy.isfinite(loss) and loss > 0
    for d in d_em:
        assert numpy.isfinite(d).all()
    for name in ("transitions", "start", "end"):
        assert numpy.isfinite(model.get_grad(name)).all()
    for m in crf_marginals(model, emissions):
        assert numpy.isfinite(m).all()
        # float32 resolves a path score of ~n * magnitude to ~2 ulp: 2.4e-7 * n * magnitude
        numpy.testing.assert_allclose(m.sum(axis=1), 1.0, atol=1e-4 + 2.4e-7 * len(m) * magnitude)
    paths, spans = crf_decode_with_confidence(model, emissions)
    for path in paths:
        _assert_valid_biluo(path.tolist(), K)
    for doc_spans in spans:
        assert all(0.0 <= p <= 1.0 for _, _, p in doc_spans)


def test_extreme_scores_in_float32_match_brute_force_in_float64():
    """Scores of ±50 in float32: loss, log Z and the best score equal exact float64 enumeration.

    Several paths tie at the best score (e.g. B I L and O O O), so the check is on
    the score, not on which tied path Viterbi returns.
    """
    K = 5
    E = numpy.full((3, K), -50.0, dtype="float32")
    E[0, 1] = 50.0  # B at t=0 ...
    E[1, 0] = 60.0  # ... then O is forbidden after B
    E[2, 3] = -40.0  # L closes the entity
    params = tuple(numpy.zeros(shape) for shape in ((K, K), (K,), (K,)))
    enum = _brute_force(E.astype("float64"), *params, allowed=biluo_constraints(1))
    gold = (1, 2, 3)
    expected_loss = _logsumexp(enum.values()) - enum[gold]
    model = _model(K, dtype="float32")
    loss, d_em = crf_nll_loss(model, [E], [numpy.asarray(gold)])
    assert loss == pytest.approx(expected_loss, abs=1e-4)
    assert all(numpy.isfinite(d).all() for d in d_em)
    paths, scores = crf_viterbi(model, [E])
    _assert_valid_biluo(paths[0].tolist(), K)
    assert float(scores[0]) == pytest.approx(max(enum.values()), abs=1e-4)
    assert enum[tuple(paths[0].tolist())] == pytest.approx(max(enum.values()), abs=1e-4)


def test_float32_and_float64_agree():
    K = 9
    rng = numpy.random.default_rng(2)
    E64 = [rng.normal(size=(n, K)) for n in (5, 8)]
    params = _random_params(rng, K)
    golds = [numpy.asarray([0, 4, 0, 1, 3]), numpy.asarray([-1] * 8)]
    m64 = _model(K, params)
    m32 = _model(K, [p.astype("float32") for p in params], dtype="float32")
    l64, d64 = crf_nll_loss(m64, E64, golds)
    l32, d32 = crf_nll_loss(m32, [e.astype("float32") for e in E64], golds)
    assert l32 == pytest.approx(l64, rel=1e-4)
    for a, b in zip(d64, d32):
        numpy.testing.assert_allclose(a, b, atol=1e-4)


def test_entity_bias_raises_recall_monotonically():
    K = 9
    rng = numpy.random.default_rng(4)
    emissions = [rng.normal(size=(40, K)).astype("float32") for _ in range(5)]
    for E in emissions:
        E[:, 0] += 2.0  # O favoured
    model = _model(K, dtype="float32")
    counts = []
    for bias in (0.0, 1.0, 2.0, 4.0):
        paths, _ = crf_viterbi(model, emissions, entity_bias=bias)
        counts.append(sum(int((p > 0).sum()) for p in paths))
    assert counts == sorted(counts)
    assert counts[-1] > counts[0]


def test_tag_mask_is_respected():
    K = 9
    rng = numpy.random.default_rng(8)
    E = rng.normal(size=(6, K)).astype("float32")
    E[2, 4] = 100.0  # U-label0 strongly preferred at token 2
    mask = numpy.ones((6, K), dtype=bool)
    mask[2, 1:] = False  # ...but token 2 may only be O (e.g. whitespace)
    model = _model(K, dtype="float32")
    paths, _ = crf_viterbi(model, [E], tag_masks=[mask])
    assert paths[0][2] == 0
    marg = crf_marginals(model, [E], tag_masks=[mask])[0]
    assert marg[2, 1:].max() == 0.0


def test_tag_names_and_constraints_layout():
    assert tag_names(["DATE", "NAME"]) == [
        "O", "B-DATE", "I-DATE", "L-DATE", "U-DATE", "B-NAME", "I-NAME", "L-NAME", "U-NAME",
    ]
    trans, start, end = biluo_constraints(2)
    assert n_tags(2) == trans.shape[0] == 9
    names = tag_names(["DATE", "NAME"])
    idx = {n: i for i, n in enumerate(names)}
    assert trans[idx["B-DATE"], idx["I-DATE"]] and not trans[idx["B-DATE"], idx["I-NAME"]]
    assert not trans[idx["O"], idx["L-DATE"]] and trans[idx["U-NAME"], idx["B-DATE"]]
    assert start[idx["U-DATE"]] and not start[idx["I-DATE"]]
    assert end[idx["L-NAME"]] and not end[idx["B-NAME"]]


def _assert_valid_biluo(path, K):
    names = tag_names([f"X{i}" for i in range((K - 1) // 4)])
    tags = [names[i] for i in path]
    open_label = None
    for tag in tags:
        prefix, _, label = tag.partition("-")
        if open_label is None:
            assert prefix in ("O", "B", "U"), tags
            if prefix == "B":
                open_label = label
        else:
            assert prefix in ("I", "L") and label == open_label, tags
            if prefix == "L":
                open_label = None
    assert open_label is None, tags


@settings(max_examples=60, deadline=None)
@given(
    n_labels=st.integers(1, 4),
    lengths=st.lists(st.integers(0, 12), min_size=1, max_size=5),
    seed=st.integers(0, 2**31 - 1),
    scale=st.sampled_from([0.1, 1.0, 10.0, 1e3]),
    bias=st.sampled_from([0.0, 2.0, -2.0]),
)
def test_decoded_output_is_always_valid_biluo(n_labels, lengths, seed, scale, bias):
    K = n_tags(n_labels)
    rng = numpy.random.default_rng(seed)
    emissions = [(rng.normal(size=(n, K)) * scale).astype("float32") for n in lengths]
    model = _model(K, _random_params(rng, K, "float32", scale=scale), dtype="float32")
    paths, _ = crf_viterbi(model, emissions, entity_bias=bias)
    assert [len(p) for p in paths] == lengths
    for path in paths:
        _assert_valid_biluo(path.tolist(), K)


def test_layer_initialises_from_output_width_and_is_identity():
    model = LinearChainCRF()
    Y = [NumpyOps().alloc2f(3, 13)]
    model.initialize(X=Y, Y=Y)
    assert model.get_dim("nO") == 13
    assert model.get_param("transitions").shape == (13, 13)
    out, backprop = model.begin_update(Y)
    assert out is Y and backprop(Y) is Y
    with pytest.raises(ValueError):
        bad = LinearChainCRF(12)
        bad.initialize()


def _naive_segment_log_probs(E, T, s, e, allowed, path, segments):
    """Plain float64 log-space forward-backward, one loop per step: log P(y[a:b+1] = path[a:b+1])."""
    trans_ok, start_ok, end_ok = allowed
    T = numpy.where(trans_ok, T, -numpy.inf)
    s = numpy.where(start_ok, s, -numpy.inf)
    e = numpy.where(end_ok, e, -numpy.inf)
    n, K = E.shape
    alpha = numpy.full((n, K), -numpy.inf)
    beta = numpy.full((n, K), -numpy.inf)
    alpha[0] = s + E[0]
    for t in range(1, n):
        alpha[t] = numpy.logaddexp.reduce(alpha[t - 1][:, None] + T, axis=0) + E[t]
    beta[n - 1] = e
    for t in range(n - 2, -1, -1):
        beta[t] = numpy.logaddexp.reduce(T + (E[t + 1] + beta[t + 1])[None, :], axis=1)
    log_Z = numpy.logaddexp.reduce(alpha[n - 1] + e)
    out = []
    for a, b in segments:
        inner = sum(T[path[t - 1], path[t]] + E[t, path[t]] for t in range(a + 1, b + 1))
        out.append(alpha[a, path[a]] + inner + beta[b, path[b]] - log_Z)
    return numpy.asarray(out)


def test_span_probabilities_of_long_notes_with_large_scores_match_float64():
    """float32 emissions of magnitude ~60 over 1,500 tokens: the sums reach 1e5, where float32 keeps ~0.01.

    The lattice runs in float64, so span probabilities equal a plain float64 forward-backward.
    """
    K, n = 9, 1500
    rng = numpy.random.default_rng(4)
    E = (rng.normal(size=(n, K)) * 20 + 40).astype("float32")
    E[:, 1:] -= 45.0  # mostly O, with entities here and there
    params = [p.astype("float32") for p in _random_params(rng, K, scale=3.0)]
    model = _model(K, params, dtype="float32")
    paths, spans = crf_decode_with_confidence(model, [E])
    path = paths[0].tolist()
    segments = [(a, b - 1) for a, b, _ in spans[0]]
    assert len(segments) > 20
    expected = numpy.exp(numpy.minimum(_naive_segment_log_probs(
        E.astype("float64"), *(p.astype("float64") for p in params), biluo_constraints(2), path, segments), 0.0))
    got = numpy.asarray([p for _, _, p in spans[0]])
    numpy.testing.assert_allclose(got, expected, atol=1e-6)


def test_crf_loss_object_matches_the_function_and_get_loss_leaves_the_parameters_alone():
    K = 9
    rng = numpy.random.default_rng(8)
    params = _random_params(rng, K)
    E = [rng.normal(size=(n, K)) for n in (4, 7)]
    gold = [numpy.asarray([0, 1, 3, 0]), numpy.asarray([-1, 0, 4, 0, 5, 7, 0])]
    reference = _model(K, params)
    loss_ref, d_ref = crf_nll_loss(reference, E, gold)
    model = _model(K, params)
    assert CRFLoss(model).get_loss(E, (gold, None)) == pytest.approx(loss_ref)
    assert not model.has_grad("transitions")
    d_scores, loss = CRFLoss(model)(E, (gold, None))
    assert loss == pytest.approx(loss_ref)
    for a, b in zip(d_scores, d_ref):
        numpy.testing.assert_allclose(a, b)
    numpy.testing.assert_allclose(model.get_grad("transitions"), reference.get_grad("transitions"))


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=12), min_size=1, max_size=5), st.integers(0, 10_000))
def test_pairwise_marginals_sum_to_one_per_transition(lengths, seed):
    """Σ_ij P(y_t = i, y_t+1 = j) = 1 for every real transition: n − 1 per sequence."""
    K = 9
    rng = numpy.random.default_rng(seed)
    N = max(lengths)
    E = rng.normal(size=(len(lengths), N, K)) * 5
    lat = make_lattice(xp, E, numpy.asarray(lengths), *_random_params(rng, K, scale=2.0))
    log_Z, alpha, beta = forward_backward(lat)
    total = pairwise_marginal_sums(lat, log_Z, alpha, beta).sum()
    assert total == pytest.approx(sum(max(n - 1, 0) for n in lengths), abs=1e-8)


def test_transition_gradient_in_float32_matches_float64_at_extreme_magnitudes():
    """Emissions of magnitude ~100 over 600 tokens: d_T (expected minus gold transition counts) as in float64."""
    K = 9
    rng = numpy.random.default_rng(6)
    E64 = rng.normal(size=(600, K)) * 40 + 60
    params = _random_params(rng, K, scale=4.0)
    gold = [numpy.where(rng.random(600) < 0.5, -1, 0)]
    m64 = _model(K, params)
    m32 = _model(K, [p.astype("float32") for p in params], dtype="float32")
    l64, _ = crf_nll_loss(m64, [E64], gold)
    l32, _ = crf_nll_loss(m32, [E64.astype("float32")], gold)
    assert l32 == pytest.approx(l64, rel=1e-6)
    numpy.testing.assert_allclose(m32.get_grad("transitions"), m64.get_grad("transitions"), atol=1e-3)


def _masked_case(big):
    """One label (K=5); tag U is masked out everywhere, and U → B (or U → O) scores ``big``.

    That transition can never be used, but it is the largest finite score of its column and
    of the matrix, so the exp-space sums meet shifts of ``big`` nats.
    """
    K, n = 5, 4
    rng = numpy.random.default_rng(12)
    E = rng.normal(size=(n, K))
    T, s, e = _random_params(rng, K)
    mask = numpy.ones((n, K), dtype=bool)
    mask[:, 4] = False
    return E, T, s, e, mask


def test_pairwise_sums_when_the_rescaling_would_overflow():
    """A 1,000-nat transition that no path uses: every pair takes the log-space branch, still exact."""
    E, T, s, e, mask = _masked_case(1000.0)
    T[4, 1] = 1000.0  # U -> B: allowed by BILUO, impossible here
    allowed = biluo_constraints(1)
    enum = _brute_force(E, T, s, e, allowed, tag_mask=mask)
    Z = _logsumexp(enum.values())
    expected = numpy.zeros((5, 5))
    for seq, score in enum.items():
        for a, b in zip(seq, seq[1:]):
            expected[a, b] += numpy.exp(score - Z)
    lat = _lattice(E, T, s, e, True, tag_mask=mask)
    log_Z, alpha, beta = forward_backward(lat)
    assert log_Z[0] == pytest.approx(Z, abs=1e-9)
    numpy.testing.assert_allclose(pairwise_marginal_sums(lat, log_Z, alpha, beta), expected, atol=1e-9)


@pytest.mark.parametrize("sync_free", [None, True])
def test_forward_step_recovers_paths_that_underflow_in_exp_space(monkeypatch, sync_free):
    """The live source of O sits 1,000 nats below its column's best: exp() gives 0, the log-space fallback does not.

    ``sync_free`` True runs the GPU path (lost rows recomputed by a mask, no host sync) on numpy.
    """
    from spacy_medner.layers import lattice

    monkeypatch.setattr(lattice._BlockLogMatmul, "sync_free", sync_free)
    E, T, s, e, mask = _masked_case(1000.0)
    T[4, 0] = 1000.0  # U -> O: allowed, impossible here, and the best score of O's column
    enum = _brute_force(E, T, s, e, biluo_constraints(1), tag_mask=mask)
    lat = _lattice(E, T, s, e, True, tag_mask=mask)
    log_Z, _, _ = forward_backward(lat)
    assert log_Z[0] == pytest.approx(_logsumexp(enum.values()), abs=1e-9)
