"""The `readlist` program: its entry point, which answers plain `list`, `read KEY` and `export` without click.

`readlist list`, `readlist read KEY` and `readlist export` are what people run many times a day, and for them
start-up is most of the time: importing click and readlist's library API takes ~50 ms (the exporters ~35 ms
more), while the work is one SQLite query, a two-statement transaction, or copying the BibTeX entries the
library stores (`readlist.store.queries`, `.writes`, `.export_cache`, `readlist.export.stored`: `Store` and the
exporters use them too). So
when the arguments are plain (global ``--library PATH``, ``--offline``, ``-v``/``--verbose``; then ``list``
with filter options as ``--name VALUE`` or ``--name=VALUE``; ``read``/``unread``/``reading`` with papers named
by number or citation key; ``export`` as BibTeX or biblatex, with ``--ascii``, ``--no-abstract``, ``-o FILE``
and the filters, when every selected paper's entry is stored) and the library is an up-to-date readlist file,
the program does the work with sqlite3 and writes the output itself. Anything else (another command,
``--help``, ``--json``, an unknown or invalid option, a paper named by arXiv id or DOI or not found, an export
that must render entries, a config file problem, a missing or old library, a library another process is
writing) goes to `readlist.cli`, which does the same work and reports any error; a fast path that declines has
written and changed nothing. `tests/test_program.py` checks that both paths give the same output, exit status,
files and library.
"""

from __future__ import annotations

import contextlib
import os
import sys

from readlist.export.stored import BIBTEX_FLAVORS
from readlist.states import FILTER_CHOICES, READ_STATES
from readlist.store import export_cache, queries, writes
from readlist.words import plural

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: ~10 ms of a 35 ms `readlist list`
if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Callable, Iterator, Mapping, Sequence
    from typing import NoReturn, TextIO

_GLOBAL_FLAGS = frozenset({"--offline", "-v", "--verbose"})  # none changes what the fast paths do
_FILTERS: dict[str, tuple[str, ...] | None] = {f"--{name}": choices for name, choices in FILTER_CHOICES.items()}
# command -> (its options that take a value: their choices, None for any; its flags)
_OPTIONS: dict[str, tuple[dict[str, tuple[str, ...] | None], frozenset[str]]] = {
    "list": (_FILTERS, frozenset()),
    "export": (
        {"--format": BIBTEX_FLAVORS, "-o": None, "--output": None, **_FILTERS},
        frozenset({"--ascii", "--no-abstract"}),
    ),
    **{state: ({}, frozenset()) for state in READ_STATES},  # papers by number or key; no options
}
_SAME = {"-o": "--output"}  # option aliases


def run() -> NoReturn:
    """Run readlist with ``sys.argv``, then exit at once.

    A finished command has committed and closed its library and output files (a kill -9 at any point loses
    nothing either), so rather than let Python free every module and object one by one (~10 ms of a 70 ms
    command), the standard streams are flushed and the process ends. A reader that left (`readlist list |
    head`) is not an error; any other failure to write the output is reported as the CLI reports it.
    """
    from readlist import interrupt
    from readlist.errors import os_error_message

    interrupt.install()
    try:
        if fast_answer(sys.argv[1:], os.environ, sys.stdout, sys.stderr):
            status: object = 0
        else:
            from readlist.cli import main

            try:
                main()
                status = 0
            except SystemExit as exc:
                status = exc.code
        interrupt.ignore()  # the command is done: a signal now could only make its last line untrue
        if sys.stdout is not None:  # None: the process started with that descriptor closed
            sys.stdout.flush()
    except BrokenPipeError:
        status = 0
    except OSError as exc:  # as readlist.cli reports it (click's "Error: " prefix)
        status = f"Error: {os_error_message(exc)}"
    except KeyboardInterrupt as stop:  # before a command began or while a fast path answered (changing nothing)
        if sys.stderr is not None:
            with contextlib.suppress(OSError):
                sys.stderr.write(interrupt.message(None) + "\n")
        status = 128 + interrupt.signum_of(stop)
    if status is not None and not isinstance(status, int):  # sys.exit("message"): printed, status 1
        print(status, file=sys.stderr)
        status = 1
    if sys.stderr is not None:
        with contextlib.suppress(OSError):
            sys.stderr.flush()
    os._exit(status or 0)


def print_text(text: str, out: TextIO | None = None) -> None:
    """Print a command's lines to ``out`` (stdout); the fast paths and the CLI print `list` and marks alike."""
    out = out or sys.stdout
    if text and out is not None:
        out.write(text + "\n")  # one write: a click.echo per line cost 0.7 s at 100k papers


def marked(keys: Sequence[str], state: str) -> str:
    """What `readlist read|unread|reading` prints for the papers it marked."""
    return "\n".join(f"{key}: {state}" for key in keys)


def wrote(count: int, output: object) -> str:
    """What `readlist export -o FILE` prints (to stderr) once the file is written."""
    return f"wrote {plural(count, 'paper')} to {output}"


