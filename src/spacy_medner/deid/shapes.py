"""Format-preserving replacement and case fitting.

:func:`same_shape` replaces every digit by a random digit and every letter
by a random ASCII letter of the same case, keeping punctuation, spaces and
length (``MRN 044-17-220`` -> ``XQB 071-93-518``): identifiers, phone
numbers and ZIP codes keep their layout and validity for parsers.
"""
import random
import re
import string

_WS = re.compile(r"\s+")


def normalise(text: str) -> str:
    """The consistency key of an original: case-folded, whitespace runs collapsed."""
    return _WS.sub(" ", text).strip().casefold()


def same_shape(text: str, rng: random.Random) -> str:
    """Random digits for digits and letters for letters (same case); the rest kept.

    A digit run keeps a leading zero and never gains one, so numbers keep
    their magnitude.
    """
    out = []
    prev_digit = False
    for ch in text:
        if ch.isdigit():
            if not prev_digit and ch != "0":
                out.append(rng.choice("123456789"))
            else:
                out.append(rng.choice(string.digits) if prev_digit else "0")
            prev_digit = True
            continue
        prev_digit = False
        if ch.isalpha():
            if ch.isupper():
                out.append(rng.choice(string.ascii_uppercase))
            elif ch.islower():
                out.append(rng.choice(string.ascii_lowercase))
            else:  # letters without case (CJK, ...)
                out.append(rng.choice(string.ascii_lowercase))
        else:
            out.append(ch)
    return "".join(out)


def fit_case(surrogate: str, original: str) -> str:
    """Give ``surrogate`` the case style of ``original``: UPPER, lower or as generated."""
    letters = [c for c in original if c.isalpha()]
    if not letters:
        return surrogate
    if all(c.isupper() for c in letters) and len(letters) > 1:
        return surrogate.upper()
    if all(c.islower() for c in letters):
        return surrogate.lower()
    return surrogate


def has_alnum(text: str) -> bool:
    return any(c.isalnum() for c in text)
