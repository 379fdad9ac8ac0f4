"""The local arXiv metadata index (`readlist.index`) as a source: asked before any API, with no request.

It looks up arXiv ids, searches titles (FTS5, BM25) and abstracts (so a paper renamed between versions is found),
and its records are its own base, so a match needs no arXiv request; Semantic Scholar still completes it when it
can be reached. It is not the authority on arXiv ids: an id it lacks (newer than the index) goes on to arXiv. With
no index file it is not asked at all. Its records say which index answered, and as of when (`show`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from readlist.config import Settings
from readlist.index.query import SOURCE, ArxivIndex
from readlist.model import Record
from readlist.resolve.http import Http
from readlist.sources.base import Source

LABEL = "local arXiv index"


class IndexSource(Source):
    """The index at the ``index`` setting, read-only (a build or update may replace it meanwhile)."""

    name = SOURCE
    label = LABEL
    order = 10
    id_schemes = frozenset({"arxiv"})
    ids_per_lookup = 500
    titles_per_search = 100  # one query each, with no request: the batch only sets how often results come back
    searches_abstracts = True

    @classmethod
    def available(cls, settings: Settings) -> bool:
        return settings.index.is_file()

    def __init__(self, settings: Settings, http: Http) -> None:
        super().__init__(settings, http)
        self.index = ArxivIndex(settings.index)
        self.provenance = f"{LABEL} ({self.index.date})" if self.index.date else LABEL

    def fetch_ids(self, scheme: str, ids: Sequence[str]) -> dict[str, Record]:
        return {key: self._stamped(r) for key, r in self.index.fetch_ids(ids).items()}

    def search_titles(self, titles: Sequence[str]) -> list[Record]:
        return [self._stamped(r) for r in self.index.search_titles(titles)]

    def search_abstracts(self, abstracts: Sequence[str]) -> list[Record]:
        return [self._stamped(r) for r in self.index.search_abstracts(abstracts)]

    def close(self) -> None:
        self.index.close()

    def _stamped(self, record: Record) -> Record:
        return replace(record, provenance=self.provenance)
