"""Other engines for the encoder, tried inside the real pipeline: torch options and ONNX Runtime.

    # ONNX Runtime is not a project dependency: run in a scratch venv that sees the project's packages
    python -m venv /tmp/engines/venv
    echo "import site; site.addsitedir('$PWD/.venv/lib/python3.11/site-packages')" \
        > /tmp/engines/venv/lib/python3.11/site-packages/zz_project.pth
    /tmp/engines/venv/bin/pip install onnxruntime onnx onnxscript
    /tmp/engines/venv/bin/python benchmarks/int8_engines.py --model training/model-tuned \
        --data corpus/ood-test.spacy [--engines float,inference_mode,torch_int8,compile,ort_fp32,ort_int8] [--json OUT]

Every engine replaces the module that the transformer's shim runs at prediction time
(spacy_medner.quantize.QuantizableHFShim.inference_model); spaCy, the alignment and the CRF stay the
same. Per engine: token tag agreement with the float pipeline, float entities kept, PHI token recall /
precision, and the seconds of one pass after one warm-up pass: INDICATIVE only (one pass, shared machine).
"""
from __future__ import annotations

import argparse
import copy
import json
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Dict

from int8_recipes import compare


def ort_module(hf_model: Any, threads: int, int8: bool, workdir: Path) -> Any:
    """The HF encoder exported to ONNX and run by ONNX Runtime, as a torch module returning last_hidden_state."""
    import onnxruntime as ort
    import torch
    from transformers.modeling_outputs import BaseModelOutput

    path = workdir / "encoder.onnx"
    ids = torch.ones((2, 16), dtype=torch.long)
    names = ["input_ids", "attention_mask", "token_type_ids"]
    dims = {n: {0: "batch", 1: "sequence"} for n in names}
    dims["last_hidden_state"] = {0: "batch", 1: "sequence"}

    class LastHidden(torch.nn.Module):
        def __init__(self, model):
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.model(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    torch.onnx.export(LastHidden(hf_model).eval(), (ids, ids, torch.zeros_like(ids)), str(path), input_names=names,
                      output_names=["last_hidden_state"], dynamic_axes=dims, opset_version=17, dynamo=False)
    if int8:
        from onnxruntime.quantization import QuantType, quantize_dynamic

        qpath = workdir / "encoder.int8.onnx"
        quantize_dynamic(str(path), str(qpath), weight_type=QuantType.QInt8, per_channel=True)
        path = qpath
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])

    class ORTEncoder(torch.nn.Module):
        def forward(self, input_ids, attention_mask, token_type_ids=None):
            feeds = {"input_ids": input_ids.long().numpy(), "attention_mask": attention_mask.long().numpy(),
                     "token_type_ids": (token_type_ids if token_type_ids is not None
                                        else torch.zeros_like(input_ids)).long().numpy()}
            return BaseModelOutput(last_hidden_state=torch.from_numpy(session.run(None, feeds)[0]))

    return ORTEncoder()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--engines", default="float,inference_mode,torch_int8,ort_fp32,ort_int8,compile")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()

    import spacy
    import torch
    from spacy.tokens import DocBin

    from spacy_medner.evaluation import score_docs
    from spacy_medner.quantize import INT8_RECIPE, encoder_shims, quantize_encoder, quantize_module

    torch.set_num_threads(args.threads)
    nlp = spacy.load(args.model)
    quantize_encoder(nlp)  # every shim becomes a QuantizableHFShim; the engines below replace its module
    shims = [s for _, pipe in nlp.components if hasattr(pipe, "model") for s in encoder_shims(pipe.model)]
    gold = list(DocBin().from_disk(args.data).get_docs(nlp.vocab))
    texts = [d.text for d in gold]
    workdir = Path(tempfile.mkdtemp(prefix="medner_engines_"))

    def run_with(make: Callable[[Any], Any]) -> Dict[str, Any]:
        for shim in shims:
            shim._int8 = (shim._model, make(shim._model))
        list(nlp.pipe(texts[:8], batch_size=args.batch_size))  # warm-up (compiles, allocates)
        start = time.perf_counter()
        pred = list(nlp.pipe(texts, batch_size=args.batch_size))
        return {"pred": pred, "seconds": time.perf_counter() - start}

    class InferenceMode(torch.nn.Module):
        def __init__(self, model):
            super().__init__()
            self.model = model

        def forward(self, *a, **k):
            with torch.inference_mode():
                return self.model(*a, **k)

    def float_copy(m):  # in eval mode: the shim puts the float model back in train mode after predicting
        return copy.deepcopy(m).eval()

    engines = {
        "float": lambda m: m,
        "inference_mode": lambda m: InferenceMode(float_copy(m)).eval(),
        "torch_int8": lambda m: quantize_module(m, INT8_RECIPE),
        "compile": lambda m: torch.compile(float_copy(m), dynamic=True),
        "ort_fp32": lambda m: ort_module(float_copy(m), args.threads, False, workdir),
        "ort_int8": lambda m: ort_module(float_copy(m), args.threads, True, workdir),
    }
    results: Dict[str, Any] = {"model": str(args.model), "data": str(args.data), "threads": args.threads,
                               "batch_size": args.batch_size, "engines": {}}
    reference = None
    for name in args.engines.split(","):
        try:
            out = run_with(engines[name])
        except Exception as err:  # noqa: BLE001 - an engine that fails is a result too
            results["engines"][name] = {"error": f"{type(err).__name__}: {str(err).splitlines()[0][:300]}"}
            print(f"{name:>15}: FAILED {results['engines'][name]['error']}", flush=True)
            continue
        if reference is None:
            reference = out["pred"]
        metrics = score_docs(gold, out["pred"], hipaa=False)
        row = {"seconds_indicative": round(out["seconds"], 2), "phi_token_r": metrics["token"]["r"],
               "phi_token_p": metrics["token"]["p"], "strict_f": metrics["strict"]["micro"]["f"],
               **compare(reference, out["pred"])}
        results["engines"][name] = row
        print(f"{name:>15}: tags {100 * row['token_agreement']:.3f}%  float ents kept "
              f"{100 * row['float_entities_kept']:.2f}%  PHI R {100 * row['phi_token_r']:.2f} "
              f"P {100 * row['phi_token_p']:.2f}  {row['seconds_indicative']} s (indicative)", flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
