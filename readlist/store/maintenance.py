"""Keeping the library file sound: numbered migrations (a backup first), backup, restore, and the check of a file
offered as a library.

Migrations live in ``migrations/NNNN_name.sql``; one file per schema change, never edited once shipped. Before
migrating a library that already holds data, a copy is written beside it with SQLite's online backup API, and each
migration runs in its own transaction, so a failed migration leaves the library as it was.
"""

from __future__ import annotations

import os
import sqlite3

from readlist.errors import ReadlistError
from readlist.store.db import MIGRATIONS, SCHEMA_VERSION, numbered_migrations, open_connection, schema_version


def open_library(path: str | os.PathLike[str]) -> sqlite3.Connection:
    """Open (creating if needed) and migrate the library at ``path``."""
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    try:
        conn = open_connection(path)
        migrate(conn, path)
    except sqlite3.DatabaseError as exc:
        raise ReadlistError(f"{path}: not a readlist library ({exc})") from None
    return conn


def _migrations() -> list[tuple[int, str, str]]:
    result = []
    for number, name in numbered_migrations():
        with open(os.path.join(MIGRATIONS, name), encoding="utf-8") as f:
            result.append((number, name, f.read()))
    return result


def migrate(conn: sqlite3.Connection, path: str | os.PathLike[str]) -> None:
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


def restore(conn: sqlite3.Connection, path: str | os.PathLike[str], source: str | os.PathLike[str]) -> None:
    """Replace the contents of the library at ``path`` with a backup, after checking the backup is sound.

    The current contents are first saved beside the library as ``<name>.before-restore.bak``.
    """
    problem = check_library_file(source)
    if problem:
        raise ReadlistError(f"{source}: {problem}; nothing was restored")
    backup(conn, f"{os.fspath(path)}.before-restore.bak")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        src.backup(conn)
    finally:
        src.close()
    migrate(conn, path)  # a backup made by an older readlist


def check_library_file(path: str | os.PathLike[str]) -> str | None:
    """Why ``path`` is not a usable readlist library, or None when it is."""
    if not os.path.isfile(path):
        return "no such file"
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            if db.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                return "the file is damaged (integrity check failed)"
            version = schema_version(db)
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        return f"not an SQLite database ({exc})"
    if "papers" not in tables or version < 1:
        return "not a readlist library"
    if version > SCHEMA_VERSION:
        return f"made by a newer readlist (schema v{version})"
    return None
