"""Edits of stored papers that the user asks for one at a time: read state (logged), notes, tags, removal."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping, Sequence

from readlist.errors import ReadlistError
from readlist.states import READ_STATES
from readlist.store.db import begin_at_once, now
from readlist.store.queries import find_paper


def mark(conn: sqlite3.Connection, paper_id: int, state: str) -> None:
    """A stored paper's new read state, logged."""
    stamp = now()
    write_states(conn, {paper_id: state}, [(paper_id, state, stamp)], stamp)


def write_states(
    conn: sqlite3.Connection, stored: Mapping[int, str], changes: Sequence[tuple[int, str, str]], stamp: str
) -> None:
    """New read states of stored papers (``stored``: id -> state), and the log of state changes
    (``changes``: paper id, state, time, in order; papers inserted in the same transaction have theirs in their
    row)."""
    if any(state not in READ_STATES for _, state, _ in changes):
        raise ReadlistError(f"read state must be one of {', '.join(READ_STATES)}")
    conn.executemany(
        "UPDATE papers SET state = ?, state_changed_at = ? WHERE id = ?",
        [(state, stamp, pid) for pid, state in stored.items()],
    )
    conn.executemany("INSERT INTO state_changes (paper_id, state, changed_at) VALUES (?, ?, ?)", changes)


def mark_found(conn: sqlite3.Connection, refs: Sequence[str], state: str) -> list[str] | None:
    """Mark the papers ``refs`` name by number or key, in one transaction that does not wait for another
    writer; their keys, or None, having changed nothing, when one is not found or the library is busy."""
    if not begin_at_once(conn):
        return None
    try:
        found = [find_paper(conn, ref) for ref in refs]
        ids = [pid for pid in found if pid is not None]
        if len(ids) < len(found):
            conn.execute("ROLLBACK")
            return None
        for paper_id in ids:
            mark(conn, paper_id, state)
        keys = [conn.execute("SELECT key FROM papers WHERE id = ?", (i,)).fetchone()[0] for i in ids]
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return keys


def add_note(conn: sqlite3.Connection, paper_id: int, text: str) -> None:
    conn.execute("INSERT INTO notes (paper_id, text, created_at) VALUES (?, ?, ?)", (paper_id, text, now()))


def add_tags(conn: sqlite3.Connection, paper_id: int, tags: Iterable[str]) -> None:
    conn.executemany("INSERT OR IGNORE INTO tags (paper_id, tag) VALUES (?, ?)", [(paper_id, t) for t in tags if t])


def remove_tags(conn: sqlite3.Connection, paper_id: int, tags: Iterable[str]) -> None:
    conn.executemany("DELETE FROM tags WHERE paper_id = ? AND tag = ?", [(paper_id, t) for t in tags])


def delete(conn: sqlite3.Connection, paper_id: int) -> None:
    """Remove a paper with its notes, tags, sources and flags (foreign keys cascade)."""
    conn.execute("DELETE FROM papers WHERE id = ?", (paper_id,))