def fast_answer(args: Sequence[str], env: Mapping[str, str], out: TextIO, err: TextIO) -> bool:
    """Answer ``args`` when a fast path can: True once the output is written to ``out`` and ``err`` (and a mark
    committed); False when `readlist.cli` must answer instead (nothing has been written or changed). An error
    writing the output is raised, as in the CLI: the command has failed (`run` reports it)."""
    parsed = _parse(args)
    if parsed is None:
        return False
    library, command, operands = parsed
    import sqlite3  # imported here, not above: `readlist --help` does not need it (~4 ms of its start-up)

    from readlist.configfile import default_path, read_settings
    from readlist.errors import ReadlistError
    from readlist.store import db

    try:
        if library is None:  # as readlist.config: the option, else the environment or config file, else default
            library = str(read_settings(env).get("library") or default_path("library"))
        if not os.path.isfile(library):  # missing (the CLI creates it) or not a file (the CLI says so)
            return False
        conn = db.open_connection(library)
    except (ReadlistError, sqlite3.Error, OSError, UnicodeError):  # the CLI reports these
        return False
    try:
        try:
            if db.schema_version(conn) != db.SCHEMA_VERSION:  # the CLI migrates it, or refuses a newer one
                return False
            answer: Callable[[], None] | None
            if command == "list":
                answer = _printer(queries.listing(conn, **_filters(operands)), out)  # type: ignore[arg-type]
            elif command == "export":
                answer = _stored_export(conn, operands, out, err)  # type: ignore[arg-type]
            else:
                keys = writes.mark_found(conn, operands, command)  # type: ignore[arg-type]
                answer = None if keys is None else _printer(marked(keys, command), out)
        except (ReadlistError, sqlite3.Error, OSError, UnicodeError):  # the CLI reports these (busy: it waits)
            return False
        if answer is None:
            return False
        answer()  # the command's output: from here on, an error is the command's own
        return True
    finally:
        conn.close()


def _filters(options: Mapping[str, str | None]) -> dict[str, str | None]:
    """The filters among a command's options, as `readlist.store.queries.where` takes them."""
    return {name[2:]: options.get(name) for name in _FILTERS}


def _printer(text: str, out: TextIO) -> Callable[[], None]:
    return lambda: print_text(text, out)


def _stored_export(
    conn: sqlite3.Connection, options: dict[str, str | None], out: TextIO, err: TextIO
) -> Callable[[], None] | None:
    """The export ``options`` ask for, to run in a read transaction begun here, when every selected paper has
    its entry stored for them; None (no transaction) when one must be rendered first: the CLI does that."""
    from readlist.export.stored import bibtex_variant, variant_digest, write_bibtex

    fmt = options.pop("--format", None) or "bibtex"
    output = options.pop("--output", None)
    variant = variant_digest(bibtex_variant(fmt, "--ascii" in options, "--no-abstract" not in options))
    filters = _filters(options)
    conn.execute("BEGIN")
    if export_cache.missing_texts(conn, fmt, variant, **filters):
        conn.execute("COMMIT")
        return None

    preamble = export_cache.preamble(conn)

    def write() -> None:
        count = 0

        def entries() -> Iterator[bytes]:
            nonlocal count
            for _, text in export_cache.stored_texts(conn, fmt, variant, **filters):
                count += 1
                yield text

        try:
            if output is None:
                write_bibtex(entries(), out, preamble)
            else:
                from readlist.files import atomic_write

                with atomic_write(output) as file:
                    write_bibtex(entries(), file, preamble)
                err.write(wrote(count, output) + "\n")
        finally:
            conn.execute("COMMIT")

    return write


def _parse(args: Sequence[str]) -> tuple[str | None, str, dict[str, str | None] | list[str]] | None:
    """``(--library value or None, command, options or paper refs)`` when ``args`` are a plain `list`,
    `read`/`unread`/`reading` or BibTeX `export` command, else None.

    Only what click reads the same way is accepted (given twice, an option's last value counts, as in click);
    a value or paper that looks like an option, a value not among its option's choices, or an output path that
    click would refuse or write elsewhere (not in normal form, a directory, unreadable) is left to click."""
    library: str | None = None
    rest = list(args)
    while rest and rest[0] not in _OPTIONS:
        name, value = _option(rest, {"--library": None}, _GLOBAL_FLAGS)
        if name is None:
            return None
        if name == "--library":
            library = value
    if not rest:
        return None
    command = rest.pop(0)
    valued, flags = _OPTIONS[command]
    if command in READ_STATES:
        return (library, command, rest) if rest and not any(ref.startswith("-") for ref in rest) else None
    options: dict[str, str | None] = {}
    while rest:
        name, value = _option(rest, valued, flags)
        if name is None:
            return None
        options[_SAME.get(name, name)] = value
    output = options.get("--output")
    if output is not None and (
        output != os.path.normpath(output)
        or os.path.isdir(output)
        or (os.path.exists(output) and not os.access(output, os.R_OK))
    ):
        return None
    return library, command, options


def _option(
    rest: list[str], valued: Mapping[str, tuple[str, ...] | None], flags: frozenset[str]
) -> tuple[str | None, str | None]:
    """Take one option off ``rest``: ``(name, value)``; ``(None, None)`` when it is not one the fast path
    knows (an option in ``valued`` takes a value among its choices, one in ``flags`` none)."""
    arg = rest.pop(0)
    name, eq, value = arg.partition("=")
    if eq and not name.startswith("--"):  # click reads "-o=FILE" as the value "=FILE"
        return None, None
    if name in valued:
        if not eq:
            if not rest or rest[0].startswith("-"):
                return None, None
            value = rest.pop(0)
        choices = valued[name]
        return (name, value) if choices is None or value in choices else (None, None)
    if arg in flags:
        return arg, None
    return None, None
