"""One SQLite connection to a library: readlist's settings, the schema version, and write transactions.

Migrations, backup and restore are `readlist.store.maintenance`; this module only opens and writes.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from readlist.errors import ReadlistError

BUSY_TIMEOUT_MS = 60_000
MIGRATIONS = os.path.join(os.path.dirname(__file__), "migrations")


def numbered_migrations() -> list[tuple[int, str]]:
    """``(number, file name)`` of each migration script, in order."""
    return sorted((int(name.split("_", 1)[0]), name) for name in os.listdir(MIGRATIONS) if name.endswith(".sql"))


# the schema this code writes, from the file names: only a library that needs migrating reads the scripts
SCHEMA_VERSION = numbered_migrations()[-1][0]


def open_connection(path: str | os.PathLike[str]) -> sqlite3.Connection:
    """A connection to ``path`` with readlist's settings; SQLite creates the file if missing. Not migrated."""
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = NORMAL")
    # statement journals (every write that fires a trigger has one) in memory, not in a file under /var/tmp
    conn.execute("PRAGMA temp_store = MEMORY")
    return conn


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


@contextmanager
def transaction(conn: sqlite3.Connection, path: object, bulk: bool = False) -> Iterator[None]:
    """One write transaction; waits for other writers (busy timeout) rather than failing.

    ``bulk``: the papers inserted inside join the search index in one statement at the end instead of one
    each (see migration 0003), which makes a large import several times faster.
    """
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        raise ReadlistError(f"{path}: library is busy ({exc}); try again") from None
    try:
        if bulk:
            conn.execute("PRAGMA cache_size = -65536")  # 64 MiB (default 2): fewer dirty pages spilled
            conn.execute("INSERT INTO fts_deferred (since_id) SELECT coalesce(max(id), 0) FROM papers")
        yield
        if bulk:
            conn.execute(
                "INSERT INTO papers_fts (rowid, title, abstract, notes) SELECT id, title, coalesce(abstract, ''),"
                " coalesce((SELECT group_concat(text, ' ') FROM notes WHERE paper_id = p.id), '')"
                " FROM papers p WHERE id > (SELECT since_id FROM fts_deferred)"
            )
            conn.execute("DELETE FROM fts_deferred")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def now() -> str:
    """The time stamp of a change: UTC, to the second."""
    from datetime import UTC, datetime  # not for `readlist list` and `export` (start-up)

    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def begin_at_once(conn: sqlite3.Connection) -> bool:
    """Begin a write transaction without waiting for another writer: False when the library is busy or cannot
    be written (nothing begun)."""
    conn.execute("PRAGMA busy_timeout = 0")
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError:
        return False
    finally:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return True
