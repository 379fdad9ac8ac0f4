"""Story: a researcher pastes Daily Papers pages into readlist: online, offline then `readlist resolve`, under
rate limits, and with Ctrl-C (or SIGTERM) half way through."""

from __future__ import annotations

import random
import re
import signal
from collections.abc import Callable
from pathlib import Path

import bibtexparser

from readlist.text import normalize_title
from tests.fakeserver import FakeServer
from tests.scenarios.harness import (
    INTERRUPTED,
    User,
    bare_title_word,
    counts,
    expected_matches,
    matched_id,
    page_entries,
    pages,
)

SUMMARY = re.compile(r"^added: (\d+) new, (\d+) already in the library, (\d+) repeats? in this input$")
RESOLUTION = re.compile(r"^resolution: (?P<statuses>.*) \((?P<requests>\d+) requests?, (?P<hits>\d+) from the cache\)$")


def summary(run_lines: list[str]) -> tuple[int, int, int]:
    m = SUMMARY.match(run_lines[0])
    assert m, run_lines
    return int(m[1]), int(m[2]), int(m[3])


def resolution(run_lines: list[str]) -> tuple[dict[str, int], int]:
    """The statuses the summary counts, and the requests it says were sent."""
    (line,) = [line for line in run_lines if line.startswith("resolution:")]
    m = RESOLUTION.match(line)
    assert m, line
    statuses = {}
    for part in m["statuses"].split(", "):
        n, status = part.split(" ", 1)
        statuses[status] = int(n)
    return statuses, int(m["requests"])


def page_titles(selected: list[Path]) -> dict[tuple[str, int], str]:
    """(file, line) of each entry -> the title the page gives it."""
    return {(str(p), e.source_line): e.title or "" for p in selected for e in page_entries(p)}


def essentials(user: User) -> list[tuple]:
    """What two runs must agree on: ids, keys, titles, authors, identifiers, statuses and sources."""
    return [
        (p["id"], p["key"], p["title"], p["authors"], p["year"], p["arxiv_id"], p["doi"], p["status"],
         sorted((s["file"], s["line"]) for s in p["sources"]))
        for p in sorted(user.papers(), key=lambda p: p["id"])
    ]  # fmt: skip


def test_pasting_a_page_online_stores_every_paper_and_matches_those_arxiv_has(user: User) -> None:
    page = pages()[3]
    n_papers, n_entries = counts([page])
    run = user.ok("add", str(page))
    assert summary(run.lines) == (n_papers, 0, n_entries - n_papers)
    statuses, requests = resolution(run.lines)
    assert sum(statuses.values()) == n_papers and requests >= 1

    titles, want = page_titles([page]), expected_matches()
    papers = user.papers()
    assert len(papers) == n_papers and user.sources() == n_entries
    for p in papers:
        title = normalize_title(titles[(p["sources"][0]["file"], p["sources"][0]["line"])])
        if title in want:
            assert (p["status"], matched_id(p)) == ("matched", want[title]), p
        else:
            assert p["status"] != "matched", p  # never a wrong match
        assert not bare_title_word(p["key"], p["title"]), p["key"]
        if p["status"] == "matched" and p["authors"] and p["year"]:
            assert re.fullmatch(rf"[a-z]+{p['year']}[a-z0-9]+", p["key"]), p["key"]
    if statuses.get("needs-review"):
        assert "next: `readlist review`" in run.out
    # what the researcher exports reads back as the same papers
    user.ok("export", "-o", "reading-list.bib")
    exported = bibtexparser.parse_file(str(user.home / "reading-list.bib"))
    assert not exported.failed_blocks
    assert sorted(e.key for e in exported.entries) == sorted(p["key"] for p in papers)


def test_pasting_all_five_pages_counts_new_papers_library_papers_and_repeats_apart(user: User) -> None:
    every = pages()
    n_papers, n_entries = counts(every)
    run = user.ok("add", "--no-resolve", *map(str, every))
    assert summary(run.lines) == (n_papers, 0, n_entries - n_papers)
    assert f"next: `readlist resolve` ({n_papers} papers pending)" in run.lines
    assert len(user.papers()) == n_papers and user.sources() == n_entries

    first_papers, first_entries = counts(every[:1])
    again = user.ok("add", "--no-resolve", str(every[0]))
    assert summary(again.lines) == (0, first_papers, first_entries - first_papers)
    assert len(user.papers()) == n_papers and user.sources() == n_entries


