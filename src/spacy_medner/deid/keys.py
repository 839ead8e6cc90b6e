"""The secret key of the surrogates: where it comes from, and how it is used.

A surrogate must be the same for the same (patient, kind, original) in every
note, every run and every process, and must not be computable without the
key.  So each choice is seeded by a keyed BLAKE2b hash of those parts (the
key is the key); Python's ``hash`` is salted per process and is never used.

The key is a secret: anyone who knows it (and the code) can recompute a
patient's date shift or test guesses of an original name against its
surrogate.  Use a long random key for real data (``python -c "import secrets;
print(secrets.token_hex(32))"``) and keep it private.

Where the command line gets it (:func:`resolve_key`), in this order:

1. ``--key-file PATH``: the file's text, surrounding whitespace removed;
2. ``--seed VALUE``: still accepted, with a warning: a command line is
   visible to every user in ``ps`` and lands in the shell history;
3. the environment variable ``--key-env NAME`` (default
   :data:`DEFAULT_KEY_ENV`), surrounding whitespace removed; naming one
   with ``--key-env`` that is not set is an error;
4. none: a random key (the run says so; its output cannot be reproduced).

An empty key is refused; one shorter than :data:`MIN_KEY_LENGTH` characters
gets a warning.  No message ever shows the key or any part of it.
"""
import hashlib
import os
import random
import secrets
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Mapping, Optional, Union

_DOMAIN = b"spacy-medner/deid/v1"
_SEP = "\x1f"
DEFAULT_KEY_ENV = "MEDNER_DEID_KEY"
MIN_KEY_LENGTH = 16


class KeyProblem(ValueError):
    """The key cannot be used (the message names where it came from, never the key)."""


def random_seed() -> str:
    """A fresh secret key (for runs that need not be reproducible)."""
    return secrets.token_hex(16)


def check_key(key: Union[str, int, bytes]) -> None:
    """Raise :class:`KeyProblem` for an empty (or whitespace-only) key."""
    if isinstance(key, (str, bytes)) and not key.strip():
        raise KeyProblem("the surrogate key is empty")


@dataclass
class ResolvedKey:
    """A key and where it came from (``source`` is safe to print; ``key`` never is)."""

    key: Optional[str]
    source: str
    warnings: List[str] = field(default_factory=list)

    @property
    def is_random(self) -> bool:
        return self.key is None


def _short_warning(key: str, source: str) -> List[str]:
    if len(key) < MIN_KEY_LENGTH:
        return [
            f"the key from {source} is shorter than {MIN_KEY_LENGTH} characters: it can be guessed; "
            "use a long random one (python -c \"import secrets; print(secrets.token_hex(32))\")"
        ]
    return []


def resolve_key(
    key_file: Optional[Path] = None,
    key_env: Optional[str] = None,
    seed: Optional[str] = None,
    environ: Optional[Mapping[str, str]] = None,
) -> ResolvedKey:
    """The key of a command-line run (see the module's notes); :class:`KeyProblem` when unusable.

    ``key_env`` None means "not given": :data:`DEFAULT_KEY_ENV` is read if set.
    """
    environ = os.environ if environ is None else environ
    given = [name for name, value in (("--key-file", key_file), ("--key-env", key_env), ("--seed", seed)) if value is not None]
    if len(given) > 1:
        raise KeyProblem(f"give one key source, not {' and '.join(given)}")
    if key_file is not None:
        source = f"--key-file {key_file}"
        try:
            data = Path(key_file).read_bytes()
            mode = os.stat(key_file).st_mode
        except OSError as err:
            raise KeyProblem(f"{source}: cannot read ({err.strerror or type(err).__name__})") from None
        try:
            key = data.decode("utf-8").strip()
        except UnicodeDecodeError:
            raise KeyProblem(f"{source}: not UTF-8 text") from None
        if not key:
            raise KeyProblem(f"{source}: the key is empty")
        warnings = _short_warning(key, source)
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            warnings.append(f"{source}: the file is readable by other users; chmod 600 it")
        return ResolvedKey(key, source, warnings)
    if seed is not None:
        source = "--seed"
        if not seed.strip():
            raise KeyProblem("--seed: the key is empty")
        warnings = [
            "--seed puts the key on the command line, where other users see it (ps) and the shell history "
            f"keeps it; use --key-file PATH or the environment variable {DEFAULT_KEY_ENV}"
        ]
        return ResolvedKey(seed, source, warnings + _short_warning(seed, source))
    name = key_env if key_env is not None else DEFAULT_KEY_ENV
    source = f"environment variable {name}"
    value = environ.get(name)
    if value is None:
        if key_env is not None:
            raise KeyProblem(f"--key-env {name}: the environment variable is not set")
        return ResolvedKey(None, "random")
    key = value.strip()
    if not key:
        raise KeyProblem(f"{source}: the key is empty")
    return ResolvedKey(key, source, _short_warning(key, source))


class SurrogateKey:
    """Derives integers and RNGs from a secret key and a tuple of parts."""

    def __init__(self, seed: Union[str, int, bytes]) -> None:
        material = seed if isinstance(seed, bytes) else str(seed).encode("utf8", "surrogatepass")
        self._key = hashlib.blake2b(material, key=_DOMAIN, digest_size=32).digest()

    def __repr__(self) -> str:  # never show the key
        return "SurrogateKey(<secret>)"

    def derive(self, *parts: object) -> int:
        """A 64-bit integer determined by the key and ``parts``."""
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
