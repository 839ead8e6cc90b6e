"""BILUO tags for a linear-chain CRF: the tag inventory, its constraints, the tag sets the pipe uses.

Tag index order: for ``L`` labels there are ``K = 4 * L + 1`` tags. Index 0 is
``O``; label ``k`` (0-based, in the order the pipe stores its labels) owns
indices ``1 + 4k + {0, 1, 2, 3}`` for ``B``, ``I``, ``L``, ``U``. So with
labels ``("DATE", "NAME")``: ``O, B-DATE, I-DATE, L-DATE, U-DATE, B-NAME, ...``.

Constraints: BILUO forbids some transitions (``O → I-X``, ``B-X → O``,
``B-X → I-Y`` ...), ``I``/``L`` at the start and ``B``/``I`` at the end.
:func:`biluo_constraints` gives them as boolean masks; the lattice turns a
forbidden score into −inf, so an invalid sequence has probability exactly 0.
"""
from typing import List, Sequence, Tuple

import numpy

#: offsets of a label's tags from its first index: B, I, L, U
B_, I_, L_, U_ = 0, 1, 2, 3


def n_tags(n_labels: int) -> int:
    """Number of BILUO tags for ``n_labels`` entity labels."""
    return 4 * n_labels + 1


def tag_names(labels: Sequence[str]) -> List[str]:
    """The BILUO tag strings in index order (see module docstring)."""
    names = ["O"]
    for label in labels:
        names.extend(f"{p}-{label}" for p in "BILU")
    return names


def n_labels_for_tags(K: int) -> int:
    if K < 1 or (K - 1) % 4:
        raise ValueError(f"A BILUO CRF needs 4 * labels + 1 tags, got {K}")
    return (K - 1) // 4


def biluo_constraints(n_labels: int) -> Tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray]:
    """Boolean masks of what BILUO allows: ``(transitions, start, end)``.

    ``transitions[i, j]`` says whether tag ``j`` may follow tag ``i``.
    """
    K = n_tags(n_labels)
    B = 1 + 4 * numpy.arange(n_labels)
    I, L, U = B + 1, B + 2, B + 3
    outside_like = numpy.concatenate([[0], L, U])  # tags after which an entity is closed
    opening = numpy.concatenate([[0], B, U])  # tags that can follow a closed entity
    trans = numpy.zeros((K, K), dtype=bool)
    trans[numpy.ix_(outside_like, opening)] = True
    for k in range(n_labels):
        trans[B[k], I[k]] = trans[B[k], L[k]] = True
        trans[I[k], I[k]] = trans[I[k], L[k]] = True
    start = numpy.zeros(K, dtype=bool)
    start[opening] = True
    end = numpy.zeros(K, dtype=bool)
    end[outside_like] = True
    return trans, start, end


def first_tag(label_index: int) -> int:
    """The index of ``B-<label>``; ``I``, ``L``, ``U`` follow it."""
    return 1 + 4 * label_index


def boundary_tags(n_labels: int) -> numpy.ndarray:
    """The tags that begin or end an entity (every ``B``, ``L`` and ``U``): not allowed on whitespace."""
    return numpy.concatenate([1 + 4 * numpy.arange(n_labels) + k for k in (B_, L_, U_)])
