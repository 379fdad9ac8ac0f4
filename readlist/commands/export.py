"""`readlist export`: the papers as BibTeX, biblatex, CSL-JSON, a Markdown reading list or a plugin's format."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from readlist.commands.options import filter_options
from readlist.commands.session import Session
from readlist.present.changes import uncited, wrote
from readlist.present.output import say


@click.command()
@click.option(
    "--format",
    "fmt",
    default="bibtex",
    show_default=True,
    help="bibtex, biblatex, markdown, csl-json, or a plugin's format.",
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File to write (default: stdout)."
)
@click.option("--ascii", "ascii_", is_flag=True, help="BibTeX: LaTeX escapes instead of UTF-8 (classic BibTeX).")
@click.option("--no-abstract", is_flag=True, help="Leave abstracts out.")
@click.option(
    "--group-by",
    type=click.Choice(["status", "tag", "year"]),
    default="status",
    show_default=True,
    help="Markdown: how to group the list (status = read state).",
)
@click.option("--et-al", type=int, default=3, show_default=True, help="Markdown: authors shown before 'et al.'.")
@click.option("--template", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Markdown template.")
@click.option(
    "--aux",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Only the entries a LaTeX document cites (its .aux file).",
)
@filter_options
@click.pass_obj
def export(
    session: Session,
    /,
    fmt: str,
    output: Path | None,
    ascii_: bool,
    no_abstract: bool,
    group_by: str,
    et_al: int,
    template: Path | None,
    aux: Path | None,
    **selection: str | None,
) -> None:
    """\b
    Example:
      readlist export --format bibtex -o exports/reading-list.bib
      readlist export --format markdown --group-by tag -o reading-list.md
      readlist export --aux paper.aux -o paper.bib
    """
    from readlist.api import select
    from readlist.api.exporting import export_options

    options = export_options(fmt, ascii=ascii_, abstract=not no_abstract, group_by=group_by, et_al=et_al,
                             template=template)  # fmt: skip
    done = session.reading_list().export(fmt, output, select(**selection), options, stream=sys.stdout, aux=aux)
    say(uncited(aux, done.unknown), err=True)
    if output is not None:
        say(wrote(done.count, output), err=True)
