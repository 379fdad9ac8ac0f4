"""The one interface of a source of paper records (arXiv, Semantic Scholar, a local index, ...): what it can look
up, and how the resolver asks it.

A source is a subclass of `Source` registered under the ``readlist.sources`` entry-point group (`readlist.sources`
loads them). The resolver makes one of each per resolution, with the settings and the shared HTTP layer, and asks
them in ascending ``order``; it knows none by name. What a source can do is what its class declares:

- ``id_schemes``: kinds of identifier ``fetch_ids`` looks up (``"arxiv"``, ``"doi"``). An entry with an identifier
  goes to the first source that looks up its kind; one that lacks it passes the entry to the next such source,
  unless it is the ``authority`` for that kind (arXiv for arXiv ids): then the identifier names no paper. An entry
  no source found by its identifier, and that has a title, goes on to the title searches from the last source
  asked onward.
- ``titles_per_search`` (0: none): ``search_titles`` finds records for that many titles per call. Titles go to the
  first source that searches them; an entry that source does not match goes to the next one.
- ``searches_abstracts``: ``search_abstracts`` finds records by abstract too (a title changed between versions);
  the resolver asks it after its title searches, for the entries they did not match that have an abstract (so a
  title match costs no abstract search), and scores the records whose abstract is near the entry's.
- ``enriches``: ``enrich`` gives, by arXiv id, what the source knows about a matched paper's publication (DOI,
  venue, pages); it completes the records other sources matched.
- ``available``: whether the source can answer at all with these settings (a local file that is not there): one
  that cannot is not asked, and says nothing.

A matched record that names an arXiv id but came from a source that does not look up arXiv ids is completed with
the record of the first source that does (its base). A source that talks to an API declares it to the HTTP layer
(`Http.add`: its base URL, rate limit and cache policy) when it is made.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from readlist.config import Settings
from readlist.model import Record
from readlist.resolve.http import Http


class Source:
    """A source of paper records; subclasses declare what they can do and implement those methods."""

    name: ClassVar[str] = ""  # what its records say in `Record.source`, and so the match evidence
    label: ClassVar[str] = ""  # how messages name it ("arXiv")
    order: ClassVar[int] = 100  # the resolver asks sources in ascending order
    id_schemes: ClassVar[frozenset[str]] = frozenset()
    authority: ClassVar[frozenset[str]] = frozenset()
    ids_per_lookup: ClassVar[int] = 100  # identifiers per `fetch_ids` call
    titles_per_search: ClassVar[int] = 0
    searches_abstracts: ClassVar[bool] = False
    enriches: ClassVar[bool] = False

    def __init__(self, settings: Settings, http: Http) -> None:
        self.settings = settings
        self.http = http

    @classmethod
    def available(cls, settings: Settings) -> bool:
        """Whether the source can answer with these settings; the resolver leaves out one that cannot."""
        return True

    def fetch_ids(self, scheme: str, ids: Sequence[str]) -> dict[str, Record]:
        """Identifier (as given: a bare arXiv id, a lower-case DOI) -> its record; unknown ones are absent."""
        raise NotImplementedError

    def search_titles(self, titles: Sequence[str]) -> list[Record]:
        """Every record any of the titles found, once each, best first (the resolver matches them to entries)."""
        raise NotImplementedError

    def search_abstracts(self, abstracts: Sequence[str]) -> list[Record]:
        """Every record any of the abstracts found, once each, best first."""
        raise NotImplementedError

    def enrich(self, arxiv_ids: Sequence[str]) -> dict[str, Record | None]:
        """Bare arXiv id -> the source's record of that paper (publication data), None when it has none."""
        raise NotImplementedError

    def close(self) -> None:
        """Release what the source holds (the HTTP layer is the resolver's)."""
