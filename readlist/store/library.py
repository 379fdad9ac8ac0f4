"""`Store`: the library API over one SQLite file, one method per thing the rest of readlist asks of the library.

Each method delegates to the module that does that job (`queries`, `loading`, `batch` and `identity`, `merging`,
`citekeys`, `writes`, `export_cache`, `maintenance`). Callers group writes with ``with store.transaction():`` so
that one command is one transaction; reads may happen outside one.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Generator, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from pathlib import Path

from readlist.model import Entry, Outcome, Paper, Record
from readlist.store import bibrecords, citekeys, db, export_cache, loading, maintenance, merging, queries, writes
from readlist.store.batch import Batch
from readlist.store.identity import Identities
from readlist.store.queries import Filters

__all__ = ["Filters", "Store"]


class Store:
    def __init__(self, path: Path, key_pattern: str | None = None) -> None:
        """``key_pattern``: what provisional keys are made from (None: the default style)."""
        self.path = path
        self.key_pattern = key_pattern
        self.conn = maintenance.open_library(path)
        self.warnings: list[str] = []  # what storing entries could not do as asked (a key taken), for the user

    def close(self) -> None:
        self.conn.close()

    def transaction(self, bulk: bool = False) -> AbstractContextManager[None]:
        """One write transaction (`db.transaction`; ``bulk``: new papers are indexed for search at the end)."""
        return db.transaction(self.conn, self.path, bulk)

    # -- finding -------------------------------------------------------------------------------

    def find_existing(self, entry: Entry) -> int | None:
        """The paper an entry is already stored as (the identity rule, `identity.Identities`), or None."""
        return Identities(self.conn, [entry]).find(entry).paper

    def lookup(self, ref: str) -> int:
        """A paper by citation key (or a key it is also known by), arXiv id (any form), DOI, or number."""
        return queries.lookup(self.conn, ref)

    def incomplete(self) -> list[int]:
        return queries.incomplete(self.conn)

    def with_status(self, ids: Sequence[int], status: str) -> list[int]:
        return queries.with_status(self.conn, ids, status)

    def provisional(self, filters: Filters, keys: Collection[str] | None = None) -> bool:
        return citekeys.provisional(self.conn, filters, keys)

    def key_taken(self, key: str) -> bool:
        return citekeys.key_taken(self.conn, key)

    def key_of(self, key: str) -> str:
        return citekeys.key_of(self.conn, key)

    # -- reading -------------------------------------------------------------------------------

    def count(self, filters: Filters = Filters()) -> int:
        return queries.count(self.conn, filters)

    def get(self, paper_id: int) -> Paper:
        return loading.get(self.conn, paper_id)

    def listing(self, filters: Filters = Filters()) -> str:
        """The lines `readlist list` prints (see `queries.listing`)."""
        return queries.listing(self.conn, **filters.as_dict())

    def papers(self, filters: Filters = Filters()) -> Iterator[Paper]:
        return loading.papers(self.conn, filters)

    def record(self, paper_id: int) -> Record | None:
        return loading.record(self.conn, paper_id)

    def disagreements(self, paper_id: int) -> list[tuple[str, list[tuple[str, object, object]]]]:
        return loading.bib_disagreements(self.conn, paper_id)

    def paper_entry(self, paper: Paper) -> Entry:
        return loading.paper_entry(self.conn, paper)

    def stats(self) -> dict[str, object]:
        return queries.stats(self.conn)

    def export_texts(
        self, filters: Filters, keys: Collection[str] | None, fmt: str, variant: str, render: Callable[[Paper], str]
    ) -> Generator[bytes]:
        return export_cache.export_texts(self.conn, filters, keys, fmt, variant, render)

    def preamble(self) -> bytes:
        return export_cache.preamble(self.conn)

    # -- writing (call inside a transaction) ---------------------------------------------------

    def add_entries(self, entries: Sequence[Entry], outcome: Outcome | None = None) -> list[tuple[int, str]]:
        """Store entries as they are, without resolving them: each becomes a new paper (recording ``outcome``:
        one with nothing to apply, such as pending) or a source of the paper it is already stored as, in the
        library or earlier in ``entries`` (`attach`). Returns ``(paper id, how)`` per entry, ``how`` being
        "new", "already" (in the library before) or "repeat" (of an earlier entry of ``entries``).

        The same as ``find_existing`` then ``insert`` or ``attach`` for each entry in turn, written with a few
        statements per table for all entries instead of ~7 per paper."""
        assert not merging.applies(outcome)
        batch = Batch(self.conn, self.key_pattern, entries)
        stored = []
        for entry in entries:
            found = batch.find(entry)
            if found.paper is None:
                stored.append((batch.insert(entry, outcome, found.flags), "new"))
            else:
                batch.attach(found.paper, entry)
                stored.append((found.paper, "repeat" if found.paper in batch.papers else "already"))
        self._write(batch)
        bibrecords.mark_crossrefs(self.conn, entries)
        return stored

    def insert(self, entry: Entry, outcome: Outcome | None = None) -> int:
        """Store a new paper from an entry (and a resolution outcome); returns its id (a match to a paper already
        in the library merges into that one: its id)."""
        batch = Batch(self.conn, self.key_pattern, [entry])
        paper_id = batch.insert(entry, None if merging.applies(outcome) else outcome, batch.find(entry).flags)
        self._write(batch)
        if outcome is not None and merging.applies(outcome):
            return self.apply_outcome(paper_id, outcome)
        return paper_id

    def attach(self, paper_id: int, entry: Entry) -> None:
        """Record an entry as a source of a stored paper: what it says fills the paper's empty fields (the order of
        `layers`), with the tags, notes, read state and .bib key it carries (never replacing the user's own)."""
        batch = Batch(self.conn, self.key_pattern, [entry])
        batch.attach(paper_id, entry)
        self._write(batch)

    def _write(self, batch: Batch) -> None:
        batch.write()
        self.warnings += batch.warnings
        self.rekey([pid for pid in batch.touched if self.recompose(pid)])

    def recompose(self, paper_id: int) -> bool:
        return merging.recompose(self.conn, paper_id)

    def rekey(self, paper_ids: Iterable[int]) -> None:
        citekeys.rekey(self.conn, paper_ids, self.key_pattern)

    def apply_outcome(self, paper_id: int, outcome: Outcome) -> int:
        return merging.apply_outcome(self.conn, paper_id, outcome, self.key_pattern)

    def reject(self, paper_id: int) -> None:
        merging.reject(self.conn, paper_id, self.key_pattern)

    def flag(self, paper_id: int, other_id: int, reason: str) -> None:
        merging.flag(self.conn, paper_id, other_id, reason)

    def merge(self, from_id: int, into_id: int, asked: bool = False) -> None:
        merging.merge(self.conn, from_id, into_id, asked)

    def add_aliases(self, aliases: Iterable[tuple[str, str]]) -> None:
        self.warnings += citekeys.add_aliases(self.conn, aliases)

    def add_preambles(self, preambles: Iterable[tuple[str, str]]) -> int:
        return bibrecords.add_preambles(self.conn, preambles)

    def set_state(self, paper_id: int, state: str) -> None:
        writes.mark(self.conn, paper_id, state)

    def add_note(self, paper_id: int, text: str) -> None:
        writes.add_note(self.conn, paper_id, text)

    def add_tags(self, paper_id: int, tags: Iterable[str]) -> None:
        writes.add_tags(self.conn, paper_id, tags)

    def remove_tags(self, paper_id: int, tags: Iterable[str]) -> None:
        writes.remove_tags(self.conn, paper_id, tags)

    def delete(self, paper_id: int) -> None:
        writes.delete(self.conn, paper_id)

    def set_key(self, paper_id: int, key: str) -> None:
        citekeys.set_key(self.conn, paper_id, key)

    def settle_keys(self, filters: Filters, keys: Collection[str] | None = None) -> int:
        return citekeys.settle_keys(self.conn, filters, keys)

    # -- maintenance ---------------------------------------------------------------------------

    def backup(self, target: Path) -> None:
        """A consistent copy of the library, taken while other commands may be writing."""
        maintenance.backup(self.conn, target)

    def restore(self, source: Path) -> None:
        maintenance.restore(self.conn, self.path, source)
