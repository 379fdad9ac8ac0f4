"""The identity rule: which paper, stored or new, an entry is, and which papers might be one paper (the
possible-duplicate flag) because the rule kept them apart.

Two inputs are one paper when they share an arXiv id or a DOI, or a normalized title with nothing contradicting it
(`contradiction`); but two .bib entries that each carry their own citation key are never merged without the user's
word (`bib_conflict`).
"""

from __future__ import annotations

import json
import sqlite3
from bisect import insort
from collections.abc import Sequence
from dataclasses import dataclass

from readlist.model import BibRecord, Entry, Record
from readlist.store.layers import Layer, compose
from readlist.store.queries import lookup_many
from readlist.text import normalized

FAR_YEARS = 1  # entries of one title whose years differ by more than this are different papers

# The .bib entry a paper carries, or an entry is: (its citation key, its record: as read, or as stored (JSON)),
# either may be None.
Bib = tuple[str | None, BibRecord | str | None]


def entry_bib(entry: Entry) -> Bib | None:
    return None if entry.key is None and entry.bib is None else (entry.key, entry.bib)


def record_json(record: BibRecord | str | None) -> str | None:
    return record.to_json() if isinstance(record, BibRecord) else record


def paper_bib(conn: sqlite3.Connection, paper_id: int) -> Bib | None:
    """The .bib entry a stored paper carries: its key (the paper's own when it came from the entry, else the key
    the entry's source gave) and record; None when no .bib entry brought the paper."""
    row = conn.execute("SELECT key, key_origin, bib FROM papers WHERE id = ?", (paper_id,)).fetchone()
    if row["key_origin"] == "bib":
        return row["key"], row["bib"]
    if row["bib"] is None:
        return None
    key = conn.execute(
        "SELECT json_extract(entry, '$.key') FROM sources WHERE paper_id = ? AND json_extract(entry, '$.kind') = "
        "'bib' ORDER BY id LIMIT 1",
        (paper_id,),
    ).fetchone()
    return (key[0] if key else None), row["bib"]


def bib_conflict(entry: Bib | None, paper: Bib | None) -> str | None:
    """Why two .bib entries are kept apart, never merged without the user's word: each has its own citation key,
    or (one without a key) they differ. None when either is not a .bib entry, or both are the same one."""
    if entry is None or paper is None:
        return None
    (entry_key, entry_record), (paper_key, paper_record) = entry, paper
    if entry_key and paper_key:
        return None if entry_key == paper_key else f"both have their own citation keys ({paper_key}, {entry_key})"
    if entry_record and paper_record and record_json(entry_record) != record_json(paper_record):
        return "two different .bib entries"
    return None


@dataclass(frozen=True)
class _Facts:
    """What the identity rule compares of a paper."""

    arxiv_id: str | None
    doi: str | None
    year: int | None
    abstract: str | None
    bib: Bib | None  # the .bib entry it carries

    @classmethod
    def of_entry(cls, entry: Entry) -> _Facts:
        year = entry.date.year if entry.date else None
        return cls(entry.arxiv_id, entry.doi, year, entry.abstract, entry_bib(entry))


@dataclass(frozen=True)
class Found:
    paper: int | None  # the paper an entry is, or None for a new one
    flags: list[tuple[int, str]]  # papers a new one might duplicate, and why it was not merged with each


def contradiction(entry: _Facts, paper: _Facts) -> str | None:
    """What tells two entries of one title apart (different papers), or None when nothing does."""
    if entry.arxiv_id and paper.arxiv_id and entry.arxiv_id != paper.arxiv_id:
        return f"different arXiv ids ({entry.arxiv_id}, {paper.arxiv_id})"
    if entry.doi and paper.doi and entry.doi != paper.doi:
        return f"different DOIs ({entry.doi}, {paper.doi})"
    if why := bib_conflict(entry.bib, paper.bib):
        return why
    if entry.year and paper.year and abs(entry.year - paper.year) > FAR_YEARS:
        return f"years far apart ({paper.year}, {entry.year})"
    if entry.abstract and paper.abstract:
        from readlist.similarity import DIFFERENT_ABSTRACTS, abstract_similarity  # rapidfuzz: not for `show`, `list`

        similarity = abstract_similarity(entry.abstract, paper.abstract)
        if similarity < DIFFERENT_ABSTRACTS:
            return f"abstracts differ ({similarity:.2f})"
    return None


