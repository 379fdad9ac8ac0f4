"""Story: a researcher settles the papers readlist was not sure about: accept, reject, skip, bad input, quit,
the scripted flags, and taking a rejection back.

The corpus is a small synthetic one (made here, served by the fake server): two records of one title and abstract
make a near tie, which always needs review; one record alone is a match."""

from __future__ import annotations

import re

import pytest

from readlist.text import normalize_title
from tests.fakeserver import FakeServer
from tests.scenarios.harness import User

ABSTRACT = (
    "We study {topic} in synthetic environments built for this test. Our method combines planning with learned "
    "models and is evaluated on a suite of tasks; it improves over baselines on most of them while using fewer "
    "samples, and we analyse where it fails. Code and data are synthetic and exist only inside the test suite."
)
TOPICS = ("tie one", "tie two", "the matched case")


def record(arxiv_id: str, title: str, topic: str, author: str) -> dict:
    return {
        "arxiv_id": arxiv_id, "title": title, "authors": [f"{author} Author", "Second Person"],
        "published": "2025-01-02", "abstract": ABSTRACT.format(topic=topic), "kind": "synthetic",
    }  # fmt: skip


@pytest.fixture
def reviewer(user: User, fake_server: FakeServer) -> User:
    """A library of three papers from a pasted page: two need review (near ties), one is matched."""
    fake_server.set_corpus(
        [
            record("2501.00011", "Synthetic Planning With Tied Records", TOPICS[0], "Alpha"),
            record("2501.00012", "Synthetic Planning With Tied Records", TOPICS[0], "Beta"),
            record("2501.00021", "Another Synthetic Tie For Review", TOPICS[1], "Gamma"),
            record("2501.00022", "Another Synthetic Tie For Review", TOPICS[1], "Delta"),
            record("2501.00031", "A Synthetic Paper That Matches", TOPICS[2], "Epsilon"),
        ]
    )
    page = user.file(
        "page.txt",
        "Synthetic Planning With Tied Records\n\n" + ABSTRACT.format(topic=TOPICS[0]) + "\n\n"
        "Another Synthetic Tie For Review\n\n" + ABSTRACT.format(topic=TOPICS[1]) + "\n\n"
        "a synthetic paper that matches\n\n" + ABSTRACT.format(topic=TOPICS[2]) + "\n",
    )
    run = user.ok("add", str(page))
    assert "next: `readlist review` (2 papers need review)" in run.lines, run.out
    return user


def numbers(user: User, status: str) -> list[str]:
    """The papers with this status, by number (a provisional key changes as a review decides)."""
    return [str(p["id"]) for p in sorted(user.papers("--status", status), key=lambda p: p["id"])]


def candidate_ids(shown: str) -> list[str]:
    """The candidates' arXiv ids in the order the review shows them ([1], [2], ...)."""
    return re.findall(r"^\s+\S+\s+(\d{4}\.\d{5})\s+score", shown, re.MULTILINE)


def test_review_shows_why_reasks_on_bad_input_and_settles_each_paper(reviewer: User) -> None:
    first, second = numbers(reviewer, "needs-review")
    run = reviewer.ok("review", input="9\nabc\n1\nr\n")
    assert run.out.count("why: near tie with") == 2
    hints = [line.split("[s]: ")[-1] for line in run.lines if "is not a choice" in line]
    assert len(hints) == 2 and re.search(r"\(1-\d\)", hints[0])
    assert "r to reject" in hints[0] and "q to quit" in hints[0]
    chosen = candidate_ids(run.out)[0]
    assert reviewer.paper(first)["status"] == "matched" and reviewer.paper(first)["arxiv_id"] == chosen
    assert reviewer.paper(second)["status"] == "unresolved"
    assert run.lines[-1] == "review: 1 accepted, 1 rejected, 0 skipped"


def test_q_quits_and_keeps_what_was_decided(reviewer: User) -> None:
    first, second = numbers(reviewer, "needs-review")
    run = reviewer.ok("review", input="2\nq\n")
    assert reviewer.paper(first)["status"] == "matched"
    assert reviewer.paper(second)["status"] == "needs-review"
    assert run.lines[-2:] == [
        "review: 1 accepted, 0 rejected, 0 skipped",
        "1 paper still needs review: `readlist review` continues",
    ]


def test_the_end_of_the_input_is_a_quit(reviewer: User) -> None:
    run = reviewer.ok("review", input="s\n")
    assert numbers(reviewer, "needs-review") and len(numbers(reviewer, "needs-review")) == 2
    assert "review: 0 accepted, 0 rejected, 1 skipped" in run.lines


def test_scripted_accept_and_reject_are_exclusive(reviewer: User) -> None:
    first, second = numbers(reviewer, "needs-review")
    both = reviewer("review", first, "--accept", "1", "--reject")
    assert both.code == 2 and "--accept and --reject cannot be used together" in both.err
    assert reviewer.paper(first)["status"] == "needs-review"
    wrong = reviewer("review", first, "--accept", "9")
    assert wrong.code == 1 and len(wrong.err_lines) == 1 and "2501.000" in wrong.err
    shown = reviewer.ok("show", first).out
    second_candidate = candidate_ids(shown)[1]
    key = reviewer.paper(first)["key"]
    accepted = reviewer.ok("review", first, "--accept", "2")
    new_key = reviewer.paper(first)["key"]
    assert accepted.lines == [f"{key}: matched to {second_candidate} (key now {new_key})"]
    assert reviewer.paper(first)["arxiv_id"] == second_candidate
    rejected = reviewer.ok("review", second, "--reject")
    assert rejected.lines[0].startswith(f"{reviewer.paper(second)['key']}: unresolved")
    assert reviewer.ok("review").lines == ["nothing needs review"]


def test_rejecting_a_match_restores_the_page_and_accept_takes_it_back(reviewer: User) -> None:
    (matched,) = numbers(reviewer, "matched")
    before = reviewer.paper(matched)
    assert before["title"] == "A Synthetic Paper That Matches" and before["authors"]
    reviewer.ok("review", matched, "--reject")
    after = reviewer.paper(matched)
    assert after["status"] == "unresolved"
    assert after["title"] == "a synthetic paper that matches", "the page's text again"
    assert after["authors"] == [] and after["arxiv_id"] is None
    assert after["key"] != before["key"], "a provisional key follows what the paper shows"
    assert "2501.00031" in reviewer.ok("show", matched).out, "the candidates are kept"
    reviewer.ok("resolve")
    assert reviewer.paper(matched)["status"] == "unresolved", "resolve never undoes a decision"
    run = reviewer.ok("review", matched, "--accept", "1")
    assert run.lines == [f"{after['key']}: matched to 2501.00031 (key now {before['key']})"]
    again = reviewer.paper("2501.00031")
    assert (again["title"], again["authors"]) == (before["title"], before["authors"])
    assert normalize_title(again["title"]) == normalize_title("a synthetic paper that matches")


def test_nothing_to_review(user: User) -> None:
    assert user.ok("review").lines == ["nothing needs review"]
