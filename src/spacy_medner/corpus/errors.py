"""The one exception the converters raise for bad input.

Its message is a single line that names the file (and tag id or line) and
never contains note or entity text, so the CLI can print it as is.
"""


class ConversionError(Exception):
    """Fatal, user-facing input error (malformed file, strict-mode refusal, ...)."""
