"""`readlist stats`, `backup` and `restore`: the library as a whole."""

from __future__ import annotations

from pathlib import Path

import click

from readlist.commands.session import Session
from readlist.present.changes import copied
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


def _copy(name: str, details: str) -> click.Command:
    """`backup` (the library copied to FILE) or `restore` (the library replaced by the copy in FILE)."""

    @click.command(name=name, help=f"{details}\b\nExample:\n  readlist {name} ~/backups/readlist-2026-11-23.sqlite")
    @click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
    @click.pass_obj
    def command(session: Session, file: Path) -> None:
        rl = session.reading_list()
        (rl.restore if name == "restore" else rl.backup)(file)
        say(copied(file, restore=name == "restore"))

    return command


backup = _copy("backup", "")
restore = _copy("restore", "The current library is kept beside it as LIBRARY.before-restore.bak.\n\n")
