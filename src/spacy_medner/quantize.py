"""The int8 encoder: dynamic int8 quantization of the transformer for CPU inference.

One switch, three ways to set it:

- in a config, the ``quantize`` setting of ``spacy-medner.TransformerModel.v2`` (and of
  ``spacy-medner.Tok2VecTransformer.v1``, what the transformer becomes inside ``medner``
  after ``replace_listeners``): ``"none"`` (float, the default) or ``"int8"``;
- on a loaded pipeline, :func:`quantize_encoder`, which also writes the setting into
  ``nlp.config`` so that ``nlp.to_disk`` keeps it;
- on the command line, ``evaluate --int8`` and ``deid --int8``.

How it works. The float Hugging Face model stays where spacy-transformers keeps it (the
shim's ``_model``): training, ``to_bytes``/``to_disk`` and the optimizer only ever see float
weights, so a saved int8 pipeline holds the same weights as a float one and differs only by
the setting in its config. Prediction (``is_train=False``) runs an int8 copy instead, made
with ``torch.ao.quantization.quantize_dynamic`` from the float weights: when the weights are
loaded (``from_bytes``/``from_disk``), on the first prediction after ``initialize`` or after a
training update, and when :func:`quantize_encoder` is called. Quantizing the same float
weights gives the same int8 weights, so a reloaded pipeline predicts exactly as before.
The copy shares every tensor that is not quantized (embeddings, LayerNorm, biases) with the
float model; what it adds is the int8 weights (about a quarter of the Linear weights' size).

Dynamic quantization picks each activation's int8 scale per batch (per tensor), so an int8
prediction can depend on which notes share a batch; float predictions do not.

On GPU there is nothing to gain (fbgemm/x86 int8 kernels are CPU kernels): the switch is
skipped with a warning and the float model runs.
"""
from __future__ import annotations

import contextlib
import copy
import functools
import re
import warnings
from dataclasses import dataclass
from typing import Any, Dict, Iterator, List, Optional, Tuple

from spacy.language import Language
from spacy_transformers.layers.hf_shim import HFShim
from spacy_transformers.layers.transformer_model import TransformerModel
from thinc.api import CupyOps, Model

#: The values of the ``quantize`` setting.
QUANTIZE_MODES = ("none", "int8")


@dataclass(frozen=True)
class Recipe:
    """Which ``nn.Linear`` layers of the encoder become int8, and how.

    keep_float: regular expressions (``re.search``) over module names; a Linear layer whose
        name matches one stays in float. ``{last}`` in a pattern is replaced by the index of
        the encoder's last layer.
    per_channel: one weight scale per output row instead of one per matrix.
    full_range_activations: quantize activations to 8 bits (0..255) instead of torch's 7-bit
        default (``reduce_range=True``, which guards against int16 overflow on CPUs without VNNI);
        used only where :func:`full_range_is_exact` finds that the CPU's kernels do not overflow.
    """

    keep_float: Tuple[str, ...] = ()
    per_channel: bool = False
    full_range_activations: bool = False


#: The recipe behind ``quantize = "int8"``: every Linear int8 with per-channel weight scales and
#: 8-bit activations, except the first layer's FFN output projection (BERT/RoBERTa
#: ``encoder.layer.0.output.dense``, DistilBERT ``transformer.layer.0.ffn.lin2``), which stays float.
#: Measured on training/model-tuned (MiniLM-L6, the PHI model; benchmarks/int8_recipes.py, 1 thread,
#: batch 32; BENCHMARKS.md, "int8 and engines (issue #14)"), float ents kept = float entities the
#: int8 model reproduces exactly, PHI token recall against float (dev 98.73, hand-written 96.80):
#:
#:   recipe                                   int8 Linear  kept dev / OOD   PHI R dev / OOD
#:   every Linear, per-tensor (profile_medner)  37/37      94.87 / 87.48    98.31 / 96.11
#:   every Linear, per-channel                  37/37      97.05 / 91.38    98.41 / 95.90
#:   FFN output projections float               31/37      98.07 / 94.63    98.65 / 96.66
#:   every Linear, per-channel, 8-bit act.      37/37      98.40 / 95.45    98.68 / 96.87
#:   this recipe                                36/37      99.13 / 97.24    98.79 / 96.87
#:
#: The losses came from torch's 7-bit activations (reduce_range) and per-tensor weight scales
#: first, then the FFN output projection (its input is the GELU output, with outlier channels),
#: of which the first layer's matters most (float_ffn_out_layerN on the OOD notes).
INT8_RECIPE = Recipe(
    keep_float=(r"layer\.0\.output\.dense$", r"layer\.0\.ffn\.lin2$"),
    per_channel=True,
    full_range_activations=True,
)


