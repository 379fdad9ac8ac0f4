"""The `readlist` command line: the global options, and the commands, each loaded only when it runs.

`main` is a click group whose commands are the modules of `readlist.commands` (named in `COMMANDS`) and any
command another package adds under the ``readlist.commands`` entry-point group: `readlist list` imports the list
command's module and what it needs, nothing else. Errors end a command here, in one place: a readlist or system
error as one line ("Error: ...", exit 1), Ctrl-C or SIGTERM as one line (exit 128 + the signal's number), a reader
that left the pipe (`readlist list | head`) as no error at all.
"""

from __future__ import annotations

import inspect
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import import_module
from typing import TYPE_CHECKING, Any

import click

from readlist.commands import COMMANDS, GROUP
from readlist.commands.options import offline_option
from readlist.commands.session import Session

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint


class Commands(click.Group):
    """readlist's commands: the built-in ones, imported when one is run (or its help shown), and plugins."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._loaded: dict[str, click.Command] = {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *_plugins()})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self._loaded:
            command = _builtin(name) if name in COMMANDS else _plugin(name)
            if command is None:
                return None
            self._loaded[name] = command
        return self._loaded[name]

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """As click lists commands, but a built-in command's line comes from `COMMANDS`, without importing it."""
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(map(len, names))
        rows = []
        for name in names:
            if name in COMMANDS:
                rows.append((name, click.Command(name, help=COMMANDS[name][1]).get_short_help_str(limit)))
            elif (command := self.get_command(ctx, name)) is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        with reported():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx: click.Context) -> Any:
        with reported():
            return super().invoke(ctx)


def _builtin(name: str) -> click.Command:
    """The built-in command ``name``, its help made of its line in `COMMANDS` and its docstring."""
    where, summary = COMMANDS[name]
    module, _, attribute = where.partition(":")
    command: click.Command = getattr(import_module(module), attribute)
    command.help = summary + (f"\n\n{inspect.cleandoc(command.help)}" if command.help else "")
    return command


def _plugins() -> dict[str, EntryPoint]:
    """The commands other packages add (a built-in name always means the built-in)."""
    from importlib.metadata import entry_points

    return {ep.name: ep for ep in entry_points(group=GROUP) if ep.name not in COMMANDS}


def _plugin(name: str) -> click.Command | None:
    """The command a plugin adds as ``name``, or None when none does; one that cannot be loaded is an error."""
    from readlist.present.errors import broken_plugin

    entry = _plugins().get(name)
    if entry is None:
        return None
    try:
        command = entry.load()
    except Exception as exc:  # a broken plugin must not end readlist with a traceback
        raise click.ClickException(broken_plugin(name, entry.value, exc)) from exc
    if not isinstance(command, click.Command):
        raise click.ClickException(broken_plugin(name, entry.value, TypeError("not a click command")))
    return command


@contextmanager
def reported() -> Iterator[None]:
    """Turn readlist and system errors into one-line messages and exit code 1 (never a traceback); Ctrl-C or
    SIGTERM into one line and exit code 128 + the signal's number."""
    from readlist.errors import ReadlistError
    from readlist.interrupt import Interrupted, signum_of
    from readlist.present import errors
    from readlist.present.output import say

    try:
        yield
    except KeyboardInterrupt as stop:
        if sys.stderr is not None and sys.stderr.isatty():
            sys.stderr.write("\n")  # after a progress bar
        say(errors.interrupted(stop.pending if isinstance(stop, Interrupted) else None), err=True)
        raise click.exceptions.Exit(128 + signum_of(stop)) from None
    except ReadlistError as exc:
        raise click.ClickException(errors.failure(exc)) from None
    except BrokenPipeError:  # `readlist list | head`: the reader left; that is not an error
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise click.exceptions.Exit(0) from None
    except OSError as exc:
        raise click.ClickException(errors.os_failure(exc)) from None


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="readlist")
@click.option(
    "--library",
    type=click.Path(dir_okay=False),  # a string: `readlist list` does without pathlib
    help="Library file (default: READLIST_LIBRARY or the platform's user data dir).",
)
@offline_option
@click.option("-v", "--verbose", is_flag=True, help="Say which files are used and each HTTP request sent (on stderr).")
@click.pass_context
def main(ctx: click.Context, library: str | None, offline: bool, verbose: bool) -> None:
    """readlist: a reading list and citation manager for researchers.

    \b
    Example:
      readlist add page.txt 2402.15567 refs.bib
      readlist list --status needs-review
      readlist export --format bibtex -o reading-list.bib
    """
    ctx.obj = Session(library, offline, verbose)
    ctx.call_on_close(ctx.obj.close)
    if verbose:
        from readlist.present.verbose import log_requests

        ctx.call_on_close(log_requests())
