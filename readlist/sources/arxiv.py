"""arXiv as a source: its API client (batched title searches and id lookups), a defensive Atom parser, and the
`Source` the resolver asks (the authority on arXiv ids).

Queries are built with real spaces, quotes and parentheses and sent once-encoded as a POST form body (the manual
accepts POST; it avoids both the ``+``/``%2B`` trap and 414 URI Too Long).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import timedelta

import defusedxml.ElementTree as SafeET
import requests
from defusedxml import DefusedXmlException

from readlist.config import Settings
from readlist.errors import ApiError
from readlist.identifiers import normalize_doi, parse_identifier
from readlist.model import Record
from readlist.resolve.cache import EXPIRY
from readlist.resolve.http import Http, Service
from readlist.sources.base import Source
from readlist.text import normalized, strip_latex

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"
ID_CHUNK = 100  # ids per id_list request
_ID_URL = re.compile(r"^https?://(?:export\.)?arxiv\.org/abs/(?P<id>.+?)(?:v(?P<version>\d+))?$")
_NOT_WORD = re.compile(r"[\W_]+")


def _text(element: SafeET.Element | None) -> str | None:
    """Element text with whitespace collapsed (classic feeds hard-wrap titles and summaries)."""
    if element is None or element.text is None:
        return None
    return " ".join(element.text.split()) or None


def _date(element: SafeET.Element | None) -> str | None:
    value = _text(element)
    return value[:10] if value else None


def parse_xml(body: bytes, speaker: str, root: str, kind: str) -> SafeET.Element:
    """The root element of an XML answer, parsed without entity expansion or external references, and checked to
    be ``root``; ApiError saying what ``speaker`` answered instead (``kind``: what it should have been)."""
    try:
        element = SafeET.fromstring(body)
    except DefusedXmlException as exc:
        raise ApiError(f"{speaker} answered XML with forbidden constructs ({type(exc).__name__})") from None
    except SafeET.ParseError as exc:
        raise ApiError(f"{speaker} answered something that is not XML ({exc})") from None
    if element.tag != root:
        raise ApiError(f"{speaker} answered XML that is not {kind} (root <{element.tag}>)")
    return element


def parse_feed(body: bytes) -> list[Record]:
    """Records from an arXiv Atom feed (2026 or classic serialization); an error feed raises ApiError."""
    root = parse_xml(body, "arXiv", f"{ATOM}feed", "an Atom feed")
    records = []
    for entry in root.iter(f"{ATOM}entry"):
        entry_id = _text(entry.find(f"{ATOM}id")) or ""
        if "/api/errors" in entry_id:
            raise ApiError(f"arXiv: {_text(entry.find(f'{ATOM}summary')) or 'error'}")
        match = _ID_URL.match(entry_id)
        if not match:
            raise ApiError(f"arXiv answered an entry with an unexpected id {entry_id!r}")
        records.append(_record(entry, match.group("id"), match.group("version")))
    return records


def feed_total(body: bytes) -> int | None:
    """A feed's opensearch:totalResults (how many records match in all), None when it has none."""
    try:
        text = _text(SafeET.fromstring(body).find(f"{OPENSEARCH}totalResults"))
    except (DefusedXmlException, SafeET.ParseError):
        return None
    return int(text) if text and text.isdigit() else None


def _record(entry: SafeET.Element, arxiv_id: str, version: str | None) -> Record:
    published = _date(entry.find(f"{ATOM}published"))
    primary = entry.find(f"{ARXIV}primary_category")
    doi = _text(entry.find(f"{ARXIV}doi"))
    return Record(
        source="arxiv",
        title=_text(entry.find(f"{ATOM}title")) or "",
        authors=[name for a in entry.findall(f"{ATOM}author") if (name := _text(a.find(f"{ATOM}name")))],
        abstract=_text(entry.find(f"{ATOM}summary")),
        arxiv_id=arxiv_id,
        arxiv_version=int(version) if version else None,
        published=published,
        updated=_date(entry.find(f"{ATOM}updated")),
        year=int(published[:4]) if published else None,
        primary_class=primary.get("term") if primary is not None else None,
        doi=normalize_doi(doi.split()[0]) if doi else None,  # the field can list several DOIs
        journal=_text(entry.find(f"{ARXIV}journal_ref")),  # arXiv's free-text journal reference
        url=f"https://arxiv.org/abs/{arxiv_id}",
    )


def title_phrase(title: str) -> str:
    """A title as arXiv phrase text: no LaTeX, quotes or punctuation, hyphens as spaces (a hyphen means NOT)."""
    return " ".join(_NOT_WORD.sub(" ", strip_latex(title)).split())


