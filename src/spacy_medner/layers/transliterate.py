"""Transliteration of the encoder's input: what the bundled English encoder sees of other scripts.

The bundled MiniLM has an English word-piece vocabulary. A note in Amharic reaches it as a
run of ``[UNK]``; one in Bengali as single letters stripped of their vowel signs. Every
token then looks alike to the encoder, and the CRF tags whole sentences as names and
streets. With ``transliterate = true`` in the transformer's config, each letter, mark and
number that is neither ASCII nor Latin is replaced by its ASCII transliteration
(`anyascii <https://pypi.org/project/anyascii/>`_) before word-piece tokenization:
``রাবেয়া`` becomes ``rabey'a``, ``৪৪`` becomes ``44``, ``Петров`` becomes ``Petrov``, ``½``
becomes ``1/2``, and a script's own punctuation becomes ASCII punctuation (``።`` is ``.``).
Latin letters (the tokenizer strips their accents), general punctuation (dashes, quotes) and
symbols are left to the tokenizer's own normalizer, as is a character with no ASCII reading.

Only what the encoder reads changes. The Doc, its tokens and every offset stay the
original text's: the word pieces' character offsets are mapped back to the original
characters, so spacy-transformers aligns them to the same spaCy tokens as before.
"""
import functools
import unicodedata
from typing import List, Optional, Tuple

from anyascii import anyascii
from spacy.tokens import Doc
from spacy_transformers.align import get_alignment, get_alignment_via_offset_mapping
from spacy_transformers.data_classes import FullTransformerBatch, WordpieceBatch
from spacy_transformers.layers.transformer_model import TransformerModel, huggingface_tokenize
from spacy_transformers.layers.transformer_model import forward as upstream_forward
from spacy_transformers.truncate import truncate_oversize_splits
from thinc.api import Model
from transformers import PreTrainedTokenizerFast


def _own_punctuation(char: str) -> bool:
    """Punctuation of a script's own block (``።`` ``،`` ``।`` ``。``), not Latin-1's or the
    General Punctuation and symbol blocks (dashes, quotes, bullets: U+2000 to U+2E7F).
    """
    code = ord(char)
    return unicodedata.category(char)[0] == "P" and (0x0370 <= code < 0x2000 or code >= 0x2E80)


@functools.lru_cache(maxsize=65536)
def _replacement(char: str) -> Optional[str]:
    """The ASCII the encoder reads for ``char``, or None to leave it to the tokenizer."""
    if char.isascii():
        return None
    if unicodedata.category(char)[0] in "LMN":
        if unicodedata.name(char, "").startswith("LATIN"):
            return None
    elif not _own_punctuation(char):
        return None
    replacement = anyascii(char)
    # a character with no ASCII reading (or only a space, like the Ethiopic word space) stays
    return replacement if replacement.strip() else None


def transliterate(text: str) -> Tuple[str, Optional[List[int]]]:
    """``text`` with other scripts transliterated, and for each of its characters the index
    of the original character it comes from; ``(text, None)`` when nothing changes.
    """
    if text.isascii():
        return text, None
    pieces = [_replacement(char) for char in text]
    if all(piece is None for piece in pieces):
        return text, None
    out: List[str] = []
    origin: List[int] = []
    for i, (char, piece) in enumerate(zip(text, pieces)):
        piece = char if piece is None else piece
        out.append(piece)
        origin.extend([i] * len(piece))
    return "".join(out), origin


def tokenize(tokenizer, texts: List[str]):
    """spacy-transformers' ``huggingface_tokenize`` of the transliterated ``texts``, with the
    offset mapping pointing into the original ``texts``.

    Only a fast tokenizer gives the offsets that map word pieces back to the original text; a
    slow one is aligned by its pieces' strings, so it reads the texts as they are.
    """
    if not isinstance(tokenizer, PreTrainedTokenizerFast):
        return huggingface_tokenize(tokenizer, texts)
    results = [transliterate(text) for text in texts]
    encoding = huggingface_tokenize(tokenizer, [text for text, _ in results])
    offsets = encoding["offset_mapping"]
    for row, (_, origin) in enumerate(results):
        if origin is None:
            continue
        for column in range(offsets.shape[1]):
            start, end = offsets[row, column]
            if start < end:  # special and padding pieces are (0, 0)
                offsets[row, column] = (origin[start], origin[end - 1] + 1)
    return encoding


def forward(model: TransformerModel, docs: List[Doc], is_train: bool):
    """spacy-transformers' ``TransformerModel`` forward, reading transliterated span texts
    (without its GPU-memory logging and cache-flushing hooks, which are off by default).
    """
    tokenizer = model.tokenizer
    nested_spans = model.attrs["get_spans"](docs)
    flat_spans = [span for doc_spans in nested_spans for span in doc_spans]
    encoding = tokenize(tokenizer, [span.text for span in flat_spans])
    wordpieces = WordpieceBatch.from_batch_encoding(encoding)
    if "offset_mapping" in encoding:
        align = get_alignment_via_offset_mapping(flat_spans, encoding["offset_mapping"])
    else:
        align = get_alignment(flat_spans, wordpieces.strings, tokenizer.all_special_tokens)
    wordpieces, align = truncate_oversize_splits(wordpieces, align, tokenizer.model_max_length)
    model_output, backprop_tensors = model.layers[0](wordpieces, is_train)
    output = FullTransformerBatch(
        spans=nested_spans, wordpieces=wordpieces, model_output=model_output, align=align
    )

    def backprop(d_output: FullTransformerBatch) -> List[Doc]:
        backprop_tensors(d_output.model_output)
        return docs

    return output, backprop


def set_transliterate(model: Model, on: bool) -> None:
    """Switch transliteration on or off in every transformer inside ``model``."""
    for node in model.walk():
        if isinstance(node, TransformerModel):
            node._func = forward if on else upstream_forward
