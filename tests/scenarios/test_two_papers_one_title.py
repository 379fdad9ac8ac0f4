"""Story: two different papers share one title (a reused "... is all you need", a workshop and a journal paper).
readlist keeps both, says on each that another paper has the same title, and `list --status duplicate` shows
them; entries of one title that nothing tells apart are still one paper."""

from __future__ import annotations

from readlist.text import normalize_title
from tests.scenarios.harness import User, corpus, page_entries, pages
from tests.scenarios.test_bring_a_bib import bib_entry

OTHER_ABSTRACT = (
    "A survey of cooking recipes written for this test only: soups, breads and sauces are compared by time, cost "
    "and taste, and a table lists which ones freeze well. Nothing here concerns learning or robots at all."
)


def same_title_pair() -> tuple[dict, dict, str]:
    """A seed paper on a seed page (with an arXiv id and a year) and another paper of its title, a workshop paper of
    other authors eight years earlier (made here: the recorded corpus holds real facts only); the page's title."""
    titles = {normalize_title(e.title or ""): e.title for page in pages() for e in page_entries(page)}
    for seed in corpus():
        norm = normalize_title(seed.get("seed_title") or "")
        if seed.get("kind") == "seed" and seed.get("arxiv_id") and seed.get("year") and norm in titles:
            other = {"title": seed["title"], "authors": ["Ada Example", "Bo Sample"], "year": seed["year"] - 8}
            return seed, other, titles[norm]
    raise AssertionError("the corpus holds no seed paper with an arXiv id and a year on a seed page")


def test_another_paper_with_the_same_title_is_kept_apart_and_flagged(user: User) -> None:
    seed, other, title = same_title_pair()
    page = next(p for p in pages() if any(e.title == title for e in page_entries(p)))
    user.ok("add", str(page))
    n = len(user.papers())
    refs = user.file("other.bib", bib_entry("synthetic2011", other, abstract=OTHER_ABSTRACT))
    run = user.ok("add", str(refs))
    assert run.lines[0] == "added: 1 new, 0 already in the library, 0 repeats in this input"
    assert len(user.papers()) == n + 1
    twins = [p for p in user.papers() if normalize_title(p["title"]) == normalize_title(title)]
    assert len(twins) == 2 and {p["key"] for p in twins} >= {"synthetic2011"}
    assert sorted(p["key"] for p in user.papers("--status", "duplicate")) == sorted(p["key"] for p in twins)
    for p, q in (twins, twins[::-1]):
        shown = user.ok("show", p["key"]).out
        assert f"possible duplicate of #{q['id']} {q['key']}" in shown
    seed_paper = next(p for p in twins if p["key"] != "synthetic2011")
    assert seed_paper["arxiv_id"] == seed["arxiv_id"], "the page's paper is still the seed paper"


def test_two_pages_with_one_title_and_different_abstracts_are_two_papers(user: User) -> None:
    _, _, title = same_title_pair()
    page = user.file("other-page.txt", f"{title}\n\n{OTHER_ABSTRACT}\n")
    source = next(p for p in pages() if any(e.title == title for e in page_entries(p)))
    run = user.ok("add", "--no-resolve", str(source), str(page))
    twins = [p for p in user.papers() if normalize_title(p["title"]) == normalize_title(title)]
    assert len(twins) == 2, run.out
    assert len(user.papers("--status", "duplicate")) == 2
    assert "abstracts differ" in user.ok("show", twins[0]["key"]).out


def test_entries_of_one_title_that_nothing_tells_apart_are_one_paper(user: User) -> None:
    seed, _, title = same_title_pair()
    source = next(p for p in pages() if any(e.title == title for e in page_entries(p)))
    user.ok("add", "--no-resolve", str(source))
    n = len(user.papers())
    refs = user.file("same.bib", bib_entry("mine2019", {**seed, "title": title}, eprint=False))
    run = user.ok("import", str(refs))
    assert run.lines[0] == "imported: 0 new, 1 already in the library, 0 repeats in this input"
    assert len(user.papers()) == n and user.papers("--status", "duplicate") == []
