"""Story: a researcher adds papers by arXiv id, arXiv URL or DOI: online, offline then online."""

from __future__ import annotations

import re
from collections.abc import Callable

from readlist.text import normalize_title
from tests.scenarios.harness import User, corpus, pages, seed_record
from tests.scenarios.test_paste_a_page import resolution, summary


def two_arxiv_papers_and_a_doi() -> tuple[dict, dict, dict]:
    with_id = [p for p in corpus() if p.get("kind") == "seed" and p.get("arxiv_id") and p.get("authors")]
    with_doi = [p for p in corpus() if p.get("kind") == "seed" and p.get("doi") and not p.get("arxiv_id")]
    with_doi = with_doi or [p for p in corpus() if p.get("kind") == "seed" and p.get("doi")]
    assert len(with_id) >= 2 and with_doi, "the corpus holds seed papers with arXiv ids and with DOIs"
    doi = with_doi[0]
    first, second = [p for p in with_id if p.get("arxiv_id") != doi.get("arxiv_id")][:2]
    return first, second, doi


def check_matched(user: User, ref: str, record: dict) -> dict:
    paper = user.paper(ref)
    assert paper["status"] == "matched", user("show", ref).out
    assert normalize_title(paper["title"]) == normalize_title(record["title"])
    assert paper["authors"] == record["authors"]
    assert paper["key"].isascii() and re.fullmatch(r"[a-z]+\d{4}[a-z0-9]+", paper["key"]), paper["key"]
    return paper


def test_adding_an_arxiv_id_an_arxiv_url_and_a_doi_online(user: User) -> None:
    first, second, doi = two_arxiv_papers_and_a_doi()
    run = user.ok("add", first["arxiv_id"], f"https://arxiv.org/abs/{second['arxiv_id']}v1", f"doi:{doi['doi']}")
    assert summary(run.lines) == (3, 0, 0)
    assert resolution(run.lines)[0] == {"matched": 3}
    check_matched(user, first["arxiv_id"], first)
    check_matched(user, second["arxiv_id"], second)
    check_matched(user, doi["doi"], doi)


def test_ids_added_without_network_are_resolved_later_by_fetching_those_ids(new_user: Callable[..., User]) -> None:
    first, _, doi = two_arxiv_papers_and_a_doi()
    ids = [first["arxiv_id"], f"https://doi.org/{doi['doi']}"]
    offline = new_user("offline", online=False)
    run = offline("add", *ids)
    assert run.code == 0, str(run)
    assert summary(run.lines) == (2, 0, 0) and resolution(run.lines)[0] == {"pending": 2}
    assert "next: `readlist resolve` when the network is back (2 papers pending)" in run.lines
    for p in offline.papers():
        assert p["status"] == "pending" and not p["authors"]
        assert not p["key"].isdigit()

    offline.online = True
    resolved = offline.ok("resolve")
    assert resolution(resolved.lines)[0] == {"matched": 2}
    check_matched(offline, first["arxiv_id"], first)
    check_matched(offline, doi["doi"], doi)
    clean = new_user("clean")
    clean.ok("add", *ids)
    assert [p["key"] for p in offline.papers()] == [p["key"] for p in clean.papers()]


def test_adding_a_pending_id_again_online_resolves_it(user: User) -> None:
    record = seed_record(pages()[0], arxiv_id=True)
    user.ok("add", "--no-resolve", record["arxiv_id"])
    assert user.paper(record["arxiv_id"])["status"] == "pending"
    run = user.ok("add", f"arXiv:{record['arxiv_id']}")
    assert summary(run.lines) == (0, 1, 0)
    assert resolution(run.lines)[0] == {"matched": 1}
    check_matched(user, record["arxiv_id"], record)


def test_an_id_arxiv_does_not_know_is_unresolved_and_says_why(user: User) -> None:
    known = {p.get("arxiv_id") for p in corpus()}
    missing = next(f"2912.{n:05d}" for n in range(90000, 99999) if f"2912.{n:05d}" not in known)
    run = user.ok("add", missing)
    assert resolution(run.lines)[0] == {"unresolved": 1}
    show = user.ok("show", missing)
    assert f"reason: arXiv has no paper {missing}" in show.out
