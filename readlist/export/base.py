"""What every exporter shares: the options it is given, the protocol it follows, and paper facts they all print."""

from __future__ import annotations

import functools
import hashlib
import sys
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.machinery import PathFinder
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


class Exporter(Protocol):
    name: str  # "bibtex", "biblatex", "markdown", "csl-json"
    suffix: str  # ".bib", ".md", ".json"

    def write(self, papers: Iterable[Paper], out: TextIO, options: ExportOptions) -> None: ...


@dataclass(frozen=True)
class Renderer:
    """How an exporter renders one paper with given options."""

    variant: str  # everything the text depends on besides the paper (and readlist's code, see code_version)
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
        """Write the document made of these texts (UTF-8, in key order); see ``byte_writer``."""

    def write(self, papers: Iterable[Paper], out: TextIO, options: ExportOptions) -> None:
        render = self.renderer(options).render
        self.assemble((render(p).encode() for p in papers), out, options)


_BLOCK = 1 << 20


@contextmanager
def byte_writer(out: TextIO) -> Iterator[Callable[[bytes], None]]:
    """A function writing UTF-8 to ``out``: straight to its binary buffer when it has one and encodes UTF-8
    (stored texts are written without being decoded and encoded again), else decoded.

    Writes are joined into blocks of ~1 MiB, written when full and when the block ends: one system call per
    block rather than per entry (45 ms of a 10k-paper export).
    """
    buffer = getattr(out, "buffer", None)
    if buffer is None or (getattr(out, "encoding", None) or "").lower().replace("-", "") != "utf8":
        emit: Callable[[bytes], object] = lambda data: out.write(data.decode())  # noqa: E731
    else:
        out.flush()
        emit = buffer.write
    pending: list[bytes] = []
    size = 0

    def write(data: bytes) -> None:
        nonlocal size
        pending.append(data)
        size += len(data)
        if size >= _BLOCK:
            emit(b"".join(pending))
            pending.clear()
            size = 0

    yield write
    emit(b"".join(pending))


@functools.cache
def code_version() -> str:
    """A digest of the code a stored text was rendered with: readlist's sources, the Python version (its
    Unicode database decides escapes) and the installed pybtex (it splits names)."""
    digest = hashlib.blake2b(digest_size=12)
    digest.update(sys.version.encode())
    root = Path(__file__).resolve().parents[1]
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    spec = PathFinder.find_spec("pybtex")
    if spec is not None and spec.origin:
        digest.update(" ".join(sorted(p.name for p in Path(spec.origin).parents[1].glob("pybtex-*"))).encode())
    return digest.hexdigest()


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
