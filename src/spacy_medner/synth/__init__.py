"""The SYNTHETIC default corpus: i2b2 2014-format clinical notes with Faker surrogate PHI.

Nothing here is real patient data.  ``generate_notes(n, seed)`` yields
deterministic notes (discharge summaries, progress notes, clinic letters, ED
notes, radiology reports, telephone notes) whose PHI spans are recorded with
exact offsets as the text is assembled; ``write_corpus(out_dir, n, seed)``
writes them as ``PPP-RR.xml`` files with a ``README.txt`` saying so.
"""
from .corpus import COVERAGE_BLOCK, generate_notes, write_corpus

__all__ = ["COVERAGE_BLOCK", "generate_notes", "write_corpus"]
