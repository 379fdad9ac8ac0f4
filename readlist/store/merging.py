"""What a paper shows as its sources and record change: composed again (`layers`), a resolution outcome applied,
and two papers merged into one (a match to a paper already stored, or the user's word)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import asdict

from readlist.errors import ReadlistError
from readlist.identifiers import normalize_doi
from readlist.model import Candidate, Outcome, Record
from readlist.states import READ_STATES
from readlist.store.citekeys import rekey
from readlist.store.db import now
from readlist.store.identity import bib_conflict, paper_bib
from readlist.store.layers import compose
from readlist.store.loading import layers

REJECTED = "all candidates rejected in review"
# the columns `layers.compose` gives
_COMPOSED = (
    "title title_norm abstract year date arxiv_id arxiv_version primary_class doi s2_id entry_type venue journal "
    "volume pages url author_count fields"
).split()


def evidence_json(outcome: Outcome) -> str:
    """What a paper stores as its match evidence: the outcome's evidence with its score and reason."""
    evidence = dict(outcome.evidence)
    if outcome.score is not None:
        evidence["score"] = outcome.score
    if outcome.reason:
        evidence["reason"] = outcome.reason
    return json.dumps(evidence, sort_keys=True, default=str)


def applies(outcome: Outcome | None) -> bool:
    """Whether storing ``outcome`` takes `apply_outcome` (a match, or candidates to review)."""
    return outcome is not None and (outcome.status == "matched" or bool(outcome.candidates))


def recompose(conn: sqlite3.Connection, paper_id: int) -> bool:
    """Show what the paper's record and sources say now (`layers.compose`); whether anything changed."""
    row = conn.execute(f"SELECT {', '.join(_COMPOSED)}, record FROM papers WHERE id = ?", (paper_id,)).fetchone()
    stack = [layer for _, _, layer in layers(conn, paper_id)]
    if row is None or (not stack and row["record"] is None):
        return False
    composed = compose(Record(**json.loads(row["record"])) if row["record"] else None, stack)
    values = {c: v for c, v in composed.values.items() if row[c] != v}
    authors = [
        tuple(r)
        for r in conn.execute("SELECT name, parts FROM authors WHERE paper_id = ? ORDER BY position", (paper_id,))
    ]
    names = list(zip(composed.authors, composed.parts, strict=True))
    if names != authors:
        _set_authors(conn, paper_id, names)
    if values:
        values["updated_at"] = now()
        sets = ", ".join(f"{c} = ?" for c in values)
        conn.execute(f"UPDATE papers SET {sets} WHERE id = ?", [*values.values(), paper_id])
    return bool(values) or [n for n, _ in names] != [n for n, _ in authors]


def _set_authors(conn: sqlite3.Connection, paper_id: int, names: Iterable[tuple[str, str | None]]) -> None:
    """A paper's authors: each name with its parts as its source split them (None: not split)."""
    conn.execute("DELETE FROM authors WHERE paper_id = ?", (paper_id,))
    conn.executemany(
        "INSERT INTO authors (paper_id, position, name, parts) VALUES (?, ?, ?, ?)",
        [(paper_id, i, n, parts) for i, (n, parts) in enumerate(names)],
    )


def apply_outcome(conn: sqlite3.Connection, paper_id: int, outcome: Outcome, pattern: str | None = None) -> int:
    """Record a resolution outcome; returns the id of the paper that remains (``pattern``: what provisional keys
    are made from).

    A match shows its record (`layers`) and keeps every candidate. A match to an arXiv id or DOI another paper
    already has merges this paper into that one (keeping notes, tags, read state, sources and keys), unless
    both carry their own .bib keys: then both stay, flagged as possible duplicates. A paper that is matched
    stays so when a later attempt could not reach the network."""
    status = conn.execute("SELECT status FROM papers WHERE id = ?", (paper_id,)).fetchone()[0]
    if outcome.status == "pending" and status == "matched":
        return paper_id
    record = outcome.record if outcome.status == "matched" else None
    candidates = outcome.candidates
    if record is not None:
        for other in _holders_of(conn, record, paper_id):
            reason = bib_conflict(paper_bib(conn, paper_id), paper_bib(conn, other))
            if reason is None:
                merge(conn, paper_id, other)
                paper_id = other
                break
            flag(conn, paper_id, other, f"{reason}, same {'arXiv id' if record.arxiv_id else 'DOI'}")
        best = next((c for c in candidates if c.record.arxiv_id == record.arxiv_id and c.record.doi in (
            record.doi, None) and c.record.title == record.title), None)  # fmt: skip
        candidates = [Candidate(record, c.score, c.evidence) if c is best else c for c in candidates] or [
            Candidate(record, outcome.score or 1.0, outcome.evidence)
        ]
    conn.execute(
        "UPDATE papers SET status = ?, evidence = ?, record = ?, updated_at = ? WHERE id = ?",
        (outcome.status, evidence_json(outcome), json.dumps(asdict(record)) if record else None, now(), paper_id),
    )
    _set_candidates(conn, paper_id, candidates)
    if recompose(conn, paper_id):
        rekey(conn, [paper_id], pattern)
    return paper_id


def _set_candidates(conn: sqlite3.Connection, paper_id: int, candidates: Sequence[Candidate]) -> None:
    conn.execute("DELETE FROM candidates WHERE paper_id = ?", (paper_id,))
    conn.executemany(
        "INSERT INTO candidates (paper_id, rank, score, record, evidence) VALUES (?, ?, ?, ?, ?)",
        [
            (paper_id, rank, c.score, json.dumps(asdict(c.record)), json.dumps(c.evidence, default=str))
            for rank, c in enumerate(candidates)
        ],
    )


