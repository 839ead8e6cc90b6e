"""Score predicted documents against gold documents (no model involved).

:func:`score_docs` is the entry point used by ``evaluate`` and by the
de-identification step. It computes, on character offsets:

- ``strict``: exact (start, end, label) entity matches, per label, micro, macro;
- ``relaxed``: i2b2 2014 relaxed matches (same label and start, end within 2
  characters, see :mod:`.matching`);
- ``token``: binary token-level PHI precision/recall and per-label token
  recall (see :mod:`.token_level`);
- ``hipaa``: the three above restricted to :data:`~spacy_medner.labels.HIPAA_TYPES`
  (or a reason why they do not apply);
- ``structured``: the same restricted to :data:`~spacy_medner.labels.STRUCTURED_TYPES`
  (EMAIL, URL, IPADDR, SSN, PHONE, FAX, ZIP, DATE, AGE: the PHI with a shape);
- ``spacy_scorer``: spaCy's own :func:`spacy.scorer.get_ner_prf` on
  ``Example(predicted, gold)`` pairs as a cross-check of ``strict``. They agree
  whenever the predictions' entity boundaries fall on gold token boundaries;
  spaCy maps a prediction onto gold tokens through the alignment, so with a
  different tokenizer the two can differ, and ``strict`` (characters) is the
  number to trust.
"""
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence, Set

from spacy.scorer import PRFScore, get_ner_prf
from spacy.tokens import Doc
from spacy.training import Example

from ..labels import HIPAA_TYPES, STRUCTURED_TYPES
from ..spans import CharSpan
from .entities import doc_entities, doc_name, filter_entities
from .hipaa import hipaa_applicability
from .matching import MatchResult, relaxed_match, strict_match
from .prf import add_match_counts, summarize
from .token_level import TokenCounts, add_token_counts

#: Two scores "agree" when they differ by less than this.
AGREEMENT_TOLERANCE = 1e-9


@dataclass
class DocComparison:
    """One document's gold and predicted entities and their matchings."""

    index: int
    name: str
    gold: List[CharSpan]
    pred: List[CharSpan]
    strict: MatchResult
    relaxed: MatchResult

    @property
    def has_errors(self) -> bool:
        """True when some entity is not strictly matched."""
        return bool(self.strict.false_negatives or self.strict.false_positives)


def check_pairs(gold_docs: Sequence[Doc], pred_docs: Sequence[Doc]) -> None:
    """Raise ValueError unless the docs pair up one-to-one with identical texts."""
    if len(gold_docs) != len(pred_docs):
        raise ValueError(
            f"{len(gold_docs)} gold docs but {len(pred_docs)} predicted docs; they must pair up"
        )
    for i, (gold, pred) in enumerate(zip(gold_docs, pred_docs)):
        if gold.text != pred.text:
            raise ValueError(
                f"{doc_name(gold, i)}: the predicted doc's text differs from the gold text "
                f"({len(pred.text)} vs {len(gold.text)} characters); scores need the same text"
            )


def compare_docs(gold_docs: Sequence[Doc], pred_docs: Sequence[Doc]) -> List[DocComparison]:
    """Strict and relaxed matchings of every document pair."""
    check_pairs(gold_docs, pred_docs)
    comparisons = []
    for i, (gold_doc, pred_doc) in enumerate(zip(gold_docs, pred_docs)):
        gold, pred = doc_entities(gold_doc), doc_entities(pred_doc)
        comparisons.append(
            DocComparison(
                index=i,
                name=doc_name(gold_doc, i),
                gold=gold,
                pred=pred,
                strict=strict_match(gold, pred),
                relaxed=relaxed_match(gold, pred),
            )
        )
    return comparisons


