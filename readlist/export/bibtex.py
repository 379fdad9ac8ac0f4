"""BibTeX and biblatex export, one entry per paper, written as text (``  name = {value},`` per field).

A paper imported from a .bib file is written as it was imported: its type, and every field as written, in order
(``raw_fields``); what readlist knows that the entry lacks is added after them (``fills``): resolved metadata, the
flavour's own names for what the entry has (``journal`` from ``journaltitle``, ``year``/``month`` from ``date``
in the BibTeX flavour), notes (``annote``), keywords, the read state. Any other paper is rendered from what readlist
knows: an arXiv preprint is ``@misc`` in both flavours (Zotero imports biblatex's ``@online`` as a Web Page), a
paper with a venue ``@inproceedings``/``@article`` and keeps its eprint. ``url``, ``doi`` and ``eprint`` are
written unescaped (both BibTeX's ``\\url`` and biber read them verbatim). Field names and what Zotero makes of
them are listed in docs/exports.md.
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
NOTES_FIELD = "annote"
NOTE_SEPARATOR = "\n\n"  # one note per paragraph
MONTH_MACROS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
ARXIV_DOI = "10.48550/arXiv."  # every arXiv paper has this DOI (DataCite)
# Names readlist writes in either flavour: an imported field of one of these names is not copied again.
OWN_FIELDS = frozenset(
    "title key author year date month eprint archiveprefix eprinttype primaryclass eprintclass howpublished doi url "
    "abstract keywords note annote booktitle journal journaltitle volume pages".split()
) | {STATE_FIELD, STATUS_FIELD}


# what resolved metadata may add to an imported entry that lacks it
_VENUE_FIELDS = frozenset("booktitle journal journaltitle".split())
_FILLED = _VENUE_FIELDS | frozenset(
    "title author year month date volume pages eprint archiveprefix eprinttype primaryclass eprintclass doi url "
    "abstract".split()
)


class Bare(str):
    """A value written without braces: a BibTeX macro (``jul``) or an expression (``{10~} # jan``)."""

    __slots__ = ()


_FIELD_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_.:+-]*$")
_INITIAL = re.compile(r"(^|[\s-])([^\x00-\x7f])")


@lru_cache(maxsize=65536)  # authors recur across a library
def format_name(name: str, ascii: bool, bibtex: bool = False) -> str:
    """``von Last, Jr., First``; a corporate or unparsable name braced whole so it is never split.

    For BibTeX (``bibtex``), a given name starting with a non-ASCII letter gets ``{\\relax Ł}``: BibTeX
    abbreviates by bytes and would cut a UTF-8 letter in half; a brace group opened by a command is one letter.
    """
    from readlist.keys import parse_name  # imported here: an export of stored entries formats no name

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