def reject(conn: sqlite3.Connection, paper_id: int, pattern: str | None = None) -> None:
    """Reject every candidate (the match too): the paper shows what its sources said again, and keeps its
    candidates so that accepting one undoes this."""
    evidence = json.dumps({"decided_by": "review", "reason": REJECTED}, sort_keys=True)
    conn.execute(
        "UPDATE papers SET status = 'unresolved', evidence = ?, record = NULL, updated_at = ? WHERE id = ?",
        (evidence, now(), paper_id),
    )
    if recompose(conn, paper_id):
        rekey(conn, [paper_id], pattern)


def _holders_of(conn: sqlite3.Connection, record: Record, paper_id: int) -> list[int]:
    """Other papers with the record's arXiv id or DOI."""
    found: list[int] = []
    for column, value in (("arxiv_id", record.arxiv_id), ("doi", normalize_doi(record.doi or "") or None)):
        if value:
            rows = conn.execute(f"SELECT id FROM papers WHERE {column} = ? AND id != ? ORDER BY id", (value, paper_id))
            found += [r[0] for r in rows if r[0] not in found]
    return found


def flag(conn: sqlite3.Connection, paper_id: int, other_id: int, reason: str) -> None:
    """Mark two papers as possible duplicates of each other (both directions)."""
    conn.executemany(
        "INSERT OR REPLACE INTO possible_duplicates (paper_id, other_id, reason) VALUES (?, ?, ?)",
        [(paper_id, other_id, reason), (other_id, paper_id, reason)],
    )


def merge(conn: sqlite3.Connection, from_id: int, into_id: int, asked: bool = False) -> None:
    """Move everything the user attached to ``from_id`` onto ``into_id``, then drop ``from_id``; ``into_id``
    shows what both papers' sources say (`layers`), and carries ``from_id``'s .bib entry if it had none.

    Keys: ``into_id`` takes the other's settled key when its own is provisional; otherwise the other's key
    stays as an alias that still names the merged paper (a provisional key never left the library: it goes).
    A merge the user ``asked`` for (`readlist merge`) keeps ``into_id``'s key, settled, and ``from_id``'s key
    always stays an alias: the user has named both."""
    if from_id == into_id:
        raise ReadlistError("a paper cannot be merged into itself")
    q = conn.execute
    q("INSERT OR IGNORE INTO tags (paper_id, tag) SELECT ?, tag FROM tags WHERE paper_id = ?", (into_id, from_id))
    q("UPDATE notes SET paper_id = ? WHERE paper_id = ?", (into_id, from_id))
    q("UPDATE OR IGNORE sources SET paper_id = ? WHERE paper_id = ?", (into_id, from_id))
    q("UPDATE state_changes SET paper_id = ? WHERE paper_id = ?", (into_id, from_id))
    q("UPDATE key_aliases SET paper_id = ? WHERE paper_id = ?", (into_id, from_id))
    q(
        "INSERT OR IGNORE INTO possible_duplicates (paper_id, other_id, reason) SELECT ?, other_id, reason FROM "
        "possible_duplicates WHERE paper_id = ? AND other_id != ?",
        (into_id, from_id, into_id),
    )
    q(
        "INSERT OR IGNORE INTO possible_duplicates (paper_id, other_id, reason) SELECT paper_id, ?, reason FROM "
        "possible_duplicates WHERE other_id = ? AND paper_id != ?",
        (into_id, from_id, into_id),
    )
    rank = {s: i for i, s in enumerate(READ_STATES)}
    columns = "key, key_origin, state, state_changed_at, bib, in_crossref"
    a = q(f"SELECT {columns} FROM papers WHERE id = ?", (from_id,)).fetchone()
    b = q(f"SELECT {columns} FROM papers WHERE id = ?", (into_id,)).fetchone()
    if rank[a["state"]] > rank[b["state"]]:
        q(
            "UPDATE papers SET state = ?, state_changed_at = ? WHERE id = ?",
            (a["state"], a["state_changed_at"], into_id),
        )
    q(
        "UPDATE papers SET bib = coalesce(bib, ?), in_crossref = max(in_crossref, ?) WHERE id = ?",
        (a["bib"], a["in_crossref"], into_id),
    )
    q("DELETE FROM papers WHERE id = ?", (from_id,))
    alias = "INSERT OR IGNORE INTO key_aliases (key, paper_id) VALUES (?, ?)"
    if asked:
        if b["key_origin"] == "provisional":
            q("UPDATE papers SET key_origin = 'user', key_base = NULL WHERE id = ?", (into_id,))
        q(alias, (a["key"], into_id))
    elif a["key_origin"] != "provisional":
        if b["key_origin"] == "provisional":
            q(
                "UPDATE papers SET key = ?, key_origin = ?, key_base = NULL WHERE id = ?",
                (a["key"], a["key_origin"], into_id),
            )
        else:
            q(alias, (a["key"], into_id))
    # notes moved without their trigger: refresh the merged paper's search text
    q(
        "UPDATE papers_fts SET notes = "
        "coalesce((SELECT group_concat(text, ' ') FROM notes WHERE paper_id = ?), '') WHERE rowid = ?",
        (into_id, into_id),
    )
    recompose(conn, into_id)