def quantize_module(model: Any, recipe: Recipe = INT8_RECIPE) -> Any:
    """An int8 copy of the torch module ``model`` for inference (``model`` is not changed).

    The Linear layers chosen by ``recipe`` are dynamically quantized (int8 weights, int8
    activations with a per-batch scale, float output); every other tensor is shared with
    ``model``, not copied.
    """
    import torch
    from torch.ao.quantization import default_dynamic_qconfig, per_channel_dynamic_qconfig, quantize_dynamic

    qconfig = per_channel_dynamic_qconfig if recipe.per_channel else default_dynamic_qconfig
    spec = {name: qconfig for name in quantized_linear_names(model, recipe)}
    # Share parameters and buffers: deepcopy takes the memo's objects as they are.
    memo: Dict[int, Any] = {id(t): t for t in list(model.parameters()) + list(model.buffers())}
    qmodel = copy.deepcopy(model, memo)
    if spec:
        with _quiet_torch_ao():
            quantize_dynamic(qmodel, spec, dtype=torch.qint8, inplace=True)
    if recipe.full_range_activations and full_range_is_exact():
        from torch.ao.nn.quantized.dynamic import Linear as DynamicLinear

        for module in qmodel.modules():
            if type(module) is DynamicLinear:
                module.__class__ = _full_range_linear_class()
    qmodel.eval()
    return qmodel


