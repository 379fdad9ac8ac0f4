"""The SQL `Store` shares with the program's fast paths: filters, the listing, finding a paper, read states,
stored export texts.

Imports nothing but the vocabulary and the error class: `readlist.program` answers `readlist list`,
`readlist read KEY` and a BibTeX export of stored entries with this module and sqlite3 alone, and `Store` uses
the same functions, so both paths print and write the same.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from readlist.errors import ReadlistError
from readlist.states import DUPLICATE, READ_STATES

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Collection, Mapping, Sequence


def where(
    status: str | None = None, tag: str | None = None, state: str | None = None, search: str | None = None
) -> tuple[str, list[object]]:
    """The WHERE clause (over ``papers p``) and its parameters; every filter given narrows the selection."""
    conditions, args = _conditions(status, tag, state, search)
    return _where_clause(conditions), args


def _conditions(
    status: str | None = None, tag: str | None = None, state: str | None = None, search: str | None = None
) -> tuple[list[str], list[object]]:
    clauses: list[str] = []
    args: list[object] = []
    if status == DUPLICATE:
        clauses.append("p.id IN (SELECT paper_id FROM possible_duplicates)")
    elif status:
        clauses.append("p.status = ?")
        args.append(status)
    if state:
        clauses.append("p.state = ?")
        args.append(state)
    if tag:
        clauses.append("p.id IN (SELECT paper_id FROM tags WHERE tag = ?)")
        args.append(tag)
    if search:
        terms = " ".join('"' + w.replace('"', '""') + '"' for w in search.split())
        if terms:
            clauses.append("p.id IN (SELECT rowid FROM papers_fts WHERE papers_fts MATCH ?)")
            args.append(terms)
    return clauses, args


def _where_clause(conditions: Sequence[str]) -> str:
    return (" WHERE " + " AND ".join(conditions)) if conditions else ""


def listing_query(**filters: str | None) -> tuple[str, list[object]]:
    """The SQL of `listing` and its parameters: one row, the lines joined (NULL when none)."""
    clause, args = where(**filters)
    index = "" if filters.get("tag") or filters.get("search") else " INDEXED BY papers_listing"
    lines = f"SELECT p.listing_line FROM papers p{index}{clause} ORDER BY p.key"
    return f"SELECT group_concat(listing_line, char(10)) FROM ({lines})", args


def listing(conn: sqlite3.Connection, **filters: str | None) -> str:
    """The lines `readlist list` prints for the matching papers, in key order, without loading papers:
    ``id [mark] key status year  title`` (mark ``x`` read, ``~`` reading), joined by newlines.

    Each paper's line is the generated column ``listing_line`` (migration 0004 says how it is made), and SQLite
    joins the lines: Python receives one string. group_concat receives the rows of the ordered subquery in order
    (SQLite before 3.44 has no ORDER BY inside an aggregate to say so).

    A large selection (all papers, or a read state or status) is read from the index ``papers_listing``, which
    holds the lines in key order; SQLite would pick the state or status index, then look up every row, format
    its line and sort them (2-4x slower at 100k papers). A tag or search selects few papers: SQLite's own plan
    is best."""
    return conn.execute(*listing_query(**filters)).fetchone()[0] or ""


def _stored_texts_query(
    columns: str, fmt: str, variant: str, keys: Collection[str] | None, filters: Mapping[str, str | None], missing: bool
) -> tuple[str, list[object]]:
    """``SELECT columns`` over the selected papers (those with one of ``keys``, if given), each joined to its
    stored ``fmt`` text rendered with ``variant`` if there is one (``missing``: only papers without)."""
    conditions, args = _conditions(**filters)
    if keys is not None:
        import json

        conditions.append("p.key IN (SELECT value FROM json_each(?))")
        args.append(json.dumps(sorted(keys)))
    if missing:
        conditions.append("c.paper_id IS NULL")
    join = "LEFT JOIN export_cache c ON c.paper_id = p.id AND c.format = ? AND c.variant = ?"
    # papers tied by crossref last, in the order they were imported (migration 0005 says why); others by key
    order = "p.in_crossref, CASE WHEN p.in_crossref THEN p.id END, p.key"
    return f"SELECT {columns} FROM papers p {join}{_where_clause(conditions)} ORDER BY {order}", [fmt, variant, *args]


def missing_texts(
    conn: sqlite3.Connection, fmt: str, variant: str, keys: Collection[str] | None = None, **filters: str | None
) -> list[int]:
    """The ids of the selected papers (`stored_texts`) without a stored text of that variant, in export order."""
    query, args = _stored_texts_query("p.id", fmt, variant, keys, filters, missing=True)
    return [row[0] for row in conn.execute(query, args)]


def stored_texts(
    conn: sqlite3.Connection, fmt: str, variant: str, keys: Collection[str] | None = None, **filters: str | None
) -> sqlite3.Cursor:
    """``(paper id, text)`` of each selected paper (``filters`` as in `where`, and only papers with one of
    ``keys`` if given), in export order (key order; papers tied by ``crossref`` last, in import order): its stored
    ``fmt`` text (UTF-8) rendered with ``variant``, or None."""
    rows = conn.cursor()
    rows.row_factory = None
    return rows.execute(*_stored_texts_query("p.id, c.text", fmt, variant, keys, filters, missing=False))


def now() -> str:
    """The time stamp of a change: UTC, to the second."""
    from datetime import UTC, datetime  # ~2 ms of start-up that `readlist list` and `export` do not need

    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def find_paper(conn: sqlite3.Connection, ref: str) -> int | None:
    """The paper ``ref`` names by number or citation key (its own, or another it is known by), or None
    (`Store.lookup` then tries identifiers)."""
    ref = ref.strip()
    if ref.isdigit():
        row = conn.execute("SELECT id FROM papers WHERE id = ?", (int(ref),)).fetchone()
        if row:
            return row[0]
    return key_holder(conn, ref)


# the papers holding some keys, as their own or as another key they are known by (key, id), for ``... IN (...)``
KEY_HOLDERS = (
    "SELECT key, id FROM (SELECT key, id FROM papers UNION ALL SELECT key, paper_id FROM key_aliases) WHERE key IN "
)


def key_holder(conn: sqlite3.Connection, key: str) -> int | None:
    """The paper that has citation key ``key``, or is also known by it (a .bib key it was merged with)."""
    row = conn.execute("SELECT id FROM papers WHERE key = ?", (key,)).fetchone()
    if row is None:
        row = conn.execute("SELECT paper_id FROM key_aliases WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def preamble(conn: sqlite3.Connection) -> bytes:
    """The @preamble blocks of imported .bib files, as the head of a BibTeX or biblatex export (UTF-8)."""
    rows = conn.execute("SELECT text FROM preambles ORDER BY id").fetchall()
    return "".join(f"@preamble{{ {row[0]} }}\n\n" for row in rows).encode()


def mark_found(conn: sqlite3.Connection, refs: Sequence[str], state: str) -> list[str] | None:
    """Mark the papers ``refs`` name by number or key, in one transaction that does not wait for another
    writer; their keys, or None, having changed nothing, when one is not found (sqlite3's error when the
    library is busy)."""
    conn.execute("PRAGMA busy_timeout = 0")
    conn.execute("BEGIN IMMEDIATE")
    try:
        ids = [find_paper(conn, ref) for ref in refs]
        if None in ids:
            conn.execute("ROLLBACK")
            return None
        for paper_id in ids:
            mark(conn, paper_id, state)  # type: ignore[arg-type]
        keys = [conn.execute("SELECT key FROM papers WHERE id = ?", (i,)).fetchone()[0] for i in ids]
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return keys


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
