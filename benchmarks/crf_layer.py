"""Benchmark the CRF layer against pytorch-crf on the same inputs.

Times forward+backward (NLL and its gradients) and Viterbi decoding for
B=32 sequences of n=128 tokens, K=29 and K=101 tags (7 and 25 labels), and
prints a table of medians over repetitions and the speed-up ratios.
pytorch-crf is a dev-only extra: ``pip install -e .[bench]``.

    python benchmarks/crf_layer.py [--repeats 7] [--threads 0]
"""
import argparse
import statistics
import time
from typing import Callable, List

import numpy


def _median_seconds(fn: Callable[[], object], repeats: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _valid_gold(rng: numpy.random.Generator, B: int, n: int, n_labels: int) -> numpy.ndarray:
    """Random valid BILUO sequences (entities of 1-3 tokens, ~20% of tokens)."""
    gold = numpy.zeros((B, n), dtype="int64")
    for b in range(B):
        t = 0
        while t < n:
            if rng.random() < 0.1:
                k = int(rng.integers(n_labels))
                width = min(int(rng.integers(1, 4)), n - t)
                base = 1 + 4 * k
                if width == 1:
                    gold[b, t] = base + 3
                else:
                    gold[b, t] = base
                    gold[b, t + 1 : t + width - 1] = base + 1
                    gold[b, t + width - 1] = base + 2
                t += width
            else:
                t += 1
    return gold


def run(repeats: int) -> List[dict]:
    import torch
    from torchcrf import CRF as TorchCRF

    from spacy_medner.layers.crf import LinearChainCRF, crf_nll_loss, crf_viterbi

    rows = []
    B, n = 32, 128
    for n_labels in (7, 25):
        K = 4 * n_labels + 1
        rng = numpy.random.default_rng(0)
        E = rng.normal(size=(B, n, K)).astype("float32")
        gold = _valid_gold(rng, B, n, n_labels)
        ours = LinearChainCRF(K)
        ours.initialize()
        for name, shape in (("transitions", (K, K)), ("start", (K,)), ("end", (K,))):
            ours.set_param(name, (rng.normal(size=shape) * 0.1).astype("float32"))
        emissions = list(E)
        golds = list(gold)

        def ours_fb() -> None:
            crf_nll_loss(ours, emissions, golds)

        def ours_viterbi() -> None:
            crf_viterbi(ours, emissions)

        theirs = TorchCRF(K, batch_first=True)
        with torch.no_grad():
            theirs.transitions.copy_(torch.from_numpy(ours.get_param("transitions")))
            theirs.start_transitions.copy_(torch.from_numpy(ours.get_param("start")))
            theirs.end_transitions.copy_(torch.from_numpy(ours.get_param("end")))
        E_t = torch.from_numpy(E)
        gold_t = torch.from_numpy(gold)

        def theirs_fb() -> None:
            e = E_t.clone().requires_grad_(True)
            theirs.zero_grad()
            nll = -theirs(e, gold_t, reduction="sum")
            nll.backward()

        def theirs_viterbi() -> None:
            with torch.no_grad():
                theirs.decode(E_t)

        for op, a, b in (("forward+backward", ours_fb, theirs_fb), ("viterbi", ours_viterbi, theirs_viterbi)):
            t_ours = _median_seconds(a, repeats)
            t_theirs = _median_seconds(b, repeats)
            rows.append(
                {"K": K, "op": op, "medner_ms": t_ours * 1e3, "pytorch_crf_ms": t_theirs * 1e3, "speedup": t_theirs / t_ours}
            )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--threads", type=int, default=0, help="torch/BLAS threads (0: library default)")
    args = parser.parse_args()
    if args.threads:
        import torch
        from threadpoolctl import threadpool_limits

        torch.set_num_threads(args.threads)
        threadpool_limits(args.threads)
    rows = run(args.repeats)
    print(f"B=32, n=128, median of {args.repeats} runs (float32, CPU)\n")
    print(f"| K | operation | medner (ms) | pytorch-crf (ms) | speed-up |")
    print("|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['K']} | {r['op']} | {r['medner_ms']:.1f} | {r['pytorch_crf_ms']:.1f} | {r['speedup']:.1f}x |")


if __name__ == "__main__":
    main()
