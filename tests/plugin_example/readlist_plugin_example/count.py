"""An example readlist command plugin: `readlist count`, how many papers the filters select."""

from __future__ import annotations

import click

from readlist.api import select
from readlist.commands.options import filter_options
from readlist.commands.session import Session
from readlist.present.output import say
from readlist.words import plural


@click.command()
@filter_options
@click.pass_obj
def count(session: Session, /, **selection: str | None) -> None:
    """Count the papers the filters select.

    \b
    Example:
      readlist count --tag rl --state unread
    """
    say(plural(session.reading_list().count(select(**selection)), "paper"))
