"""Run the encoder once, decode many times: the CRF's inputs for a set of texts.

The bias sweep decodes the same notes at many ``entity_bias`` values, and
calibration scores them at many temperatures. Only the CRF depends on those
settings, and it is a small share of inference, so :func:`crf_inputs` runs the
pipeline up to the ``medner`` pipe once and keeps, per batch, the emissions,
the allowed-tag masks and the pattern matches; :meth:`CRFInputs.annotate`
then decodes fresh copies of the docs at the pipe's current settings.
"""
from dataclasses import dataclass
from typing import Any, List, Sequence, Tuple

from spacy.language import Language
from spacy.tokens import Doc


@dataclass
class CRFInputs:
    """The docs as they reach the medner pipe, and the pipe's inputs for each batch."""

    pipe: Any  # the MedNER pipe
    docs: List[Doc]
    batches: List[Tuple[int, int, Tuple[Any, Any, Any]]]  # (start, end, (emissions, masks, rules))

    def annotate(self) -> List[Doc]:
        """Copies of the docs annotated by the pipe at its current entity_bias and temperature."""
        return self.annotate_with_paths()[0]

    def annotate_with_paths(self) -> Tuple[List[Doc], List[Any]]:
        """:meth:`annotate`, and each doc's decoded tag path."""
        out = [doc.copy() for doc in self.docs]
        paths: List[Any] = []
        for start, end, inputs in self.batches:
            predictions = self.pipe.decode(*inputs)
            self.pipe.set_annotations(out[start:end], predictions)
            paths.extend(predictions[0])
        return out, paths


def single_medner(nlp: Language) -> Tuple[str, Any]:
    """The name and the pipe of the pipeline's only medner component."""
    from ..pipeline.medner import MedNER

    found = [(name, pipe) for name, pipe in nlp.pipeline if isinstance(pipe, MedNER)]
    if len(found) != 1:
        raise ValueError(f"needs exactly one medner component, found {len(found)}")
    return found[0]


def has_downstream(nlp: Language) -> bool:
    """Whether components run after the medner pipe (their output would be missing from :meth:`CRFInputs.annotate`)."""
    name, _ = single_medner(nlp)
    return nlp.pipe_names.index(name) < len(nlp.pipe_names) - 1


def crf_inputs(nlp: Language, texts: Sequence[str], batch_size: int = 32) -> CRFInputs:
    """Run ``nlp`` over ``texts`` up to its medner pipe and keep the pipe's inputs."""
    name, pipe = single_medner(nlp)
    after = nlp.pipe_names[nlp.pipe_names.index(name) :]
    with nlp.select_pipes(disable=after):
        docs = list(nlp.pipe(texts, batch_size=batch_size))
    batches = []
    for start in range(0, len(docs), batch_size):
        end = min(start + batch_size, len(docs))
        batches.append((start, end, pipe.lattice_inputs(docs[start:end])))
    if Doc.has_extension("trf_data"):  # the encoder's output is in the emissions now; do not copy it per decode
        for doc in docs:
            doc._.trf_data = None
    return CRFInputs(pipe, docs, batches)
