"""spacy_medner: medical named-entity recognition for spaCy.

A transformer encoder with a linear-chain CRF output layer (the ``medner``
pipe), converters for clinical de-identification corpora, a synthetic i2b2
2014-format corpus, evaluation and de-identification.
"""
__version__ = "0.1.0"

from .compose import add_to_pipeline, configure  # noqa: E402
from .quantize import quantize_encoder  # noqa: E402

__all__ = ["add_to_pipeline", "configure", "quantize_encoder", "__version__"]
