"""`readlist add`, `import` and `resolve`: papers into the library, and resolved against arXiv and Semantic Scholar."""

from __future__ import annotations

import sys

import click

from readlist.commands.options import filter_options, key_style_option, offline_option
from readlist.commands.session import Session, summarize


@click.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--no-resolve", is_flag=True, help="Store entries as pending without contacting arXiv or S2.")
@key_style_option
@offline_option
@click.pass_obj
def add(session: Session, inputs: tuple[str, ...], no_resolve: bool, key_style: str | None, offline: bool) -> None:
    """With a local arXiv index (`readlist index build`), the papers it holds resolve with no request;
    --offline sends none at all.

    \b
    Example:
      readlist add ../shared/seeds/*.txt
      echo 2402.15567 | readlist add -
      readlist add --key-style bbt 2402.15567
      readlist add --offline daily-papers.txt
    """
    from readlist.api.adding import progress_on

    rl = session.reading_list(key_style=key_style, offline=offline or None)
    report = rl.add(inputs, resolve=not no_resolve, progress=None if no_resolve else progress_on(sys.stderr))
    summarize(report, "added")
    if report.problems:
        sys.exit(1)


@click.command(name="import")
@click.argument("bibfile")
@key_style_option
@click.pass_obj
def import_(session: Session, bibfile: str, key_style: str | None) -> None:
    """Entries without a key (or whose key is taken) get one in the key style. `readlist add refs.bib` reads the
    same file and also resolves its papers against arXiv and Semantic Scholar.

    \b
    Example:
      readlist import zotero-export.bib
    """
    report = session.reading_list(key_style=key_style).import_bib(bibfile)
    summarize(report, "imported", next_steps=False)
    if report.problems:
        sys.exit(1)


@click.command()
@filter_options
@offline_option
@click.pass_obj
def resolve(session: Session, /, offline: bool, **selection: str | None) -> None:
    """Matches made offline (from the local arXiv index) are completed too: Semantic Scholar adds what it knows.

    \b
    Example:
      readlist resolve
      readlist resolve --tag rl
      readlist resolve --offline
    """
    from readlist.api import select
    from readlist.api.adding import progress_on

    rl = session.reading_list(offline=offline or None)
    report = rl.resolve(select(**selection), progress=progress_on(sys.stderr))
    summarize(report, None)
