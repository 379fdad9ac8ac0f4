"""`readlist stats`, `backup` and `restore`: the library as a whole."""

from __future__ import annotations

from pathlib import Path

import click

from readlist.commands.session import Session
from readlist.present.changes import backed_up, restored
from readlist.present.facts import stats as counts
from readlist.present.output import say


@click.command()
@click.pass_obj
def stats(session: Session) -> None:
    """\b
    Example:
      readlist stats
    """
    say(counts(session.reading_list().stats()))


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_obj
def backup(session: Session, file: Path) -> None:
    """\b
    Example:
      readlist backup ~/backups/readlist-2026-11-23.sqlite
    """
    session.reading_list().backup(file)
    say(backed_up(file))


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_obj
def restore(session: Session, file: Path) -> None:
    """The current library is kept beside it as LIBRARY.before-restore.bak.

    \b
    Example:
      readlist restore ~/backups/readlist-2026-11-23.sqlite
    """
    session.reading_list().restore(file)
    say(restored(file))
