"""CSL-JSON export: the file Zotero imports as real "Preprint" items (and pandoc/citeproc read)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, TextIO

from readlist.export.base import (
    EntryExporter,
    ExportOptions,
    Renderer,
    date_parts,
    is_journal,
    is_published,
    paper_url,
)
from readlist.export.stored import byte_writer
from readlist.keys import parse_name
from readlist.model import Paper

if TYPE_CHECKING:
    from readlist.model import Parts as NameParts


ARXIV_DOI = "10.48550/arXiv."
# a .bib entry type -> CSL type (as Zotero's BibTeX import maps it, then Zotero's CSL mapping)
_CSL_TYPES = {
    "article": "article-journal", "inproceedings": "paper-conference", "conference": "paper-conference",
    "incollection": "chapter", "inbook": "chapter", "book": "book", "booklet": "book", "proceedings": "book",
    "collection": "book", "phdthesis": "thesis", "mastersthesis": "thesis", "thesis": "thesis",
    "techreport": "report", "report": "report", "manual": "book", "unpublished": "manuscript", "online": "webpage",
    "software": "software", "dataset": "dataset", "patent": "patent",
}  # fmt: skip


def csl_name(name: str, parts: NameParts | None = None) -> dict[str, str]:
    """``{"family", "given"}`` where Zotero reads them: the particle in ``family`` ("van den Oord"), the suffix
    after the given names ("Martin Luther, Jr."), as Zotero keeps them (its CSL import reads no other part, and
    its CSL export splits them out again); ``{"literal"}`` for a corporate name.

    ``parts`` are the name's parts as the source split them (a .bib import); else the display name is split by
    BibTeX's rules."""
    if parts is None:
        split = parse_name(name)
        if split.literal:
            return {"literal": split.literal}
        first, von, last, jr = split.first, split.von, split.last, split.jr
    else:
        first, von, last, jr = parts.first, parts.von, parts.last, parts.jr
        if not first and not von and not jr:
            return {"literal": last}
    out = {"family": f"{von} {last}".strip(), "given": f"{first}, {jr}" if jr and first else first or jr}
    return {k: v for k, v in out.items() if v}


def _authors(paper: Paper) -> list[dict[str, str]]:
    """The names as the source split them: an imported entry's own `author` field (even after a resolution
    replaced the display names), else the parts stored with each name, else each display name split."""
    raw = next((v for n, v, _ in paper.bib.fields if n.lower() == "author"), None) if paper.bib else None
    if raw is not None:
        from readlist.ingest.names import decoded_names

        return [csl_name(n.display, n) for n in decoded_names(raw)]
    parts = paper.author_parts if len(paper.author_parts) == len(paper.authors) else [None] * len(paper.authors)
    return [csl_name(a, p) for a, p in zip(paper.authors, parts, strict=True)]


def csl_item(paper: Paper, options: ExportOptions) -> dict[str, object]:
    """One paper as a CSL item; keys are written in a fixed order so the file is deterministic."""
    published = is_published(paper)
    bib_type = paper.bib.type.lower() if paper.bib is not None else None
    if bib_type is not None:
        kind = _CSL_TYPES.get(bib_type, "article" if paper.arxiv_id else "document")
    else:
        kind = ("article-journal" if is_journal(paper) else "paper-conference") if published else "article"
    item: dict[str, object] = {
        "id": paper.key,
        "citation-key": paper.key,
        "type": kind,
        "title": paper.title,
        "author": _authors(paper),
    }
    if parts := date_parts(paper):
        item["issued"] = {"date-parts": [parts]}
    preprint = kind == "article" and bool(paper.arxiv_id)
    if published or (bib_type is not None and paper.venue):
        item["container-title"] = paper.journal if is_journal(paper) else paper.venue or paper.journal
        item["volume"] = paper.volume
        item["page"] = paper.pages
    elif preprint:
        item["publisher"] = "arXiv"
        item["number"] = f"arXiv:{paper.arxiv_id}"  # Zotero's Archive ID, as its arXiv translator writes it
    item["DOI"] = paper.doi or (ARXIV_DOI + paper.arxiv_id if preprint and paper.arxiv_id else None)
    item["URL"] = paper_url(paper)
    if options.abstract:
        item["abstract"] = paper.abstract
    item["keyword"] = ", ".join(paper.tags)
    if paper.arxiv_id and not preprint:
        item["note"] = f"arXiv: {paper.arxiv_id}"  # Zotero keeps it in Extra
    notes = [n.text for n in paper.notes if n.text.strip()]
    custom = {
        "readlist-state": paper.state,
        "arxiv-primary-class": paper.primary_class,
        "readlist-notes": notes,
        "readlist-aliases": paper.aliases,
    }
    item["custom"] = {k: v for k, v in custom.items() if v}
    return {k: v for k, v in item.items() if v not in (None, "", [], {})}


class CslJsonExporter(EntryExporter):
    """``--format csl-json``: a JSON array written item by item."""

    name = "csl-json"
    suffix = ".json"

    def renderer(self, options: ExportOptions) -> Renderer:
        def render(paper: Paper) -> str:
            return json.dumps(csl_item(paper, options), ensure_ascii=options.ascii, indent=2)

        return Renderer(f"ascii={options.ascii} abstract={options.abstract}", render)

    def assemble(self, texts: Iterable[bytes], out: TextIO, options: ExportOptions) -> None:
        with byte_writer(out) as write:
            write(b"[")
            for i, text in enumerate(texts):
                write((b",\n" if i else b"\n") + text)
            write(b"\n]\n")