def verbatim(text: str) -> str:
    """A URL, DOI or eprint as Better BibTeX writes it: unescaped (``\\url`` and biber read these fields
    verbatim); only braces, backslashes and white space are percent-encoded, which no URL needs as such."""
    return re.sub(r"[{}\\\s]", lambda m: f"%{ord(m.group()):02X}", text.strip())


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
        write_bibtex(texts, out, options.preamble)

    def entry(self, paper: Paper, options: ExportOptions, flavor: str) -> str:
        """One paper as an entry; every value is LaTeX with balanced braces, enclosed in braces."""
        if paper.bib is not None:
            entry_type, pairs = paper.bib.type, self._imported(paper, options, flavor)
        else:
            entry_type, pairs = self._type(paper), self._fields(paper, options, flavor)
        fields = ",\n".join(_field(name, value) for name, value in pairs)
        return f"@{entry_type}{{{paper.key},\n{fields}\n}}\n"

    @staticmethod
    def _type(paper: Paper) -> str:
        if is_published(paper):
            return "article" if is_journal(paper) else "inproceedings"
        return "misc"

    def _imported(self, paper: Paper, options: ExportOptions, flavor: str) -> Iterator[tuple[str, str]]:
        """An imported entry: its fields as written, then what readlist knows that it lacks."""
        from readlist.ingest.bibtex import note_paragraphs, split_keywords

        assert paper.bib is not None
        have: dict[str, str] = {}
        for name, value, expression in paper.bib.fields:
            low = name.lower()
            have[low] = value
            if low == "keywords" and sorted(set(split_keywords(value))) != paper.tags:
                if paper.tags:
                    yield name, self._keywords(paper, options)
                continue
            if low == NOTES_FIELD and note_paragraphs(value) != note_paragraphs(self._notes(paper, options)):
                if paper.notes:
                    yield name, self._notes(paper, options)
                continue
            if low == "abstract" and not options.abstract:
                continue
            yield name, Bare(expression) if expression is not None else Raw(value)
        for name, value in self._fills(paper, options, flavor, have):
            if name.lower() not in have:
                have[name.lower()] = value
                yield name, value

    def _fills(
        self, paper: Paper, options: ExportOptions, flavor: str, have: dict[str, str]
    ) -> Iterator[tuple[str, str]]:
        """What an imported entry may lack: the flavour's names for what it has, resolved metadata, readlist's."""
        biblatex = flavor == "biblatex"
        if not biblatex:
            if "journaltitle" in have:
                yield "journal", have["journaltitle"]
            if "date" in have and "year" not in have:
                yield from self._year_month(paper)
        if not is_pending(paper):  # resolved metadata, for what the entry lacks
            dated = bool({"year", "date"} & set(have))
            venue = bool({"booktitle", "journal", "journaltitle"} & set(have))
            for name, value in self._fields(paper, options, flavor):
                low = name.lower()
                if (low in _VENUE_FIELDS and venue) or (low in ("year", "month", "date") and dated):
                    continue
                if low in _FILLED:
                    yield name, value
        if paper.tags:
            yield "keywords", self._keywords(paper, options)
        if paper.notes:
            yield NOTES_FIELD, self._notes(paper, options)
        if paper.aliases and "ids" not in have:
            yield "ids", ", ".join(paper.aliases)
        yield STATE_FIELD, paper.state
        if is_pending(paper):
            yield STATUS_FIELD, paper.status

    def _keywords(self, paper: Paper, options: ExportOptions) -> str:
        return ", ".join(_keyword(escape(t, ascii=options.ascii)) for t in paper.tags)

    def _notes(self, paper: Paper, options: ExportOptions) -> str:
        """One paragraph per note (Zotero makes the field a child note, its paragraphs kept); a note's own
        paragraphs and lines become lines, so that the importer reads the notes back one by one."""
        notes = [
            [text for text in (escape(line, ascii=options.ascii) for line in n.text.splitlines()) if text.strip()]
            for n in paper.notes
        ]
        return NOTE_SEPARATOR.join("\n".join(lines) for lines in notes if lines)

    @staticmethod
    def _year_month(paper: Paper) -> Iterator[tuple[str, str]]:
        parts = date_parts(paper)
        if parts:
            yield "year", str(parts[0])
            if len(parts) > 1:
                yield "month", Bare(MONTH_MACROS[parts[1] - 1])

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
        elif parts:
            yield from self._year_month(paper)
        if paper.arxiv_id:
            yield "eprint", verbatim(paper.arxiv_id)
            if biblatex:
                yield "eprinttype", "arXiv"
                if paper.primary_class:
                    yield "eprintclass", esc(paper.primary_class)
            else:
                yield "archivePrefix", "arXiv"
                yield "eprinttype", "arXiv"
                if paper.primary_class:
                    yield "primaryClass", esc(paper.primary_class)
        doi = paper.doi or (ARXIV_DOI + paper.arxiv_id if paper.arxiv_id and not is_published(paper) else None)
        if doi:
            yield "doi", verbatim(doi)
        url = paper_url(paper) if paper.arxiv_id else paper.url
        if url:
            yield "url", verbatim(url)
        if options.abstract and paper.abstract:
            yield "abstract", esc(paper.abstract)
        if paper.tags:
            yield "keywords", self._keywords(paper, options)
        if any(n.text.strip() for n in paper.notes):
            yield NOTES_FIELD, self._notes(paper, options)
        yield STATE_FIELD, paper.state
        if is_pending(paper):
            yield STATUS_FIELD, paper.status
        for name in sorted(paper.fields):
            if name.lower() not in OWN_FIELDS and _FIELD_NAME.match(name):
                value = paper.fields[name]
                yield name, value if balanced(value) else esc(value)


ALIAS_FIELD = "readlist-alias-of"


def alias_copy(paper: Paper, alias: str, options: ExportOptions) -> str:
    """``paper``'s BibTeX entry under one of its aliases (a key merged into it, that a document still cites),
    marked with ``readlist-alias-of`` so that an import takes it for the alias it is, not for a paper."""
    text = BibtexExporter().entry(paper, options, "bibtex")
    head, _, rest = text.partition(",\n")
    return f"{head[: head.index('{') + 1]}{alias},\n  {ALIAS_FIELD} = {{{paper.key}}},\n{rest}"


def _field(name: str, value: str) -> str:
    """``  name = {value}``; a bare value (a macro) without braces. An ``@`` that bibtexparser-based importers
    would take for a new entry is braced in a value readlist wrote, never in one the user wrote (``Raw``)."""
    if isinstance(value, Bare):
        return f"  {name} = {value}"
    if "@" in value and not isinstance(value, Raw):
        value = BLOCK_START.sub("{@}", value)
    return f"  {name} = {{{value}}}"


class Raw(str):
    """A value as the user's .bib file wrote it: written back byte for byte."""

    __slots__ = ()


class BiblatexExporter(BibtexExporter):
    """``--format biblatex``: ``date``, ``journaltitle``, ``eprinttype``/``eprintclass`` only."""

    name = "biblatex"
    flavor = "biblatex"
