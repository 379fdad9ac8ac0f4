"""The resolver over real HTTP against the fake arXiv + Semantic Scholar server: matches, request counts, cache,
faults and a dead network."""

from __future__ import annotations

import io
import json
import socket
from collections.abc import Iterator

import pytest

from readlist.config import Settings
from readlist.ingest.pages import parse_page
from readlist.model import Entry, Outcome
from readlist.resolve.progress import BarProgress, LogProgress
from readlist.resolve.resolver import Resolver
from readlist.text import normalize_title
from tests.fakeserver import FakeServer
from tests.fakeserver.corpus import CORPUS_DIR
from tests.paths import seed, seed_pages

TRANSIENT_FAULTS = ["429", "503", "500", "502", "reset", "truncate", "malformed", "html"]


def corpus_papers() -> list[dict]:
    return [p for path in sorted(CORPUS_DIR.glob("*.json")) for p in json.loads(path.read_text("utf-8"))["papers"]]


def expected_ids() -> dict[str, str]:
    """Normalized seed title -> the identity (arXiv id, else DOI) of the corpus paper it names."""
    return {
        normalize_title(p["seed_title"]): p.get("arxiv_id") or p["doi"].lower()
        for p in corpus_papers()
        if p.get("kind") == "seed" and p.get("seed_title")
    }


def findable_ids() -> dict[str, str]:
    """``expected_ids`` of the papers whose arXiv title is still the page's title: a title search must find these.
    A paper renamed on arXiv since the page listed it may be out of reach (arXiv searches current titles only);
    it may stay unresolved, never match another paper."""
    return {
        normalize_title(p["seed_title"]): p.get("arxiv_id") or p["doi"].lower()
        for p in corpus_papers()
        if p.get("kind") == "seed" and normalize_title(p["seed_title"]) == normalize_title(p["title"])
    }


def identity(outcome: Outcome) -> str | None:
    rec = outcome.record
    return (rec.arxiv_id or (rec.doi or "").lower()) if rec else None


@pytest.fixture(scope="module")
def seed_entries() -> list[Entry]:
    entries: list[Entry] = []
    for page in seed_pages():
        found, _ = parse_page(page.read_text(encoding="utf-8"), page.name)
        entries += [e for e in found if e.title]
    return entries


@pytest.fixture
def resolver(fake_settings: Settings) -> Iterator[Resolver]:
    r = Resolver(fake_settings)
    yield r
    r.close()


def run(settings: Settings, entries: list[Entry]) -> list[Outcome]:
    r = Resolver(settings)
    try:
        return r.resolve(entries)
    finally:
        r.close()


def check_no_wrong_match(entries: list[Entry], outcomes: list[Outcome]) -> list[tuple[str, str | None]]:
    """Entries matched to a paper other than the one their title names (or matched though absent): none allowed."""
    want = expected_ids()
    return [
        (e.title or "", identity(o))
        for e, o in zip(entries, outcomes, strict=True)
        if o.status == "matched" and identity(o) != want.get(normalize_title(e.title or ""))
    ]


def test_seed_pages_resolve_to_the_right_papers(fake_server: FakeServer, resolver: Resolver, seed_entries) -> None:
    outcomes = resolver.resolve(seed_entries)
    assert len(outcomes) == len(seed_entries)
    want, findable = expected_ids(), findable_ids()
    present = [(e, o) for e, o in zip(seed_entries, outcomes, strict=True) if normalize_title(e.title or "") in want]
    assert present, "the corpus names no seed paper"
    # A paper renamed on arXiv since the page listed it is found by its abstract; without one it may be missed.
    missed = [
        (e.title, o.status, o.reason)
        for e, o in present
        if o.status != "matched" and (e.abstract or normalize_title(e.title or "") in findable)
    ]
    assert missed == []
    assert check_no_wrong_match(seed_entries, outcomes) == []
    assert resolver.stats.requests == len(fake_server.requests())
    # Semantic Scholar searches only the titles arXiv matched by neither title nor abstract: those not on arXiv.
    absent = {normalize_title(e.title or "") for e in seed_entries} - set(want)
    title_matches = [r for r in fake_server.requests("s2") if r.path.endswith("/paper/search/match")]
    assert len(title_matches) == len(absent)