class Identities:
    """Which paper an entry is, by the identity rule: the paper with its arXiv id, else its DOI, else its
    normalized title (a paper's, or a source's) with nothing contradicting it (`contradiction`); but a .bib entry
    is never merged into a paper that carries another .bib entry (`bib_conflict`). An entry no paper is becomes a
    new one, flagged as a possible duplicate of the papers of its identifier or title it was not merged with.

    The library's papers for some entries' identifiers and titles are read in one query per kind; papers and sources
    added since are told (``add_paper``, ``add_layer``), so ``find`` answers as ``Store.find_existing`` would once
    they are written and composed."""

    def __init__(self, conn: sqlite3.Connection, entries: Sequence[Entry]) -> None:
        self.conn = conn
        self.arxiv = lookup_many(
            conn, "SELECT arxiv_id, id FROM papers WHERE arxiv_id IN ", {e.arxiv_id for e in entries if e.arxiv_id},
            " ORDER BY id",
        )  # fmt: skip
        self.doi = lookup_many(
            conn, "SELECT doi, id FROM papers WHERE doi IN ", {e.doi for e in entries if e.doi}, " ORDER BY id"
        )
        titles = {normalized(e.title) for e in entries if e.title}
        # the papers with a title, their own or a source's, oldest first
        self.titles = lookup_many(conn, "SELECT title_norm, id FROM papers WHERE title_norm IN ", titles)
        # the title each paper shows, as indexed (it may change as sources are added), and the sources' titles
        self.own_titles = {pid: norm for norm, pids in self.titles.items() for pid in pids}
        self.source_titles: set[tuple[str, int]] = set()
        for norm, pids in lookup_many(
            conn, "SELECT title_norm, paper_id FROM sources WHERE title_norm IN ", titles
        ).items():
            self.titles[norm] = sorted(set(self.titles.get(norm, [])) | set(pids))
            self.source_titles.update((norm, pid) for pid in pids)
        self.facts: dict[int, _Facts] = {}
        # papers a source was added to in this batch: what they are made of, to compose them again
        self.layers: dict[int, tuple[Record | None, list[Layer]]] = {}
        self.shown: dict[int, tuple[str | None, str | None]] = {}  # their arXiv id and DOI, as indexed
        self.bibs: dict[int, Bib | None] = {}  # the .bib entry each paper carries

    def _facts(self, paper_id: int) -> _Facts:
        facts = self.facts.get(paper_id)
        if facts is None:
            if paper_id in self.layers:
                record, layers = self.layers[paper_id]
                v = compose(record, layers).values
                facts = _Facts(v["arxiv_id"], v["doi"], v["year"], v["abstract"], self.bib(paper_id))
            else:
                row = self.conn.execute(
                    "SELECT arxiv_id, doi, year, abstract FROM papers WHERE id = ?", (paper_id,)
                ).fetchone()  # fmt: skip
                facts = _Facts(row[0], row[1], row[2], row[3], self.bib(paper_id))
            self.facts[paper_id] = facts
        return facts

    def bib(self, paper_id: int) -> Bib | None:
        """The .bib entry a paper, stored or new, carries (`paper_bib`)."""
        if paper_id not in self.bibs:
            self.bibs[paper_id] = paper_bib(self.conn, paper_id)
        return self.bibs[paper_id]

    def find(self, entry: Entry) -> Found:
        mine = _Facts.of_entry(entry)
        flags: list[tuple[int, str]] = []
        for kind, by, value in (("arXiv id", self.arxiv, entry.arxiv_id), ("DOI", self.doi, entry.doi)):
            if value and by.get(value):
                for pid in by[value]:
                    why = bib_conflict(mine.bib, self.bib(pid))
                    if why is None:
                        return Found(pid, [])
                    flags.append((pid, f"{why}, same {kind}"))
                return Found(None, flags)
        if entry.title:
            for pid in self.titles.get(normalized(entry.title), []):
                why = contradiction(mine, self._facts(pid))
                if why is None:
                    return Found(pid, [])
                flags.append((pid, f"same title, {why}"))
        return Found(None, flags)

    def add_paper(self, paper_id: int, layer: Layer, title_norm: str, bib: Bib | None) -> None:
        """A new paper (its first layer, and the .bib entry it carries)."""
        self.layers[paper_id] = (None, [layer])
        self.bibs[paper_id] = bib
        self._index(paper_id, layer.get("arxiv_id"), layer.get("doi"))
        self.own_titles[paper_id] = title_norm
        self._title(paper_id, title_norm)
        if layer.get("title"):
            self.source_titles.add((normalized(str(layer["title"])), paper_id))

    def add_layer(self, paper_id: int, layer: Layer) -> None:
        """A source added to a paper, stored or new: the paper now shows what it says too (`layers.compose`), and
        is found by its title, and by the identifiers it shows now."""
        if paper_id not in self.layers:
            row = self.conn.execute("SELECT record, arxiv_id, doi FROM papers WHERE id = ?", (paper_id,)).fetchone()
            stored = self.conn.execute(
                "SELECT entry FROM sources WHERE paper_id = ? AND entry IS NOT NULL ORDER BY id", (paper_id,)
            )
            record = Record(**json.loads(row[0])) if row[0] else None
            self.layers[paper_id] = (record, [json.loads(r[0]) for r in stored])
            self.shown[paper_id] = (row[1], row[2])
        self.layers[paper_id][1].append(layer)
        self.facts.pop(paper_id, None)
        facts = self._facts(paper_id)
        self._index(paper_id, facts.arxiv_id, facts.doi)
        if layer.get("title"):
            norm = normalized(str(layer["title"]))
            self.source_titles.add((norm, paper_id))
            self._title(paper_id, norm)
        shown = str(compose(*self.layers[paper_id]).values["title_norm"])
        old = self.own_titles.get(paper_id)
        if old != shown:  # found by the title it shows now (no longer by one it showed before, unless a source's)
            if old is not None and (old, paper_id) not in self.source_titles and paper_id in self.titles.get(old, []):
                self.titles[old].remove(paper_id)
            self.own_titles[paper_id] = shown
            self._title(paper_id, shown)

    def _index(self, paper_id: int, arxiv_id: str | None, doi: str | None) -> None:
        """Find the paper by the identifiers it shows (no longer by those it showed before)."""
        for by, old, new in zip(
            (self.arxiv, self.doi), self.shown.get(paper_id, (None, None)), (arxiv_id, doi), strict=True
        ):
            if old != new and old and paper_id in by.get(old, []):
                by[old].remove(paper_id)
            if new and paper_id not in by.setdefault(new, []):
                insort(by[new], paper_id)
        self.shown[paper_id] = (arxiv_id, doi)

    def _title(self, paper_id: int, title_norm: str) -> None:
        have = self.titles.setdefault(title_norm, [])
        if paper_id not in have:
            insort(have, paper_id)

    def took_bib(self, paper_id: int, bib: Bib) -> None:
        """A paper that carried no .bib entry took one (its record, and its key when that is free)."""
        self.bibs[paper_id] = bib
        self.facts.pop(paper_id, None)
