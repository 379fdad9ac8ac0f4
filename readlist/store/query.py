"""The SQL that selects papers by filters, and the listing `readlist list` prints.

Imports nothing but the vocabulary: `readlist.program` answers `readlist list` with this module and sqlite3
alone, and `Store` uses the same functions, so both print the same lines.
"""

from __future__ import annotations

from readlist.states import READ_STATES, STATUSES

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up; see readlist.program)
if TYPE_CHECKING:
    import sqlite3

# filter name (also its command-line option, --name) -> the values it accepts (None: any text)
FILTER_CHOICES: dict[str, tuple[str, ...] | None] = {
    "status": STATUSES,
    "tag": None,
    "state": READ_STATES,
    "search": None,
}

_LISTING_LINE = (
    "printf('%5d [%s] %!-28s %-12s %-4s  %s', p.id, CASE p.state WHEN 'read' THEN 'x' WHEN 'reading' THEN '~' "
    "ELSE ' ' END, p.key, p.status, coalesce(p.year, ''), p.title)"
)  # "!": widths in characters, not bytes


def where(
    status: str | None = None, tag: str | None = None, state: str | None = None, search: str | None = None
) -> tuple[str, list[object]]:
    """The WHERE clause (over ``papers p``) and its parameters; every filter given narrows the selection."""
    clauses, args = [], []
    if status:
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
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", args


def listing_query(**filters: str | None) -> tuple[str, list[object]]:
    """The SQL of `listing` and its parameters: one row, the lines joined (NULL when none)."""
    clause, args = where(**filters)
    index = "" if filters.get("tag") or filters.get("search") else " INDEXED BY papers_listing"
    lines = f"SELECT {_LISTING_LINE} AS line FROM papers p{index}{clause} ORDER BY p.key"
    return f"SELECT group_concat(line, char(10)) FROM ({lines})", args


def listing(conn: sqlite3.Connection, **filters: str | None) -> str:
    """The lines `readlist list` prints for the matching papers, in key order, without loading papers:
    ``id [mark] key status year  title`` (mark ``x`` read, ``~`` reading), joined by newlines.

    SQLite formats and joins the lines: at 80k papers that takes two thirds of the time of fetching six
    columns per paper and formatting them in Python (110 vs 160 ms). group_concat receives the rows of the
    ordered subquery in order (SQLite before 3.44 has no ORDER BY inside an aggregate to say so).

    A large selection (all papers, or a read state or status) is read from the covering index
    ``papers_listing`` in key order; SQLite would pick the state or status index, then look up every row and
    sort them (2-4x slower at 100k papers). A tag or search selects few papers: SQLite's own plan is best."""
    return conn.execute(*listing_query(**filters)).fetchone()[0] or ""
