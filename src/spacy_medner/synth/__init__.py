"""The SYNTHETIC default corpus: i2b2 2014-format clinical notes with Faker surrogate PHI.

Nothing here is real patient data.  ``generate_notes(n, seed)`` yields
deterministic notes of 20 kinds (discharge summaries, progress notes, clinic
and letterhead letters, ED and terse triage notes, nursing shift notes,
radiology, pathology and operative reports, telephone, portal and
telehealth/IT notes, psychiatry, social work, pharmacy, obstetric and
pediatric notes, flowsheets; some dictated, some ALL-CAPS) whose PHI spans
are recorded with exact offsets as the text is assembled;
``write_corpus(out_dir, n, seed)`` writes them as ``PPP-RR.xml`` files with a
``README.txt`` saying so.  See docs/synthetic.md.
"""
from .corpus import COVERAGE_BLOCK, generate_notes, is_synthetic_corpus, write_corpus

__all__ = ["COVERAGE_BLOCK", "generate_notes", "is_synthetic_corpus", "write_corpus"]