def _score_block(
    gold_docs: Sequence[Doc],
    comparisons: Sequence[DocComparison],
    subset: Optional[Set[str]] = None,
) -> Dict[str, Any]:
    """Strict, relaxed and token metrics, optionally restricted to ``subset`` labels."""
    strict: Dict[str, PRFScore] = {}
    relaxed: Dict[str, PRFScore] = {}
    tokens = TokenCounts()
    keep = sorted(subset) if subset is not None else None
    for gold_doc, comp in zip(gold_docs, comparisons):
        if subset is None:
            add_match_counts(strict, comp.strict)
            add_match_counts(relaxed, comp.relaxed)
        else:
            gold, pred = filter_entities(comp.gold, keep), filter_entities(comp.pred, keep)
            add_match_counts(strict, strict_match(gold, pred))
            add_match_counts(relaxed, relaxed_match(gold, pred))
        add_token_counts(tokens, gold_doc, comp.gold, comp.pred, subset=subset)
    return {
        "strict": summarize(strict),
        "relaxed": summarize(relaxed),
        "token": tokens.to_dict(),
    }


def spacy_scorer_check(
    gold_docs: Sequence[Doc], pred_docs: Sequence[Doc], strict: Dict[str, Any]
) -> Dict[str, Any]:
    """spaCy's ``get_ner_prf`` on the same pairs, and whether it agrees with ``strict``."""
    examples = [Example(pred, gold) for gold, pred in zip(gold_docs, pred_docs)]
    scores = get_ner_prf(examples)
    skipped = sum(1 for gold in gold_docs if not gold.has_annotation("ENT_IOB"))
    micro = strict["micro"]
    if scores["ents_p"] is None:
        agrees = micro["tp"] + micro["fp"] + micro["fn"] == 0
    else:
        pairs = [(scores["ents_p"], micro["p"]), (scores["ents_r"], micro["r"]), (scores["ents_f"], micro["f"])]
        per_type = scores["ents_per_type"] or {}
        for label in set(per_type) | set(strict["per_label"]):
            theirs = per_type.get(label, {"p": 0.0, "r": 0.0, "f": 0.0})
            ours = strict["per_label"].get(label, {"p": 0.0, "r": 0.0, "f": 0.0})
            pairs.extend((theirs[k], ours[k]) for k in ("p", "r", "f"))
        agrees = all(abs(a - b) < AGREEMENT_TOLERANCE for a, b in pairs)
    return {
        "ents_p": scores["ents_p"],
        "ents_r": scores["ents_r"],
        "ents_f": scores["ents_f"],
        "ents_per_type": scores["ents_per_type"],
        "agrees_with_strict": agrees,
        "gold_docs_without_ent_annotation": skipped,
    }


def score_comparisons(
    gold_docs: Sequence[Doc],
    pred_docs: Sequence[Doc],
    comparisons: Sequence[DocComparison],
    hipaa: bool = True,
) -> Dict[str, Any]:
    """The metrics dict of :func:`score_docs` from precomputed comparisons."""
    labels = sorted({e.label for c in comparisons for e in (*c.gold, *c.pred)})
    metrics: Dict[str, Any] = {
        "n_docs": len(gold_docs),
        "n_words": sum(len(doc) for doc in gold_docs),
        "n_gold_entities": sum(len(c.gold) for c in comparisons),
        "n_pred_entities": sum(len(c.pred) for c in comparisons),
        "docs_with_errors": sum(1 for c in comparisons if c.has_errors),
        "labels": labels,
    }
    metrics.update(_score_block(gold_docs, comparisons))
    if hipaa:
        applicable, reason = hipaa_applicability(labels)
        for key, subset in (("hipaa", HIPAA_TYPES), ("structured", STRUCTURED_TYPES)):
            if applicable:
                block = {"applicable": True, "labels": list(subset)}
                block.update(_score_block(gold_docs, comparisons, subset=set(subset)))
            else:
                block = {"applicable": False, "reason": reason}
            metrics[key] = block
    metrics["spacy_scorer"] = spacy_scorer_check(gold_docs, pred_docs, metrics["strict"])
    return metrics


def score_docs(
    gold_docs: Sequence[Doc], pred_docs: Sequence[Doc], hipaa: bool = True
) -> Dict[str, Any]:
    """Entity and token metrics of ``pred_docs`` against ``gold_docs`` (paired by position).

    The docs must have the same texts; tokenization may differ. Returns a
    JSON-serialisable dict (see the module docstring for its blocks).
    """
    gold_docs, pred_docs = list(gold_docs), list(pred_docs)
    comparisons = compare_docs(gold_docs, pred_docs)
    return score_comparisons(gold_docs, pred_docs, comparisons, hipaa=hipaa)
