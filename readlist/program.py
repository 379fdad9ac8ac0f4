"""The `readlist` program: its entry point, which answers plain `readlist list` without loading click.

`readlist list` is the command people run most, and at ten thousand papers start-up is most of its time:
importing click and readlist's library API takes ~50 ms before anything is listed, while the listing itself is
one SQLite query (`readlist.store.query`). So when the arguments are plain (global ``--library PATH``,
``--offline``, ``-v``/``--verbose``, then ``list`` with filter options as ``--name VALUE`` or ``--name=VALUE``)
and the library is an up-to-date readlist file, the program opens it with sqlite3 and prints the lines itself.
Anything else (another command, ``--help``, ``--json``, an unknown or invalid option, a config
file problem, a missing or old library) goes to `readlist.cli`, which does the same work and reports any
error; `tests/test_program.py` checks that both give the same output and exit status.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import sys

from readlist.configfile import default_path, read_settings
from readlist.errors import ReadlistError
from readlist.store import db, query

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: ~10 ms of a 35 ms `readlist list`
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from typing import NoReturn

_GLOBAL_FLAGS = frozenset({"--offline", "-v", "--verbose"})  # none of them changes what `list` prints


def run() -> NoReturn:
    """Run readlist with ``sys.argv``, then exit at once.

    A finished command has committed and closed its library and output files (a kill -9 at any point loses
    nothing either), so rather than let Python free every module and object one by one (~10 ms of a 70 ms
    command), the standard streams are flushed and the process ends.
    """
    text = fast_listing(sys.argv[1:], os.environ)
    if text is None:
        from readlist.cli import main

        try:
            main()
            status: object = 0
        except SystemExit as exc:
            status = exc.code
    else:
        with contextlib.suppress(BrokenPipeError):  # the reader left (`readlist list | head`): not an error
            print_listing(text)
        status = 0
    if status is not None and not isinstance(status, int):  # sys.exit("message"): printed, status 1
        print(status, file=sys.stderr)
        status = 1
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:  # None: the process started with that descriptor closed
            with contextlib.suppress(BrokenPipeError):
                stream.flush()
    os._exit(status or 0)


def print_listing(text: str) -> None:
    """Print `readlist list`'s lines (both paths print through here, so their output is the same)."""
    if text and sys.stdout is not None:
        sys.stdout.write(text + "\n")  # one write: a click.echo per line cost 0.7 s at 100k papers


def fast_listing(args: Sequence[str], env: Mapping[str, str]) -> str | None:
    """The lines `readlist list` prints for ``args``, or None when `readlist.cli` must answer instead."""
    parsed = _parse_list(args)
    if parsed is None:
        return None
    library, filters = parsed
    try:
        if library is None:  # as readlist.config: the option, else the environment or config file, else default
            library = str(read_settings(env).get("library") or default_path("library"))
        if not os.path.isfile(library):  # missing (the CLI creates it) or not a file (the CLI says so)
            return None
        conn = db.open_connection(library)
        try:
            if db.schema_version(conn) != db.SCHEMA_VERSION:  # the CLI migrates it, or refuses a newer one
                return None
            return query.listing(conn, **filters)
        finally:
            conn.close()
    except (ReadlistError, sqlite3.Error, OSError, UnicodeError):  # the CLI reports these
        return None


def _parse_list(args: Sequence[str]) -> tuple[str | None, dict[str, str]] | None:
    """``(--library value or None, filters)`` when ``args`` are a plain `list` command, else None.

    Only what click reads the same way is accepted (given twice, an option's last value counts, as in click);
    a value that looks like an option, or a filter value not among its choices, is left to click."""
    library: str | None = None
    rest = list(args)
    while rest and rest[0] != "list":
        name, value = _option(rest, {"--library"})
        if name is None:
            return None
        if name == "--library":
            library = value
    if not rest:
        return None
    rest.pop(0)
    filters: dict[str, str] = {}
    valued = {f"--{name}" for name in query.FILTER_CHOICES}
    while rest:
        name, value = _option(rest, valued)
        if name is None or name not in valued:
            return None
        choices = query.FILTER_CHOICES[name[2:]]
        if value is None or (choices is not None and value not in choices):
            return None
        filters[name[2:]] = value
    return library, filters


def _option(rest: list[str], valued: set[str]) -> tuple[str | None, str | None]:
    """Take one option off ``rest``: ``(name, value)``; ``(None, None)`` when it is not one the fast path
    knows (an option in ``valued`` takes a value, a global flag none)."""
    arg = rest.pop(0)
    name, eq, value = arg.partition("=")
    if name in valued:
        if not eq:
            if not rest or rest[0].startswith("-"):
                return None, None
            value = rest.pop(0)
        return name, value
    if arg in _GLOBAL_FLAGS:
        return arg, None
    return None, None
