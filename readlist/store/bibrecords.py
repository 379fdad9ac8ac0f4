"""What the library keeps of imported .bib files besides papers: name parts, key aliases, possible duplicates,
@preamble blocks, and a paper taking a .bib entry's record (migration 0005_bib_records.sql).

Kept apart from `readlist.store.library` so that the identity rules (one paper per arXiv id, DOI or title) stay
in one place there; this module says only what happens to .bib records.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence

from readlist.ingest.names import Parts
from readlist.model import Entry, Record
from readlist.store.sql import key_taken, now

_PART = "\x1f"  # the unit separator: the stored parts are "first<US>von<US>last<US>jr" (decoded text)


def parts_text(parts: Sequence[Parts]) -> list[str]:
    """Each name's stored parts (column ``authors.parts``)."""
    return [_PART.join((p.first, p.von, p.last, p.jr)) for p in parts]


def name_parts(stored: Sequence[object]) -> list[Parts | None]:
    """The stored parts of a paper's authors, None where a source gave only a display name."""
    return [Parts(*s.split(_PART)) if isinstance(s, str) else None for s in stored]


def aliases(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, list[str]]:
    marks = ",".join("?" * len(ids))
    out: dict[int, list[str]] = {}
    for pid, key in conn.execute(
        f"SELECT paper_id, key FROM key_aliases WHERE paper_id IN ({marks}) ORDER BY key", list(ids)
    ):
        out.setdefault(pid, []).append(key)
    return out


