"""Benchmark the CRF layer against pytorch-crf on the same inputs.

Times forward+backward (NLL and its gradients) and Viterbi decoding for
B=32 sequences of n=128 tokens, K=29 and K=101 tags (7 and 25 labels), and
prints a table of medians over repetitions and the speed-up ratios; then the
CRF's share of a whole ``nlp.pipe`` run of a transformer + medner pipeline
(the bundled MiniLM) on synthetic notes.
pytorch-crf is a dev-only extra: ``pip install -e .[bench]``.

    python benchmarks/crf_layer.py [--repeats 7] [--threads 0] [--model training/model-best]
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


def pipe_share(model: str, n_notes: int, repeats: int) -> dict:
    """Time ``nlp.pipe`` and, inside it, the CRF decoding (Viterbi + marginals).

    ``model`` is a trained pipeline; "" builds transformer (bundled MiniLM) +
    medner initialised on the synthetic labels (the CRF's cost does not depend
    on its weights).
    """
    import spacy
    from spacy.training import Example

    import spacy_medner.pipeline.medner as medner_module
    from spacy_medner.synth import generate_notes
    from spacy_medner.tokenizer import clinical_nlp

    notes = list(generate_notes(n_notes, seed=123))
    texts = [note.text for note in notes]
    if model:
        nlp = spacy.load(model)
    else:
        nlp = clinical_nlp("en")
        nlp.add_pipe("transformer", config={"model": {"@architectures": "spacy-medner.TransformerModel.v1", "name": "bundled",
            "get_spans": {"@span_getters": "spacy-transformers.strided_spans.v1", "window": 128, "stride": 96}}})
        nlp.add_pipe("medner")
        examples = []
        for note in notes[:20]:
            doc = nlp.make_doc(note.text)
            spans = [doc.char_span(s.start, s.end, label=s.label, alignment_mode="expand") for s in note.spans]
            examples.append(Example.from_dict(doc, {"entities": [(s.start_char, s.end_char, s.label_) for s in spans if s]}))
        nlp.initialize(lambda: examples)
    decode = medner_module.crf_decode_with_confidence
    spent = []

    def timed_decode(*args, **kwargs):
        start = time.perf_counter()
        result = decode(*args, **kwargs)
        spent.append(time.perf_counter() - start)
        return result

    medner_module.crf_decode_with_confidence = timed_decode
    try:
        list(nlp.pipe(texts[:4]))  # warm-up
        totals, crf = [], []
        for _ in range(repeats):
            spent.clear()
            start = time.perf_counter()
            docs = list(nlp.pipe(texts, batch_size=32))
            totals.append(time.perf_counter() - start)
            crf.append(sum(spent))
    finally:
        medner_module.crf_decode_with_confidence = decode
    words = sum(len(doc) for doc in docs)
    total, crf_time = statistics.median(totals), statistics.median(crf)
    return {"notes": len(texts), "words": words, "pipe_s": total, "crf_s": crf_time, "share": crf_time / total,
            "wps": words / total, "labels": len(nlp.get_pipe("medner").labels)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--threads", type=int, default=0, help="torch/BLAS threads (0: library default)")
    parser.add_argument("--model", default="", help="trained pipeline for the nlp.pipe share ('' builds an untrained one)")
    parser.add_argument("--notes", type=int, default=48, help="synthetic notes for the nlp.pipe share")
    parser.add_argument("--skip-pipe", action="store_true", help="only the layer benchmark")
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
    if not args.skip_pipe:
        share = pipe_share(args.model, args.notes, max(3, args.repeats // 2))
        print(
            f"\nCRF share of nlp.pipe (transformer + medner, {share['labels']} labels, K={4 * share['labels'] + 1}; "
            f"{share['notes']} synthetic notes, {share['words']} words, batch 32, median of runs):\n"
        )
        print("| nlp.pipe (s) | CRF decoding (s) | CRF share | words/s |")
        print("|---|---|---|---|")
        print(f"| {share['pipe_s']:.2f} | {share['crf_s']:.3f} | {share['share'] * 100:.1f}% | {share['wps']:.0f} |")


if __name__ == "__main__":
    main()
