"""The `readlist` program: its entry point, which answers plain `list` and `read KEY` without loading click.

`readlist list` and `readlist read KEY` are what people run many times a day, and for them start-up is most of
the time: importing click and readlist's library API takes ~50 ms, while the work is one SQLite query or a
two-statement transaction (`readlist.store.sql`, which `Store` uses too). So when the arguments are plain
(global ``--library PATH``, ``--offline``, ``-v``/``--verbose``; then ``list`` with filter options as
``--name VALUE`` or ``--name=VALUE``, or ``read``/``unread``/``reading`` with papers named by number or
citation key) and the library is an up-to-date readlist file, the program does the work with sqlite3 and
prints the lines itself. Anything else (another command, ``--help``, ``--json``, an unknown or invalid option,
a paper named by arXiv id or DOI or not found, a config file problem, a missing or old library, a library
another process is writing) goes to `readlist.cli`, which does the same work and reports any error; a fast
path that declines has changed nothing. `tests/test_program.py` checks that both paths give the same output,
exit status and library.
"""

from __future__ import annotations

import contextlib
import os
import sys

from readlist.states import FILTER_CHOICES, READ_STATES

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: ~10 ms of a 35 ms `readlist list`
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from typing import NoReturn

_GLOBAL_FLAGS = frozenset({"--offline", "-v", "--verbose"})  # none changes what the fast paths do
_COMMANDS = ("list", *READ_STATES)  # the commands with a fast path


def run() -> NoReturn:
    """Run readlist with ``sys.argv``, then exit at once.

    A finished command has committed and closed its library and output files (a kill -9 at any point loses
    nothing either), so rather than let Python free every module and object one by one (~10 ms of a 70 ms
    command), the standard streams are flushed and the process ends.
    """
    text = fast_answer(sys.argv[1:], os.environ)
    if text is None:
        from readlist.cli import main

        try:
            main()
            status: object = 0
        except SystemExit as exc:
            status = exc.code
    else:
        with contextlib.suppress(BrokenPipeError):  # the reader left (`readlist list | head`): not an error
            print_text(text)
        status = 0
    if status is not None and not isinstance(status, int):  # sys.exit("message"): printed, status 1
        print(status, file=sys.stderr)
        status = 1
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:  # None: the process started with that descriptor closed
            with contextlib.suppress(BrokenPipeError):
                stream.flush()
    os._exit(status or 0)


def print_text(text: str) -> None:
    """Print a command's lines (the fast paths and the CLI print `list` and marks through here, alike)."""
    if text and sys.stdout is not None:
        sys.stdout.write(text + "\n")  # one write: a click.echo per line cost 0.7 s at 100k papers


def marked(keys: Sequence[str], state: str) -> str:
    """What `readlist read|unread|reading` prints for the papers it marked."""
    return "\n".join(f"{key}: {state}" for key in keys)


def fast_answer(args: Sequence[str], env: Mapping[str, str]) -> str | None:
    """What `readlist` prints for ``args``, when a fast path can answer them (a mark is committed by then);
    None when `readlist.cli` must answer instead (nothing has been changed)."""
    parsed = _parse(args)
    if parsed is None:
        return None
    library, command, operands = parsed
    import sqlite3  # imported here, not above: `readlist --help` does not need it (~5 ms of its start-up)

    from readlist.configfile import default_path, read_settings
    from readlist.errors import ReadlistError
    from readlist.store import db, sql

    try:
        if library is None:  # as readlist.config: the option, else the environment or config file, else default
            library = str(read_settings(env).get("library") or default_path("library"))
        if not os.path.isfile(library):  # missing (the CLI creates it) or not a file (the CLI says so)
            return None
        conn = db.open_connection(library)
        try:
            if db.schema_version(conn) != db.SCHEMA_VERSION:  # the CLI migrates it, or refuses a newer one
                return None
            if command == "list":
                return sql.listing(conn, **operands)  # type: ignore[arg-type]
            keys = sql.mark_found(conn, operands, command)  # type: ignore[arg-type]
            return None if keys is None else marked(keys, command)
        finally:
            conn.close()
    except (ReadlistError, sqlite3.Error, OSError, UnicodeError):  # the CLI reports these (a busy library: waits)
        return None


def _parse(args: Sequence[str]) -> tuple[str | None, str, dict[str, str] | list[str]] | None:
    """``(--library value or None, command, filters or paper refs)`` when ``args`` are a plain `list` or
    `read`/`unread`/`reading` command, else None.

    Only what click reads the same way is accepted (given twice, an option's last value counts, as in click);
    a value or paper that looks like an option, or a filter value not among its choices, is left to click."""
    library: str | None = None
    rest = list(args)
    while rest and rest[0] not in _COMMANDS:
        name, value = _option(rest, {"--library"})
        if name is None:
            return None
        if name == "--library":
            library = value
    if not rest:
        return None
    command = rest.pop(0)
    if command != "list":
        return (library, command, rest) if rest and not any(ref.startswith("-") for ref in rest) else None
    filters: dict[str, str] = {}
    valued = {f"--{name}" for name in FILTER_CHOICES}
    while rest:
        name, value = _option(rest, valued)
        if name is None or name not in valued:
            return None
        choices = FILTER_CHOICES[name[2:]]
        if value is None or (choices is not None and value not in choices):
            return None
        filters[name[2:]] = value
    return library, command, filters


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
