"""Reading the library without loading papers: filters, the `list` lines, counts, and finding a paper by number,
citation key or identifier."""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Sequence
from typing import Any, NamedTuple

from readlist.errors import ReadlistError
from readlist.states import DUPLICATE, INCOMPLETE, READ_STATES, STATUSES

# What `readlist list` prints for a paper, formatted by SQLite over the row (the one place it is written):
# "   id [m] key status year  title", m being x (read), ~ (reading) or a space; printf's "!" counts widths in
# characters, not bytes.
LISTING_LINE = (
    "printf('%5d [%s] %!-28s %-12s %-4s  %s', p.id, CASE p.state WHEN 'read' THEN 'x' WHEN 'reading' THEN '~' ELSE"
    " ' ' END, p.key, p.status, coalesce(p.year, ''), p.title)"
)


class Filters(NamedTuple):
    """Which papers a command acts on; every field narrows the selection. (A named tuple, not a dataclass:
    `readlist list` does not import dataclasses.)"""

    status: str | None = None
    tag: str | None = None
    state: str | None = None
    search: str | None = None

    def where(self) -> tuple[str, list[object]]:
        return where(**self.as_dict())

    def as_dict(self) -> dict[str, str | None]:
        return self._asdict()


def where(
    status: str | None = None, tag: str | None = None, state: str | None = None, search: str | None = None
) -> tuple[str, list[object]]:
    """The WHERE clause (over ``papers p``) and its parameters; every filter given narrows the selection."""
    conditions, args = conditions_of(status, tag, state, search)
    return where_clause(conditions), args


def conditions_of(
    status: str | None = None, tag: str | None = None, state: str | None = None, search: str | None = None
) -> tuple[list[str], list[object]]:
    """The conditions `where` joins, and their parameters (callers may add their own)."""
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


def where_clause(conditions: Sequence[str]) -> str:
    return (" WHERE " + " AND ".join(conditions)) if conditions else ""


def listing_query(**filters: str | None) -> tuple[str, list[object]]:
    """The SQL of `listing` and its parameters: one row, the lines joined (NULL when none)."""
    clause, args = where(**filters)
    index = "" if filters.get("tag") or filters.get("search") else " INDEXED BY papers_listing"
    lines = f"SELECT {LISTING_LINE} AS line FROM papers p{index}{clause} ORDER BY p.key"
    return f"SELECT group_concat(line, char(10)) FROM ({lines})", args


def listing(conn: sqlite3.Connection, **filters: str | None) -> str:
    """The lines `readlist list` prints for the matching papers, in key order, without loading papers:
    ``LISTING_LINE`` of each, joined by newlines.

    SQLite formats and joins the lines: Python receives one string. group_concat receives the rows of the ordered
    subquery in order (SQLite before 3.44 has no ORDER BY inside an aggregate to say so). A large selection (all
    papers, or a read state or status) is read from the covering index ``papers_listing`` (migration 0007), which
    holds every column of the line in key order; SQLite would pick the state or status index, then look up every
    row and sort them. A tag or search selects few papers: SQLite's own plan is best."""
    return str(conn.execute(*listing_query(**filters)).fetchone()[0] or "")


def count(conn: sqlite3.Connection, filters: Filters) -> int:
    clause, args = filters.where()
    return int(conn.execute(f"SELECT count(*) FROM papers p{clause}", args).fetchone()[0])


def stats(conn: sqlite3.Connection) -> dict[str, object]:
    """What `readlist stats` reports: papers by status and read state, notes, tags, sources, settled keys, flags."""
    q = conn.execute
    return {
        "papers": q("SELECT count(*) FROM papers").fetchone()[0],
        "status": {s: q("SELECT count(*) FROM papers WHERE status = ?", (s,)).fetchone()[0] for s in STATUSES},
        "state": {s: q("SELECT count(*) FROM papers WHERE state = ?", (s,)).fetchone()[0] for s in READ_STATES},
        "notes": q("SELECT count(*) FROM notes").fetchone()[0],
        "tags": q("SELECT count(DISTINCT tag) FROM tags").fetchone()[0],
        "sources": q("SELECT count(*) FROM sources").fetchone()[0],
        "settled": q("SELECT count(*) FROM papers WHERE key_origin != 'provisional'").fetchone()[0],
        "duplicates": q("SELECT count(DISTINCT paper_id) FROM possible_duplicates").fetchone()[0],
    }


