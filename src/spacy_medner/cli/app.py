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


def error(message: str) -> None:
    """One unwrapped ``✘`` line on stderr (wasabi would wrap long paths).

    Every command reports errors this way; messages name files and options, never note text.
    """
    typer.secho(f"✘ {message}", fg=typer.colors.RED, err=True)


def fail(message: str, code: int = 1) -> typer.Exit:
    """:func:`error`, then the exit to raise: ``raise fail("...")``."""
    error(message)
    return typer.Exit(code)


def warn(message: str) -> None:
    """One ``⚠`` line on stderr."""
    typer.secho(f"⚠ {message}", fg=typer.colors.YELLOW, err=True)


def info(message: str) -> None:
    """One ``ℹ`` line on stderr."""
    typer.echo(f"ℹ {message}", err=True)
