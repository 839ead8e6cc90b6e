"""Whether the HIPAA-subset scores apply to a label set.

The HIPAA subset (:data:`spacy_medner.labels.HIPAA_TYPES`) is defined on
i2b2 TYPEs. It applies when the labels seen (gold and predicted) include at
least one TYPE and none of the category-only names (NAME, LOCATION, CONTACT,
ID): ``AGE``, ``DATE`` and ``PROFESSION`` are both a TYPE and a category, so
category-labelled data would otherwise look like TYPE data restricted to
dates and ages. Labels outside the i2b2 inventory do not prevent it.
"""
from typing import Iterable, Optional, Tuple

from ..labels import CATEGORIES, TYPES

CATEGORY_ONLY = tuple(c for c in CATEGORIES if c not in TYPES)


def hipaa_applicability(labels: Iterable[str]) -> Tuple[bool, Optional[str]]:
    """``(applicable, reason it is not)`` for the labels seen in an evaluation."""
    seen = set(labels)
    category_only = sorted(seen.intersection(CATEGORY_ONLY))
    if category_only:
        return False, f"n/a: labels are i2b2 categories ({', '.join(category_only)}), not TYPEs"
    if not seen.intersection(TYPES):
        return False, "n/a: none of the labels is an i2b2 TYPE"
    return True, None

