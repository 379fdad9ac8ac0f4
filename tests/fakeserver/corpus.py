"""The fake server's papers: tests/fixtures/corpus/*.json or a list; abstracts read from the seed pages at run time."""

from __future__ import annotations

import hashlib
import itertools
import json
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


def abstract_for(seed_title: str | None, title: str, table: dict[str, str]) -> str:
    if seed_title:
        if seed_title in table:
            return table[seed_title]
        for line, following in table.items():
            if line.endswith(seed_title):
                return following
    return (
        f"Synthetic abstract for {title}. This placeholder text stands in for the real abstract in the fake "
        "server; it mentions learning, models and experiments so that all: queries have words to match."
    )


def _paper(raw: dict, table: dict[str, str]) -> FakePaper | None:
    title = raw.get("title")
    if not isinstance(title, str) or not title.strip():
        return None
    return FakePaper(
        title=title,
        authors=[a for a in raw.get("authors") or [] if isinstance(a, str)],
        arxiv_id=raw.get("arxiv_id") or None,
        versions=int(raw.get("versions") or 1),
        published=raw.get("published") or "2020-01-01",
        primary_class=raw.get("primary_class") or "cs.LG",
        doi=raw.get("doi") or None,
        journal_ref=raw.get("journal_ref") or None,
        venue=raw.get("venue") or None,
        year=raw.get("year") if isinstance(raw.get("year"), int) else None,
        publication_types=list(raw.get("publication_types") or []),
        volume=raw.get("volume") or None,
        pages=raw.get("pages") or None,
        abstract=raw.get("abstract") or abstract_for(raw.get("seed_title"), title, table),
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


def synthetic_fill(records: list[dict], seeds: Path = SEEDS) -> list[dict]:
    """Synthetic arXiv records for every seed-page paper the corpus lacks (for benchmarks only).

    A real run finds nearly every Daily Papers entry on arXiv; the recorded corpus holds only some
    of them. These stand-ins (ids in the future month 2912, authors "Synthetic Author N", the
    page's own author count and date) let a benchmark measure request counts as on the real API.
    """
    from readlist.ingest.pages import parse_page

    known = {normalize_title(r.get("seed_title") or r.get("title") or "") for r in records}
    fill: list[dict] = []
    for page in sorted(seeds.glob("*.txt")):
        for entry in parse_page(page.read_text(encoding="utf-8"), page.name)[0]:
            norm = normalize_title(entry.title or "")
            if not entry.title or norm in known:
                continue
            known.add(norm)
            date = entry.date
            published = f"{date.year or 2025:04d}-{date.month or 1:02d}-{date.day or 1:02d}" if date else "2025-01-15"
            n = len(fill) + 1
            fill.append({
                "kind": "synthetic", "seed_title": entry.title, "arxiv_id": f"2912.{n:05d}", "title": entry.title,
                "authors": [f"Synthetic Author{i}" for i in range(1, (entry.author_count or 3) + 1)],
                "published": published, "sources": ["synthetic"],
            })  # fmt: skip
    return fill


def seed_filled_records(folder: Path | None = None, seeds: Path = SEEDS) -> list[dict]:
    """The corpus records plus ``synthetic_fill``: every seed-page paper has an arXiv record (``--fill-seeds``)."""
    records = corpus_records(folder)
    return records + synthetic_fill(records, seeds)


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
        paper = _paper(raw, table) if isinstance(raw, dict) else None
        if paper is None or (paper.arxiv_id and paper.arxiv_id in seen):
            continue
        seen.add(paper.arxiv_id or "")
        papers.append(paper)
    return papers
