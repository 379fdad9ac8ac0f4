"""Stored papers as `Paper` objects, loaded a chunk at a time with their authors, keys, tags, notes, sources and
flags; and what a paper's sources said (its layers), its resolved record, and the query it resolves by."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence

from readlist.errors import ReadlistError
from readlist.model import BibRecord, Candidate, Duplicate, Entry, Note, Paper, PartialDate, Record, Source
from readlist.store import bibrecords
from readlist.store.layers import Layer, compose, disagreements
from readlist.store.queries import Filters

CHUNK = 500  # papers loaded at a time
_PAPER_COLUMNS = (
    "id key title abstract year date arxiv_id arxiv_version primary_class doi s2_id entry_type venue journal "
    "volume pages url author_count status evidence state state_changed_at added_at fields key_origin bib"
).split()


def load(conn: sqlite3.Connection, ids: Sequence[int]) -> Iterator[Paper]:
    """These papers (those still in the library), in the order given; without their candidates."""
    ids = list(ids)
    marks = ",".join("?" * len(ids))

    def grouped(sql: str) -> dict[int, list[sqlite3.Row]]:
        out: dict[int, list[sqlite3.Row]] = {}
        for r in conn.execute(sql.format(marks=marks), ids):
            out.setdefault(r[0], []).append(r)
        return out

    rows = {
        r["id"]: r for r in conn.execute(f"SELECT {', '.join(_PAPER_COLUMNS)} FROM papers WHERE id IN ({marks})", ids)
    }
    authors = grouped(
        "SELECT paper_id, name, parts FROM authors WHERE paper_id IN ({marks}) ORDER BY paper_id, position"
    )
    tags = grouped("SELECT paper_id, tag FROM tags WHERE paper_id IN ({marks}) ORDER BY tag")
    notes = grouped("SELECT paper_id, text, created_at, id FROM notes WHERE paper_id IN ({marks}) ORDER BY id")
    sources = grouped("SELECT paper_id, file, line, title FROM sources WHERE paper_id IN ({marks}) ORDER BY id")
    duplicates = grouped(
        "SELECT d.paper_id, d.other_id, p.key, d.reason FROM possible_duplicates d JOIN papers p ON p.id = d.other_id"
        " WHERE d.paper_id IN ({marks}) ORDER BY d.paper_id, d.other_id"
    )
    aliases = bibrecords.aliases(conn, ids)
    for pid in ids:
        row = rows.get(pid)
        if row is None:
            continue
        values = {c: row[c] for c in _PAPER_COLUMNS}
        values["evidence"] = json.loads(values["evidence"])
        values["fields"] = json.loads(values["fields"])
        values["bib"] = BibRecord.from_json(values["bib"])
        named = authors.get(pid, [])
        yield Paper(
            **values,
            authors=[r[1] for r in named],
            author_parts=bibrecords.name_parts([r[2] for r in named]),
            aliases=aliases.get(pid, []),
            tags=[r[1] for r in tags.get(pid, [])],
            notes=[Note(*r[1:]) for r in notes.get(pid, [])],
            sources=[Source(*r[1:]) for r in sources.get(pid, [])],
            duplicates=[Duplicate(*r[1:]) for r in duplicates.get(pid, [])],
        )


def get(conn: sqlite3.Connection, paper_id: int) -> Paper:
    """One paper, with the candidates its resolution kept."""
    papers = list(load(conn, [paper_id]))
    if not papers:
        raise ReadlistError(f"no paper #{paper_id}")
    paper = papers[0]
    paper.candidates = [
        Candidate(Record(**json.loads(r["record"])), r["score"], json.loads(r["evidence"]))
        for r in conn.execute("SELECT * FROM candidates WHERE paper_id = ? ORDER BY rank", (paper_id,))
    ]
    return paper


def papers(conn: sqlite3.Connection, filters: Filters) -> Iterator[Paper]:
    """Matching papers ordered by citation key, loaded in chunks so memory stays flat."""
    clause, args = filters.where()
    ids = [r[0] for r in conn.execute(f"SELECT p.id FROM papers p{clause} ORDER BY p.key", args)]
    for start in range(0, len(ids), CHUNK):
        yield from load(conn, ids[start : start + CHUNK])


def layers(conn: sqlite3.Connection, paper_id: int) -> list[tuple[str, int | None, Layer]]:
    """``(file, line, layer)`` of each source of a paper that recorded what its input said, in order."""
    rows = conn.execute(
        "SELECT file, line, entry FROM sources WHERE paper_id = ? AND entry IS NOT NULL ORDER BY id", (paper_id,)
    )
    return [(r[0], r[1], json.loads(r[2])) for r in rows]


def record(conn: sqlite3.Connection, paper_id: int) -> Record | None:
    """The resolved record a paper shows, when it is matched."""
    row = conn.execute("SELECT record FROM papers WHERE id = ?", (paper_id,)).fetchone()
    return Record(**json.loads(row[0])) if row and row[0] else None


def bib_disagreements(conn: sqlite3.Connection, paper_id: int) -> list[tuple[str, list[tuple[str, object, object]]]]:
    """For a matched paper: each imported .bib entry (``file:line``) whose values differ from the record's,
    with the fields that differ (``name, the .bib's, the record's``)."""
    matched = record(conn, paper_id)
    if matched is None:
        return []
    out = []
    for file, line, layer in layers(conn, paper_id):
        if layer.get("kind") == "bib" and (differ := disagreements(matched, layer)):
            out.append((f"{file}:{line}" if line else file, differ))
    return out


def paper_entry(conn: sqlite3.Connection, paper: Paper) -> Entry:
    """A stored paper as a resolution query: what its sources said, as `readlist add` would ask (a paper known
    only by an identifier is looked up by that identifier)."""
    composed = compose(None, [layer for _, _, layer in layers(conn, paper.id)])
    values = composed.values
    return Entry(
        source_file="library",
        source_line=paper.id,
        title=str(values["title"]) if composed.titled else None,
        abstract=values["abstract"],
        authors=composed.authors,
        author_count=values["author_count"],
        date=PartialDate.from_iso(values["date"]),
        arxiv_id=values["arxiv_id"],
        doi=values["doi"],
    )
