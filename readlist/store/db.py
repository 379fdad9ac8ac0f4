"""SQLite connection, pragmas and numbered migrations (``PRAGMA user_version``).

Migrations live in ``migrations/NNNN_name.sql``; one file per schema change, never edited
once shipped. Before migrating a library that already holds data, a copy is written beside
it with SQLite's online backup API, and each migration runs in its own transaction, so a
failed migration leaves the library as it was.
"""

from __future__ import annotations

import os
import sqlite3
from typing import TYPE_CHECKING

from readlist.errors import ReadlistError

if TYPE_CHECKING:
    from pathlib import Path

BUSY_TIMEOUT_MS = 60_000


_FOLDER = os.path.join(os.path.dirname(__file__), "migrations")  # os.path: pathlib costs the fast path ~8 ms


def _numbered() -> list[tuple[int, str]]:
    return sorted((int(name.split("_", 1)[0]), name) for name in os.listdir(_FOLDER) if name.endswith(".sql"))


def _migrations() -> list[tuple[int, str, str]]:
    result = []
    for number, name in _numbered():
        with open(os.path.join(_FOLDER, name), encoding="utf-8") as f:
            result.append((number, name, f.read()))
    return result


SCHEMA_VERSION = _numbered()[-1][0]  # from the file names: only a library that needs migrating reads the scripts


def connect(path: Path) -> sqlite3.Connection:
    """Open (creating if needed) and migrate the library at ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = open_connection(path)
        migrate(conn, path)
    except sqlite3.DatabaseError as exc:
        raise ReadlistError(f"{path}: not a readlist library ({exc})") from None
    return conn


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
    return conn.execute("PRAGMA user_version").fetchone()[0]


def migrate(conn: sqlite3.Connection, path: Path) -> None:
    version = schema_version(conn)
    if version > SCHEMA_VERSION:
        raise ReadlistError(f"{path}: library schema v{version} is newer than this readlist (v{SCHEMA_VERSION})")
    if version == SCHEMA_VERSION:
        return
    pending = [m for m in _migrations() if m[0] > version]
    has_data = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0] > 0
    if has_data:
        backup(conn, f"{path}.v{version}.bak")
    # A migration may rebuild a table (0005): with foreign keys on, dropping the old table would delete the rows
    # that refer to it. They are checked before each migration commits instead.
    conn.execute("PRAGMA foreign_keys = OFF")
    try:
        for number, name, sql in pending:
            conn.execute("BEGIN IMMEDIATE")
            try:
                # re-check under the write lock: another process may have migrated meanwhile
                if schema_version(conn) >= number:
                    conn.execute("ROLLBACK")
                    continue
                for statement in _statements(sql):
                    conn.execute(statement)
                if conn.execute("PRAGMA foreign_key_check").fetchone() is not None:
                    raise sqlite3.IntegrityError("foreign key check failed")
                conn.execute(f"PRAGMA user_version = {number}")
                conn.execute("COMMIT")
            except Exception:
                conn.execute("ROLLBACK")
                raise ReadlistError(f"{path}: migration {name} failed; the library is unchanged") from None
    finally:
        conn.execute("PRAGMA foreign_keys = ON")


def _statements(sql: str) -> list[str]:
    """Split a migration script into statements (``executescript`` would commit on its own)."""
    statements, current = [], ""
    for line in sql.splitlines(keepends=True):
        if line.lstrip().startswith("--") and not current:
            continue
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    return statements


def backup(conn: sqlite3.Connection, target: str | os.PathLike[str]) -> None:
    """A consistent copy of the library via SQLite's online backup API (safe while others write)."""
    os.makedirs(os.path.dirname(target) or ".", exist_ok=True)
    tmp = f"{os.fspath(target)}.tmp"
    dest = sqlite3.connect(tmp)
    try:
        conn.backup(dest)
    finally:
        dest.close()
    os.replace(tmp, target)
