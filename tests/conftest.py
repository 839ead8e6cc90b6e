"""Shared fixtures; ``--runslow`` enables the tests marked ``slow``."""
import shutil
from pathlib import Path

import pytest


def pytest_addoption(parser):
    parser.addoption("--runslow", action="store_true", default=False, help="also run tests marked slow")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--runslow"):
        return
    skip_slow = pytest.mark.skip(reason="slow: run with --runslow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip_slow)


@pytest.fixture(scope="session")
def tiny_transformer_dir(tmp_path_factory) -> Path:
    """A tiny random BERT (2 layers, width 32) with the bundled MiniLM's tokenizer.

    Loads offline through spacy-transformers like any local model folder,
    so transformer code paths are tested in seconds.
    """
    return write_tiny_bert(tmp_path_factory.mktemp("tiny_bert"))


def transformer_medner_nlp(model_name: str):
    """A blank English pipeline: ``transformer`` (our bundled-aware architecture) + default ``medner``."""
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe(
        "transformer",
        config={
            "model": {
                "@architectures": "spacy-medner.TransformerModel.v1",
                "name": model_name,
                "get_spans": {"@span_getters": "spacy-transformers.strided_spans.v1", "window": 64, "stride": 48},
            }
        },
    )
    nlp.add_pipe("medner")  # the default model: TransformerListener + CRF, emission_scale 20
    return nlp


@pytest.fixture(scope="session")
def make_transformer_medner_nlp():
    """Factory fixture for :func:`transformer_medner_nlp`."""
    return transformer_medner_nlp


def write_tiny_bert(out: Path, seed: int = 0) -> Path:
    """Like :func:`tiny_transformer_dir`, but seeded: the same random weights on every run."""
    from thinc.api import fix_random_seed
    from transformers import BertConfig, BertModel

    from spacy_medner.layers.transformer import resolve_transformer_name

    bundled = Path(resolve_transformer_name("bundled"))
    out.mkdir(parents=True, exist_ok=True)
    fix_random_seed(seed)  # seeds torch too
    config = BertConfig(
        vocab_size=30522,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=37,
        max_position_embeddings=512,
    )
    BertModel(config).save_pretrained(out)
    for name in ("vocab.txt", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"):
        shutil.copy(bundled / name, out / name)
    return out


@pytest.fixture(scope="session")
def make_tiny_bert():
    """Factory fixture for :func:`write_tiny_bert`."""
    return write_tiny_bert


def save_ruler_model(path: Path, patterns, clinical_tokenizer: bool = False) -> Path:
    """A pipeline whose "PHI" is exactly ``patterns`` (a span_ruler writing ``doc.spans["medner"]``), saved at ``path``.

    De-identification tests use it to control what is detected without a trained model.
    ``clinical_tokenizer`` tokenizes as ``medner`` models do, so values inside CSV rows and other
    glued text are tokens a phrase pattern can match.
    """
    import spacy

    from spacy_medner.tokenizer import clinical_nlp

    nlp = clinical_nlp("en") if clinical_tokenizer else spacy.blank("en")
    nlp.add_pipe("span_ruler", config={"spans_key": "medner"}).add_patterns(patterns)
    nlp.to_disk(path)
    return path


def add_fail_on_boom(nlp):
    """Add a component that raises (with "secret note text" in its message) on any doc containing "boom"."""
    import spacy

    if not spacy.Language.has_factory("fail_on_boom_test"):

        @spacy.Language.component("fail_on_boom_test")
        def fail_on_boom(doc):
            if "boom" in doc.text:
                raise RuntimeError("secret note text")
            return doc

    nlp.add_pipe("fail_on_boom_test")
    return nlp
