"""Citation keys in the library: provisional keys made again as papers change, keys that settle (exported, set
by the user, a .bib's), and the other keys (aliases) that name a paper (docs/user-guide.md, "Keys")."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection, Iterable

from readlist.errors import ReadlistError
from readlist.store.db import now
from readlist.store.loading import layers
from readlist.store.queries import Filters, key_holder

DEFAULT_PATTERN = "{auth}{year}{title}"  # keys.STYLES["default"] (keys is imported only when a key is made)


def identifier_key(arxiv_id: str | None, doi: str | None) -> str | None:
    """What the key of a paper known only by an identifier is made from."""
    return f"arxiv{arxiv_id}" if arxiv_id else f"doi{doi}" if doi else None


def key_taken(conn: sqlite3.Connection, key: str) -> bool:
    """Whether a paper has this citation key, or is also known by it."""
    return key_holder(conn, key) is not None


def key_of(conn: sqlite3.Connection, key: str) -> str:
    """The citation key of the paper ``key`` names: itself, or the key of the paper it is an alias of."""
    found = key_holder(conn, key)
    if found is None:
        raise ReadlistError(f"no paper with citation key {key!r}")
    return str(conn.execute("SELECT key FROM papers WHERE id = ?", (found,)).fetchone()[0])


def rekey(conn: sqlite3.Connection, paper_ids: Iterable[int], pattern: str | None = None) -> None:
    """Make the provisional keys of these papers again from what they show now (``pattern``: the key style's).

    Keys of one base (``park2024foundation``) go to the papers with provisional keys of that base in the order
    they were added (``park2024foundation``, ``...a``, ...), skipping keys other papers hold: the keys are then
    those a run that knew everything from the start gives, whatever order papers were resolved in.
    """
    from readlist.keys import key_base, unique_key

    bases: set[str] = set()
    for pid in paper_ids:
        row = conn.execute(
            "SELECT title, year, arxiv_id, doi, key_base, record FROM papers WHERE id = ? AND "
            "key_origin = 'provisional'",
            (pid,),
        ).fetchone()
        if row is None:
            continue
        authors = [r[0] for r in conn.execute("SELECT name FROM authors WHERE paper_id = ? ORDER BY position", (pid,))]
        titled = row["record"] is not None or any("title" in la for _, _, la in layers(conn, pid))
        ident = identifier_key(row["arxiv_id"], row["doi"])
        base = key_base(pattern or DEFAULT_PATTERN, row["title"] if titled else None, authors, row["year"], ident)
        if base != row["key_base"]:
            bases.update(b for b in (base, row["key_base"]) if b)
            conn.execute("UPDATE papers SET key_base = ? WHERE id = ?", (base, pid))
    if not bases:
        return
    marks = ",".join("?" * len(bases))
    group = conn.execute(
        f"SELECT id, key, key_base FROM papers WHERE key_origin = 'provisional' AND key_base IN ({marks}) ORDER BY id",
        sorted(bases),
    ).fetchall()
    held = {r["key"] for r in group}
    given: set[str] = set()

    def taken(key: str) -> bool:
        return key in given or (key not in held and key_taken(conn, key))

    wanted = {}
    for r in group:
        key = unique_key(r["key_base"], taken)
        given.add(key)
        if key != r["key"]:
            wanted[r["id"]] = key
    conn.executemany("UPDATE papers SET key = ? WHERE id = ?", [(f"\x00{pid}", pid) for pid in wanted])
    conn.executemany("UPDATE papers SET key = ? WHERE id = ?", [(key, pid) for pid, key in wanted.items()])


def _settling(filters: Filters, keys: Collection[str] | None) -> tuple[str, list[object]]:
    """The WHERE clause of the selected papers with provisional keys."""
    where, args = filters.where()
    where += (" AND " if where else " WHERE ") + "p.key_origin = 'provisional'"
    if keys is not None:
        where += " AND p.key IN (SELECT value FROM json_each(?))"
        args.append(json.dumps(sorted(keys)))
    return where, args


def provisional(conn: sqlite3.Connection, filters: Filters, keys: Collection[str] | None = None) -> bool:
    """Whether a selected paper (one with one of ``keys``, if given) has a provisional key."""
    where, args = _settling(filters, keys)
    return conn.execute(f"SELECT 1 FROM papers p{where} LIMIT 1", args).fetchone() is not None


def settle_keys(conn: sqlite3.Connection, filters: Filters, keys: Collection[str] | None = None) -> int:
    """Settle the provisional keys of the selected papers (they are being exported); how many were settled."""
    where, args = _settling(filters, keys)
    return conn.execute(
        f"UPDATE papers SET key_origin = 'export' WHERE id IN (SELECT p.id FROM papers p{where})", args
    ).rowcount


def set_key(conn: sqlite3.Connection, paper_id: int, key: str) -> None:
    """The user's own key for a paper: settled, it never changes again."""
    holder = key_holder(conn, key)
    if holder is not None and holder != paper_id:
        raise ReadlistError(f"citation key {key!r} is already used")
    conn.execute("DELETE FROM key_aliases WHERE key = ?", (key,))
    conn.execute("UPDATE papers SET key = ?, key_origin = 'user', updated_at = ? WHERE id = ?", (key, now(), paper_id))


def add_aliases(conn: sqlite3.Connection, aliases: Iterable[tuple[str, str]]) -> list[str]:
    """Aliases a readlist export wrote into a .bib file (``(alias, key)``: biblatex ``ids``, BibTeX copies marked
    ``readlist-alias-of``), read back by an import: kept when the key's paper is here and the alias is free.
    Returns warnings for those not kept."""
    warnings = []
    for alias, key in aliases:
        holder = key_holder(conn, key)
        if holder is not None and key_holder(conn, alias) == holder:
            continue  # known already (an entry's `ids` and readlist's copy under the alias both say it)
        if holder is None or key_holder(conn, alias) is not None:
            warnings.append(f"alias {alias!r} of {key!r} not kept: no such paper, or the key is taken")
            continue
        conn.execute("INSERT INTO key_aliases (key, paper_id) VALUES (?, ?)", (alias, holder))
    return warnings