def test_pasting_a_page_offline_keeps_every_entry_pending_and_resolve_finishes_it(
    new_user: Callable[..., User],
) -> None:
    page = pages()[3]
    n_papers, n_entries = counts([page])
    offline = new_user("offline", online=False)
    run = offline("add", str(page))
    assert run.code == 0, str(run)
    assert summary(run.lines) == (n_papers, 0, n_entries - n_papers)
    statuses, requests = resolution(run.lines)
    assert statuses == {"pending": n_papers}
    assert requests <= 2, "one attempt per host, then every entry waits for `readlist resolve`"
    assert f"next: `readlist resolve` when the network is back ({n_papers} papers pending)" in run.lines
    reasons = [line.strip() for line in run.err_lines if "pending:" in line]
    assert reasons and all("connection refused" in r for r in reasons), run.err
    assert "arxiv: " not in run.err.lower().replace("arxiv: connection", ""), "no repeated service names"
    assert all(p["status"] == "pending" for p in offline.papers())

    offline.online = True
    resolved = offline.ok("resolve")
    statuses, _ = resolution(resolved.lines)
    assert "pending" not in statuses
    clean = new_user("clean")
    clean.ok("add", str(page))
    assert essentials(offline) == essentials(clean), "pending then resolved ends as a run without faults, keys too"


def test_pasting_a_page_under_rate_limits_waits_and_ends_as_without_them(
    new_user: Callable[..., User], fake_server: FakeServer
) -> None:
    page = pages()[3]
    clean = new_user("clean")
    clean.ok("add", str(page))
    fake_server.clear_log()
    fake_server.faults.retry_after = 1
    fake_server.faults.push("429-retry-after", "503-retry-after", service="arxiv")
    fake_server.faults.push("429", "503", service="s2")
    limited = new_user("limited")
    run = limited.ok("add", str(page))
    statuses, _ = resolution(run.lines)
    assert "pending" not in statuses
    assert sum(r.fault is not None for r in fake_server.requests()) >= 3, "the limits were met"
    assert essentials(limited) == essentials(clean)


def wait_for_resolution(proc) -> str:
    """Read stderr until resolution starts (every entry is stored by then); the lines read."""
    seen = ""
    while True:
        line = proc.stderr.readline()
        assert line, f"readlist ended before resolving: {seen}"
        seen += line
        if line.startswith("resolve:") and line.rstrip().endswith("to resolve"):
            return seen


def interrupted_half_way(new_user: Callable[..., User], signum: int) -> None:
    every = pages()
    n_papers, n_entries = counts(every)
    slow = new_user(f"slow-{signum}", extra_env={"READLIST_ARXIV_INTERVAL": "0.4", "READLIST_S2_INTERVAL": "0.4"})
    proc = slow.spawn("add", *map(str, every))
    wait_for_resolution(proc)
    code, err, seconds = slow.interrupt(proc, signum)
    assert code == 128 + signum, err
    last = err.strip().splitlines()[-1]
    m = INTERRUPTED.match(last)
    assert m, err
    assert "Traceback" not in err and "Aborted" not in err
    assert seconds < 10, f"took {seconds:.1f} s to stop (benchmarks/bench_crash.py measures the 2 s promise)"
    papers = slow.papers()
    assert len(papers) == n_papers and slow.sources() == n_entries, "every parsed entry is kept"
    assert sum(p["status"] == "pending" for p in papers) == int(m[1])
    slow.extra_env.clear()
    slow.ok("resolve")
    assert [p for p in slow.papers() if p["status"] == "pending"] == []


def test_ctrl_c_half_way_keeps_every_parsed_entry_and_resolve_continues(new_user: Callable[..., User]) -> None:
    interrupted_half_way(new_user, signal.SIGINT)


def test_sigterm_half_way_is_a_ctrl_c(new_user: Callable[..., User]) -> None:
    interrupted_half_way(new_user, signal.SIGTERM)


def test_ctrl_c_at_a_random_moment_loses_nothing_parsed(new_user: Callable[..., User]) -> None:
    """The loop benchmarks/bench_crash.py runs 20 times, here three times."""
    from tests.crash import interrupt_loop

    env = new_user("loop", extra_env={"READLIST_ARXIV_INTERVAL": "0.02", "READLIST_S2_INTERVAL": "0.02"}).env
    figures = interrupt_loop(env, [str(p) for p in pages()], 3, random.Random(3), limit=10)
    assert figures.problems == [], figures.problems
    assert figures.kept_all == figures.runs - figures.before_reading
