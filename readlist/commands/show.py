"""`readlist show`: everything readlist knows about one paper."""

from __future__ import annotations

import click

from readlist.commands.session import Session
from readlist.present.output import say
from readlist.present.paper import describe


@click.command()
@click.argument("paper")
@click.pass_obj
def show(session: Session, paper: str) -> None:
    """\b
    Example:
      readlist show park2024foundation
      readlist show 2402.15567
    """
    details = session.reading_list().details(paper)
    say(describe(details.paper, details.disagreements))
