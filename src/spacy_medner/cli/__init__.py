"""Command-line interface: ``python -m spacy_medner ...`` or ``spacy-medner ...``.

Each sub-command lives in its own module and registers itself on :data:`app`.
"""
from .app import app

# Importing the modules registers their commands.
from . import calibrate, convert, deid, evaluate, predict, project, spark_job, synth  # noqa: F401,E402

__all__ = ["app", "main"]


def main() -> None:
    """Console-script entry point."""
    app()
