"""The reading list's base: its settings, the library file it opens when first needed, and finding papers.

Nothing heavy is imported here: `readlist list` lists through `listing` with the library's connection and the
store's SQL alone; the full store (`readlist.store.library.Store`) is opened by the first call that needs it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, cast

from readlist.store import maintenance, queries

if TYPE_CHECKING:
    from readlist.api.report import Details, Stats
    from readlist.config import Settings
    from readlist.model import Paper
    from readlist.store.library import Filters, Store


def select(status: str | None = None, tag: str | None = None, state: str | None = None,
           search: str | None = None) -> Filters:  # fmt: skip
    """The papers a command acts on: every filter given narrows the selection (none: every paper)."""
    from readlist.store.library import Filters

    return Filters(status=status, tag=tag, state=state, search=search)


class Library:
    """A reading list stored in one SQLite library file (see `readlist.api.ReadingList`)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._store: Store | None = None
        self._conn: sqlite3.Connection | None = None  # opened for a listing before (or without) the store

    @property
    def store(self) -> Store:
        """The library's store, opened (created and migrated if needed) on first use."""
        if self._store is None:
            from readlist.store.library import Store

            self._store = Store(self.settings.library)
        return self._store

    def connection(self) -> sqlite3.Connection:
        """The library's connection: the store's once it is open, else one of its own (created and migrated as the
        store's would be)."""
        if self._store is not None:
            return self._store.conn
        if self._conn is None:
            self._conn = maintenance.open_library(self.settings.location("library"))
        return self._conn

    def close(self) -> None:
        for conn in (self._conn, self._store):
            if conn is not None:
                conn.close()
        self._conn = self._store = None

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _keys(self) -> None:
        """Provisional keys follow the key style (a bad style fails before anything is read or changed)."""
        from readlist.keys import key_pattern

        self.store.key_pattern = key_pattern(self.settings.key_style, self.settings.key_pattern)

    # -- finding and reading ---------------------------------------------------------------------

    def get(self, ref: str) -> Paper:
        """The paper ``ref`` names: citation key (or a key it is also known by), arXiv id, DOI or number."""
        return self.store.get(self.store.lookup(ref))

    def named(self, refs: Sequence[str]) -> list[Paper]:
        """The papers ``refs`` name, each once, in the order named (an error names the first not found)."""
        ids = list(dict.fromkeys(self.store.lookup(r) for r in refs))
        return [self.store.get(pid) for pid in ids]

    def papers(self, filters: Filters | None = None) -> Iterator[Paper]:
        """The selected papers (all by default) in key order, loaded as they are iterated."""
        return self.store.papers(filters or select())

    def count(self, filters: Filters | None = None) -> int:
        """How many papers the filters select (all by default)."""
        return self.store.count(filters or select())

    def listing(self, **selection: str | None) -> str:
        """The lines `readlist list` prints for the papers ``selection`` selects (as `select` takes it), without
        loading them (`readlist.store.queries.listing`)."""
        return queries.listing(self.connection(), **selection)

    def details(self, ref: str) -> Details:
        """A paper as `readlist show` gives it: with its candidates, and the imported .bib entries that disagree
        with its record."""
        from readlist.api.report import Details

        paper = self.get(ref)
        return Details(paper, self.store.disagreements(paper.id))

    def stats(self) -> Stats:
        return cast("Stats", self.store.stats())
