"""`readlist list`: one line per paper, or the papers as JSON."""

from __future__ import annotations

import click

from readlist.commands.options import filter_options
from readlist.commands.session import Session
from readlist.present.output import say


@click.command(name="list")
@filter_options
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array (shape documented in docs/formats.md).")
@click.pass_obj
def list_(session: Session, /, as_json: bool, **selection: str | None) -> None:
    """\b
    Example:
      readlist list --state unread --tag rl
      readlist list --search diffusion --json
    """
    rl = session.reading_list()
    if as_json:
        from readlist.api import select
        from readlist.present.papers import papers_json

        say(papers_json(rl.papers(select(**selection))))
    else:
        say(rl.listing(**selection))
