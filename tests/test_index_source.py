"""The local arXiv index as a source (`readlist.sources.index`), asked by the resolver like any other over real
SQLite files and real HTTP against the fake server: absent without an index file; with one, every paper it holds
matched with no request (offline: the match stands, saying what Semantic Scholar would add); online, completed
by Semantic Scholar; what it lacks passed on to arXiv, by id and for a base record."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from readlist.config import Settings
from readlist.index.build import build
from readlist.ingest.pages import parse_page
from readlist.model import Entry, Outcome, Record
from readlist.resolve.resolver import Resolver
from readlist.sources.arxiv import ArxivSource
from readlist.sources.base import Source
from readlist.sources.index import IndexSource
from readlist.states import INCOMPLETE
from readlist.text import normalize_title
from tests.fakeserver import FakeServer
from tests.fakeserver.corpus import corpus_records as corpus_facts
from tests.paths import seed_pages
from tests.snapshots import corpus_records, write_snapshot


@pytest.fixture(scope="module")
def seed_entries() -> list[Entry]:
    return [e for page in seed_pages() for e in parse_page(page.read_text(encoding="utf-8"), page.name)[0] if e.title]


@pytest.fixture(scope="module")
def held() -> dict[str, dict]:
    """The corpus's arXiv papers in the snapshot schema, by id (all but the last: a paper the index lacks)."""
    return {r["id"]: r for r in corpus_records()[:-1]}


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory, held: dict[str, dict]) -> Path:
    folder = tmp_path_factory.mktemp("index")
    path = folder / "index.sqlite"
    build(str(write_snapshot(folder / "snapshot.json", list(held.values()))), path, progress=False)
    return path


def resolve(settings: Settings, entries: Sequence[Entry], sources: list[type[Source]] | None = None) -> list[Outcome]:
    resolver = Resolver(settings, sources=sources)
    try:
        return resolver.resolve(entries)
    finally:
        resolver.close()


def expected(held: dict[str, dict]) -> dict[str, str]:
    """Normalized seed title -> arXiv id, for the seed papers the index holds under that title."""
    return {
        normalize_title(r["seed_title"]): r["arxiv_id"]
        for r in corpus_facts()
        if r.get("seed_title") and r.get("arxiv_id") in held
    }


def test_without_an_index_file_the_source_is_not_asked(fake_settings: Settings) -> None:
    assert not fake_settings.index.exists()
    resolver = Resolver(fake_settings)
    try:
        assert "index" not in [s.name for s in resolver.sources] and resolver.sources
    finally:
        resolver.close()


def test_offline_every_paper_the_index_holds_is_matched_with_no_request(
    fake_server: FakeServer, fake_settings: Settings, index: Path, held: dict[str, dict], seed_entries: list[Entry]
) -> None:
    settings = fake_settings.replace(index=index, offline=True)
    want = expected(held)
    outcomes = resolve(settings, seed_entries)
    assert fake_server.requests() == []
    date = max(r["update_date"] for r in held.values())
    for entry, o in zip(seed_entries, outcomes, strict=True):
        title = normalize_title(entry.title or "")
        if title in want and o.status == "matched":
            assert o.record is not None and o.record.arxiv_id == want[title], entry.title
            assert o.evidence["source"] == f"local arXiv index ({date})"
            assert "Semantic Scholar" in str(o.evidence[INCOMPLETE]), "what the match still lacks is said"
        else:
            assert o.status != "matched", (entry.title, o.record)
            assert o.status in ("pending", "needs-review", "unresolved")
    matched = {
        normalize_title(e.title or "") for e, o in zip(seed_entries, outcomes, strict=True) if o.status == "matched"
    }
    assert len(matched & want.keys()) >= 0.95 * len(
        want.keys() & {normalize_title(e.title or "") for e in seed_entries}
    )


def test_online_the_index_answers_and_semantic_scholar_completes(
    fake_server: FakeServer, fake_settings: Settings, index: Path, held: dict[str, dict]
) -> None:
    published = next(r for r in corpus_facts() if r.get("arxiv_id") in held and r.get("doi") and r.get("venue"))
    entry = Entry("ids.txt", 1, arxiv_id=published["arxiv_id"])
    (o,) = resolve(fake_settings.replace(index=index), [entry])
    assert o.status == "matched" and o.record is not None and INCOMPLETE not in o.evidence
    assert o.evidence["source"].startswith("local arXiv index (")
    assert (o.record.doi, o.record.venue) == (published["doi"].lower(), published["venue"]), "from Semantic Scholar"
    assert [r.service for r in fake_server.requests()] == ["s2"], "no arXiv request for what the index holds"


def test_an_id_the_index_lacks_goes_on_to_arxiv(
    fake_server: FakeServer, fake_settings: Settings, index: Path, held: dict[str, dict]
) -> None:
    lacking = next(r for r in corpus_records() if r["id"] not in held)
    (o,) = resolve(fake_settings.replace(index=index), [Entry("ids.txt", 1, arxiv_id=lacking["id"])])
    assert o.status == "matched" and o.record is not None and o.record.source == "arxiv"
    assert o.record.arxiv_id == lacking["id"]


class NoIds(Source):
    """A source that looks up arXiv ids before arXiv and holds none (a local index without the paper)."""

    name = "no-ids"
    order = 10
    id_schemes = frozenset({"arxiv"})

    def fetch_ids(self, scheme: str, ids: Sequence[str]) -> dict[str, Record]:
        return {}


def title_source(record: Record) -> type[Source]:
    class Titles(Source):
        """A title search after arXiv's that finds a paper by its title and names its arXiv id."""

        name = "titles"
        order = 30
        titles_per_search = 10

        def search_titles(self, titles: Sequence[str]) -> list[Record]:
            return [record]

    return Titles


def test_a_base_record_comes_from_the_next_source_when_the_first_lacks_it(
    fake_server: FakeServer, fake_settings: Settings
) -> None:
    paper = corpus_records()[0]
    title = "Quuxified Reading Lists, as a Title Source Names Them"  # synthetic: arXiv's search finds nothing
    found = Record("titles", title, abstract=paper["abstract"], arxiv_id=paper["id"])
    entry = Entry("page.txt", 1, title=title, abstract=paper["abstract"])
    (o,) = resolve(fake_settings, [entry], [NoIds, ArxivSource, title_source(found)])
    assert o.status == "matched" and o.record is not None
    assert (o.record.source, o.record.title) == ("arxiv", paper["title"]), "arXiv's record is the base"


def test_the_index_source_declares_itself_first_and_not_the_authority() -> None:
    assert IndexSource.order < ArxivSource.order and "arxiv" not in IndexSource.authority
    assert IndexSource.searches_abstracts and IndexSource.titles_per_search
