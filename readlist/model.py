"""Plain dataclasses shared by every layer: what an input said, what a source knows, what the library holds."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Status = Literal["pending", "matched", "needs-review", "unresolved"]
ReadState = Literal["unread", "reading", "read"]


@dataclass(frozen=True)
class PartialDate:
    """A date that may lack its year (pages print "Jun 2" for the current year).

    `iso` renders "2022-10-07", "2022-10" or "--06-02" (ISO 8601's form for a
    month and day without a year).
    """

    year: int | None
    month: int | None = None
    day: int | None = None

    @property
    def iso(self) -> str:
        if self.year is None:
            return f"--{self.month:02d}-{self.day:02d}" if self.month and self.day else ""
        parts = [f"{self.year:04d}"]
        if self.month:
            parts.append(f"{self.month:02d}")
            if self.day:
                parts.append(f"{self.day:02d}")
        return "-".join(parts)

    @classmethod
    def from_iso(cls, text: str | None) -> PartialDate | None:
        if not text:
            return None
        if text.startswith("--"):
            month, day = text[2:].split("-")
            return cls(None, int(month), int(day))
        nums = [int(p) for p in text[:10].split("-")]
        return cls(*nums)


@dataclass(frozen=True)
class Parts:
    """A name split into BibTeX's four parts (raw LaTeX, or text once decoded); ``useprefix`` from biblatex's
    extended name format."""

    first: str = ""
    von: str = ""
    last: str = ""
    jr: str = ""
    useprefix: bool | None = None

    @property
    def display(self) -> str:
        """ "First von Last, Jr"."""
        out = " ".join(p for p in (self.first, self.von, self.last) if p)
        return f"{out}, {self.jr}" if self.jr else out

    @property
    def family(self) -> str:
        """The family name with its particle ("van den Oord"), as Zotero keeps it."""
        return f"{self.von} {self.last}".strip()


@dataclass
class BibRecord:
    """An imported .bib entry as written: its type and every field, in order, as (name, raw LaTeX value,
    expression), the expression set when the value names a macro (``jul``, ``{10~} # jan``)."""

    type: str
    fields: list[tuple[str, str, str | None]] = field(default_factory=list)

    def to_json(self) -> str:
        import json

        return json.dumps(
            {"type": self.type, "fields": [[n, v] if e is None else [n, v, e] for n, v, e in self.fields]},
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str | None) -> BibRecord | None:
        if not text:
            return None
        import json

        data = json.loads(text)
        return cls(data["type"], [(f[0], f[1], f[2] if len(f) > 2 else None) for f in data["fields"]])


@dataclass
class Entry:
    """One paper as an input described it, before any resolution.

    A page entry has a title and abstract; an identifier line has only
    `arxiv_id` or `doi`; a .bib entry may have everything, plus `fields`
    (other BibTeX fields kept verbatim), `key`, `notes`, `tags` and `state`.
    """

    source_file: str
    source_line: int
    title: str | None = None
    abstract: str | None = None
    authors: list[str] = field(default_factory=list)
    author_count: int | None = None
    date: PartialDate | None = None
    upvotes: int | None = None
    arxiv_id: str | None = None
    doi: str | None = None
    key: str | None = None
    entry_type: str | None = None
    venue: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    state: str | None = None
    bib: BibRecord | None = None  # the .bib entry as written (a .bib import)
    author_parts: list[Parts] = field(default_factory=list)  # the names' parts, as the .bib gave them
    label: str | None = None  # what to call an entry without a title (its venue, or its key)


@dataclass
class Record:
    """Metadata a source (arXiv, Semantic Scholar) holds for one paper."""

    source: str  # "arxiv" or "s2"
    title: str
    authors: list[str] = field(default_factory=list)
    abstract: str | None = None
    arxiv_id: str | None = None  # bare, without version
    arxiv_version: int | None = None
    published: str | None = None  # ISO date of arXiv v1, or S2 publicationDate
    updated: str | None = None
    year: int | None = None
    primary_class: str | None = None
    doi: str | None = None
    s2_id: str | None = None
    venue: str | None = None
    journal: str | None = None
    volume: str | None = None
    pages: str | None = None
    publication_types: list[str] = field(default_factory=list)
    url: str | None = None
    provenance: str | None = None  # how `show` names the source when its name alone does not say (a local copy's date)


@dataclass
class Candidate:
    """A source record scored against an entry, with the evidence for the score."""

    record: Record
    score: float
    evidence: dict[str, object] = field(default_factory=dict)


@dataclass
class Outcome:
    """What resolution concluded for one entry."""

    status: Status
    record: Record | None = None  # the accepted record, enriched, when matched
    score: float | None = None
    evidence: dict[str, object] = field(default_factory=dict)
    candidates: list[Candidate] = field(default_factory=list)
    reason: str | None = None  # why unresolved or still pending


@dataclass
class Note:
    text: str
    created_at: str
    id: int | None = None


@dataclass
class Source:
    file: str
    line: int | None
    title: str | None = None


@dataclass
class Duplicate:
    """Another paper this one might be, and why readlist did not merge them."""

    other_id: int
    other_key: str
    reason: str


@dataclass
class Paper:
    """A paper in the library."""

    id: int
    key: str
    title: str
    authors: list[str] = field(default_factory=list)
    abstract: str | None = None
    year: int | None = None
    date: str | None = None  # PartialDate.iso
    arxiv_id: str | None = None
    arxiv_version: int | None = None
    primary_class: str | None = None
    doi: str | None = None
    s2_id: str | None = None
    entry_type: str | None = None  # bibtex type for published papers, e.g. "inproceedings"
    venue: str | None = None
    journal: str | None = None
    volume: str | None = None
    pages: str | None = None
    url: str | None = None
    author_count: int | None = None
    status: str = "pending"
    evidence: dict[str, object] = field(default_factory=dict)
    state: str = "unread"
    state_changed_at: str | None = None
    added_at: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    key_origin: str = "provisional"  # or, settled: "export", "user" (readlist key), "bib" (an imported entry's)
    tags: list[str] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    bib: BibRecord | None = None  # the imported .bib entry it carries, as written (its record for export)
    author_parts: list[Parts | None] = field(default_factory=list)  # per author, when the source split it
    aliases: list[str] = field(default_factory=list)  # other keys that name it (merged, exported, a .bib's)
    duplicates: list[Duplicate] = field(default_factory=list)  # papers flagged as possibly the same one

    @property
    def key_settled(self) -> bool:
        """A settled key never changes again; a provisional one is made again as the paper is resolved."""
        return self.key_origin != "provisional"
