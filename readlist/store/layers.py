"""What a paper shows, composed from what each of its sources said and from its resolved record.

Every source of a paper keeps the entry it came from, its *layer*: the kind of input (``bib``, ``page`` or ``id``),
and the title, abstract, authors, date, identifiers, venue, BibTeX type, key and fields it gave. A paper's
bibliographic fields are composed field by field: the first value present, in the order

    resolved arXiv/Semantic Scholar record  >  imported .bib entries  >  pages and identifiers

(sources of one kind in the order they were added). So a new source fills the fields that are empty and never
replaces a value from above it, whatever order the sources arrive in; rejecting a match drops the record and the
paper shows its sources' values again. What the user set (key, notes, tags, read state) is not in any layer and
no source changes it (docs/user-guide.md, "One paper, many sources").

This is what a paper *shows* (`show`, `list`, Markdown, matching). A BibTeX, biblatex or CSL-JSON export of a paper
that carries an imported .bib entry (``papers.bib``) writes that entry's own fields as written: it is the user's
record; the composed values only fill the fields it lacks (`readlist.export.bibtex`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from readlist.model import Entry, PartialDate, Record
from readlist.store.bibrecords import parts_text
from readlist.text import normalize_title

_ROW_FIELDS = ("url", "volume", "pages")  # BibTeX fields with a column of their own
_GENERIC_TYPES = (None, "misc", "online")  # BibTeX types that say nothing about publication

Layer = dict[str, Any]  # what one source said about a paper (`entry_layer`), as stored (JSON)


def entry_layer(entry: Entry) -> dict[str, object]:
    """What an input said about a paper, as a source stores it (empty values left out)."""
    kind = "bib" if entry.entry_type else "page" if entry.title else "id"
    layer: dict[str, object] = {
        "kind": kind,
        "title": entry.title,
        "abstract": entry.abstract,
        "authors": entry.authors,
        "author_parts": parts_text(entry.author_parts) if entry.author_parts else None,
        "author_count": entry.author_count,
        "date": entry.date.iso if entry.date else None,
        "arxiv_id": entry.arxiv_id,
        "doi": entry.doi,
        "venue": entry.venue,
        "entry_type": entry.entry_type,
        "key": entry.key,
        "label": entry.label,
        "fields": entry.fields,
    }
    return {name: value for name, value in layer.items() if value not in (None, "", [], {})}


def layer_json(entry: Entry) -> str:
    return json.dumps(entry_layer(entry), ensure_ascii=False)


def entry_type_for(record: Record) -> str | None:
    """The BibTeX type of a published paper, from Semantic Scholar's publication types."""
    if not record.venue and not record.journal:
        return None
    types = set(record.publication_types)
    if "Conference" in types:
        return "inproceedings"
    if "JournalArticle" in types or record.journal:
        return "article"
    return None


def record_year(record: Record) -> int | None:
    return record.year or (int(record.published[:4]) if record.published else None)


def ordered(layers: Iterable[Layer]) -> list[Layer]:
    """Layers in precedence order: .bib entries, then pages and identifiers (each in the order added)."""
    layers = list(layers)
    return [la for la in layers if la.get("kind") == "bib"] + [la for la in layers if la.get("kind") != "bib"]


@dataclass
class Composed:
    """A paper's bibliographic columns (``values``) and its authors, as composed."""

    values: dict[str, Any]  # column -> value
    authors: list[str]
    parts: list[str | None]  # each author's name parts as the source that gave the names split them (None: not split)
    titled: bool  # whether a source or the record gave a title (else ``title`` is the identifier)


def compose(record: Record | None, layers: Sequence[Layer]) -> Composed:
    """The paper the record and the layers make together (see the module docstring for the order)."""
    from readlist.identifiers import normalize_doi

    stack = ordered(layers)

    def first(name: str) -> Any:
        return next((la[name] for la in stack if la.get(name)), None)

    fields: dict[str, object] = {}
    for layer in stack:
        for name, value in (layer.get("fields") or {}).items():
            fields.setdefault(name, value)
    r = record
    parts: list[str | None]
    if r and r.authors:
        authors, parts = list(r.authors), [None] * len(r.authors)
    else:
        named = next((la for la in stack if la.get("authors")), {})
        authors = list(named.get("authors") or [])
        parts = list(named.get("author_parts") or []) or [None] * len(authors)
    arxiv_id = (r.arxiv_id if r else None) or first("arxiv_id")
    doi = normalize_doi(r.doi) if r and r.doi else first("doi")
    if r and record_year(r):
        year, date = record_year(r), r.published or first("date")
    else:
        date = first("date")
        year = when.year if (when := PartialDate.from_iso(date)) else None
    title = (r.title if r else None) or first("title")
    bib_type = next((la["entry_type"] for la in stack if la.get("entry_type") not in _GENERIC_TYPES), None)
    shown_title = str(title or arxiv_id or doi or first("label") or "untitled")
    values: dict[str, Any] = {
        "title": shown_title,
        "title_norm": normalize_title(shown_title),
        "abstract": (r.abstract if r else None) or first("abstract"),
        "year": year,
        "date": date,
        "arxiv_id": arxiv_id,
        "arxiv_version": r.arxiv_version if r else None,
        "primary_class": r.primary_class if r else None,
        "doi": doi,
        "s2_id": r.s2_id if r else None,
        "entry_type": (entry_type_for(r) if r else None) or bib_type,
        "venue": (r.venue if r else None) or first("venue"),
        "journal": r.journal if r else None,
        "volume": (r.volume if r else None) or fields.get("volume"),
        "pages": (r.pages if r else None) or fields.get("pages"),
        "url": (r.url if r else None) or fields.get("url"),
        "author_count": len(authors) if authors else first("author_count"),
        "fields": json.dumps({k: v for k, v in fields.items() if k not in _ROW_FIELDS}),
    }
    return Composed(values, authors, parts, bool(title))


# what `show` compares between a matched record and an imported .bib entry: name -> (record value, layer value)
_COMPARED: dict[str, tuple[Callable[[Record], object], Callable[[Layer], object]]] = {
    "title": (lambda r: r.title, lambda la: la.get("title")),
    "authors": (lambda r: ", ".join(r.authors), lambda la: ", ".join(la.get("authors") or [])),
    "year": (record_year, lambda la: when.year if (when := PartialDate.from_iso(la.get("date"))) else None),
    "arXiv": (lambda r: r.arxiv_id, lambda la: la.get("arxiv_id")),
    "DOI": (lambda r: (r.doi or "").lower() or None, lambda la: la.get("doi")),
    "venue": (lambda r: r.venue or r.journal, lambda la: la.get("venue")),
    "volume": (lambda r: r.volume, lambda la: (la.get("fields") or {}).get("volume")),
    "pages": (lambda r: r.pages, lambda la: (la.get("fields") or {}).get("pages")),
}


def _same(a: object, b: object) -> bool:
    return normalize_title(str(a)) == normalize_title(str(b))


def disagreements(record: Record, layer: Layer) -> list[tuple[str, object, object]]:
    """``(field, the .bib's value, the record's value)`` where an imported entry and the matched record both have
    a value and they differ (case, punctuation and LaTeX aside)."""
    out = []
    for name, (of_record, of_layer) in _COMPARED.items():
        theirs, ours = of_layer(layer), of_record(record)
        if theirs and ours and not _same(theirs, ours):
            out.append((name, theirs, ours))
    return out