def alias_of(conn: sqlite3.Connection, key: str) -> int | None:
    row = conn.execute("SELECT paper_id FROM key_aliases WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def fill_values(entry: Entry) -> dict[str, object]:
    """The paper columns a .bib entry can fill when they are empty."""
    values: dict[str, object] = {
        "venue": entry.venue,
        "url": entry.fields.get("url"),
        "volume": entry.fields.get("volume"),
        "pages": entry.fields.get("pages"),
        "year": entry.date.year if entry.date else None,
        "date": entry.date.iso if entry.date else None,
        "entry_type": entry.entry_type if entry.entry_type not in (None, "misc", "online") else None,
        "abstract": entry.abstract,
    }
    return {k: v for k, v in values.items() if v not in (None, "")}


def write_adopted(conn: sqlite3.Connection, adopted: Mapping[int, tuple[Entry, str | None]], stamp: str) -> None:
    """Stored papers that take a .bib entry's record: empty columns filled, the entry's key taken when free
    (the paper's previous key stays an alias, so what was cited with it still finds the paper)."""
    for paper_id, (entry, key) in adopted.items():
        assert entry.bib is not None
        values = fill_values(entry)
        sets = "".join(f", {c} = coalesce(nullif({c}, ''), ?)" for c in values)
        conn.execute(
            f"UPDATE papers SET bib = ?, updated_at = ?{sets} WHERE id = ? AND bib IS NULL",
            [entry.bib.to_json(), stamp, *values.values(), paper_id],
        )
        if key is not None and not key_taken(conn, key):
            old = conn.execute("SELECT key FROM papers WHERE id = ?", (paper_id,)).fetchone()[0]
            conn.execute("UPDATE papers SET key = ? WHERE id = ?", (key, paper_id))
            conn.execute("INSERT OR IGNORE INTO key_aliases (key, paper_id) VALUES (?, ?)", (old, paper_id))


def imported(conn: sqlite3.Connection, paper_id: int) -> bool:
    """Whether the paper carries an imported .bib entry."""
    return conn.execute("SELECT bib IS NOT NULL FROM papers WHERE id = ?", (paper_id,)).fetchone()[0] == 1


def both_imported(conn: sqlite3.Connection, a: int, b: int) -> bool:
    """Whether both papers carry imported .bib entries (so each has a citation key of the user's)."""
    row = conn.execute("SELECT count(*) FROM papers WHERE id IN (?, ?) AND bib IS NOT NULL", (a, b)).fetchone()
    return row[0] == 2


def without_held_ids(conn: sqlite3.Connection, record: Record, paper_id: int) -> Record:
    """``record`` without the arXiv id or DOI another paper holds (each is one paper's in the library)."""
    import dataclasses

    changes = {}
    for column in ("arxiv_id", "doi"):
        value = getattr(record, column)
        if (
            value
            and conn.execute(
                f"SELECT 1 FROM papers WHERE lower({column}) = lower(?) AND id != ?", (value, paper_id)
            ).fetchone()
        ):
            changes[column] = None
    return dataclasses.replace(record, **changes) if changes else record


def mark_crossrefs(conn: sqlite3.Connection, entries: Iterable[Entry]) -> None:
    """Mark the papers these entries' ``crossref`` fields tie together: the entries that have one and the entries
    they name (keys compare without case, as in BibTeX). Exports write them after all others, in the order they
    were imported: as the file had them, which puts a cross-referenced entry after those that name it, as BibTeX
    needs (and keeps chains of crossrefs, which BibTeX does not support, as they were)."""
    keys = set()
    for e in entries:
        if e.bib is None or not e.key:
            continue
        for name, value, _ in e.bib.fields:
            if name.lower() == "crossref" and value.strip():
                keys |= {e.key.lower(), value.strip().lower()}
    if keys:
        conn.execute(
            "UPDATE papers SET in_crossref = 1 WHERE lower(key) IN (SELECT value FROM json_each(?))",
            (json.dumps(sorted(keys)),),
        )


def flag_duplicates(conn: sqlite3.Connection, pairs: Iterable[tuple[int, int]]) -> None:
    """Flag papers as possible duplicates of each other (both directions)."""
    rows = [row for a, b in pairs for row in ((a, b), (b, a))]
    conn.executemany("INSERT OR IGNORE INTO possible_duplicates (paper_id, other_id) VALUES (?, ?)", rows)


def possible_duplicates(conn: sqlite3.Connection, paper_id: int) -> list[str]:
    """The keys of the papers flagged as possible duplicates of this one."""
    rows = conn.execute(
        "SELECT p.key FROM possible_duplicates d JOIN papers p ON p.id = d.other_id WHERE d.paper_id = ?"
        " ORDER BY p.key",
        (paper_id,),
    )
    return [r[0] for r in rows]


def add_preambles(conn: sqlite3.Connection, preambles: Iterable[tuple[str, str]]) -> int:
    """Keep @preamble blocks (file, expression); one already kept is not added again. Returns how many were new."""
    stamp = now()
    before = conn.total_changes
    conn.executemany(
        "INSERT OR IGNORE INTO preambles (text, file, added_at) VALUES (?, ?, ?)",
        [(text, file, stamp) for file, text in preambles],
    )
    return conn.total_changes - before


def merge_keys(conn: sqlite3.Connection, from_id: int, into_id: int) -> None:
    """Before ``from_id`` is merged into ``into_id`` at the user's word: its key and aliases become aliases of
    ``into_id`` (``into_id``'s own .bib record stays as it is; one without takes ``from_id``'s), and the flags
    between the two are dropped."""
    key = conn.execute("SELECT key FROM papers WHERE id = ?", (from_id,)).fetchone()[0]
    conn.execute("UPDATE key_aliases SET paper_id = ? WHERE paper_id = ?", (into_id, from_id))
    conn.execute("INSERT OR IGNORE INTO key_aliases (key, paper_id) VALUES (?, ?)", (key, into_id))
    conn.execute(
        "DELETE FROM possible_duplicates WHERE (paper_id = ? AND other_id = ?) OR (paper_id = ? AND other_id = ?)",
        (from_id, into_id, into_id, from_id),
    )
    conn.execute(
        "INSERT OR IGNORE INTO possible_duplicates (paper_id, other_id) SELECT ?, other_id FROM possible_duplicates"
        " WHERE paper_id = ? AND other_id != ?",
        (into_id, from_id, into_id),
    )
    conn.execute(
        "INSERT OR IGNORE INTO possible_duplicates (paper_id, other_id) SELECT paper_id, ? FROM possible_duplicates"
        " WHERE other_id = ? AND paper_id != ?",
        (into_id, from_id, into_id),
    )
    if conn.execute("SELECT bib IS NULL FROM papers WHERE id = ?", (into_id,)).fetchone()[0]:
        # a paper no .bib entry brought takes the merged one's record, and with it the user's key for export
        conn.execute("UPDATE papers SET bib = (SELECT bib FROM papers WHERE id = ?) WHERE id = ?", (from_id, into_id))
