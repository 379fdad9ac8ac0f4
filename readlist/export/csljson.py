"""CSL-JSON export: the file Zotero imports as real "Preprint" items (and pandoc/citeproc read)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TextIO

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
from readlist.export.stored import byte_writer
from readlist.keys import parse_name
from readlist.model import Paper


def csl_name(name: str) -> dict[str, str]:
    """``{"family", "given", "non-dropping-particle", "suffix"}``, or ``{"literal"}`` for a corporate name."""
    parts = parse_name(name)
    if parts.literal:
        return {"literal": parts.literal}
    out = {"family": parts.last, "given": parts.first, "non-dropping-particle": parts.von, "suffix": parts.jr}
    return {k: v for k, v in out.items() if v}


def csl_item(paper: Paper, options: ExportOptions) -> dict[str, object]:
    """One paper as a CSL item; keys are written in a fixed order so the file is deterministic."""
    published = is_published(paper)
    item: dict[str, object] = {
        "id": paper.key,
        "citation-key": paper.key,
        "type": ("article-journal" if is_journal(paper) else "paper-conference") if published else "article",
        "title": paper.title,
        "author": [csl_name(a) for a in paper.authors],
    }
    if parts := date_parts(paper):
        item["issued"] = {"date-parts": [parts]}
    if published:
        item["container-title"] = paper.journal if is_journal(paper) else paper.venue or paper.journal
        item["volume"] = paper.volume
        item["page"] = paper.pages
    elif paper.arxiv_id:
        item["publisher"] = "arXiv"
        item["number"] = paper.arxiv_id
    item["DOI"] = paper.doi
    item["URL"] = paper_url(paper)
    if options.abstract:
        item["abstract"] = paper.abstract
    item["keyword"] = ", ".join(paper.tags)
    notes = [n.text for n in paper.notes if n.text.strip()]
    item["note"] = "\n\n".join((["unresolved"] if is_pending(paper) else []) + notes)
    custom = {"readlist-state": paper.state, "arxiv-primary-class": paper.primary_class}
    item["custom"] = {k: v for k, v in custom.items() if v}
    return {k: v for k, v in item.items() if v not in (None, "", [])}


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
