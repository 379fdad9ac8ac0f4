"""`readlist merge` and `rm`: two papers made one, or papers removed, at the user's word."""

from __future__ import annotations

import sys

import click

from readlist.commands.session import Session
from readlist.present.changes import changed, removed
from readlist.present.dialogue import NOTHING_REMOVED, removal, removal_refused
from readlist.present.output import say


@click.command()
@click.argument("paper")
@click.argument("into")
@click.pass_obj
def merge(session: Session, paper: str, into: str) -> None:
    """Notes, tags, sources and read state move to INTO, which shows what both papers' sources say and keeps its
    .bib entry (or takes PAPER's). INTO keeps its key, settled; PAPER's key stays an alias of INTO (`readlist show`,
    `export --aux` and biblatex's `ids` still know it).

    \b
    Example:
      readlist list --status duplicate
      readlist merge BellmanDPBook bellman-science66
    """
    say(changed(session.reading_list().merge(paper, into), "merge"))


@click.command()
@click.argument("papers", nargs=-1, required=True)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_obj
def rm(session: Session, papers: tuple[str, ...], yes: bool) -> None:
    """Asks first, naming the papers; without a terminal to ask on (a script, a pipe), it needs --yes.

    \b
    Example:
      readlist rm 12
      readlist rm 12 park2024hilp --yes
    """
    rl = session.reading_list()
    named = rl.named(papers)
    if not yes:
        if not sys.stdin.isatty():
            raise click.ClickException(removal_refused(len(named)))
        listed, question = removal(named)
        say(listed)
        if not click.confirm(question, default=False):
            say(NOTHING_REMOVED)
            sys.exit(1)
    say(removed(rl.remove([str(p.id) for p in named])))
