"""The index file: the papers, full-text tables over their titles and abstracts, and facts about the file.

`papers` keeps each arXiv record once (abstracts zlib-compressed: they are most of the bytes, and halve); `num` is
the row number the full-text tables use. `title_fts` and `abstract_fts` are contentless FTS5 tables (the text lives
only in `papers`) over the normal form of each text (`readlist.text.normalize_title`: no LaTeX, accents, case or
punctuation), the form the matcher compares, so a title typed with ``{\\"o}`` is found by one typed with ``ö``.
Titles keep term positions (``detail=full``), which FTS5's BM25 ranking needs; abstracts keep only which records
hold a term (``detail=none``: a third of the size), and `readlist.index.query` weighs their terms itself.
`title_terms` and `abstract_terms` hold how many records hold each term (FTS5's own vocabulary table counts them
by reading every record of the term, far too slow for common words), so queries can pick the rarest terms.

A contentless table forgets what it indexed: replacing or removing a row means handing FTS5 the old normal forms
again (`Writer`), so an index whose `TEXT_FORM` fact differs from this readlist's (its normal form changed) is
read but never updated in place: it must be rebuilt.

Concurrency: the file is never in WAL mode (a build renames a new file over the index, and a WAL file beside it
would belong to the file it replaced). A build writes a new file beside the index and renames it over the old one,
so readers keep reading the file they opened; an update commits each OAI-PMH page in one short transaction.
Readers open the file read-write with ``query_only`` so that a hot journal left by a killed update is rolled back
rather than making the index unreadable. One writer at a time: `writer_lock`.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

from readlist.errors import ReadlistError
from readlist.text import normalize_title

KIND = "readlist arXiv metadata index"
SCHEMA_VERSION = 1
AUTHOR_SEPARATOR = "\x1f"  # between author names in papers.authors (never part of a name)
# A fingerprint of normalize_title's behaviour: LaTeX accents and math, Unicode folding, punctuation, Greek.
_PROBE = "Schr{\\\"o}dinger's $\\alpha$-Équation: naïve Straße, 3-D {\\em Test}_x (ΛCDM) \\'{e}t\\'e"
TEXT_FORM = hashlib.sha1(normalize_title(_PROBE).encode()).hexdigest()[:12]
BUSY_TIMEOUT = 30.0  # seconds a reader or writer waits for the other's transaction

SCHEMA = """
CREATE TABLE papers(
    num INTEGER PRIMARY KEY,
    id TEXT NOT NULL,
    title TEXT NOT NULL,
    authors TEXT NOT NULL,
    abstract BLOB,
    published TEXT,
    updated TEXT,
    version INTEGER,
    categories TEXT,
    doi TEXT,
    journal_ref TEXT
);
CREATE UNIQUE INDEX papers_id ON papers(id);
CREATE VIRTUAL TABLE title_fts USING fts5(title, content='', detail=full);
CREATE VIRTUAL TABLE abstract_fts USING fts5(abstract, content='', detail=none);
CREATE TABLE title_terms(term TEXT PRIMARY KEY, records INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE abstract_terms(term TEXT PRIMARY KEY, records INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE facts(name TEXT PRIMARY KEY, value) WITHOUT ROWID;
"""
FIELDS = ("title", "abstract")  # each has FIELD_fts and FIELD_terms


class IndexRow(NamedTuple):
    """One arXiv record as the index keeps it (the columns of `papers` after `num`)."""

    id: str  # bare: no version, no subject class ("math/0309136")
    title: str
    authors: str  # "Forenames Keyname Suffix" names joined by AUTHOR_SEPARATOR, as submitted (may hold LaTeX)
    abstract: str | None  # stored zlib-compressed (`pack`): abstracts are most of the bytes, and halve
    published: str | None  # v1's date, YYYY-MM-DD
    updated: str | None  # the latest version's date
    version: int | None  # the latest version's number; None when the source did not say
    categories: str | None  # space-separated, the primary first
    doi: str | None  # as arXiv has it (it may list several)
    journal_ref: str | None


_COLUMNS = ", ".join(IndexRow._fields)
_INSERT = f"INSERT INTO papers(num, {_COLUMNS}) VALUES ({', '.join('?' * (len(IndexRow._fields) + 1))})"
_UPDATE = f"UPDATE papers SET ({_COLUMNS}) = ({', '.join('?' * len(IndexRow._fields))}) WHERE num = ?"


def pack(text: str | None) -> bytes | None:
    return zlib.compress(text.encode()) if text else None


def unpack(data: bytes | None) -> str | None:
    return zlib.decompress(data).decode() if data else None


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


def facts(conn: sqlite3.Connection) -> dict[str, str]:
    return {name: str(value) for name, value in conn.execute("SELECT name, value FROM facts")}


def set_facts(conn: sqlite3.Connection, **values: object) -> None:
    """Record facts about the file; None removes one."""
    for name, value in values.items():
        if value is None:
            conn.execute("DELETE FROM facts WHERE name = ?", (name,))
        else:
            conn.execute("INSERT OR REPLACE INTO facts(name, value) VALUES (?, ?)", (name, value))


def create(path: str) -> sqlite3.Connection:
    """A new, empty index in ``path`` (an empty file of its own, see `readlist.index.build`), tuned for bulk
    loading: no journal and no syncs (a build that fails is deleted, never used)."""
    conn = sqlite3.connect(path, isolation_level=None)
    # 16 KB pages: records of ~1.3 KB leave less of each page unused than in 4 KB ones (the file is ~6% smaller)
    conn.executescript(
        "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; "
        "PRAGMA page_size=16384; PRAGMA locking_mode=EXCLUSIVE; PRAGMA cache_size=-131072;"
    )
    conn.executescript(SCHEMA)
    for field in FIELDS:
        # fewer, larger segments while loading (the pending terms are flushed every 16 MB rather than every 1 MB)
        conn.execute(f"INSERT INTO {field}_fts({field}_fts, rank) VALUES ('hashsize', 16777216)")
    set_facts(conn, kind=KIND, schema=SCHEMA_VERSION, text_form=TEXT_FORM)
    return conn


def is_index(path: Path) -> bool:
    """Whether the file at ``path`` is a readlist index (of any format version)."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return False
    try:
        return facts(conn).get("kind") == KIND
    except sqlite3.DatabaseError:
        return False
    finally:
        conn.close()


def open_index(path: Path, *, write: bool = False) -> sqlite3.Connection:
    """The index at ``path``, checked: one a readlist of this version can read (and, for ``write``, update)."""
    if not path.is_file():
        raise ReadlistError(f"no index at {path}; build one with `readlist index build FILE`")
    # one thread at a time, not always the one that opened it (a source is made on one and asked on another)
    conn = sqlite3.connect(
        f"{path.resolve().as_uri()}?mode=rw",
        uri=True,
        isolation_level=None,
        timeout=BUSY_TIMEOUT,
        check_same_thread=False,
    )
    try:
        found = facts(conn)
    except sqlite3.DatabaseError:
        conn.close()
        raise ReadlistError(f"{path}: not a readlist index") from None
    problem = None
    if found.get("kind") != KIND:
        problem = "not a readlist index"
    elif found.get("schema") != str(SCHEMA_VERSION):
        problem = f"index format {found.get('schema')}, this readlist reads format {SCHEMA_VERSION}"
    elif write and found.get("text_form") != TEXT_FORM:
        problem = "built by a readlist that normalizes text differently, so it cannot be updated in place"
    if problem:
        conn.close()
        hint = "" if problem.startswith("not") else "; rebuild it with `readlist index build FILE`"
        raise ReadlistError(f"{path}: {problem}{hint}")
    if not write:
        conn.execute("PRAGMA query_only=1")
    return conn


@contextlib.contextmanager
def writer_lock(index: Path) -> Iterator[None]:
    """Hold the index's writer lock (``INDEX.lock`` beside it) while building or updating it; a second writer
    fails at once. Readers never take it. The lock file stays (deleting it would race with the next writer)."""
    import fcntl

    index.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(f"{index}.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ReadlistError(
                f"{index}: another `readlist index build` or `update` is writing this index; try again when it is done"
            ) from None
        yield
    finally:
        os.close(fd)


def _packed(row: IndexRow) -> IndexRow:
    return row._replace(abstract=pack(row.abstract))  # type: ignore[arg-type]  # stored compressed (IndexRow)


class _Stored(NamedTuple):
    num: int
    title: str
    abstract: str | None
    updated: str | None
    version: int | None


class Writer:
    """Puts rows into an index and removes ids, keeping `papers`, the full-text tables and (with ``count_terms``)
    the term counts in step. The caller owns the transaction. A build and an update store a record alike; a build
    counts the terms once at the end (`count_all_terms`), which is much faster than counting row by row."""

    CHUNK = 500  # ids per lookup statement

    def __init__(self, conn: sqlite3.Connection, *, count_terms: bool = True) -> None:
        self.conn = conn
        self.count_terms = count_terms
        self._next = (conn.execute("SELECT max(num) FROM papers").fetchone()[0] or 0) + 1

    def put(self, rows: Iterable[IndexRow]) -> int:
        """Insert rows, or replace the stored row of the same id (of one id, the last row wins); returns how many
        ids were new. A row that does not know its version keeps the stored one while its date is unchanged."""
        latest = {row.id: row for row in rows}
        stored = self._stored(list(latest))
        new = [row for arxiv_id, row in latest.items() if arxiv_id not in stored]
        first = self._next
        self._next += len(new)
        self.conn.executemany(_INSERT, [(num, *_packed(row)) for num, row in enumerate(new, first)])
        self._index([(num, row.title, row.abstract) for num, row in enumerate(new, first)], +1)
        changed = []
        for arxiv_id, row in latest.items():
            old = stored.get(arxiv_id)
            if old is not None:
                keep = row.version is None and row.updated == old.updated
                changed.append((old, row._replace(version=old.version) if keep else row))
        if changed:
            self._index([(old.num, old.title, old.abstract) for old, _ in changed], -1)
            self.conn.executemany(_UPDATE, [(*_packed(row), old.num) for old, row in changed])
            self._index([(old.num, row.title, row.abstract) for old, row in changed], +1)
        return len(new)

    def delete(self, ids: Iterable[str]) -> int:
        """Remove the records of these ids; returns how many there were."""
        stored = self._stored(list(dict.fromkeys(ids)))
        self._index([(old.num, old.title, old.abstract) for old in stored.values()], -1)
        self.conn.executemany("DELETE FROM papers WHERE num = ?", [(old.num,) for old in stored.values()])
        return len(stored)

    def _stored(self, ids: list[str]) -> dict[str, _Stored]:
        found: dict[str, _Stored] = {}
        for i in range(0, len(ids), self.CHUNK):
            chunk = ids[i : i + self.CHUNK]
            marks = ",".join("?" * len(chunk))
            query = f"SELECT id, num, title, abstract, updated, version FROM papers WHERE id IN ({marks})"
            for arxiv_id, num, title, abstract, updated, version in self.conn.execute(query, chunk):
                found[arxiv_id] = _Stored(num, title, unpack(abstract), updated, version)
        return found

    def _index(self, texts: list[tuple[int, str, str | None]], sign: int) -> None:
        """Index (+1) the title and abstract of each row number, or make the tables forget them (-1: a contentless
        table is told what it indexed for the row)."""
        for column, field in enumerate(FIELDS, 1):
            table = f"{field}_fts"
            rows = [(num, normalize_title(value)) for num, *values in texts if (value := values[column - 1])]
            if sign > 0:
                self.conn.executemany(f"INSERT INTO {table}(rowid, {field}) VALUES (?, ?)", rows)
            else:
                self.conn.executemany(f"INSERT INTO {table}({table}, rowid, {field}) VALUES ('delete', ?, ?)", rows)
            if self.count_terms:
                counts = Counter(term for _, normal in rows for term in set(normal.split()))
                self.conn.executemany(
                    f"INSERT INTO {field}_terms(term, records) VALUES (?, ?)"
                    " ON CONFLICT(term) DO UPDATE SET records = records + excluded.records",
                    [(term, sign * n) for term, n in counts.items()],
                )
                if sign < 0:
                    self.conn.execute(f"DELETE FROM {field}_terms WHERE records <= 0")


def count_all_terms(conn: sqlite3.Connection) -> None:
    """Fill the term counts from the full-text tables (a build's last step: one pass over FTS5's vocabulary)."""
    for field in FIELDS:
        conn.execute(f"CREATE VIRTUAL TABLE temp.{field}_vocabulary USING fts5vocab(main, {field}_fts, row)")
        conn.execute(f"INSERT INTO {field}_terms(term, records) SELECT term, doc FROM temp.{field}_vocabulary")
        conn.execute(f"DROP TABLE temp.{field}_vocabulary")


def size_on_disk(index: Path) -> int:
    """Bytes of the index and of a journal beside it."""
    return sum(p.stat().st_size for p in (index, Path(f"{index}-journal")) if p.exists())
