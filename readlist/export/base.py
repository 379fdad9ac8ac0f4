"""What every exporter shares: the options it is given, the protocol it follows, and paper facts they all print."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TextIO

from readlist.model import Paper


@dataclass(frozen=True)
class ExportOptions:
    flavor: str = "bibtex"  # "bibtex" | "biblatex" (bibtex exporter only)
    ascii: bool = False  # LaTeX escapes instead of UTF-8
    abstract: bool = True
    group_by: str = "status"  # markdown: "status" (read state) | "tag" | "year"
    et_al: int = 3  # markdown: authors shown before "et al."
    template: Path | None = None  # markdown: a custom template
    preamble: bytes = b""  # BibTeX: the library's @preamble blocks (`export` fills it in)


class Exporter(Protocol):
    name: str  # "bibtex", "biblatex", "markdown", "csl-json"
    suffix: str  # ".bib", ".md", ".json"

    def write(self, papers: Iterable[Paper], out: TextIO, options: ExportOptions) -> None: ...


@dataclass(frozen=True)
class Renderer:
    """How an exporter renders one paper with given options."""

    variant: str  # what the text depends on besides the paper and readlist's code (stored.variant_digest)
    render: Callable[[Paper], str]


class EntryExporter(ABC):
    """An exporter whose document is one text per paper, assembled; a text depends only on the paper and the
    renderer's variant, so an export streams the texts the library stores (``Store.export_texts``).

    A plugin subclassing this must put its own version in ``variant``: stored texts are reused while it matches.
    """

    name: str
    suffix: str

    @abstractmethod
    def renderer(self, options: ExportOptions) -> Renderer: ...

    @abstractmethod
    def assemble(self, texts: Iterable[bytes], out: TextIO, options: ExportOptions) -> None:
        """Write the document made of these texts (UTF-8, in key order); see ``stored.byte_writer``."""

    def write(self, papers: Iterable[Paper], out: TextIO, options: ExportOptions) -> None:
        render = self.renderer(options).render
        self.assemble((render(p).encode() for p in papers), out, options)


ARXIV_ABS = "https://arxiv.org/abs/"
ARXIV_PDF = "https://arxiv.org/pdf/"


def is_published(paper: Paper) -> bool:
    """A venue (from S2 or an import) makes the paper a conference paper or an article."""
    return paper.status == "matched" and bool(paper.venue or paper.journal)


def is_pending(paper: Paper) -> bool:
    """Not (yet) resolved to a trusted record: exported with what is known and marked unresolved."""
    return paper.status != "matched"


def is_journal(paper: Paper) -> bool:
    return paper.entry_type == "article" or (paper.entry_type is None and bool(paper.journal) and not paper.venue)


def paper_url(paper: Paper) -> str | None:
    """The landing page: arXiv abs page, else the DOI resolver, else the stored URL."""
    if paper.arxiv_id:
        return ARXIV_ABS + paper.arxiv_id
    if paper.doi:
        return "https://doi.org/" + paper.doi
    return paper.url


def pdf_url(paper: Paper) -> str | None:
    return ARXIV_PDF + paper.arxiv_id if paper.arxiv_id else None


def venue_name(paper: Paper) -> str | None:
    return paper.venue or paper.journal


def date_parts(paper: Paper) -> list[int]:
    """[year, month, day] as far as known; the stored ``date`` only counts when it agrees with ``year``."""
    if paper.date and paper.date[:4].isdigit() and (paper.year is None or int(paper.date[:4]) == paper.year):
        return [int(p) for p in paper.date[:10].split("-") if p]
    return [paper.year] if paper.year else []
