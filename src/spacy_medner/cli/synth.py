"""``synth``: write the SYNTHETIC default corpus (i2b2 2014 XML, Faker surrogates).

    python -m spacy_medner synth OUT_DIR -n 500 --seed 0

Writes ``PPP-RR.xml`` files and a ``README.txt`` stating that the notes are
synthetic.  Prints counts only, never note text.
"""
import re
from pathlib import Path

import typer
from wasabi import Printer

from ..synth import write_corpus
from .app import app, fail

_NOTE_FILE = re.compile(r"^\d{3,}-\d{2}\.xml$")


@app.command("synth")
def synth_command(
    out_dir: Path = typer.Argument(..., metavar="OUT_DIR", help="Folder for the SYNTHETIC PPP-RR.xml notes (created if missing)."),
    n: int = typer.Option(200, "-n", "--notes", min=1, help="Number of SYNTHETIC notes to write."),
    seed: int = typer.Option(0, "--seed", help="Random seed: the same seed writes byte-identical files."),
    overwrite: bool = typer.Option(
        False, "--overwrite", help="Replace PPP-RR.xml notes already in OUT_DIR (other files are left alone)."
    ),
) -> None:
    """Generate SYNTHETIC clinical notes with Faker surrogate PHI, in i2b2 2014 XML.

    No real patient data: every name, date, place and number is made up.
    """
    msg = Printer()
    if out_dir.exists() and not out_dir.is_dir():
        raise fail(f"{out_dir}: OUT_DIR exists and is not a folder")
    existing = sorted(p for p in out_dir.glob("*.xml") if _NOTE_FILE.match(p.name)) if out_dir.is_dir() else []
    if existing and not overwrite:
        raise fail(f"{out_dir}: already holds {len(existing)} PPP-RR.xml notes; use --overwrite or another folder")
    try:
        for old in existing:
            old.unlink()
        summary = write_corpus(out_dir, n, seed)
    except OSError as err:
        raise fail(f"{out_dir}: cannot write the corpus ({err.strerror or err})")
    msg.good(
        f"Wrote {summary['notes']} SYNTHETIC notes for {summary['patients']} patients "
        f"({summary['entities']} entities, seed {seed}) to {out_dir}"
    )
    if existing:
        msg.info(f"Replaced {len(existing)} earlier notes")
    per_type = summary["per_type"]
    assert isinstance(per_type, dict)
    msg.table([(t, c) for t, c in per_type.items()], header=("TYPE", "count"), divider=True)
