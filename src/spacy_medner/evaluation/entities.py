"""Entities as character spans (:class:`~spacy_medner.spans.CharSpan`), and gold-label mapping.

All scoring in this package compares ``(start, end, label)`` character spans
rather than token indices, so a model whose tokenizer differs from the one
that built the gold DocBin is still scored correctly.
"""
from typing import Iterable, List, Optional, Sequence, Tuple

from spacy.tokens import Doc

from ..labels import CATEGORIES, LABEL_SCHEMES, TYPES, map_label
from ..spans import CharSpan


def doc_entities(doc: Doc) -> List[CharSpan]:
    """The entities of ``doc.ents`` as character-offset triples, in text order."""
    return sorted(CharSpan(ent.start_char, ent.end_char, ent.label_) for ent in doc.ents)


def doc_name(doc: Doc, index: int) -> str:
    """How reports and messages name a document: its ``note_id`` or its index."""
    note_id = doc.user_data.get("note_id") if doc.user_data else None
    return str(note_id) if note_id else f"doc #{index}"


def filter_entities(entities: Iterable[CharSpan], labels: Optional[Sequence[str]]) -> List[CharSpan]:
    """Keep the entities whose label is in ``labels`` (all of them when None)."""
    if labels is None:
        return list(entities)
    keep = set(labels)
    return [e for e in entities if e.label in keep]


def map_gold_label(label: str, scheme: str) -> Optional[str]:
    """Map one gold label to ``scheme``; None means the scheme drops it.

    Gold labels must be i2b2 TYPEs, except that with the ``category`` scheme a
    label that already is a category passes through unchanged.
    """
    if scheme not in LABEL_SCHEMES:
        raise ValueError(f"Unknown label scheme {scheme!r}; expected one of {LABEL_SCHEMES}")
    if label in TYPES:
        return map_label(label, scheme)
    if scheme == "category" and label in CATEGORIES:
        return label
    raise ValueError(
        f"gold label {label!r} is not an i2b2 TYPE, so it cannot be mapped to the "
        f"{scheme!r} scheme"
    )


def map_gold_docs(docs: Sequence[Doc], scheme: str) -> Tuple[List[Doc], int]:
    """Copies of ``docs`` with their entity labels mapped to ``scheme``.

    Returns the new docs and the number of gold entities the scheme dropped
    (``hipaa`` drops the non-HIPAA TYPEs). A label that cannot be mapped raises
    ValueError naming the document, offsets and label (never the text).
    """
    mapped_docs: List[Doc] = []
    dropped = 0
    for i, doc in enumerate(docs):
        new_doc = doc.copy()
        new_ents = []
        for ent in new_doc.ents:
            try:
                new_label = map_gold_label(ent.label_, scheme)
            except ValueError as err:
                raise ValueError(
                    f"{doc_name(doc, i)}, entity at {ent.start_char}-{ent.end_char}: {err}"
                ) from None
            if new_label is None:
                dropped += 1
                continue
            new_ents.append(new_doc.char_span(ent.start_char, ent.end_char, label=new_label))
        new_doc.ents = new_ents
        mapped_docs.append(new_doc)
    return mapped_docs, dropped