def find_paper(conn: sqlite3.Connection, ref: str) -> int | None:
    """The paper ``ref`` names by number or citation key (its own, or another it is known by), or None
    (`lookup` then tries identifiers)."""
    ref = ref.strip()
    if ref.isdigit():
        row = conn.execute("SELECT id FROM papers WHERE id = ?", (int(ref),)).fetchone()
        if row:
            return int(row[0])
    return key_holder(conn, ref)


def key_holder(conn: sqlite3.Connection, key: str) -> int | None:
    """The paper that has citation key ``key``, or is also known by it (a .bib key it was merged with)."""
    row = conn.execute("SELECT id FROM papers WHERE key = ?", (key,)).fetchone()
    if row is None:
        row = conn.execute("SELECT paper_id FROM key_aliases WHERE key = ?", (key,)).fetchone()
    return int(row[0]) if row else None


# the papers holding some keys, as their own or as another key they are known by (key, id), for `lookup_many`
KEY_HOLDERS = (
    "SELECT key, id FROM (SELECT key, id FROM papers UNION ALL SELECT key, paper_id FROM key_aliases) WHERE key IN "
)


def lookup(conn: sqlite3.Connection, ref: str) -> int:
    """A paper by citation key (or a key it is also known by), arXiv id (any form), DOI, or short numeric id."""
    ref = ref.strip()
    found = find_paper(conn, ref)
    if found is not None:
        return found
    from readlist.identifiers import parse_identifier  # not for keys and numbers (start-up of `readlist read KEY`)

    ident = parse_identifier(ref)
    if ident:
        column = "arxiv_id" if ident.scheme == "arxiv" else "doi"
        rows = conn.execute(f"SELECT id, key FROM papers WHERE {column} = ? ORDER BY id", (ident.value,)).fetchall()
        if len(rows) == 1:
            return int(rows[0][0])
        if rows:
            named = ", ".join(f"#{r[0]} {r[1]}" for r in rows)
            raise ReadlistError(f"{ident.label} names {len(rows)} papers ({named}); give a citation key or number")
    raise ReadlistError(f"no paper {ref!r} in the library (give a citation key, arXiv id, DOI or number)")


def lookup_many(
    conn: sqlite3.Connection, select: str, values: Collection[object], group: str = "", params: Sequence[object] = ()
) -> dict[Any, list[int]]:
    """``select`` (``... WHERE column IN ``, after ``params``) over ``values`` in one query: its first column ->
    its second, every row (in the order of ``group``)."""
    if not values:
        return {}
    import json  # not for listing (start-up of `readlist list`)

    rows = conn.execute(f"{select}(SELECT value FROM json_each(?)){group}", (*params, json.dumps(list(values))))
    found: dict[Any, list[int]] = {}
    for r in rows:
        found.setdefault(r[0], []).append(r[1])
    return found


def incomplete(conn: sqlite3.Connection) -> list[int]:
    """The matched papers whose evidence says what offline mode kept a source from adding (`states.INCOMPLETE`)."""
    sql = "SELECT id FROM papers WHERE status = 'matched' AND json_extract(evidence, ?) IS NOT NULL ORDER BY id"
    return [pid for (pid,) in conn.execute(sql, (f"$.{INCOMPLETE}",))]


def with_status(conn: sqlite3.Connection, ids: Sequence[int], status: str) -> list[int]:
    """Those of these papers (still in the library) that have this status, in the order given."""
    found = set(lookup_many(conn, "SELECT id, id FROM papers WHERE status = ? AND id IN ", ids, params=[status]))
    return [pid for pid in ids if pid in found]
