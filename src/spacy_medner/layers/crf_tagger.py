"""The ``spacy-medner.CRFTagger.v1`` architecture: tok2vec → linear emissions → CRF."""
from typing import List, Optional

from spacy.tokens import Doc
from spacy.util import registry
from thinc.api import Linear, Model, chain, with_array, zero_init
from thinc.types import Floats2d

from .crf import LinearChainCRF


@registry.architectures("spacy-medner.CRFTagger.v1")
def build_crf_tagger(tok2vec: Model[List[Doc], List[Floats2d]], nO: Optional[int] = None) -> Model[List[Doc], List[Floats2d]]:
    """Per-token BILUO emission scores with a linear-chain CRF on top.

    ``tok2vec`` is any layer producing one vector per token (the default is
    a ``spacy-transformers.TransformerListener.v1``); it is named so that
    ``nlp.replace_listeners`` can make the component self-contained.
    ``nO`` is the number of BILUO tags (``4 * labels + 1``), set from the
    labels at initialization when omitted.  The model outputs the emission
    scores; the CRF layer (ref ``crf``) holds transitions and decodes.
    """
    output_layer = Linear(nO=nO, init_W=zero_init)
    crf = LinearChainCRF(nO=nO)
    model = chain(tok2vec, with_array(output_layer), crf)
    model.set_ref("tok2vec", tok2vec)
    model.set_ref("output_layer", output_layer)
    model.set_ref("crf", crf)
    return model
