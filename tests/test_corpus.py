"""The recorded corpus (tests/fixtures/corpus) is consistent: well-formed unique ids, dates that fit the ids,
one record per seed title, facts only, every record sourced, and the seed titles it lacks listed with a reason."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from readlist.ingest.pages import parse_page
from readlist.text import normalize_title
from tests.fakeserver.corpus import CORPUS_DIR, valid_arxiv_id
from tests.paths import SEEDS

FIELDS = {
    "kind", "seed_title", "arxiv_id", "title", "title_v1", "authors", "published", "versions", "updated",
    "primary_class", "doi", "journal_ref", "venue", "year", "publication_types", "volume", "pages", "sources",
    "note", "confused_with",
}  # fmt: skip
SOURCE = re.compile(r"https?://\S+|code-index:file/\d+")
DATE = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?")


def records() -> list[tuple[str, dict]]:
    return [
        (path.name, paper)
        for path in sorted(CORPUS_DIR.glob("*.json"))
        for paper in json.loads(path.read_text(encoding="utf-8"))["papers"]
    ]


def label(name: str, paper: dict) -> str:
    return f"{name}: {paper.get('arxiv_id') or paper.get('title')}"


def parse_date(text: str) -> date:
    m = DATE.fullmatch(text)
    assert m, text
    return date(int(m.group(1)), int(m.group(2)), int(m.group(3) or 1))


def id_month(arxiv_id: str) -> tuple[int, int]:
    yymm = arxiv_id.split("/")[-1][:4] if "/" in arxiv_id else arxiv_id[:4]
    yy, mm = int(yymm[:2]), int(yymm[2:])
    return (1900 + yy if yy >= 91 else 2000 + yy), mm


def page_titles() -> list[str]:
    titles: list[str] = []
    for page in sorted(SEEDS.glob("*.txt")):
        titles += [e.title for e in parse_page(page.read_text(encoding="utf-8"), page.name)[0] if e.title]
    return titles


def left_out() -> dict[str, str]:
    """Seed title -> reason, from the README's "Left out" table."""
    text = (CORPUS_DIR / "README.md").read_text(encoding="utf-8")
    section = text.split("## Left out", 1)[1].split("\n## ", 1)[0]
    rows = [line.strip("|").split("|") for line in section.splitlines() if line.startswith("| ")]
    return {cells[0].strip(): cells[1].strip() for cells in rows[1:] if len(cells) >= 2}


def test_only_known_fields_and_no_prose() -> None:
    for name, paper in records():
        assert set(paper) <= FIELDS, f"{label(name, paper)}: unexpected {set(paper) - FIELDS}"
        assert paper["kind"] in ("seed", "distractor"), label(name, paper)
        for key in ("title", "seed_title", "title_v1", "venue", "journal_ref"):
            assert len(paper.get(key) or "") < 300, f"{label(name, paper)}: {key} is prose-long"


def test_ids_are_well_formed_and_unique() -> None:
    seen: dict[str, str] = {}
    for name, paper in records():
        arxiv_id = paper.get("arxiv_id")
        if arxiv_id is None:
            assert paper["kind"] == "distractor", f"{label(name, paper)}: a seed record needs its arXiv id"
            continue
        assert valid_arxiv_id(arxiv_id) and not re.search(r"v\d+$", arxiv_id), f"{name}: bad id {arxiv_id!r}"
        assert arxiv_id not in seen, f"{arxiv_id} in both {seen[arxiv_id]} and {name}"
        seen[arxiv_id] = name


def test_v1_date_fits_the_id() -> None:
    """The id's yymm is v1's month, or the month after a date late in the month (submitted after the last
    announcement of the month, or held)."""
    for name, paper in records():
        if not paper.get("arxiv_id"):
            continue
        published = parse_date(paper["published"])
        year, month = id_month(paper["arxiv_id"])
        if (published.year, published.month) == (year, month):
            continue
        before = (year, month - 1) if month > 1 else (year - 1, 12)
        late = len(paper["published"]) == 10 and published.day >= 20
        assert (published.year, published.month) == before and late, f"{label(name, paper)}: v1 {published}"


def test_versions_and_updates_are_consistent() -> None:
    for name, paper in records():
        versions, updated = paper.get("versions"), paper.get("updated")
        assert versions is None or (isinstance(versions, int) and versions >= 1), label(name, paper)
        if updated:
            assert parse_date(updated) >= parse_date(paper["published"]), label(name, paper)
        if versions == 1 and updated:
            assert updated == paper["published"], f"{label(name, paper)}: v1 is the latest, yet updated differs"


def test_every_record_has_authors_and_sources() -> None:
    """Authors in order for every seed paper (a distractor's may be unknown: empty); sources for every record."""
    for name, paper in records():
        assert all(isinstance(a, str) and a.strip() for a in paper["authors"]), label(name, paper)
        assert paper["authors"] or paper["kind"] == "distractor", f"{label(name, paper)}: no authors"
        assert paper["sources"], f"{label(name, paper)}: no source"
        for source in paper["sources"]:
            assert SOURCE.fullmatch(source), f"{label(name, paper)}: source {source!r} is no address"


def test_a_renamed_paper_keeps_its_earlier_title() -> None:
    for name, paper in records():
        if paper.get("title_v1"):
            assert normalize_title(paper["title_v1"]) != normalize_title(paper["title"]), label(name, paper)


seeds_present = pytest.mark.skipif(not SEEDS.is_dir(), reason="seed pages (../shared/seeds) missing")


@seeds_present
def test_every_seed_title_maps_to_at_most_one_record_and_every_record_to_a_seed_title() -> None:
    titles = {normalize_title(t) for t in page_titles()}
    by_title: dict[str, str] = {}
    for name, paper in records():
        if paper["kind"] != "seed":
            continue
        key = normalize_title(paper["seed_title"])
        assert key in titles, f"{label(name, paper)}: seed_title {paper['seed_title']!r} is on no seed page"
        assert key not in by_title, f"{paper['seed_title']!r} has records in {by_title[key]} and {name}"
        by_title[key] = label(name, paper)


@seeds_present
def test_the_seed_papers_without_a_record_are_the_ones_listed_with_a_reason() -> None:
    covered = {normalize_title(p["seed_title"]) for _, p in records() if p["kind"] == "seed"}
    lacking = {t for t in page_titles() if normalize_title(t) not in covered}
    listed = left_out()
    assert lacking == set(listed)
    assert all(reason for reason in listed.values())


@seeds_present
def test_distractors_name_the_seed_papers_they_resemble() -> None:
    titles = set(page_titles())
    for name, paper in records():
        if paper["kind"] == "distractor":
            assert paper.get("confused_with"), label(name, paper)
            assert set(paper["confused_with"]) <= titles, label(name, paper)
            assert "seed_title" not in paper, label(name, paper)


def test_corpus_dir_is_the_fixtures() -> None:
    assert Path(CORPUS_DIR).name == "corpus" and (CORPUS_DIR / "README.md").is_file()
