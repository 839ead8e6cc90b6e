"""The typer application that every sub-command module registers on."""
import typer

app = typer.Typer(
    name="spacy-medner",
    help="Medical NER for spaCy: convert clinical notes, generate the synthetic corpus, "
    "evaluate models and de-identify notes.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
