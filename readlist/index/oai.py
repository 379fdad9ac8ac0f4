"""Pages of an OAI-PMH ListRecords answer as arXiv sends them, as index rows.

A page holds records (a header with the identifier ``oai:arXiv.org:ID`` and the datestamp, then the metadata in
the ``arXiv`` format, with authors split into keyname/forenames/suffix, or ``arXivRaw``, with the author string as
typed and every version's date), deleted records (``<header status="deleted">``), and a resumption token for the
next page: absent or empty on the last page (the classic server sends an empty one with ``cursor`` and
``completeListSize``; the 2025 server sends none). An error is HTTP 200 with ``<error code="...">``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import defusedxml.ElementTree as SafeET

from readlist.errors import ApiError
from readlist.index.schema import AUTHOR_SEPARATOR, IndexRow
from readlist.index.snapshot import BadLine, arxiv_id, name, rfc2822_date, split_authors, text, version_number
from readlist.sources.arxiv import parse_xml

OAI = "{http://www.openarchives.org/OAI/2.0/}"
FORMATS = {"arXiv": "{http://arxiv.org/OAI/arXiv/}", "arXivRaw": "{http://arxiv.org/OAI/arXivRaw/}"}
IDENTIFIER_PREFIX = "oai:arXiv.org:"


class OaiError(ApiError):
    """An OAI-PMH error answer: ``code`` is the protocol's (noRecordsMatch, badResumptionToken, badArgument...)."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        super().__init__(f"OAI-PMH server: {code}: {message}" if message else f"OAI-PMH server: {code}")


@dataclass
class Page:
    rows: list[IndexRow] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)  # bare ids
    bad: int = 0  # records without a usable id or title (skipped)
    last_datestamp: str | None = None  # the latest datestamp on the page
    token: str | None = None  # the next page's resumption token; None on the last page
    size: int | None = None  # completeListSize, when the server says


def parse_page(body: bytes, prefix: str) -> Page:
    """The records and the resumption token of one ListRecords page in metadata format ``prefix``; raises OaiError
    for an OAI-PMH error answer and ApiError for anything that is not OAI-PMH."""
    root = parse_xml(body, "the OAI-PMH server", f"{OAI}OAI-PMH", "OAI-PMH")
    error = root.find(f"{OAI}error")
    if error is not None:
        raise OaiError(error.get("code") or "unknown", " ".join((error.text or "").split()))
    listing = root.find(f"{OAI}ListRecords")
    if listing is None:
        raise ApiError("the OAI-PMH server answered without a ListRecords element")
    page = Page()
    ns = FORMATS[prefix]
    for record in listing.iter(f"{OAI}record"):
        header = record.find(f"{OAI}header")
        if header is None:
            page.bad += 1
            continue
        stamp = (header.findtext(f"{OAI}datestamp") or "").strip()[:10] or None
        if stamp and (page.last_datestamp is None or stamp > page.last_datestamp):
            page.last_datestamp = stamp
        try:
            if header.get("status") == "deleted":
                identifier = (header.findtext(f"{OAI}identifier") or "").strip()
                page.deleted.append(arxiv_id(identifier.removeprefix(IDENTIFIER_PREFIX)))
                continue
            metadata = record.find(f"{OAI}metadata/{ns}{prefix}")
            if metadata is None:
                raise BadLine(f"no {prefix} metadata")
            page.rows.append(_raw_row(metadata, ns) if prefix == "arXivRaw" else _arxiv_row(metadata, ns))
        except BadLine:
            page.bad += 1
    token = listing.find(f"{OAI}resumptionToken")
    if token is not None:
        page.token = (token.text or "").strip() or None
        size = token.get("completeListSize", "")
        page.size = int(size) if size.isdigit() else None
    return page


def _row(
    meta: SafeET.Element, ns: str, authors: list[str], published: str | None, updated: str | None, version: int | None
) -> IndexRow:
    def get(tag: str) -> str | None:
        return text(meta.findtext(f"{ns}{tag}"))

    ident = arxiv_id(get("id"))
    title = get("title")
    if not title:
        raise BadLine(f"{ident}: no title")
    return IndexRow(
        id=ident,
        title=title,
        authors=AUTHOR_SEPARATOR.join(a for a in authors if a),
        abstract=get("abstract"),
        categories=get("categories"),
        doi=get("doi"),
        journal_ref=get("journal-ref"),
        published=published,
        updated=updated,
        version=version,
    )


def _arxiv_row(meta: SafeET.Element, ns: str) -> IndexRow:
    """The ``arXiv`` format: v1's date (created) and the latest version's (updated, absent while there is only v1),
    but not the version number."""
    authors = [
        name(a.findtext(f"{ns}keyname"), a.findtext(f"{ns}forenames"), a.findtext(f"{ns}suffix"))
        for a in meta.iter(f"{ns}author")
    ]
    created, updated = text(meta.findtext(f"{ns}created")), text(meta.findtext(f"{ns}updated"))
    return _row(meta, ns, authors, published=created, updated=updated or created, version=None if updated else 1)


def _raw_row(meta: SafeET.Element, ns: str) -> IndexRow:
    """The ``arXivRaw`` format: every version with its RFC 2822 date; authors as one string."""
    versions = meta.findall(f"{ns}version")
    dates = [rfc2822_date(v.findtext(f"{ns}date")) for v in versions]
    return _row(
        meta,
        ns,
        split_authors(meta.findtext(f"{ns}authors") or ""),
        published=dates[0] if dates else None,
        updated=dates[-1] if dates else None,
        version=version_number(versions[-1].get("version") if versions else None, len(versions)),
    )
