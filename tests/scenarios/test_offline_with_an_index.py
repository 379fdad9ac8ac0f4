"""Story: a researcher with a local arXiv index (built from a snapshot of the recorded corpus and generated records)
pastes a seed page offline: every paper the index holds is matched with no request, `show` names the index and
its date, and a later online `readlist resolve` still completes the matches from Semantic Scholar. A paper renamed
since the page was written is found by its abstract. Without an index, offline entries wait, pending."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest

from readlist.text import normalize_title
from tests.fakeserver import FakeServer
from tests.paths import REPO
from tests.scenarios.harness import User, corpus, counts, expected_matches, page_entries, pages
from tests.snapshots import corpus_records, write_snapshot

GENERATED = 2000  # records of benchmarks/snapshot.py around the corpus's


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Generated records, then the corpus's (in the snapshot schema, with the seed pages' abstracts)."""
    folder = tmp_path_factory.mktemp("snapshot")
    generated = folder / "generated.json"
    script = REPO / "benchmarks" / "snapshot.py"
    subprocess.run([sys.executable, str(script), str(GENERATED), str(generated), "--seed", "7"], check=True)
    lines = generated.read_text(encoding="utf-8").splitlines()
    return write_snapshot(folder / "arxiv-metadata-oai-snapshot.json", [*map(json.loads, lines), *corpus_records()])


def index_date(snapshot: Path) -> str:
    return max(json.loads(line)["update_date"] for line in snapshot.read_text(encoding="utf-8").splitlines())


def in_index(snapshot: Path) -> set[str]:
    return {json.loads(line)["id"] for line in snapshot.read_text(encoding="utf-8").splitlines()}


def by_page_title(user: User, page: Path) -> dict[str, dict]:
    """Normalized title the page gives each paper (its first entry) -> the paper (`list --json`)."""
    titles = {(str(page), e.source_line): normalize_title(e.title or "") for e in page_entries(page)}
    return {titles[(p["sources"][0]["file"], p["sources"][0]["line"])]: p for p in user.papers()}


def resolution_line(lines: list[str]) -> str:
    (line,) = [line for line in lines if line.startswith("resolution:")]
    return line


def test_offline_with_an_index_matches_what_it_holds_with_no_request(
    new_user: Callable[..., User], fake_server: FakeServer, snapshot: Path
) -> None:
    user = new_user()
    user.ok("index", "build", str(snapshot))
    page = pages()[3]
    n_papers, _ = counts([page])
    held, want = in_index(snapshot), expected_matches()

    run = user.ok("add", "--offline", str(page))
    assert fake_server.requests() == [], "offline: not one request"
    assert "(0 requests," in resolution_line(run.lines)
    papers = by_page_title(user, page)
    assert len(papers) == n_papers
    for title, p in papers.items():
        if want.get(title) in held:
            assert (p["status"], p["arxiv_id"]) == ("matched", want[title]), p
        else:  # not in the index: it waits for the network, never matched to something else
            assert p["status"] in ("pending", "needs-review", "unresolved"), p
    pending = sum(p["status"] == "pending" for p in papers.values())
    matched = sum(p["status"] == "matched" for p in papers.values())
    owed = f"{pending} papers pending, {matched} matches to complete" if pending else f"{matched} matches to complete"
    assert f"next: `readlist resolve` when the network is back ({owed})" in run.lines, run.out

    # show names the index and its date
    first = next(p for p in papers.values() if p["status"] == "matched")
    shown = user.ok("show", first["key"]).out
    assert f"source: local arXiv index ({index_date(snapshot)})" in shown
    assert "incomplete: " in shown and "Semantic Scholar" in shown, "what the match still lacks is said"

    # back online, `readlist resolve` completes the matches from Semantic Scholar (and asks arXiv for the rest)
    published = {p["arxiv_id"]: p for p in corpus() if p.get("arxiv_id") and p.get("venue")}
    enriched = next(p for p in papers.values() if p["status"] == "matched" and p["arxiv_id"] in published)
    assert not user.paper(enriched["key"])["venue"], "offline: what Semantic Scholar knows is not there yet"
    user.ok("resolve")
    assert any(r.target.startswith("/graph/v1/paper/batch") for r in fake_server.requests())
    assert user.paper(enriched["key"])["venue"] == published[enriched["arxiv_id"]]["venue"]
    shown = user.ok("show", enriched["key"]).out
    assert "source: local arXiv index" in shown and "incomplete: " not in shown
    with closing(sqlite3.connect(user.library)) as db:
        owed = db.execute("SELECT count(*) FROM papers WHERE json_extract(evidence, '$.incomplete') IS NOT NULL")
        assert owed.fetchone()[0] == 0, "every match is complete now"


def test_a_paper_renamed_since_the_page_is_found_by_its_abstract_offline(
    new_user: Callable[..., User], fake_server: FakeServer, snapshot: Path
) -> None:
    renamed = [p for p in corpus() if p.get("kind") == "seed" and p.get("title_v1") and p.get("arxiv_id")]
    assert renamed, "the corpus holds renamed seed papers"
    wanted = {normalize_title(p["seed_title"]): p["arxiv_id"] for p in renamed}
    page = next(page for page in pages() if any(normalize_title(e.title or "") in wanted for e in page_entries(page)))
    user = new_user()
    user.ok("index", "build", str(snapshot))
    user.ok("--offline", "add", str(page))
    found = by_page_title(user, page)
    hits = {t: (found[t]["status"], found[t]["arxiv_id"]) for t in wanted if t in found}
    assert hits and hits == {t: ("matched", wanted[t]) for t in hits}
    assert fake_server.requests() == []


def test_offline_without_an_index_every_entry_waits_pending(
    new_user: Callable[..., User], fake_server: FakeServer
) -> None:
    user = new_user()
    page = pages()[3]
    n_papers, _ = counts([page])
    run = user.ok("--offline", "add", str(page))
    assert fake_server.requests() == []
    assert {p["status"] for p in user.papers()} == {"pending"}
    assert f"next: `readlist resolve` when the network is back ({n_papers} papers pending)" in run.lines
    assert "index" not in run.out + run.err, "no index: the source is absent, and says nothing"