@contextlib.contextmanager
def _quiet_torch_ao() -> Iterator[None]:
    """torch.ao's dynamic quantization is deprecated in favour of torchao but is what the pinned
    torch ships and runs; its notices are not for our users."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        warnings.filterwarnings("ignore", message=".*quantize_per_(tensor|channel).*")
        warnings.filterwarnings("ignore", message=".*quantized tensor creation.*")
        yield


@functools.lru_cache(maxsize=None)
def full_range_is_exact() -> bool:
    """Whether this CPU's int8 kernels take 8-bit activations without overflow.

    Without VNNI, x86 kernels add pairs of u8*s8 products in int16, which 255 * 127 * 2
    overflows; torch's default of 7-bit activations (``reduce_range``) exists for that. The
    probe multiplies the worst case (every activation and weight at its maximum) and compares
    with float; where it overflows, full-range activations are not used.
    """
    import torch
    from torch.ao.nn.quantized.dynamic import Linear as DynamicLinear

    with _quiet_torch_ao():
        probe = DynamicLinear(64, 4, dtype=torch.qint8)
        weight = torch.quantize_per_tensor(torch.ones(4, 64), 1.0 / 127, 0, torch.qint8)
        probe.set_weight_bias(weight, torch.zeros(4))
        try:
            got = torch.ops.quantized.linear_dynamic(
                torch.ones(2, 64), probe._packed_params._packed_params, reduce_range=False
            )
        except RuntimeError:
            return False
    return bool(torch.allclose(got, torch.full((2, 4), 64.0), rtol=0.01))


@functools.lru_cache(maxsize=None)
def _full_range_linear_class() -> Any:
    from torch.ao.nn.quantized.dynamic import Linear as DynamicLinear
    import torch

    class FullRangeDynamicLinear(DynamicLinear):
        """int8 Linear whose activations use the full 8-bit range (``reduce_range=False``)."""

        def forward(self, x: Any) -> Any:
            return torch.ops.quantized.linear_dynamic(x, self._packed_params._packed_params, reduce_range=False).to(
                x.dtype
            )

    return FullRangeDynamicLinear


def quantized_linear_names(model: Any, recipe: Recipe) -> List[str]:
    """The names of the ``nn.Linear`` modules of ``model`` that ``recipe`` quantizes."""
    import torch

    last = _n_layers(model) - 1
    patterns = [re.compile(p.replace("{last}", str(last))) for p in recipe.keep_float]
    return [
        name
        for name, module in model.named_modules()
        if type(module) is torch.nn.Linear and not any(p.search(name) for p in patterns)
    ]


def count_quantized_linear(module: Any) -> int:
    """How many dynamically quantized Linear layers ``module`` holds."""
    from torch.ao.nn.quantized.dynamic import Linear as DynamicLinear

    return sum(isinstance(m, DynamicLinear) for m in module.modules())


def _n_layers(model: Any) -> int:
    config = getattr(model, "config", None)
    for attr in ("num_hidden_layers", "n_layers", "num_layers"):
        if config is not None and isinstance(getattr(config, attr, None), int):
            return getattr(config, attr)
    return 0


def check_mode(mode: str) -> str:
    """``mode`` if it is a value of the ``quantize`` setting; raises ``ValueError`` otherwise."""
    if mode not in QUANTIZE_MODES:
        raise ValueError(f"quantize must be one of {', '.join(repr(m) for m in QUANTIZE_MODES)}, not {mode!r}")
    return mode


def _torch_on_gpu(shim: HFShim) -> bool:
    model = getattr(shim, "_model", None)
    param = next(model.parameters(), None) if model is not None else None
    return param is not None and param.device.type != "cpu"


class QuantizableHFShim(HFShim):
    """spacy-transformers' ``HFShim`` that predicts with an int8 copy when ``quantize`` is on.

    Training (``begin_update``/``finish_update``) and serialization use the float model, as
    in ``HFShim``. The int8 copy is rebuilt from the float weights when they change.
    """

    _quantize: str = "none"
    #: (the float model the copy was made from, the int8 copy)
    _int8: Optional[Tuple[Any, Any]] = None
    _gpu_warned: bool = False
    #: the recipe of the int8 copy; None: :data:`INT8_RECIPE` (benchmarks set others)
    recipe: Optional[Recipe] = None

    @property
    def quantize(self) -> str:
        return self._quantize

    @quantize.setter
    def quantize(self, mode: str) -> None:
        self._quantize = check_mode(mode)
        self._int8 = None

    @property
    def is_quantized(self) -> bool:
        """Whether predictions run int8 now (the int8 copy exists)."""
        return self._int8 is not None and self._int8[0] is self._model

    def on_gpu(self) -> bool:
        """Whether this model runs on a GPU (where the int8 switch is skipped)."""
        return _torch_on_gpu(self)

    def inference_model(self) -> Any:
        """The module ``predict`` runs: the int8 copy when the switch is on, else the float model."""
        if self._quantize == "none" or self._model is None:
            return self._model
        if self.on_gpu():
            if not self._gpu_warned:
                warnings.warn("spacy_medner: the int8 encoder is a CPU option; on GPU the float model runs")
                self._gpu_warned = True
            return self._model
        if not self.is_quantized:
            self._int8 = (self._model, quantize_module(self._model, self.recipe or INT8_RECIPE))
        return self._int8[1]

    def predict(self, inputs: Any) -> Any:
        model = self.inference_model()
        if model is self._model:
            return super().predict(inputs)
        import torch

        model.eval()  # no dropout, whatever mode training left the float model in
        with torch.no_grad():
            return model(*inputs.args, **inputs.kwargs)

    def finish_update(self, optimizer: Any) -> None:
        super().finish_update(optimizer)
        self._int8 = None

    @contextlib.contextmanager
    def use_params(self, params: Dict[Any, Any]) -> Iterator[None]:
        prefix = f"pytorch_{self.id}_"
        swaps = any(hasattr(k, "startswith") and k.startswith(prefix) for k in params)
        with super().use_params(params):
            if swaps:
                self._int8 = None
            try:
                yield
            finally:
                if swaps:
                    self._int8 = None

    def from_bytes(self, bytes_data: bytes) -> "QuantizableHFShim":
        super().from_bytes(bytes_data)
        self._int8 = None
        if self._quantize != "none" and self._model is not None and not self.on_gpu():
            self.inference_model()
        return self

    def __getstate__(self) -> Dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("_int8", None)  # rebuilt from the float weights, not copied
        return state

    def __setstate__(self, state: Dict[str, Any]) -> None:
        self.__dict__.update(state)


def encoder_shims(model: Model) -> List[HFShim]:
    """The spacy-transformers shims of every transformer inside the thinc ``model``."""
    return [node.layers[0].shims[0] for node in model.walk() if isinstance(node, TransformerModel)]


def set_quantize(model: Model, mode: str) -> List[QuantizableHFShim]:
    """Set the ``quantize`` mode of every transformer in ``model``; returns their shims.

    A shim built by spacy-transformers' own architectures becomes a
    :class:`QuantizableHFShim` in place (the subclass only adds the int8 path).
    """
    check_mode(mode)
    shims = []
    for shim in encoder_shims(model):
        if not isinstance(shim, QuantizableHFShim):
            shim.__class__ = QuantizableHFShim
        shim.quantize = mode
        shims.append(shim)
    return shims


# -- pipelines -------------------------------------------------------------------------

#: Config architectures of a transformer, and what each becomes when it carries the switch.
_TRANSFORMER_ARCHS = {
    "spacy-medner.TransformerModel.v1": "spacy-medner.TransformerModel.v2",
    "spacy-medner.TransformerModel.v2": "spacy-medner.TransformerModel.v2",
    "spacy-medner.Tok2VecTransformer.v1": "spacy-medner.Tok2VecTransformer.v1",
}
_SPACY_TRANSFORMERS_ARCH = re.compile(r"^spacy-transformers\.(TransformerModel|Tok2VecTransformer)\.v[123]$")


def _switch_arch(arch: str) -> Optional[str]:
    if arch in _TRANSFORMER_ARCHS:
        return _TRANSFORMER_ARCHS[arch]
    match = _SPACY_TRANSFORMERS_ARCH.match(arch)
    if match:
        return "spacy-medner.TransformerModel.v2" if match.group(1) == "TransformerModel" else (
            "spacy-medner.Tok2VecTransformer.v1"
        )
    return None


def _set_config_switch(block: Any, mode: str) -> int:
    """Set ``quantize`` in every transformer architecture block under ``block``; returns how many."""
    found = 0
    if isinstance(block, dict):
        arch = block.get("@architectures")
        target = _switch_arch(arch) if isinstance(arch, str) else None
        if target is not None:
            block["@architectures"] = target
            block["quantize"] = mode
            found += 1
        for value in block.values():
            found += _set_config_switch(value, mode)
    return found


def _encoder_components(nlp: Language) -> List[Tuple[str, List[HFShim], bool]]:
    """(name, shims, on GPU) of every component, enabled or not, that holds a transformer."""
    found = []
    for name, pipe in nlp.components:
        model = getattr(pipe, "model", None)
        if not isinstance(model, Model):
            continue
        shims = encoder_shims(model)
        if shims:
            gpu = isinstance(model.ops, CupyOps) or any(_torch_on_gpu(s) for s in shims)
            found.append((name, shims, gpu))
    return found


def quantize_encoder(nlp: Language, mode: str = "int8") -> Language:
    """Run every transformer encoder of the loaded pipeline ``nlp`` in int8 (``mode="none"``: float again).

    Works on a standalone ``transformer`` component and on a transformer inside another
    component (the packaged ``en_medner``, where it lives in ``medner``), and writes the
    setting into ``nlp.config``, so ``nlp.to_disk`` keeps it and a reload quantizes again.
    On GPU it warns and changes nothing. Raises ``ValueError`` if ``nlp`` has no transformer.
    RETURNS: ``nlp``.
    """
    check_mode(mode)
    components = _encoder_components(nlp)
    if not components:
        raise ValueError("The pipeline has no spacy-transformers encoder to quantize")
    if mode != "none" and any(gpu for _, _, gpu in components):
        warnings.warn("spacy_medner: the int8 encoder is a CPU option; the pipeline runs on GPU and is left as it is")
        return nlp
    for name, _, _ in components:
        pipe = nlp.get_pipe(name)
        set_quantize(pipe.model, mode)
        for shim in encoder_shims(pipe.model):
            shim.inference_model()  # quantize now, not in the first batch
        _set_config_switch(nlp.get_pipe_config(name), mode)
    return nlp


def encoder_quantization(nlp: Language) -> Dict[str, str]:
    """Per component holding a transformer, how it predicts: ``"int8"`` or ``"none"`` (float,
    also when the switch is on but the model runs on GPU).
    """
    return {
        name: "none" if gpu else max((getattr(s, "quantize", "none") for s in shims), key=QUANTIZE_MODES.index)
        for name, shims, gpu in _encoder_components(nlp)
    }
