"""Keyed, stable derivation of every random choice the surrogates make.

A surrogate must be the same for the same (patient, kind, original) in every
note, every run and every process, and must not be computable without the
seed.  So each choice is seeded by a keyed BLAKE2b hash of those parts (the
seed is the key); Python's ``hash`` is salted per process and is never used.

The seed is a secret: anyone who knows it (and the code) can recompute a
patient's date shift or test guesses of an original name against its
surrogate.  Use a long random seed for real data and keep it private.
"""
import hashlib
import random
import secrets
from typing import Union

_DOMAIN = b"spacy-medner/deid/v1"
_SEP = "\x1f"


def random_seed() -> str:
    """A fresh secret seed (for runs that need not be reproducible)."""
    return secrets.token_hex(16)


class SurrogateKey:
    """Derives integers and RNGs from a secret seed and a tuple of parts."""

    def __init__(self, seed: Union[str, int]) -> None:
        self._key = hashlib.blake2b(str(seed).encode("utf8"), key=_DOMAIN, digest_size=32).digest()

    def derive(self, *parts: object) -> int:
        """A 64-bit integer determined by the seed and ``parts``."""
        data = _SEP.join(str(p) for p in parts).encode("utf8", "surrogatepass")
        digest = hashlib.blake2b(data, key=self._key, digest_size=8).digest()
        return int.from_bytes(digest, "big")

    def rng(self, *parts: object) -> random.Random:
        """A ``random.Random`` seeded by :meth:`derive`."""
        return random.Random(self.derive(*parts))

    def date_shift(self, patient_id: str, max_days: int) -> int:
        """The patient's date offset in days: in ``[-max_days, max_days]``, never 0."""
        if max_days < 1:
            raise ValueError("max_days must be at least 1")
        value = self.derive("date-shift", patient_id)
        days = 1 + (value >> 1) % max_days
        return days if value & 1 else -days