def _chunks(items: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


class ArxivClient:
    """Title searches and id lookups against the arXiv API.

    ``batch_size`` titles go into one ``ti:"..." OR ti:"..."`` query asking ``results_per_title`` results per
    title. Relevance ranks the whole result set, so a generic title can crowd the others out: titles that got no
    record containing their phrase are asked again ``retry_batch_size`` at a time, unless the answer held every
    record that matched (totalResults no more than the records returned: nothing was crowded out, so the title
    is not on arXiv under that name and asking again would only cost a request).
    """

    def __init__(
        self, http: Http, base_url: str, *, batch_size: int = 30, retry_batch_size: int = 5, results_per_title: int = 4
    ) -> None:
        self.http = http
        self.base_url = base_url
        self.batch_size = batch_size
        self.retry_batch_size = retry_batch_size
        self.results_per_title = results_per_title

    def search_titles(self, titles: Sequence[str]) -> list[Record]:
        """Every record any of the title queries returned, once each, in the order first seen."""
        phrases = list(dict.fromkeys(p for p in map(title_phrase, titles) if p))
        found: dict[str, Record] = {}
        for size in dict.fromkeys((self.batch_size, self.retry_batch_size)):
            missing = []
            for chunk in _chunks(phrases, size):
                query = " OR ".join(f'ti:"{phrase}"' for phrase in chunk)
                form = {"search_query": query, "max_results": self.results_per_title * len(chunk)}
                records, total = self._query_feed(form)
                for record in records:
                    found.setdefault(record.arxiv_id or "", record)
                if records and total is not None and total <= len(records):
                    continue  # every match came back: a title without its record is not there to find
                seen = "|".join(f" {normalized(r.title)} " for r in records)  # "|" never occurs in a phrase
                missing += [p for p in chunk if f" {normalized(p)} " not in seen]
            phrases = missing
            if not phrases:
                break
        return list(found.values())

    def fetch_ids(self, ids: Sequence[str]) -> dict[str, Record]:
        """Bare id -> latest-version record; ids arXiv does not know (or that are malformed) are absent."""
        bare = []
        for raw in ids:
            ident = parse_identifier(raw)
            if ident is not None and ident.scheme == "arxiv":
                bare.append(ident.value)
        bare = list(dict.fromkeys(bare))
        result: dict[str, Record] = {}
        for chunk in _chunks(bare, ID_CHUNK):
            for record in self._query({"id_list": ",".join(chunk), "max_results": len(chunk)}):
                result[record.arxiv_id or ""] = record
        return result

    def _query(self, form: dict[str, object]) -> list[Record]:
        return self._query_feed(form)[0]

    def _query_feed(self, form: dict[str, object]) -> tuple[list[Record], int | None]:
        """The records of one query and the feed's totalResults."""
        response = self.http.post(self.base_url, data={**form, "start": 0})
        if response.status_code not in (200, 400):
            raise ApiError(f"arXiv answered HTTP {response.status_code}")
        try:
            records = parse_feed(response.content)
        except ApiError:
            self.http.discard(response)
            raise
        if response.status_code == 400:
            raise ApiError("arXiv answered HTTP 400 without an error message")
        return records, feed_total(response.content)


def _expiry(form: Mapping[str, object]) -> timedelta:
    """An id lookup is kept 30 days, a search 7 (`readlist.resolve.http`)."""
    return EXPIRY["arxiv ids"] if "id_list" in form else EXPIRY["arxiv search"]


def _empty_feed(response: requests.Response) -> bool:
    """A feed without entries (arXiv sometimes answers one for a while): kept an hour only."""
    return (
        response.status_code == 200 and response.content.lstrip().startswith(b"<") and b"<entry" not in response.content
    )


def service(settings: Settings) -> Service:
    """arXiv's query API, as the HTTP layer asks it."""
    return Service("arxiv", settings.arxiv_url, settings.arxiv_interval, _expiry, _empty_feed)


class ArxivSource(Source):
    """arXiv: ids looked up (it is their registry), titles searched 60 at a time (two ORed queries)."""

    name = "arxiv"
    label = "arXiv"
    order = 20
    id_schemes = frozenset({"arxiv"})
    authority = frozenset({"arxiv"})
    ids_per_lookup = 200  # the client POSTs, so URL length is no limit
    titles_per_search = 60

    def __init__(self, settings: Settings, http: Http) -> None:
        super().__init__(settings, http)
        http.add(service(settings))
        self.client = ArxivClient(http, settings.arxiv_url)

    def fetch_ids(self, scheme: str, ids: Sequence[str]) -> dict[str, Record]:
        return self.client.fetch_ids(ids)

    def search_titles(self, titles: Sequence[str]) -> list[Record]:
        return self.client.search_titles(titles)
