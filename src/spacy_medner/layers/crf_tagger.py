"""The ``spacy-medner.CRFTagger.v1`` architecture: tok2vec → linear emissions → CRF."""
from typing import Callable, List, Optional, Tuple

from spacy.tokens import Doc
from spacy.util import registry
from thinc.api import Linear, Model, chain, with_array, zero_init
from thinc.types import Floats2d

from .crf import LinearChainCRF


@registry.architectures("spacy-medner.CRFTagger.v1")
def build_crf_tagger(
    tok2vec: Model[List[Doc], List[Floats2d]],
    nO: Optional[int] = None,
    emission_scale: float = 1.0,
    transition_scale: float = 1.0,
) -> Model[List[Doc], List[Floats2d]]:
    """Per-token BILUO emission scores with a linear-chain CRF on top.

    ``tok2vec`` is any layer producing one vector per token (the default is
    a ``spacy-transformers.TransformerListener.v1``); it is named so that
    ``nlp.replace_listeners`` can make the component self-contained.
    ``nO`` is the number of BILUO tags (``4 * labels + 1``), set from the
    labels at initialization when omitted.  ``emission_scale`` multiplies the
    linear layer's output: with Adam, whose steps have the learning rate's
    size whatever the gradient, it multiplies the output layer's effective
    learning rate, so a freshly initialised head keeps pace with a
    transformer fine-tuned at a small rate.  The CRF layer (ref ``crf``)
    holds the transitions and decodes; ``transition_scale`` does for its
    transition, start and end scores what ``emission_scale`` does for the
    emissions (see ``spacy-medner.LinearChainCRF.v1``).
    """
    output_layer = Linear(nO=nO, init_W=zero_init)
    head: Model[Floats2d, Floats2d] = output_layer
    if emission_scale != 1.0:
        head = chain(output_layer, _constant_scale(emission_scale))
    crf = LinearChainCRF(nO=nO, transition_scale=transition_scale)
    model = chain(tok2vec, with_array(head), crf)
    model.set_ref("tok2vec", tok2vec)
    model.set_ref("output_layer", output_layer)
    model.set_ref("crf", crf)
    return model


def _constant_scale(factor: float) -> Model[Floats2d, Floats2d]:
    """Multiply by a fixed factor (no parameters)."""

    def forward(model: Model, X: Floats2d, is_train: bool) -> Tuple[Floats2d, Callable]:
        def backprop(dY: Floats2d) -> Floats2d:
            return dY * factor

        return X * factor, backprop

    return Model("constant_scale", forward, attrs={"factor": factor})
