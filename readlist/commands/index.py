"""`readlist index build`, `update` and `info`: the local arXiv metadata index."""

from __future__ import annotations

import sys

import click

from readlist.commands.session import Session
from readlist.present.facts import INDEX_UPDATE_INTERRUPTED, index_built, index_updated, labelled
from readlist.present.output import say, show


@click.group()
def index() -> None:
    """\b
    Example:
      readlist index build arxiv.zip
      readlist index update
      readlist index info
    """


@index.command(name="build")
@click.argument("file")
@click.pass_obj
def build(session: Session, file: str) -> None:
    """Build the index from arXiv's metadata snapshot.

    FILE holds the snapshot's JSON lines: the file itself, Kaggle's .zip of it, or '-' for standard input.
    The index is replaced only once the new one is complete: until then (and if the build is interrupted)
    the old one stays in use. Lines that are not records are skipped and counted.

    \b
    Example:
      readlist index build ~/Downloads/arxiv.zip
      readlist index build arxiv-metadata-oai-snapshot.json
      unzip -p arxiv.zip | readlist index build -
    """
    from readlist.api.maintenance import build_index

    show(index_built(file, build_index(file, session.settings())))


@index.command(name="update")
@click.option("--from", "from_date", metavar="YYYY-MM-DD", help="Harvest from this date, not the last datestamp.")
@click.option(
    "--format",
    "prefix",
    type=click.Choice(["arXiv", "arXivRaw"]),
    default="arXiv",
    show_default=True,
    help="OAI-PMH metadata format: arXiv (authors in parts) or arXivRaw (every version's date).",
)
@click.pass_obj
def update(session: Session, from_date: str | None, prefix: str) -> None:
    """Harvest what changed on arXiv since the index's last datestamp.

    Asks arXiv's OAI-PMH interface, one request at a time at arXiv's pace. Run it again after an
    interruption: it resumes where it stopped.

    \b
    Example:
      readlist index update
      readlist index update --from 2026-11-01
    """
    from readlist.api.maintenance import update_index

    settings = session.settings()
    try:
        report = update_index(settings, prefix, from_date)
    except KeyboardInterrupt:
        say(INDEX_UPDATE_INTERRUPTED, err=True)
        sys.exit(130)
    show(index_updated(report, settings.index))


@index.command(name="info")
@click.pass_obj
def info(session: Session) -> None:
    """Show what the index holds and how current it is.

    Records, last datestamp, size on disk, the file it was built from and its last update.

    \b
    Example:
      readlist index info
    """
    from readlist.api.maintenance import index_info

    say(labelled(index_info(session.settings())))
