"""Bulk writes: the entries of one command stored with a few statements per table, as if each had been stored
at once (`Batch`)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection, Sequence
from itertools import islice

from readlist.model import Entry, Outcome
from readlist.store import citekeys
from readlist.store.db import now
from readlist.store.identity import Found, Identities, entry_bib, record_json
from readlist.store.layers import Layer, compose, entry_layer
from readlist.store.merging import evidence_json
from readlist.store.queries import KEY_HOLDERS, key_holder, lookup_many
from readlist.store.writes import write_states
from readlist.text import normalized

# what a new paper's row holds (Batch.insert)
_NEW_PAPER = (
    "id key title title_norm abstract year date arxiv_id doi entry_type venue url volume pages author_count state "
    "state_changed_at added_at updated_at fields status evidence key_origin key_base bib"
).split()
_STATE, _STATE_CHANGED_AT = _NEW_PAPER.index("state"), _NEW_PAPER.index("state_changed_at")
_KEY, _KEY_ORIGIN, _KEY_BASE = _NEW_PAPER.index("key"), _NEW_PAPER.index("key_origin"), _NEW_PAPER.index("key_base")
_BIB = _NEW_PAPER.index("bib")
_STAGED = 32  # rows from which _insert_rows stages them (below, staging costs more than it saves)
_STAGED_CHUNK = 4096  # rows staged at a time (~7 MB of papers)


class Batch:
    """New papers, sources, tags, notes and read states of one write transaction, held in memory and written
    table by table (``write``): a few statements per table instead of several per paper.

    Lookups (``find``) and keys see the library as it was plus everything added so far, and rows are written in
    the order they were added: the library ends as if each addition had been written at once, with the same ids
    (a new paper gets max(id) + 1, as SQLite would give it: the caller holds the write lock until it commits).
    ``touched`` are the papers a later source was added to: the Store composes them again once written.
    """

    def __init__(self, conn: sqlite3.Connection, key_pattern: str | None = None, entries: Sequence[Entry] = ()) -> None:
        """``entries``: those the batch will be asked to store (what the library holds of their identifiers,
        titles and keys is read up front)."""
        self.conn = conn
        self.key_pattern = key_pattern or citekeys.DEFAULT_PATTERN
        self.stamp = now()
        self.identities = Identities(conn, entries)
        self.next_id: int | None = None
        self.keys: set[str] = set()  # keys new papers, or stored papers in this batch, took
        self.freed: set[str] = set()  # keys stored papers gave up in this batch
        bib_keys = {e.key for e in entries if e.key}
        held = lookup_many(conn, KEY_HOLDERS, bib_keys)
        self._stored_keys = {k: k in held for k in bib_keys}  # whether a stored paper has the key
        self._evidence: tuple[Outcome | None, str] = (None, "{}")
        self.papers: dict[int, list[object]] = {}  # rows, by id
        self.authors: list[tuple[int, int, str, str | None]] = []  # with each name's parts (None: not split)
        self.sources: list[tuple[int, str, int, str | None, str | None, str, str]] = []
        self.tags: list[tuple[int, str]] = []
        self.notes: list[tuple[int, str, str]] = []
        self.state_changes: list[tuple[int, str, str]] = []
        self.stored_states: dict[int, str] = {}  # new read states of papers already stored
        self.stored_keys: dict[int, tuple[str, str]] = {}  # new keys (and origins) of papers already stored
        self.stored_bibs: dict[int, str] = {}  # .bib records papers already stored take (they carried none)
        self.warnings: list[str] = []  # what the user is told: a .bib key or record that could not be kept
        self.aliases: list[tuple[str, int]] = []
        self.flags: list[tuple[int, int, str]] = []
        self.touched: list[int] = []
        # what the batch knows of each paper it adds to (read from the library the first time for a stored one)
        self._states: dict[int, tuple[str, bool]] = {}  # read state, and whether it was ever set
        self._keys: dict[int, tuple[str, str]] = {}  # key and its origin
        self._notes: dict[int, set[str]] = {}
        self._added_sources: set[tuple[int, str, int]] = set()  # (paper id, file, line)

    def taken(self, key: str) -> bool:
        """Whether a paper, stored or new, has this citation key (or is also known by it)."""
        if key in self.keys:
            return True
        if key in self.freed:
            return False
        stored = self._stored_keys.get(key)
        if stored is None:
            stored = self._stored_keys[key] = key_holder(self.conn, key) is not None
        return stored

    def find(self, entry: Entry) -> Found:
        """The paper an entry (one given to the constructor) is stored or added as, like ``Store.find_existing``."""
        return self.identities.find(entry)

    def insert(self, entry: Entry, outcome: Outcome | None, flags: Sequence[tuple[int, str]] = ()) -> int:
        """Add a new paper (flagged as a possible duplicate of the papers in ``flags``); returns its id."""
        from readlist.keys import key_base, unique_key  # only when making a key (start-up)

        if self.next_id is None:
            self.next_id = self.conn.execute("SELECT coalesce(max(id), 0) + 1 FROM papers").fetchone()[0]
        paper_id, self.next_id = self.next_id, self.next_id + 1
        stamp = self.stamp
        layer = entry_layer(entry)
        composed = compose(None, [layer])
        v = composed.values
        if entry.key and not self.taken(entry.key):
            key, origin, base = entry.key, "bib", None
        else:
            ident = citekeys.identifier_key(entry.arxiv_id, entry.doi)
            base = key_base(self.key_pattern, entry.title, entry.authors, v["year"], ident)
            key, origin = unique_key(base, self.taken), "provisional"
            if entry.key:
                self.warnings.append(
                    f"{entry.source_file}:{entry.source_line}: entry {entry.key!r}: the key is taken by another "
                    f"paper; stored as {key!r}"
                )
        self.keys.add(key)
        self._keys[paper_id] = (key, origin)
        if outcome is not self._evidence[0]:
            self._evidence = (outcome, evidence_json(outcome) if outcome else "{}")
        state = entry.state or "unread"
        self.papers[paper_id] = [
            paper_id, key, v["title"], v["title_norm"], v["abstract"], v["year"], v["date"], v["arxiv_id"], v["doi"],
            v["entry_type"], v["venue"], v["url"], v["volume"], v["pages"], v["author_count"], state,
            stamp if entry.state else None, stamp, stamp, v["fields"], outcome.status if outcome else "pending",
            self._evidence[1], origin, base, entry.bib.to_json() if entry.bib is not None else None,
        ]  # fmt: skip
        bib = entry_bib(entry) if origin == "bib" or entry.bib is not None else None
        self.identities.add_paper(paper_id, layer, str(v["title_norm"]), bib)
        self._states[paper_id] = (state, bool(entry.state))
        self._notes[paper_id] = set(entry.notes)
        self.authors += [(paper_id, i, name, parts) for i, (name, parts) in enumerate(
            zip(composed.authors, composed.parts, strict=True))]  # fmt: skip
        self._add_source(paper_id, entry, layer)
        self.tags += [(paper_id, t) for t in entry.tags if t]
        self.notes += [(paper_id, text, stamp) for text in entry.notes]
        self.flags += [(paper_id, other, why) for other, why in flags]
        return paper_id

    def attach(self, paper_id: int, entry: Entry) -> None:
        """Record an entry as a source of a paper, stored or new, with the tags, notes and read state it carries
        (a state only when the paper's was never set), its .bib record when the paper carries none, and its .bib
        key: the paper's key when that was only provisional, else another key naming it."""
        layer = entry_layer(entry)
        if self._add_source(paper_id, entry, layer):  # not when this file and line is a source already
            self.identities.add_layer(paper_id, layer)
            if paper_id not in self.touched:
                self.touched.append(paper_id)
            if entry.bib is not None:
                self._bring_record(paper_id, entry)
        self.tags += [(paper_id, t) for t in entry.tags if t]
        if entry.notes:
            have = self._notes.get(paper_id)
            if have is None:
                q = self.conn.execute("SELECT text FROM notes WHERE paper_id = ?", (paper_id,))
                have = self._notes[paper_id] = {r[0] for r in q}
            new = [text for text in entry.notes if text not in have]
            self.notes += [(paper_id, text, self.stamp) for text in new]
            have.update(new)
        if entry.state and entry.state != "unread" and not self._state(paper_id)[1]:
            self.set_state(paper_id, entry.state)
        if entry.key:
            self._bring_key(paper_id, entry)

    def _bring_record(self, paper_id: int, entry: Entry) -> None:
        """A .bib entry's record, for a paper that carries none (from a page or an identifier): it becomes the
        paper's record for export. One the paper carries already is never replaced."""
        assert entry.bib is not None
        record = entry.bib.to_json()
        carried = self.identities.bib(paper_id)
        if carried is not None and carried[1] is not None:
            if record_json(carried[1]) != record:
                self.warnings.append(
                    f"{entry.source_file}:{entry.source_line}: entry {entry.key!r} is already in the library with "
                    "other fields; the stored entry is kept (nothing is overwritten)"
                )
            return
        self.identities.took_bib(paper_id, (entry.key, record))
        row = self.papers.get(paper_id)
        if row is None:
            self.stored_bibs[paper_id] = record
        else:
            row[_BIB] = record

    def _bring_key(self, paper_id: int, entry: Entry) -> None:
        key = str(entry.key)
        have, origin = self._key(paper_id)
        if key == have and origin != "provisional":
            return
        if key != have and self.taken(key):
            if self._holder(key) != paper_id:
                self.warnings.append(
                    f"{entry.source_file}:{entry.source_line}: entry {key!r}: the key is taken by another paper; "
                    f"this one keeps {have!r}"
                )
            return
        self.keys.add(key)
        if origin != "provisional":
            self.aliases.append((key, paper_id))
            return
        if key != have:  # (the same key as the provisional one: it settles, as the .bib's)
            self.keys.discard(have)
            self.freed.add(have)
        self._keys[paper_id] = (key, "bib")
        self.identities.took_bib(paper_id, (key, (self.identities.bib(paper_id) or (None, None))[1]))
        row = self.papers.get(paper_id)
        if row is None:
            self.stored_keys[paper_id] = (key, "bib")
        else:
            row[_KEY], row[_KEY_ORIGIN], row[_KEY_BASE] = key, "bib", None

    def _holder(self, key: str) -> int | None:
        """The paper, stored or new, that has this key or is also known by it."""
        for pid, (have, _) in self._keys.items():
            if have == key:
                return pid
        held = next((pid for alias, pid in self.aliases if alias == key), None)
        return held if held is not None or key in self.freed else key_holder(self.conn, key)

    def _key(self, paper_id: int) -> tuple[str, str]:
        known = self._keys.get(paper_id)
        if known is None:
            row = self.conn.execute("SELECT key, key_origin FROM papers WHERE id = ?", (paper_id,)).fetchone()
            known = self._keys[paper_id] = (row[0], row[1])
        return known

    def _add_source(self, paper_id: int, entry: Entry, layer: Layer) -> bool:
        """Add the entry as a source of the paper; False when it already is one (the same file and line)."""
        source = (paper_id, entry.source_file, entry.source_line)
        if source in self._added_sources or (
            paper_id not in self.papers
            and self.conn.execute(
                "SELECT 1 FROM sources WHERE paper_id = ? AND file = ? AND line = ?", source
            ).fetchone()
        ):
            return False
        self._added_sources.add(source)
        norm = normalized(entry.title) if entry.title else None
        self.sources.append(
            (paper_id, entry.source_file, entry.source_line, entry.title, norm, self.stamp, json.dumps(layer))
        )
        return True

    def _state(self, paper_id: int) -> tuple[str, bool]:
        state = self._states.get(paper_id)
        if state is None:
            row = self.conn.execute("SELECT state, state_changed_at FROM papers WHERE id = ?", (paper_id,)).fetchone()
            state = self._states[paper_id] = (row[0], row[1] is not None)
        return state

    def set_state(self, paper_id: int, state: str) -> None:
        """A new read state (logged in ``state_changes``) for a paper, stored or new."""
        self._states[paper_id] = (state, True)
        row = self.papers.get(paper_id)
        if row is None:
            self.stored_states[paper_id] = state
        else:
            row[_STATE], row[_STATE_CHANGED_AT] = state, self.stamp
        self.state_changes.append((paper_id, state, self.stamp))

    def write(self) -> None:
        """Write everything added, table by table."""
        self.conn.executemany(
            "UPDATE papers SET key = ? WHERE id = ?", [(f"\x00{pid}", pid) for pid in self.stored_keys]
        )
        self.conn.executemany(
            "UPDATE papers SET key = ?, key_origin = ?, key_base = NULL WHERE id = ?",
            [(key, origin, pid) for pid, (key, origin) in self.stored_keys.items()],
        )
        self.conn.executemany(
            "UPDATE papers SET bib = ? WHERE id = ?", [(b, pid) for pid, b in self.stored_bibs.items()]
        )
        _insert_rows(self.conn, "papers", _NEW_PAPER, self.papers.values())
        write_states(self.conn, self.stored_states, self.state_changes, self.stamp)
        _insert_rows(self.conn, "authors", ("paper_id", "position", "name", "parts"), self.authors)
        _insert_rows(
            self.conn, "sources", ("paper_id", "file", "line", "title", "title_norm", "added_at", "entry"), self.sources
        )
        _insert_rows(self.conn, "tags", ("paper_id", "tag"), self.tags, "INSERT OR IGNORE")
        _insert_rows(self.conn, "notes", ("paper_id", "text", "created_at"), self.notes)
        self.conn.executemany("INSERT OR IGNORE INTO key_aliases (key, paper_id) VALUES (?, ?)", self.aliases)
        self.conn.executemany(
            "INSERT OR REPLACE INTO possible_duplicates (paper_id, other_id, reason) VALUES (?, ?, ?)",
            [row for a, b, why in self.flags for row in ((a, b, why), (b, a, why))],
        )


def _insert_rows(
    conn: sqlite3.Connection,
    table: str,
    columns: Sequence[str],
    rows: Collection[Sequence[object]],
    verb: str = "INSERT",
) -> None:
    """Insert rows, in order. Many go through a temporary table, a chunk at a time: one ``INSERT ... SELECT``
    then runs the table's indexes, triggers and foreign keys for a whole chunk, ~1.5x faster than a statement
    per row (each opens its cursors and statement journal)."""
    names = ", ".join(columns)
    marks = ", ".join("?" * len(columns))
    if len(rows) < _STAGED:
        conn.executemany(f"{verb} INTO main.{table} ({names}) VALUES ({marks})", rows)
        return
    conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS new_{table} ({names})")
    remaining = iter(rows)
    while chunk := list(islice(remaining, _STAGED_CHUNK)):
        try:
            conn.executemany(f"INSERT INTO temp.new_{table} VALUES ({marks})", chunk)
            conn.execute(f"{verb} INTO main.{table} ({names}) SELECT {names} FROM temp.new_{table} ORDER BY rowid")
        finally:
            conn.execute(f"DELETE FROM temp.new_{table}")
