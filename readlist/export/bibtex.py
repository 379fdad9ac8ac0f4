"""BibTeX and biblatex export, written entry by entry with bibtexparser's writer.

An arXiv preprint is ``@misc`` (BibTeX) or ``@online`` (biblatex); a paper with a venue is
``@inproceedings``/``@article`` and keeps its eprint; a paper not yet resolved is ``@misc`` with
``note = {unresolved}``. Field names are listed in docs/exports.md (the importer maps them back).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import TextIO

import bibtexparser
from bibtexparser.library import Library
from bibtexparser.model import Entry, Field
from bibtexparser.writer import BibtexFormat

from readlist.errors import ReadlistError
from readlist.export.base import ExportOptions, date_parts, is_journal, is_pending, is_published, paper_url
from readlist.export.latex import balanced, escape
from readlist.keys import NameParts, parse_name
from readlist.model import Paper

STATE_FIELD = "readlist-state"
STATUS_FIELD = "readlist-status"
UNRESOLVED = "unresolved"
NOTE_SEPARATOR = "\n\n"  # one note per paragraph
# Names readlist writes in either flavour: an imported field of one of these names is not copied again.
OWN_FIELDS = frozenset(
    "title author year date month eprint archiveprefix eprinttype primaryclass eprintclass howpublished doi url "
    "abstract keywords note booktitle journal journaltitle volume pages".split()
) | {STATE_FIELD, STATUS_FIELD}
_FIELD_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_.:+-]*$")
_CHUNK = 200  # entries per bibtexparser write: streaming with bounded memory, without per-entry overhead
_FORMAT = BibtexFormat()
_FORMAT.indent = "  "
_FORMAT.block_separator = "\n"  # each entry ends with a newline: one blank line between entries


def format_name(name: str, ascii: bool) -> str:
    """``von Last, Jr., First``; a corporate or unparsable name braced whole so it is never split."""
    parts: NameParts = parse_name(name)
    if parts.literal:
        return "{" + escape(parts.literal, ascii) + "}"
    out = escape(f"{parts.von} {parts.last}".strip(), ascii)
    if parts.jr:
        out += ", " + escape(parts.jr, ascii)
    if parts.first or parts.jr:
        out += ", " + escape(parts.first, ascii)
    return out


def _pages(pages: str) -> str:
    return re.sub(r"(?<=\w)\s*[-\u2010-\u2015]+\s*(?=\w)", "--", pages)


def _url(url: str) -> str:
    """A URL as BibTeX and ``\\url`` read it: braces, backslashes, spaces percent-encoded; ``%``, ``#`` escaped."""
    url = re.sub(r"[{}\\\s]", lambda m: f"%{ord(m.group()):02X}", url)
    return url.replace("%", r"\%").replace("#", r"\#")


class BibtexExporter:
    """``--format bibtex``; ``ExportOptions(flavor="biblatex")`` writes the biblatex flavour."""

    name = "bibtex"
    suffix = ".bib"
    flavor: str | None = None  # fixed by a subclass, else taken from the options

    def write(self, papers: Iterable[Paper], out: TextIO, options: ExportOptions) -> None:
        flavor = self.flavor or options.flavor
        if flavor not in ("bibtex", "biblatex"):
            raise ReadlistError(f"unknown BibTeX flavour {flavor!r}; use bibtex or biblatex")
        entries = (self.entry(p, options, flavor) for p in papers)
        first = True
        while chunk := list(islice(entries, _CHUNK)):
            if not first:
                out.write(_FORMAT.block_separator)
            out.write(bibtexparser.write_string(Library(chunk), bibtex_format=_FORMAT))
            first = False

    def entry(self, paper: Paper, options: ExportOptions, flavor: str) -> Entry:
        """One paper as a bibtexparser entry; values are LaTeX, enclosed in braces by the writer."""
        return Entry(
            self._type(paper, flavor), paper.key, [Field(k, v) for k, v in self._fields(paper, options, flavor)]
        )

    @staticmethod
    def _type(paper: Paper, flavor: str) -> str:
        if is_published(paper):
            return "article" if is_journal(paper) else "inproceedings"
        if paper.arxiv_id and not is_pending(paper) and flavor == "biblatex":
            return "online"
        return "misc"

    def _fields(self, paper: Paper, options: ExportOptions, flavor: str) -> Iterator[tuple[str, str]]:
        tex = options.ascii
        biblatex = flavor == "biblatex"
        if paper.title:
            yield "title", escape(paper.title, tex, protect=True)
        if paper.authors:
            yield "author", " and ".join(format_name(a, tex) for a in paper.authors)
        if is_published(paper):
            if is_journal(paper):
                yield ("journaltitle" if biblatex else "journal"), escape(paper.journal or paper.venue or "", tex)
            else:
                yield "booktitle", escape(paper.venue or paper.journal or "", tex)
            if paper.volume:
                yield "volume", escape(paper.volume, tex)
            if paper.pages:
                yield "pages", escape(_pages(paper.pages), tex)
        parts = date_parts(paper)
        if biblatex and parts:
            yield "date", "-".join(f"{p:02d}" for p in parts)
        elif paper.year:
            yield "year", str(paper.year)
        if paper.arxiv_id:
            yield "eprint", paper.arxiv_id
            if biblatex:
                yield "eprinttype", "arXiv"
                if paper.primary_class:
                    yield "eprintclass", escape(paper.primary_class, tex)
            else:
                yield "archivePrefix", "arXiv"
                yield "eprinttype", "arXiv"
                if paper.primary_class:
                    yield "primaryClass", escape(paper.primary_class, tex)
                if not is_published(paper):
                    cls = f" [{paper.primary_class}]" if paper.primary_class else ""
                    yield "howpublished", escape(f"arXiv:{paper.arxiv_id}{cls}", tex)
        if paper.doi:
            yield "doi", escape(paper.doi, tex)
        url = paper_url(paper) if paper.arxiv_id else paper.url
        if url:
            yield "url", _url(url)
        if options.abstract and paper.abstract:
            yield "abstract", escape(paper.abstract, tex)
        if paper.tags:
            yield "keywords", ", ".join(escape(t, tex) for t in paper.tags)
        notes = [escape(n.text, tex) for n in paper.notes if n.text.strip()]
        if is_pending(paper):
            notes.insert(0, UNRESOLVED)
        if notes:
            yield "note", NOTE_SEPARATOR.join(notes)
        yield STATE_FIELD, paper.state
        if is_pending(paper):
            yield STATUS_FIELD, paper.status
        for name in sorted(paper.fields):
            if name.lower() not in OWN_FIELDS and _FIELD_NAME.match(name):
                value = paper.fields[name]
                yield name, value if balanced(value) else escape(value, tex)


class BiblatexExporter(BibtexExporter):
    """``--format biblatex``: ``@online``, ``date``, ``journaltitle``, ``eprinttype``/``eprintclass`` only."""

    name = "biblatex"
    flavor = "biblatex"
