"""Data plumbing shared by the peer benchmarks: CoNLL word-TAB-IOB files, spaCy conversion,
first-subtoken label alignment for the Hugging Face recipe, and strict entity scoring.

Everything here is corpus-agnostic: label sets come from the data, paths from the caller.
The CoNLL files are read where they lie (or copied to a temporary folder): never into the repo.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from spacy.scorer import Scorer
from spacy.tokens import Doc, DocBin
from spacy.training import Example, biluo_tags_to_spans, iob_to_biluo
from spacy.vocab import Vocab

Sentence = Tuple[List[str], List[str]]  # (words, IOB tags)
IGNORE_INDEX = -100


class ConllFormatError(ValueError):
    """A CoNLL line that is not `word<whitespace>...TAG`."""


def read_conll(path: Path) -> List[Sentence]:
    """Sentences of a token-per-line file: word first column, IOB tag last column, blank line between
    sentences; `-DOCSTART-` lines are skipped. Raises ConllFormatError naming file and line."""
    sentences: List[Sentence] = []
    words: List[str] = []
    tags: List[str] = []
    with Path(path).open(encoding="utf8") as handle:
        for line_no, line in enumerate(handle, start=1):
            cols = line.split()
            if not cols:
                if words:
                    sentences.append((words, tags))
                    words, tags = [], []
                continue
            if cols[0] == "-DOCSTART-":
                continue
            if len(cols) < 2:
                raise ConllFormatError(f"{path}:{line_no}: expected 'word<TAB>TAG', found {len(cols)} column(s)")
            tag = cols[-1]
            if tag != "O" and not (len(tag) > 2 and tag[:2] in ("B-", "I-")):
                raise ConllFormatError(f"{path}:{line_no}: tag {tag!r} is not O, B-<label> or I-<label>")
            words.append(cols[0])
            tags.append(tag)
    if words:
        sentences.append((words, tags))
    return sentences


def write_conll(sentences: Iterable[Sentence], path: Path) -> None:
    """Write sentences as `word<TAB>TAG` lines with a blank line after each sentence."""
    with Path(path).open("w", encoding="utf8") as handle:
        for words, tags in sentences:
            for word, tag in zip(words, tags):
                handle.write(f"{word}\t{tag}\n")
            handle.write("\n")


def count_words(sentences: Sequence[Sentence]) -> int:
    return sum(len(words) for words, _ in sentences)


def entity_labels(sentences: Iterable[Sentence]) -> List[str]:
    """Sorted entity labels found in the tags (the label set comes from the data)."""
    return sorted({tag[2:] for _, tags in sentences for tag in tags if tag != "O"})


def iob_tag_list(labels: Sequence[str]) -> List[str]:
    """`O` then `B-`/`I-` per label: the classifier's output space."""
    return ["O"] + [f"{prefix}-{label}" for label in labels for prefix in ("B", "I")]


def spacy_convert(conll_path: Path, out_dir: Path, n_sents: int = 10) -> Path:
    """Run spaCy's own converter (`python -m spacy convert FILE OUTDIR -c ner -n N`).
    Its conll_ner reader splits columns on any whitespace, so `word<TAB>TAG` lines work as they are."""
    out_dir.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "spacy", "convert", str(conll_path), str(out_dir), "-c", "ner", "-n", str(n_sents)]
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["(no message)"])[-1]
        raise RuntimeError(f"spacy convert failed on {conll_path}: {last}")
    out = out_dir / (Path(conll_path).stem + ".spacy")
    if not out.exists():
        raise RuntimeError(f"spacy convert wrote no {out}")
    return out


def load_docs(path: Path, vocab: Optional[Vocab] = None) -> List[Doc]:
    return list(DocBin().from_disk(path).get_docs(vocab or Vocab()))


def align_first_subtoken(word_ids: Sequence[Optional[int]], word_label_ids: Sequence[int]) -> List[int]:
    """Label each sub-token of one encoded sentence: the word's label on its first sub-token,
    IGNORE_INDEX (-100) on special tokens and on every later sub-token of the same word.
    `word_ids` is what a fast tokenizer's `BatchEncoding.word_ids()` returns."""
    labels: List[int] = []
    previous: Optional[int] = None
    for word_id in word_ids:
        if word_id is None or word_id == previous:
            labels.append(IGNORE_INDEX)
        else:
            labels.append(word_label_ids[word_id])
        previous = word_id
    return labels


