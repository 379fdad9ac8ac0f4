"""`readlist note`, `tag`, `untag` and `key`: what the user adds to a paper."""

from __future__ import annotations

import click

from readlist.commands.session import Session
from readlist.present.changes import changed, renamed, unsettable
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
    say(changed(done.paper, "note"))
    say(unsettable(done.unsettable), err=True)


def _tags(name: str, example: str) -> click.Command:
    """`tag` (adds tags) or `untag` (removes them)."""

    @click.command(name=name, help=f"\b\nExample:\n  readlist {name} park2024foundation {example}")
    @click.argument("paper")
    @click.argument("tags", nargs=-1, required=True)
    @click.pass_obj
    def command(session: Session, paper: str, tags: tuple[str, ...]) -> None:
        done = session.reading_list().tag(paper, tags, remove=name == "untag")
        say(changed(done.paper, "tag"))
        say(unsettable(done.unsettable), err=True)

    return command


tag, untag = _tags("tag", "rl offline-rl"), _tags("untag", "offline-rl")


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
