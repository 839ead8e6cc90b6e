"""The i2b2/UTHealth 2014 de-identification label inventory and the label schemes.

Three schemes map an annotated i2b2 tag to the label the model learns:

- ``type``: the 25 fine-grained TYPE attributes (PATIENT, DOCTOR, ...);
- ``category``: the seven element names (NAME, LOCATION, ...); the quirk
  element ``PHI`` is mapped to the category its TYPE belongs to;
- ``hipaa``: only the TYPEs that are HIPAA Safe Harbor identifiers; the others
  are dropped (and counted as such in the conversion report).
"""
from typing import Dict, Optional, Tuple

# category (element name) -> TYPEs, in the order of the i2b2 2014 guidelines
CATEGORY_TYPES: Dict[str, Tuple[str, ...]] = {
    "NAME": ("PATIENT", "DOCTOR", "USERNAME"),
    "PROFESSION": ("PROFESSION",),
    "LOCATION": (
        "ROOM",
        "DEPARTMENT",
        "HOSPITAL",
        "ORGANIZATION",
        "STREET",
        "CITY",
        "STATE",
        "COUNTRY",
        "ZIP",
        "LOCATION-OTHER",
    ),
    "AGE": ("AGE",),
    "DATE": ("DATE",),
    "CONTACT": ("PHONE", "FAX", "EMAIL", "URL", "IPADDR"),
    "ID": (
        "SSN",
        "MEDICALRECORD",
        "HEALTHPLAN",
        "ACCOUNT",
        "LICENSE",
        "VEHICLE",
        "DEVICE",
        "BIOID",
        "IDNUM",
    ),
}

#: The 30 TYPEs (i2b2 2014 TYPEs, plus PHI quirks such as LOCATION-OTHER).
TYPES: Tuple[str, ...] = tuple(t for types in CATEGORY_TYPES.values() for t in types)
#: The element names; ``PHI`` is the quirk element whose category comes from TYPE.
CATEGORIES: Tuple[str, ...] = tuple(CATEGORY_TYPES)
TAG_ELEMENTS: Tuple[str, ...] = CATEGORIES + ("PHI",)
TYPE_TO_CATEGORY: Dict[str, str] = {
    t: cat for cat, types in CATEGORY_TYPES.items() for t in types
}
#: HIPAA Safe Harbor subset of the TYPEs.
HIPAA_TYPES: Tuple[str, ...] = (
    "PATIENT",
    "AGE",
    "CITY",
    "STREET",
    "ZIP",
    "ORGANIZATION",
    "DATE",
    "PHONE",
    "FAX",
    "EMAIL",
    "SSN",
    "MEDICALRECORD",
    "HEALTHPLAN",
    "ACCOUNT",
    "LICENSE",
    "VEHICLE",
    "DEVICE",
    "BIOID",
    "IDNUM",
)
#: PHI TYPEs with a shape, which the pattern stage covers (the >= 99.5% recall target).
STRUCTURED_TYPES: Tuple[str, ...] = ("EMAIL", "URL", "IPADDR", "SSN", "PHONE", "FAX", "ZIP", "DATE", "AGE")
LABEL_SCHEMES: Tuple[str, ...] = ("type", "category", "hipaa")
#: The ``doc.spans`` key the ``medner`` pipe writes its entities (with scores) to, by default.
DEFAULT_SPANS_KEY = "medner"


def map_label(type_: str, scheme: str) -> Optional[str]:
    """Map an i2b2 TYPE to the label of ``scheme``; None means "not kept".

    ``type_`` must be one of :data:`TYPES` (validate before calling).
    """
    if scheme == "type":
        return type_
    if scheme == "category":
        return TYPE_TO_CATEGORY[type_]
    if scheme == "hipaa":
        return type_ if type_ in HIPAA_TYPES else None
    raise ValueError(f"Unknown label scheme {scheme!r}; expected one of {LABEL_SCHEMES}")
