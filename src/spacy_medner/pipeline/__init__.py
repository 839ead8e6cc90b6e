"""spaCy pipeline components."""
from .medner import MedNER, make_medner

__all__ = ["MedNER", "make_medner"]
