"""Semantic Scholar as a source: its Graph API client (id batches and title matches, mapped to ``Record``), and the
`Source` the resolver asks (DOIs, one title at a time, and the publication data that enriches every match).

arXiv-as-venue noise is dropped in the mapping: S2 gives preprints ``venue "arXiv.org"`` and
``journal {"name": "ArXiv", "volume": "abs/<id>"}``, which are not publication venues.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import requests

from readlist.config import Settings
from readlist.errors import ApiError
from readlist.identifiers import normalize_doi
from readlist.model import Record
from readlist.resolve.cache import EXPIRY
from readlist.resolve.http import Http, Service
from readlist.sources.base import Source

FIELDS = "externalIds,title,authors,venue,publicationVenue,year,publicationDate,journal,publicationTypes,abstract,url"
BATCH_LIMIT = 500  # ids per /paper/batch call (the API's maximum)
ARXIV_DOI_PREFIX = "10.48550/"  # arXiv's own DataCite DOIs: not a publisher DOI
_ARXIV_NAMES = {"arxiv", "arxiv.org"}


def _clean(value: object) -> str | None:
    """A non-empty string field, or None (S2 uses both null and "" for missing)."""
    return value.strip() or None if isinstance(value, str) else None


def paper_record(paper: dict[str, Any]) -> Record:
    """Map one S2 paper object (any subset of ``FIELDS``) to a Record."""
    ids = paper.get("externalIds") or {}
    doi = _clean(ids.get("DOI"))
    venue_obj = paper.get("publicationVenue") or {}
    venue = _clean(venue_obj.get("name")) or _clean(paper.get("venue"))
    journal = paper.get("journal") or {}
    journal_name = _clean(journal.get("name"))
    is_arxiv_journal = journal_name is not None and journal_name.lower() in _ARXIV_NAMES
    return Record(
        source="s2",
        title=" ".join((paper.get("title") or "").split()),
        authors=[name for a in paper.get("authors") or [] if (name := _clean(a.get("name")))],
        abstract=_clean(paper.get("abstract")),
        arxiv_id=_clean(ids.get("ArXiv")),
        published=_clean(paper.get("publicationDate")),
        year=paper.get("year") if isinstance(paper.get("year"), int) else None,
        doi=normalize_doi(doi) if doi and not doi.lower().startswith(ARXIV_DOI_PREFIX) else None,
        s2_id=_clean(paper.get("paperId")),
        venue=None if venue is None or venue.lower() in _ARXIV_NAMES else venue,
        journal=None if is_arxiv_journal else journal_name,
        volume=None if is_arxiv_journal else _clean(journal.get("volume")),
        pages=_clean(journal.get("pages")),
        publication_types=list(paper.get("publicationTypes") or []),
        url=_clean(paper.get("url")),
    )


class S2Client:
    """``/paper/batch`` and ``/paper/search/match``; the key (if any) goes in the ``X-API-Key`` header."""

    def __init__(self, http: Http, base_url: str, api_key: str | None) -> None:
        self.http = http
        self.base_url = base_url.rstrip("/")
        self._headers = {"X-API-Key": api_key} if api_key else {}

    def batch(self, ids: Sequence[str]) -> list[Record | None]:
        """One entry per id, same order; None where S2 does not know the id.

        Ids look like ``ARXIV:2402.15567`` (no version) or ``DOI:10.1000/xyz``.
        """
        result: list[Record | None] = []
        for start in range(0, len(ids), BATCH_LIMIT):
            chunk = list(ids[start : start + BATCH_LIMIT])
            response = self.http.post(
                f"{self.base_url}/paper/batch", params={"fields": FIELDS}, json={"ids": chunk}, headers=self._headers
            )
            papers = self._body(response)
            if not isinstance(papers, list) or len(papers) != len(chunk):
                self.http.discard(response)
                raise ApiError(f"Semantic Scholar answered a batch of {len(chunk)} ids with something else")
            result += [paper_record(p) if isinstance(p, dict) else None for p in papers]
        return result

    def match_title(self, title: str) -> Record | None:
        """S2's single closest title, or None. S2's matchScore is unscaled: check the match yourself."""
        query = " ".join(title.replace("-", " ").split())  # a hyphenated term matches nothing in S2 search
        response = self.http.get(
            f"{self.base_url}/paper/search/match", params={"query": query, "fields": FIELDS}, headers=self._headers
        )
        if response.status_code == 404:
            return None
        body = self._body(response)
        data = body.get("data") if isinstance(body, dict) else None
        if data == []:
            return None
        if not isinstance(data, list) or not isinstance(data[0], dict):
            self.http.discard(response)
            raise ApiError("Semantic Scholar answered a title match without a paper")
        return paper_record(data[0])

    def _body(self, response: requests.Response) -> object:
        if response.status_code == 403:
            raise ApiError("Semantic Scholar rejected the API key")
        try:
            body = response.json()
        except ValueError:
            self.http.discard(response)
            raise ApiError(f"Semantic Scholar answered HTTP {response.status_code} with a non-JSON body") from None
        if response.status_code != 200:
            message = body.get("error") or body.get("message") if isinstance(body, dict) else None
            raise ApiError(f"Semantic Scholar answered HTTP {response.status_code}: {message or 'no message'}")
        return body


def _expiry(form: Mapping[str, object]) -> timedelta:
    return EXPIRY["s2"]


def _title_match_miss(response: requests.Response) -> bool:
    """S2's 404 "Title match not found": an answer (kept an hour), without which an offline re-run could not
    tell "no match" from "never asked"."""
    return response.status_code == 404 and urlsplit(response.url).path.endswith("/paper/search/match")


def service(settings: Settings) -> Service:
    """The Graph API, as the HTTP layer asks it."""
    return Service("s2", settings.s2_url, settings.s2_interval, _expiry, _title_match_miss)


class SemanticScholarSource(Source):
    """Semantic Scholar: DOIs looked up 500 at a time, a title matched per request (papers with no arXiv
    version resolve this way), and the publication data (DOI, venue, pages) of every other source's match."""

    name = "s2"
    label = "Semantic Scholar"
    order = 40
    id_schemes = frozenset({"doi"})
    ids_per_lookup = BATCH_LIMIT
    titles_per_search = 1
    enriches = True

    def __init__(self, settings: Settings, http: Http) -> None:
        super().__init__(settings, http)
        http.add(service(settings))
        self.client = S2Client(http, settings.s2_url, settings.s2_api_key)

    def fetch_ids(self, scheme: str, ids: Sequence[str]) -> dict[str, Record]:
        found = self.client.batch([f"DOI:{i}" for i in ids])
        return {i: record for i, record in zip(ids, found, strict=True) if record is not None}

    def search_titles(self, titles: Sequence[str]) -> list[Record]:
        return [record for title in titles if (record := self.client.match_title(title)) is not None]

    def enrich(self, arxiv_ids: Sequence[str]) -> dict[str, Record | None]:
        return dict(zip(arxiv_ids, self.client.batch([f"ARXIV:{i}" for i in arxiv_ids]), strict=True))
