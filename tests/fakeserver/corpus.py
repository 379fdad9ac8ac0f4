"""The fake server's papers: tests/fixtures/corpus/*.json or a list; abstracts taken from the seed pages at run time."""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import random
import re
import uuid
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from readlist.text import normalize_title
from tests.paths import REPO, SEEDS

CORPUS_DIR = REPO / "tests" / "fixtures" / "corpus"
_NEW_ID = re.compile(r"^\d{4}\.\d{4,5}$")
_OLD_ID = re.compile(r"^[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?/\d{7}$")


def valid_arxiv_id(text: str) -> bool:
    """What arXiv accepts in id_list (bare or versioned); anything else gets the HTTP 400 error feed."""
    bare = re.sub(r"v\d+$", "", text)
    return bool(_NEW_ID.match(bare) or _OLD_ID.match(bare))


@dataclass
class FakePaper:
    title: str
    authors: list[str] = field(default_factory=list)
    arxiv_id: str | None = None
    versions: int = 1
    published: str = "2020-01-01"
    updated: str | None = None  # the latest version's date; None: unknown, the feed gives the v1 date
    primary_class: str = "cs.LG"
    doi: str | None = None
    journal_ref: str | None = None
    venue: str | None = None
    year: int | None = None
    publication_types: list[str] = field(default_factory=list)
    volume: str | None = None
    pages: str | None = None
    abstract: str = ""
    comment: str | None = None
    kind: str = "seed"

    @property
    def paper_id(self) -> str:
        """A stable 40-hex S2 paperId."""
        return hashlib.sha1((self.arxiv_id or self.doi or self.title).encode()).hexdigest()

    @property
    def corpus_id(self) -> int:
        return int(self.paper_id[:7], 16)

    @property
    def norm_title(self) -> str:
        return normalize_title(self.title)

    @property
    def venue_id(self) -> str:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, self.venue or "arxiv.org"))


def seed_abstracts(seeds: Path = SEEDS) -> dict[str, str]:
    """Seed title -> abstract, read from the pasted pages (the line after the title, skipping blanks).

    Keys are every non-empty line; pages sometimes glue a title to the "Subscribe" button, so callers also
    try a suffix match (see ``abstract_for``).
    """
    table: dict[str, str] = {}
    for page in sorted(seeds.glob("*.txt")) if seeds.is_dir() else []:
        lines = [line.strip() for line in page.read_text(encoding="utf-8").splitlines() if line.strip()]
        for line, following in itertools.pairwise(lines):
            table.setdefault(line, following)
    return table


@functools.cache
def _seed_papers(seeds: Path) -> tuple[tuple[str, str], ...]:
    """(title, abstract) of every seed-page entry that has both, in page order."""
    from readlist.ingest.pages import parse_page

    pairs: list[tuple[str, str]] = []
    for page in sorted(seeds.glob("*.txt")) if seeds.is_dir() else []:
        for entry in parse_page(page.read_text(encoding="utf-8"), page.name)[0]:
            if entry.title and entry.abstract:
                pairs.append((entry.title, entry.abstract))
    return tuple(pairs)


def other_abstract(title: str, avoid: tuple[str, ...] = (), seeds: Path = SEEDS) -> str:
    """An abstract for a paper that is on no seed page (the distractors): sentences of three other seed papers.

    The corpus keeps no prose, so a distractor's abstract is put together at run time from the seed pages: the
    opening of one seed paper's abstract, the middle of a second and the end of a third, chosen by a hash of the
    title among the seed papers that are not in ``avoid`` (the papers it is meant to be confused with) and share
    fewer than half of its title words. Real-looking text about other papers, as arXiv returns for a different
    paper; the same title always gets the same text.
    """
    words = set(normalize_title(title).split())
    skip = {normalize_title(t) for t in avoid}
    donors = [
        abstract
        for seed_title, abstract in _seed_papers(seeds)
        if normalize_title(seed_title) not in skip
        and len(words & set(normalize_title(seed_title).split())) < len(words) / 2
    ]
    if len(donors) < 3:
        return f"We study {title}. We describe the method, report experiments and discuss the results."
    rng = random.Random(hashlib.sha1(normalize_title(title).encode()).hexdigest())
    parts = [re.split(r"(?<=[.!?])\s+", abstract.strip()) for abstract in rng.sample(donors, 3)]
    head, middle, tail = parts[0][:2], parts[1][1:-1][:2], parts[2][-2:]
    return " ".join(head + middle + tail)


def abstract_for(
    seed_title: str | None, title: str, table: dict[str, str], seeds: Path = SEEDS, avoid: tuple[str, ...] = ()
) -> str:
    """The seed page's abstract for a seed paper; ``other_abstract`` for any other paper."""
    if seed_title:
        if seed_title in table:
            return table[seed_title]
        for line, following in table.items():
            if line.endswith(seed_title):
                return following
    return other_abstract(title, avoid, seeds)


def _paper(raw: dict, table: dict[str, str], seeds: Path = SEEDS) -> FakePaper | None:
    title = raw.get("title")
    if not isinstance(title, str) or not title.strip():
        return None
    return FakePaper(
        title=title,
        authors=[a for a in raw.get("authors") or [] if isinstance(a, str)],
        arxiv_id=raw.get("arxiv_id") or None,
        versions=int(raw.get("versions") or 1),
        published=raw.get("published") or "2020-01-01",
        updated=raw.get("updated") or None,
        primary_class=raw.get("primary_class") or "cs.LG",
        doi=raw.get("doi") or None,
        journal_ref=raw.get("journal_ref") or None,
        venue=raw.get("venue") or None,
        year=raw.get("year") if isinstance(raw.get("year"), int) else None,
        publication_types=list(raw.get("publication_types") or []),
        volume=raw.get("volume") or None,
        pages=raw.get("pages") or None,
        abstract=raw.get("abstract")
        or abstract_for(raw.get("seed_title"), title, table, seeds, tuple(raw.get("confused_with") or ())),
        comment=raw.get("comment") or None,
        kind=raw.get("kind") or "seed",
    )


def corpus_records(folder: Path | None = None) -> list[dict]:
    """The raw paper dicts of every corpus JSON file in ``folder`` (default: the fixtures)."""
    raws: list[dict] = []
    folder = folder or CORPUS_DIR
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            raws += json.loads(path.read_text(encoding="utf-8")).get("papers", [])
        except (OSError, ValueError, AttributeError) as exc:
            warnings.warn(f"fake server: skipping corpus file {path.name}: {exc}", stacklevel=2)
    return raws


def load_corpus(source: Path | list[dict] | None = None, seeds: Path = SEEDS) -> list[FakePaper]:
    """Papers from a folder of corpus JSON files (default: the fixtures) or from a list of paper dicts.

    Missing folders, unreadable or half-written files and papers without a title are skipped (the corpus is
    written by several people, possibly while tests run). The first paper wins for a repeated arXiv id.
    """
    table = seed_abstracts(seeds)
    raws = source if isinstance(source, list) else corpus_records(source)
    papers: list[FakePaper] = []
    seen: set[str] = set()
    for raw in raws:
        paper = _paper(raw, table, seeds) if isinstance(raw, dict) else None
        if paper is None or (paper.arxiv_id and paper.arxiv_id in seen):
            continue
        seen.add(paper.arxiv_id or "")
        papers.append(paper)
    return papers
