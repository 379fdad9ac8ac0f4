"""Each paper's rendered export text, stored per format and variant (migration 0002): an export streams these
instead of rendering every paper again."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Collection, Generator, Mapping
from typing import TYPE_CHECKING

from readlist.store.db import begin_at_once
from readlist.store.queries import Filters, conditions_of, where_clause

if TYPE_CHECKING:  # the program's fast export reads stored texts without loading papers or the model
    from readlist.model import Paper

    Render = Callable[[Paper], str]

CHUNK = 500  # papers rendered and stored, or read, at a time


def _query(
    columns: str, fmt: str, variant: str, keys: Collection[str] | None, filters: Mapping[str, str | None], missing: bool
) -> tuple[str, list[object]]:
    """``SELECT columns`` over the selected papers (those with one of ``keys``, if given), each joined to its
    stored ``fmt`` text rendered with ``variant`` if there is one (``missing``: only papers without)."""
    conditions, args = conditions_of(**filters)
    if keys is not None:
        import json  # only for `export --aux` (start-up of a plain export)

        conditions.append("p.key IN (SELECT value FROM json_each(?))")
        args.append(json.dumps(sorted(keys)))
    if missing:
        conditions.append("c.paper_id IS NULL")
    join = "LEFT JOIN export_cache c ON c.paper_id = p.id AND c.format = ? AND c.variant = ?"
    # papers tied by crossref last, in the order they were imported (migration 0006 says why); others by key
    order = "p.in_crossref, CASE WHEN p.in_crossref THEN p.id END, p.key"
    return f"SELECT {columns} FROM papers p {join}{where_clause(conditions)} ORDER BY {order}", [fmt, variant, *args]


def missing_texts(
    conn: sqlite3.Connection, fmt: str, variant: str, keys: Collection[str] | None = None, **filters: str | None
) -> list[int]:
    """The ids of the selected papers (`stored_texts`) without a stored text of that variant, in export order."""
    query, args = _query("p.id", fmt, variant, keys, filters, missing=True)
    return [row[0] for row in conn.execute(query, args)]


def stored_texts(
    conn: sqlite3.Connection, fmt: str, variant: str, keys: Collection[str] | None = None, **filters: str | None
) -> sqlite3.Cursor:
    """``(paper id, text)`` of each selected paper (``filters`` as in `queries.where`, and only papers with one of
    ``keys`` if given), in export order (key order; papers tied by ``crossref`` last, in import order): its stored
    ``fmt`` text (UTF-8) rendered with ``variant``, or None."""
    rows = conn.cursor()
    rows.row_factory = None
    return rows.execute(*_query("p.id, c.text", fmt, variant, keys, filters, missing=False))


def export_texts(
    conn: sqlite3.Connection, filters: Filters, keys: Collection[str] | None, fmt: str, variant: str, render: Render
) -> Generator[bytes]:
    """Each selected paper's ``fmt`` text as UTF-8, in export order: its stored text when rendered with
    ``variant``, else ``render(paper)``.

    Texts missing first are rendered and stored chunk by chunk, each chunk read, rendered and stored in one
    write transaction, as long as the library can be written without waiting. The texts are then read in
    one read transaction; a text dropped meanwhile (the paper changed) is rendered from that same snapshot.
    """
    from readlist.store.loading import load

    ids = missing_texts(conn, fmt, variant, keys, **filters.as_dict())
    for start in range(0, len(ids), CHUNK):
        if not _store_texts(conn, ids[start : start + CHUNK], fmt, variant, render):
            break
    conn.execute("BEGIN")
    try:
        rows = stored_texts(conn, fmt, variant, keys, **filters.as_dict())
        while chunk := rows.fetchmany(CHUNK):
            ids = [pid for pid, text in chunk if text is None]
            rendered = {p.id: render(p).encode() for p in load(conn, ids)} if ids else {}
            for pid, text in chunk:
                yield rendered[pid] if text is None else text
    finally:
        conn.execute("COMMIT")


def _store_texts(conn: sqlite3.Connection, ids: list[int], fmt: str, variant: str, render: Render) -> bool:
    """Render and store these papers' texts in one write transaction; False when the library is busy
    (another command is writing) or cannot be written: the export then goes on without storing."""
    from readlist.store.loading import load

    if not begin_at_once(conn):
        return False
    try:
        rows = [(p.id, fmt, variant, render(p).encode()) for p in load(conn, ids)]
        conn.executemany("DELETE FROM export_cache WHERE paper_id = ? AND format = ?", [r[:2] for r in rows])
        conn.executemany("INSERT INTO export_cache (paper_id, format, variant, text) VALUES (?,?,?,?)", rows)
        conn.execute("COMMIT")
    except sqlite3.OperationalError:  # read-only file, full disk
        conn.rollback()
        return False
    except BaseException:
        conn.rollback()
        raise
    return True


def preamble(conn: sqlite3.Connection) -> bytes:
    """The @preamble blocks of imported .bib files, as the head of a BibTeX or biblatex export (UTF-8)."""
    rows = conn.execute("SELECT text FROM preambles ORDER BY id").fetchall()
    return "".join(f"@preamble{{ {row[0]} }}\n\n" for row in rows).encode()