def test_requests_stay_far_below_papers(fake_server: FakeServer, resolver: Resolver, seed_entries) -> None:
    """Papers arXiv knows by their page title cost a few batched requests (absent or renamed ones cost a Semantic
    Scholar title match each)."""
    want = findable_ids()
    present = [e for e in seed_entries if normalize_title(e.title or "") in want]
    outcomes = resolver.resolve(present)
    assert all(o.status == "matched" for o in outcomes)
    papers = len({normalize_title(e.title or "") for e in present})
    assert len(fake_server.requests()) <= papers / 5


def test_matched_records_are_enriched_from_semantic_scholar(fake_server: FakeServer, resolver: Resolver) -> None:
    published = [p for p in corpus_papers() if p.get("kind") == "seed" and p.get("arxiv_id") and p.get("doi")]
    assert published
    entries = [Entry("ids.txt", i, arxiv_id=p["arxiv_id"]) for i, p in enumerate(published, 1)]
    outcomes = resolver.resolve(entries)
    for paper, out in zip(published, outcomes, strict=True):
        assert out.status == "matched" and out.record
        assert out.record.doi == paper["doi"].lower()
        assert out.record.s2_id and out.record.abstract
        if paper.get("venue") and paper.get("year"):  # a venue whose year no page showed has none to compare
            assert out.record.venue and out.record.year == paper["year"]
    s2_calls = fake_server.requests("s2")
    assert len(s2_calls) == 1 and s2_calls[0].path.endswith("/paper/batch")


def test_doi_entries_and_papers_without_arxiv(fake_server: FakeServer, resolver: Resolver) -> None:
    with_doi = [p for p in corpus_papers() if p.get("doi")]
    entries = [Entry("ids.txt", i, doi=p["doi"]) for i, p in enumerate(with_doi, 1)]
    outcomes = resolver.resolve(entries)
    for paper, out in zip(with_doi, outcomes, strict=True):
        assert out.status == "matched" and out.record
        assert out.record.doi == paper["doi"].lower()
        assert out.record.arxiv_id == paper.get("arxiv_id")
        if paper.get("arxiv_id"):
            assert out.record.source == "arxiv"  # the arXiv record is the base, S2 completes it


def test_old_style_ids_and_versions(fake_server: FakeServer, resolver: Resolver) -> None:
    fake_server.set_corpus(
        [
            {
                "title": "A Note on Strings",
                "arxiv_id": "hep-th/9901001",
                "authors": ["A. Author"],
                "published": "1999-01-04",
            },
            {
                "title": "Knots Revisited",
                "arxiv_id": "math/0309136",
                "authors": ["B. Author"],
                "published": "2003-09-08",
            },
        ]
    )
    entries = [Entry("ids.txt", 1, arxiv_id="hep-th/9901001v1"), Entry("ids.txt", 2, arxiv_id="math.GT/0309136")]
    outcomes = resolver.resolve(entries)
    assert [(o.status, identity(o)) for o in outcomes] == [("matched", "hep-th/9901001"), ("matched", "math/0309136")]
    assert outcomes[0].record and outcomes[0].record.year == 1999


def test_resolving_again_is_served_from_the_cache(fake_server: FakeServer, fake_settings: Settings) -> None:
    entries, _ = parse_page(seed("003").read_text(encoding="utf-8"), "003.txt")
    first = run(fake_settings, entries)
    fake_server.clear_log()
    second = run(fake_settings, entries)
    assert fake_server.requests() == []
    assert [(o.status, identity(o)) for o in second] == [(o.status, identity(o)) for o in first]


