"""Put ``medner`` into a pipeline you already run, and change its settings there.

spaCy ignores ``config=`` when a component is added with ``source=``; settings
must be given when the source pipeline is loaded. These two helpers do that:

    import spacy, spacy_medner
    host = spacy.load("en_core_web_sm")
    spacy_medner.add_to_pipeline(host, "en_medner", after="ner")   # PHI in doc.spans["medner"]
    spacy_medner.configure(host, "medner", entity_bias=1.0)           # later, on the live pipeline

Settings (see :func:`spacy_medner.pipeline.medner.make_medner`): ``entity_bias``,
``overwrite_ents``, ``set_ents``, ``spans_key``, ``use_patterns``, ``break_at_newlines``,
``require_shapes``.
"""
from pathlib import Path
from typing import Any, Dict, Optional, Union

import spacy
from spacy.language import Language

from .pipeline.medner import SETTINGS, MedNER

#: What a host pipeline gets unless told otherwise: PHI in ``doc.spans["medner"]``,
#: the host's ``doc.ents`` untouched.
HOST_DEFAULTS: Dict[str, Any] = {"set_ents": False}


def _check_settings(settings: Dict[str, Any]) -> Dict[str, Any]:
    """The settings with their values checked and converted; raises ``ValueError`` before any change."""
    unknown = sorted(set(settings) - set(SETTINGS))
    if unknown:
        raise ValueError(f"Unknown medner setting(s) {unknown}; the settings are {list(SETTINGS)}")
    checked: Dict[str, Any] = {}
    for key, value in settings.items():
        if key == "entity_bias":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ValueError(f"entity_bias must be a number, not {type(value).__name__}")
            checked[key] = float(value)
        elif key == "spans_key":
            if not isinstance(value, str) or not value:
                raise ValueError("spans_key must be a non-empty string")
            checked[key] = value
        else:
            if not isinstance(value, bool):
                raise ValueError(f"{key} must be True or False, not {type(value).__name__}")
            checked[key] = value
    return checked


def add_to_pipeline(
    host: Language,
    model: Union[str, Path, Language] = "en_medner",
    *,
    name: str = "medner",
    component: str = "medner",
    before: Optional[Union[str, int]] = None,
    after: Optional[Union[str, int]] = None,
    first: Optional[bool] = None,
    last: Optional[bool] = None,
    **settings: Any,
) -> MedNER:
    """Source the ``medner`` component of ``model`` into ``host`` with ``settings``.

    model: a package name or path (loaded with the settings as config
        overrides), or a loaded pipeline: its component is re-configured and,
        as always with spaCy's ``source=``, the same object then serves both
        pipelines.
    settings: medner settings; unset ones default to :data:`HOST_DEFAULTS`
        (``set_ents=False``: PHI only in ``doc.spans``), then the model's own.
    RETURNS: the added component.
    """
    settings = _check_settings({**HOST_DEFAULTS, **settings})
    if isinstance(model, Language):
        source = model
        configure(source, component, **settings)
    else:
        overrides = {"components": {component: dict(settings)}}
        source = spacy.load(model, config=overrides)
    if "transformer" in source.pipe_names:  # a training output: give medner its own transformer copy
        source.replace_listeners("transformer", component, ["model.tok2vec"])
    host.add_pipe(component, name=name, source=source, before=before, after=after, first=first, last=last)
    return host.get_pipe(name)


def configure(nlp: Language, name: str = "medner", **settings: Any) -> MedNER:
    """Change settings of the ``medner`` pipe ``name`` in ``nlp``, now and in ``nlp.config``.

    ``nlp.to_disk`` then saves them, so a reloaded pipeline has them too.
    """
    settings = _check_settings(settings)
    pipe = nlp.get_pipe(name)
    if not isinstance(pipe, MedNER):
        raise ValueError(f"'{name}' is a {type(pipe).__name__}, not a medner pipe")
    pipe_config = nlp.get_pipe_config(name)
    for key, value in settings.items():
        setattr(pipe, key, value)
        pipe_config[key] = getattr(pipe, key)
    return pipe
