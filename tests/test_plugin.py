"""medner is self-contained after packaging and plugs into another pipeline."""
import spacy
from spacy.training import Example
from thinc.api import fix_random_seed

from spacy_medner.packaging import make_self_contained

TRAIN = [
    ("Seen by Dr. Alvarez on 2091-03-02 for chest pain.", [(8, 19, "DOCTOR"), (23, 33, "DATE")]),
    ("Follow up with Dr. Chen on 2091-04-11. Doing well.", [(15, 23, "DOCTOR"), (27, 37, "DATE")]),
]


def _trained_transformer_pipeline(make_nlp, model_dir, tmp_path):
    fix_random_seed(0)
    nlp = make_nlp(str(model_dir))
    examples = [Example.from_dict(nlp.make_doc(t), {"entities": e}) for t, e in TRAIN]
    nlp.initialize(get_examples=lambda: examples)
    optimizer = nlp.create_optimizer()
    for _ in range(3):
        nlp.update(examples, sgd=optimizer)
    path = tmp_path / "model"
    nlp.to_disk(path)
    return nlp, path


def test_self_contained_medner_keeps_predictions(make_transformer_medner_nlp, tiny_transformer_dir, tmp_path):
    nlp, path = _trained_transformer_pipeline(make_transformer_medner_nlp, tiny_transformer_dir, tmp_path)
    contained = make_self_contained(path)
    assert contained.pipe_names == ["medner"]
    assert "transformer" not in contained.component_names
    texts = [t for t, _ in TRAIN] + ["Nothing here."]
    for text in texts:
        before = nlp(text)
        after = contained(text)
        assert [(e.start_char, e.end_char, e.label_) for e in after.ents] == [
            (e.start_char, e.end_char, e.label_) for e in before.ents
        ]
        assert list(after.spans["medner"].attrs["scores"]) == list(before.spans["medner"].attrs["scores"])
    # and it survives a disk round trip on its own
    contained.to_disk(tmp_path / "contained")
    reloaded = spacy.load(tmp_path / "contained")
    assert reloaded.pipe_names == ["medner"]
    assert [e.text for e in reloaded(texts[0]).ents] == [e.text for e in contained(texts[0]).ents]


def test_plugs_into_host_pipeline_without_breaking_it(make_transformer_medner_nlp, tiny_transformer_dir, tmp_path):
    _, path = _trained_transformer_pipeline(make_transformer_medner_nlp, tiny_transformer_dir, tmp_path)
    contained = make_self_contained(path)
    host = spacy.blank("en")
    host.add_pipe("sentencizer")
    host.add_pipe("medner", source=contained)
    assert host.pipe_names == ["sentencizer", "medner"]
    doc = host("Seen by Dr. Alvarez on 2091-03-02. Follow up in two weeks.")
    assert len(list(doc.sents)) == 2  # the host's own component still works
    assert "medner" in doc.spans
    expected = contained("Seen by Dr. Alvarez on 2091-03-02. Follow up in two weeks.")
    assert [(e.start_char, e.end_char, e.label_) for e in doc.ents] == [
        (e.start_char, e.end_char, e.label_) for e in expected.ents
    ]
    # the host round-trips to disk with the sourced component
    host.to_disk(tmp_path / "host")
    again = spacy.load(tmp_path / "host")
    assert again.pipe_names == ["sentencizer", "medner"]