@pytest.mark.parametrize("rate", [0.3, 0.85])
def test_faults_leave_entries_pending_and_a_second_run_completes_them(
    fake_server: FakeServer, fake_settings: Settings, seed_entries, rate: float
) -> None:
    want = findable_ids()
    present = [e for e in seed_entries if normalize_title(e.title or "") in want]
    entries = present + [e for e in seed_entries if normalize_title(e.title or "") not in expected_ids()][:60]
    fake_server.faults.set(rate=rate, kinds=TRANSIENT_FAULTS, seed=7)
    faulty = run(fake_settings, entries)
    assert check_no_wrong_match(entries, faulty) == []
    assert sum(r.fault is not None for r in fake_server.requests()) >= 3  # faults were injected
    if rate > 0.5:  # most requests fail even after the retries
        assert sum(o.status == "pending" for o in faulty) > len(entries) / 4
    for e, o in zip(entries, faulty, strict=True):
        if normalize_title(e.title or "") in want:
            assert o.status in ("matched", "needs-review", "pending"), (e.title, o.status, o.reason)
        if o.status == "pending":
            assert o.reason and o.reason.startswith(("network:", "bad answer:")), o.reason
    fake_server.faults.reset()
    again = run(fake_settings, entries)
    assert [o for o in again if o.status == "pending"] == []
    assert check_no_wrong_match(entries, again) == []
    assert all(o.status == "matched" for o in again[: len(present)])


def _unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_network_down_leaves_every_entry_pending_with_reason(fake_settings: Settings, seed_entries) -> None:
    dead = f"http://127.0.0.1:{_unused_port()}"
    settings = fake_settings.replace(arxiv_url=f"{dead}/api/query", s2_url=f"{dead}/graph/v1")
    entries = [*seed_entries[:40], Entry("ids.txt", 1, arxiv_id="2402.15567"), Entry("ids.txt", 2, doi="10.1/x")]
    outcomes = run(settings, entries)
    assert {o.status for o in outcomes} == {"pending"}
    assert all(o.reason and o.reason.startswith("network:") and "connection failed" in o.reason for o in outcomes)


def test_offline_without_cache_leaves_entries_pending(fake_server: FakeServer, fake_settings: Settings) -> None:
    outcomes = run(fake_settings.replace(offline=True), [Entry("p.txt", 1, title="Learning without Forgetting")])
    assert outcomes[0].status == "pending" and "offline" in (outcomes[0].reason or "")
    assert fake_server.requests() == []


def test_progress_reports_every_entry(fake_server: FakeServer, fake_settings: Settings) -> None:
    entries, _ = parse_page(seed("003").read_text(encoding="utf-8"), "003.txt")
    out = io.StringIO()
    sink = LogProgress(out)
    r = Resolver(fake_settings, progress=sink)
    try:
        r.resolve(entries)
    finally:
        r.close()
    lines = out.getvalue().splitlines()
    assert lines[0] == f"resolve: {len(entries)} entries to resolve"
    assert lines[-1].startswith(f"resolve: done: {len(entries)}/{len(entries)} entries, ")
    assert "requests" in lines[-1] and "cache hits" in lines[-1]


def test_bar_is_full_only_when_the_records_are_complete(fake_server: FakeServer, fake_settings: Settings) -> None:
    entries, _ = parse_page(seed("003").read_text(encoding="utf-8"), "003.txt")
    out = io.StringIO()
    r = Resolver(fake_settings, progress=BarProgress(out))
    try:
        r.resolve(entries)
    finally:
        r.close()
    draws = out.getvalue().split("\r\x1b[2K")[1:]
    full = "[" + "#" * BarProgress.WIDTH + "]"
    assert [full in d for d in draws] == [False] * (len(draws) - 1) + [True]
    n = len(entries)
    assert any(f"{n}/{n} entries" in d and "completing records" in d for d in draws[:-1])  # the enrichment step
    assert "completing" not in draws[-1]


def test_live_bar_redraws_one_line() -> None:
    out = io.StringIO()
    bar = BarProgress(out)
    bar.start(4)
    bar.advance(4)
    bar.finish()
    text = out.getvalue()
    assert text.startswith("\r") and text.endswith("\n") and text.count("\n") == 1
    assert "[########################] 4/4 entries" in text
