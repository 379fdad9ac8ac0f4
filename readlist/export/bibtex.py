"""BibTeX and biblatex export, one entry per paper, written as text (``  name = {value},`` per field).

An arXiv preprint is ``@misc`` (BibTeX) or ``@online`` (biblatex); a paper with a venue is
``@inproceedings``/``@article`` and keeps its eprint; a paper not yet resolved is ``@misc`` with
``note = {unresolved}``. Field names are listed in docs/exports.md (the importer maps them back).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache, partial
from typing import TextIO

from readlist.errors import ReadlistError
from readlist.export.base import (
    EntryExporter,
    ExportOptions,
    Renderer,
    date_parts,
    is_journal,
    is_pending,
    is_published,
    paper_url,
)
from readlist.export.latex import BLOCK_START, balanced, escape, visible
from readlist.export.stored import BIBTEX_FLAVORS, bibtex_variant, write_bibtex
from readlist.model import Paper

STATE_FIELD = "readlist-state"
STATUS_FIELD = "readlist-status"
UNRESOLVED = "unresolved"
NOTE_SEPARATOR = "\n\n"  # one note per paragraph
# Names readlist writes in either flavour: an imported field of one of these names is not copied again.
OWN_FIELDS = frozenset(
    "title key author year date month eprint archiveprefix eprinttype primaryclass eprintclass howpublished doi url "
    "abstract keywords note booktitle journal journaltitle volume pages".split()
) | {STATE_FIELD, STATUS_FIELD}
_FIELD_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_.:+-]*$")
_INITIAL = re.compile(r"(^|[\s-])([^\x00-\x7f])")


@lru_cache(maxsize=65536)  # authors recur across a library
def format_name(name: str, ascii: bool, bibtex: bool = False) -> str:
    """``von Last, Jr., First``; a corporate or unparsable name braced whole so it is never split.

    For BibTeX (``bibtex``), a given name starting with a non-ASCII letter gets ``{\\relax Ł}``: BibTeX
    abbreviates by bytes and would cut a UTF-8 letter in half; a brace group opened by a command is one letter.
    """
    from readlist.keys import parse_name  # ~5 ms of start-up: an export of stored entries formats no name

    parts = parse_name(visible(name))
    esc = partial(escape, ascii=ascii, stacked=bibtex)
    if parts.literal:
        return "{" + esc(parts.literal) + "}"
    out = esc(f"{parts.von} {parts.last}".strip())
    if parts.jr:
        out += ", " + esc(parts.jr)
    if parts.first or parts.jr:
        first = esc(parts.first)
        out += ", " + (_INITIAL.sub(r"\1{\\relax \2}", first) if bibtex else first)
    return out


def _keyword(tag: str) -> str:
    """A tag holding "," or ";" is braced, so that biblatex and readlist's importer keep it one keyword."""
    return "{" + tag + "}" if "," in tag or ";" in tag else tag


def _pages(pages: str) -> str:
    return re.sub(r"(?<=\w)\s*[-\u2010-\u2015]+\s*(?=\w)", "--", pages)


def _url(url: str) -> str:
    """A URL as BibTeX and ``\\url`` read it: braces, backslashes, spaces percent-encoded; ``%``, ``#`` escaped."""
    url = re.sub(r"[{}\\\s]", lambda m: f"%{ord(m.group()):02X}", url)
    return url.replace("%", r"\%").replace("#", r"\#")


class BibtexExporter(EntryExporter):
    """``--format bibtex``; ``ExportOptions(flavor="biblatex")`` writes the biblatex flavour."""

    name = "bibtex"
    suffix = ".bib"
    flavor: str | None = None  # fixed by a subclass, else taken from the options

    def renderer(self, options: ExportOptions) -> Renderer:
        flavor = self.flavor or options.flavor
        if flavor not in BIBTEX_FLAVORS:
            raise ReadlistError(f"unknown BibTeX flavour {flavor!r}; use bibtex or biblatex")
        variant = bibtex_variant(flavor, options.ascii, options.abstract)
        return Renderer(variant, partial(self.entry, options=options, flavor=flavor))

    def assemble(self, texts: Iterable[bytes], out: TextIO, options: ExportOptions) -> None:
        write_bibtex(texts, out)

    def entry(self, paper: Paper, options: ExportOptions, flavor: str) -> str:
        """One paper as an entry; every value is LaTeX with balanced braces, enclosed in braces."""
        pairs = self._fields(paper, options, flavor)
        fields = ",\n".join(f"  {k} = {{{BLOCK_START.sub('{@}', v) if '@' in v else v}}}" for k, v in pairs)
        return f"@{self._type(paper, flavor)}{{{paper.key},\n{fields}\n}}\n"

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
        esc = partial(escape, ascii=tex, stacked=not biblatex)
        if paper.title:
            yield "title", esc(paper.title, protect=True)
        authors = [a for a in paper.authors if visible(a)]
        if not authors and not biblatex:
            yield "key", esc(paper.title) if paper.title else paper.key  # BibTeX sorts and labels by it
        if authors:
            yield "author", " and ".join(format_name(a, tex, bibtex=not biblatex) for a in authors)
        if is_published(paper):
            if is_journal(paper):
                yield ("journaltitle" if biblatex else "journal"), esc(paper.journal or paper.venue or "")
            else:
                yield "booktitle", esc(paper.venue or paper.journal or "")
            if paper.volume:
                yield "volume", esc(paper.volume)
            if paper.pages:
                yield "pages", esc(_pages(paper.pages))
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
                    yield "eprintclass", esc(paper.primary_class)
            else:
                yield "archivePrefix", "arXiv"
                yield "eprinttype", "arXiv"
                if paper.primary_class:
                    yield "primaryClass", esc(paper.primary_class)
                if not is_published(paper):
                    cls = f" [{paper.primary_class}]" if paper.primary_class else ""
                    yield "howpublished", esc(f"arXiv:{paper.arxiv_id}{cls}")
        if paper.doi:
            yield "doi", esc(paper.doi)
        url = paper_url(paper) if paper.arxiv_id else paper.url
        if url:
            yield "url", _url(url)
        if options.abstract and paper.abstract:
            yield "abstract", esc(paper.abstract)
        if paper.tags:
            yield "keywords", ", ".join(_keyword(esc(t)) for t in paper.tags)
        notes = [esc(n.text) for n in paper.notes if n.text.strip()]
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
                yield name, value if balanced(value) else esc(value)


class BiblatexExporter(BibtexExporter):
    """``--format biblatex``: ``@online``, ``date``, ``journaltitle``, ``eprinttype``/``eprintclass`` only."""

    name = "biblatex"
    flavor = "biblatex"
