"""What the library keeps of imported .bib files besides their papers and sources: name parts, the keys a paper is
also known by, crossref ties and @preamble blocks (migration 0006_bib_records.sql).

Which paper an entry is, and what a paper takes from it (its record, its key), is decided in one place:
`readlist.store.identity` (the identity rule) and `readlist.store.batch` (`Batch.attach`).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence

from readlist.model import Entry, Parts
from readlist.store.db import now

_PART = "\x1f"  # the unit separator: the stored parts are "first<US>von<US>last<US>jr" (decoded text)


def parts_text(parts: Sequence[Parts]) -> list[str]:
    """Each name's stored parts (column ``authors.parts``)."""
    return [_PART.join((p.first, p.von, p.last, p.jr)) for p in parts]


def name_parts(stored: Sequence[object]) -> list[Parts | None]:
    """The stored parts of a paper's authors, None where a source gave only a display name."""
    return [_parts(s) if isinstance(s, str) else None for s in stored]


def _parts(stored: str) -> Parts:
    first, von, last, jr = stored.split(_PART)
    return Parts(first, von, last, jr)


def aliases(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, list[str]]:
    marks = ",".join("?" * len(ids))
    out: dict[int, list[str]] = {}
    for pid, key in conn.execute(
        f"SELECT paper_id, key FROM key_aliases WHERE paper_id IN ({marks}) ORDER BY key", list(ids)
    ):
        out.setdefault(pid, []).append(key)
    return out


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


def add_preambles(conn: sqlite3.Connection, preambles: Iterable[tuple[str, str]]) -> int:
    """Keep @preamble blocks (file, expression); one already kept is not added again. Returns how many were new."""
    stamp = now()
    before = conn.total_changes
    conn.executemany(
        "INSERT OR IGNORE INTO preambles (text, file, added_at) VALUES (?, ?, ?)",
        [(text, file, stamp) for file, text in preambles],
    )
    return conn.total_changes - before
