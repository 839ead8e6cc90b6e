"""Person names replaced token by token, shaped like the original.

A name is split into words, initials, titles and separators.  Each word is
replaced by a Faker first name when it is a known first name and by a last
name otherwise, so ``John Smith``, ``Smith, John``, ``SMITH`` and ``John``
all use the same surrogate for ``John`` and for ``Smith``: the surrogate of a
word depends only on the word (case-folded), never on its position.  Case is
kept per word (``SMITH`` -> ``MILLER``, ``smith`` -> ``miller``); initials
(``J.``, ``JS``) become random capitals with the same punctuation;
separators are kept.

EVERY word inside a name span is replaced, titles and degrees included: by
annotation convention (i2b2) a title or degree lies outside the name span,
so a word inside the span is part of the name -- and many are names too
(``Do``, ``Pa``, ``Sir``, ``Miss``, ``Md``).  ``Dr. Pa Vang`` predicted as
one span becomes ``Kim. Lee Olson``: odd, but nothing of the original is
left.
"""
import re
from functools import lru_cache
from typing import Callable, FrozenSet

from faker.providers.person.en_US import Provider as _EnUsPerson

from .shapes import fit_case

_TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*\.?|\d+|\s+|.", re.DOTALL)

#: ``draw(kind, word)`` returns a surrogate for ``word``: kind is "first", "last" or "initials".
Draw = Callable[[str, str], str]


@lru_cache(maxsize=1)
def first_names() -> FrozenSet[str]:
    """Case-folded en_US first names (Faker's lists)."""
    names = set()
    for attr in ("first_names", "first_names_male", "first_names_female", "first_names_nonbinary"):
        names.update(n.casefold() for n in getattr(_EnUsPerson, attr, ()))
    return frozenset(names)


def is_initials(word: str) -> bool:
    """``J``, ``J.``, ``JS``, ``JFK``: one to three capitals."""
    letters = word.rstrip(".")
    return 1 <= len(letters) <= 3 and letters.isalpha() and letters.isupper() and (len(letters) == 1 or word == letters)


def name_like(text: str, draw: Draw) -> str:
    """``text`` with every name word and initial replaced through ``draw``."""
    out = []
    for match in _TOKEN.finditer(text):
        token = match.group()
        if not token[0].isalpha():
            out.append(draw("digits", token) if token.isdigit() else token)
            continue
        word = token.rstrip(".")
        dot = token[len(word):]
        if is_initials(token):
            out.append(draw("initials", word) + dot)
        else:
            kind = "first" if word.casefold() in first_names() else "last"
            out.append(fit_case(draw(kind, word), word) + dot)
    return "".join(out)
