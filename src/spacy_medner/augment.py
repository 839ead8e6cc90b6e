"""Training-time data augmentation for clinical notes that keeps entities aligned.

``spacy-medner.ClinicalAugmenter.v1`` is a spaCy augmenter (see
``spacy.training.augment``): for a fraction ``level`` of the training
examples it yields a variant of the example with

- the whole note lower-cased (``lower``) or upper-cased (``upper``), PHI
  included, as terse nursing notes and legacy ALL-CAPS systems write them;
- whitespace noise: an extra space after a token (``whitespace``, per gap
  between two tokens that are not inside the same entity);
- punctuation noise: trailing periods dropped (``drop_period``, per period
  token outside entities that ends a sentence or line).

The reference document is rebuilt token by token, so every entity stays on
the same words (the same tokens, case-changed); tokens whose entity
annotation is missing stay missing.  Noise never touches a token inside an
entity.  Documents with dependency annotation only get the case change
(inserting or deleting tokens would break their trees); tags, POS,
morphology, lemmas and sentence starts are carried over.  ``doc.spans``
groups are not carried over.

As spaCy's own augmenters do, an example that is not augmented is yielded
unchanged, and an augmented one replaces the original unless
``keep_original`` is set, in which case the original is yielded first.
Randomness comes from Python's ``random`` module, which ``spacy train``
seeds from ``[system] seed``.

Config (``[corpora.train]``)::

    [corpora.train.augmenter]
    @augmenters = "spacy-medner.ClinicalAugmenter.v1"
    level = 0.3
    lower = 0.3
    upper = 0.1
    whitespace = 0.03
    drop_period = 0.3
    keep_original = false
"""
import random
from functools import partial
from typing import Callable, Iterator, List, Optional

from spacy.tokens import Doc
from spacy.training import Example
from spacy.util import registry

__all__ = ["clinical_augmenter", "create_clinical_augmenter"]


@registry.augmenters("spacy-medner.ClinicalAugmenter.v1")
def create_clinical_augmenter(
    level: float = 0.3,
    lower: float = 0.3,
    upper: float = 0.1,
    whitespace: float = 0.03,
    drop_period: float = 0.3,
    keep_original: bool = False,
) -> Callable[..., Iterator[Example]]:
    """An augmenter for ``[corpora.train.augmenter]`` (see the module docstring).

    level: probability that an example is augmented at all.
    lower, upper: given an augmented example, the probabilities of
        lower-casing or upper-casing the whole note (``lower + upper <= 1``).
    whitespace: per gap between tokens, the probability of an extra space.
    drop_period: per sentence- or line-final period outside entities, the
        probability of dropping it.
    keep_original: also yield the original example (before the variant).
    """
    for name, value in (("level", level), ("lower", lower), ("upper", upper), ("whitespace", whitespace), ("drop_period", drop_period)):
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"{name} must be a probability in [0, 1], got {value}")
    if lower + upper > 1.0:
        raise ValueError(f"lower + upper must be <= 1, got {lower} + {upper}")
    return partial(
        clinical_augmenter,
        level=level,
        lower=lower,
        upper=upper,
        whitespace=whitespace,
        drop_period=drop_period,
        keep_original=keep_original,
    )


def clinical_augmenter(
    nlp,
    example: Example,
    *,
    level: float = 0.3,
    lower: float = 0.3,
    upper: float = 0.1,
    whitespace: float = 0.03,
    drop_period: float = 0.3,
    keep_original: bool = False,
) -> Iterator[Example]:
    if level <= 0 or random.random() >= level:  # level 0: no random draw, so training is as without an augmenter
        yield example
        return
    if keep_original:
        yield example
    r = random.random()
    case = "lower" if r < lower else "upper" if r < lower + upper else None
    yield make_clinical_variant(nlp, example, case=case, whitespace=whitespace, drop_period=drop_period)


def make_clinical_variant(
    nlp,
    example: Example,
    *,
    case: Optional[str] = None,
    whitespace: float = 0.0,
    drop_period: float = 0.0,
    rng: Optional[random.Random] = None,
) -> Example:
    """A variant of ``example`` (case ``None``/``"lower"``/``"upper"``) with the same entities on the same words."""
    rng = rng or random  # type: ignore[assignment]
    ref = example.reference
    structural = not ref.has_annotation("DEP")
    has = {attr: ref.has_annotation(attr) for attr in ("TAG", "POS", "MORPH", "LEMMA")}
    has_sents = ref.has_annotation("SENT_START")
    n = len(ref)

    def inside(i: int) -> bool:
        """Token ``i`` continues an entity (or its annotation is missing)."""
        return ref[i].ent_iob_ in ("I", "")

    drop = [False] * n
    if structural and drop_period:
        for i, tok in enumerate(ref):
            if tok.text != "." or tok.ent_iob_ != "O" or i == 0:
                continue
            last = i == n - 1
            ends_line = (not last and ref[i + 1].is_space) or "\n" in tok.whitespace_
            if not (last or ends_line or tok.whitespace_):
                continue  # "3.5" split oddly, "e.g." ...: keep
            if has_sents and (tok.is_sent_start and i > 0):
                continue
            if rng.random() < drop_period:
                drop[i] = True

    words: List[str] = []
    spaces: List[bool] = []
    ents: List[Optional[str]] = []
    tags: List[str] = []
    pos: List[str] = []
    morphs: List[str] = []
    lemmas: List[str] = []
    sent_starts: List[Optional[bool]] = []

    def recase(text: str) -> str:
        if case == "lower":
            return text.lower()
        if case == "upper":
            return text.upper()
        return text

    def iob(tok) -> Optional[str]:
        if tok.ent_iob_ == "":
            return None
        if tok.ent_iob_ == "O":
            return "O"
        return f"{tok.ent_iob_}-{tok.ent_type_}"

    for i, tok in enumerate(ref):
        if drop[i]:
            if tok.whitespace_ and spaces and not spaces[-1]:
                spaces[-1] = True  # "word." + " " -> "word" + " "
            continue
        words.append(recase(tok.text))
        spaces.append(bool(tok.whitespace_))
        ents.append(iob(tok))
        tags.append(tok.tag_)
        pos.append(tok.pos_)
        morphs.append(str(tok.morph))
        lemmas.append(recase(tok.lemma_))
        sent_starts.append(None if not has_sents else bool(tok.is_sent_start))
        gap_ok = (
            structural
            and whitespace
            and tok.whitespace_ == " "
            and not tok.is_space
            and i + 1 < n
            and not inside(i + 1)
            and not ref[i + 1].is_space
        )
        if gap_ok and rng.random() < whitespace:
            words.append(" ")
            spaces.append(False)
            ents.append("O" if tok.ent_iob_ != "" else None)
            tags.append("_SP")
            pos.append("SPACE")
            morphs.append("")
            lemmas.append(" ")
            sent_starts.append(None if not has_sents else False)
    kwargs = {}
    if has["TAG"]:
        kwargs["tags"] = tags
    if has["POS"]:
        kwargs["pos"] = pos
    if has["MORPH"]:
        kwargs["morphs"] = morphs
    if has["LEMMA"]:
        kwargs["lemmas"] = lemmas
    if has_sents:
        kwargs["sent_starts"] = sent_starts
    if not structural:  # case change only: keep the trees
        kwargs["heads"] = [t.head.i for t in ref]
        kwargs["deps"] = [t.dep_ for t in ref]
    reference = Doc(ref.vocab, words=words, spaces=spaces, ents=ents, **kwargs)
    predicted = nlp.make_doc(reference.text)
    return Example(predicted, reference)
