"""Writing what a command says: its lines to standard output, warnings and errors to standard error."""

from __future__ import annotations

import sys
from collections.abc import Iterable

Line = tuple[bool, str]  # (to standard error, the text): presenters that speak on both streams return these


def say(text: str, err: bool = False) -> None:
    """Write ``text`` and a newline to stdout (stderr when ``err``) in one write, then flush; an empty text writes
    nothing (a `list` that selects no paper prints no line). A stream that was closed when the process started
    (None) is skipped."""
    stream = sys.stderr if err else sys.stdout
    if text and stream is not None:
        stream.write(text + "\n")
        stream.flush()


def show(lines: Iterable[Line]) -> None:
    """Write each line to its stream, in order."""
    for err, text in lines:
        say(text, err)
