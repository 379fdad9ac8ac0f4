"""`readlist note`, `tag`, `untag` and `key`: what the user adds to a paper."""

from __future__ import annotations

import click

from readlist.commands.session import Session
from readlist.present.changes import noted, renamed, tagged, unsettable
from readlist.present.dialogue import NO_NOTE, NOTE_TEMPLATE
from readlist.present.output import say


@click.command()
@click.argument("paper")
@click.argument("text", required=False)
@click.pass_obj
def note(session: Session, paper: str, text: str | None) -> None:
    """\b
    Example:
      readlist note park2024foundation "Compare with METRA, section 4."
    """
    if text is None:
        text = click.edit(NOTE_TEMPLATE)
        if text is None:
            raise click.ClickException(NO_NOTE)
        text = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    done = session.reading_list().note(paper, text)
    say(noted(done.paper))
    say(unsettable(done.unsettable), err=True)


@click.command()
@click.argument("paper")
@click.argument("tags", nargs=-1, required=True)
@click.pass_obj
def tag(session: Session, paper: str, tags: tuple[str, ...]) -> None:
    """\b
    Example:
      readlist tag park2024foundation rl offline-rl
    """
    done = session.reading_list().tag(paper, tags)
    say(tagged(done.paper))
    say(unsettable(done.unsettable), err=True)


@click.command()
@click.argument("paper")
@click.argument("tags", nargs=-1, required=True)
@click.pass_obj
def untag(session: Session, paper: str, tags: tuple[str, ...]) -> None:
    """\b
    Example:
      readlist untag park2024foundation offline-rl
    """
    say(tagged(session.reading_list().tag(paper, tags, remove=True).paper))


@click.command()
@click.argument("paper")
@click.argument("newkey")
@click.pass_obj
def key(session: Session, paper: str, newkey: str) -> None:
    """A key is ASCII without spaces or , { } ( ) = # % " \\, and never a number, an arXiv id or a DOI (those
    name papers already).

    \b
    Example:
      readlist key 12 park2024hilp
    """
    done = session.reading_list().rename_key(paper, newkey)
    say(renamed(done.old, done.paper))