def first_subtoken_predictions(word_ids: Sequence[Optional[int]], token_label_ids: Sequence[int], n_words: int,
                               outside: int = 0) -> List[int]:
    """Per-word predictions from per-sub-token argmax: the first sub-token's label. A word whose
    sub-tokens were all truncated away gets `outside`."""
    out = [outside] * n_words
    seen = set()
    for word_id, label_id in zip(word_ids, token_label_ids):
        if word_id is not None and word_id not in seen:
            seen.add(word_id)
            out[word_id] = int(label_id)
    return out


def doc_sentence_lengths(doc: Doc) -> List[int]:
    """Token counts of the sentences of a converted doc (the converter marks sentence starts)."""
    return [len(sent) for sent in doc.sents]


def docs_with_predicted_tags(gold_docs: Sequence[Doc], word_tags: Sequence[Sequence[str]]) -> List[Doc]:
    """Copies of the gold docs' words carrying predicted entities from word-level IOB tags.
    `word_tags` holds one tag list per sentence, in the order of the docs' sentences.
    Decoding is conlleval-style: a stray `I-X` (after O or another type) starts an entity."""
    predicted: List[Doc] = []
    cursor = 0
    for gold in gold_docs:
        tags: List[str] = []
        for length in doc_sentence_lengths(gold):
            sent_tags = list(word_tags[cursor])
            if len(sent_tags) != length:
                raise ValueError(f"sentence {cursor}: {len(sent_tags)} predicted tags for {length} words")
            tags.extend(sent_tags)
            cursor += 1
        doc = Doc(gold.vocab, words=[t.text for t in gold], spaces=[bool(t.whitespace_) for t in gold])
        doc.ents = biluo_tags_to_spans(doc, iob_to_biluo(tags))
        predicted.append(doc)
    if cursor != len(word_tags):
        raise ValueError(f"{len(word_tags)} predicted sentences for {cursor} gold sentences")
    return predicted


def score_entities(predicted: Sequence[Doc], gold: Sequence[Doc]) -> Dict[str, object]:
    """Strict (exact boundaries and label) entity P/R/F, overall and per label, with spaCy's Scorer:
    the scorer `nlp.evaluate` uses for the spaCy systems. Values are percentages."""
    examples = [Example(p, g) for p, g in zip(predicted, gold)]
    scores = Scorer.score_spans(examples, "ents")
    unaligned = sum(1 for p, g in zip(predicted, gold) for e in p.ents
                    if g.char_span(e.start_char, e.end_char) is None)
    result = _percent(scores, unaligned)
    result["char_spans"] = score_char_spans(predicted, gold)
    return result


def score_char_spans(predicted: Sequence[Doc], gold: Sequence[Doc]) -> Dict[str, object]:
    """Strict entity P/R/F on (start_char, end_char, label) triples, per doc pair: unlike the Scorer,
    a predicted span whose boundaries fall inside a gold token counts as a false positive."""
    tp: Dict[str, int] = {}
    n_pred: Dict[str, int] = {}
    n_gold: Dict[str, int] = {}
    for p, g in zip(predicted, gold):
        pred = {(e.start_char, e.end_char, e.label_) for e in p.ents}
        ref = {(e.start_char, e.end_char, e.label_) for e in g.ents}
        for _, _, label in pred:
            n_pred[label] = n_pred.get(label, 0) + 1
        for _, _, label in ref:
            n_gold[label] = n_gold.get(label, 0) + 1
        for _, _, label in pred & ref:
            tp[label] = tp.get(label, 0) + 1

    def prf(t: int, n_p: int, n_g: int) -> Dict[str, float]:
        p_ = t / n_p if n_p else 0.0
        r_ = t / n_g if n_g else 0.0
        f_ = 2 * p_ * r_ / (p_ + r_) if p_ + r_ else 0.0
        return {"p": round(100 * p_, 2), "r": round(100 * r_, 2), "f": round(100 * f_, 2)}

    labels = sorted(set(n_pred) | set(n_gold))
    overall = prf(sum(tp.values()), sum(n_pred.values()), sum(n_gold.values()))
    overall["per_label"] = {lab: prf(tp.get(lab, 0), n_pred.get(lab, 0), n_gold.get(lab, 0)) for lab in labels}
    return overall


def _percent(scores: Dict[str, object], unaligned: int = 0) -> Dict[str, object]:
    def pct(value: Optional[float]) -> Optional[float]:
        return None if value is None else round(100.0 * float(value), 2)

    per_type = scores.get("ents_per_type") or {}
    return {
        "p": pct(scores.get("ents_p")),
        "r": pct(scores.get("ents_r")),
        "f": pct(scores.get("ents_f")),
        "per_label": {label: {k: pct(v) for k, v in prf.items()} for label, prf in sorted(per_type.items())},
        "predicted_spans_off_gold_token_boundaries": unaligned,
    }
