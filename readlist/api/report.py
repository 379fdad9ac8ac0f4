"""What the library API's calls return besides papers: a command's report, the library's counts, an export."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypedDict

if TYPE_CHECKING:
    from readlist.errors import InputError
    from readlist.model import Paper

NOT_RESOLVED = "not resolved yet: run `readlist resolve`"


@dataclass
class Report:
    """What `add`, `import` or `resolve` did, for the command to summarize."""

    added: int = 0  # entries that are new papers
    already: int = 0  # entries naming a paper the library held before (a source was recorded)
    repeats: int = 0  # entries naming the paper an earlier entry of the same input named
    problems: list[InputError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # what was read or stored, but not quite as written
    duplicates: int = 0  # papers flagged as possible duplicates by this command (`list --status duplicate`)
    resolved: bool = False  # whether resolution ran
    statuses: dict[str, int] = field(default_factory=dict)  # of the papers resolved
    pending: int = 0  # papers of this command still pending when it ended
    incomplete: int = 0  # papers of this command matched offline, still to complete online (`states.INCOMPLETE`)
    review: int = 0  # papers of this command that need review
    unreachable: bool = False  # papers stayed pending because arXiv or Semantic Scholar could not be reached
    requests: int = 0
    cache_hits: int = 0
    wait_seconds: float = 0.0
    reasons: dict[str, int] = field(default_factory=dict)  # why papers stayed pending


class Stats(TypedDict):
    """The library's counts (`readlist stats`)."""

    papers: int
    sources: int
    notes: int
    tags: int  # distinct tags
    status: dict[str, int]  # papers by resolution status
    state: dict[str, int]  # papers by read state
    settled: int  # papers whose key is settled
    duplicates: int  # papers flagged as possible duplicates


@dataclass(frozen=True)
class Details:
    """One paper as `readlist show` gives it: the paper (with candidates) and the imported .bib entries that
    disagree with its record (where, then each field: name, the entry's value, the record's)."""

    paper: Paper
    disagreements: list[tuple[str, list[tuple[str, object, object]]]]


@dataclass(frozen=True)
class Annotated:
    """A paper just noted or tagged, and the characters of the new text pdflatex cannot set (character -> what
    `export --ascii` writes for it)."""

    paper: Paper
    unsettable: dict[str, str]


@dataclass(frozen=True)
class Exported:
    """What an export wrote: how many papers, and the keys a document cites that the library does not know."""

    count: int
    unknown: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Renamed:
    """A paper given a new citation key, and the key it had."""

    old: str
    paper: Paper
