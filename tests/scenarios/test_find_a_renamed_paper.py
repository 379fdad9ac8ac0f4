"""Story: a researcher pastes a page whose paper has been renamed on arXiv since the page listed it. No title search
finds it under the page's title; readlist finds it by its abstract, matches it when the abstract is the page's
(`show` says how it was found and that the title differs), and asks the user when the abstract was rewritten too."""

from __future__ import annotations

from readlist.similarity import title_similarity
from readlist.text import normalize_title
from tests.scenarios.harness import User, corpus, page_entries, pages

# A renamed paper whose abstract was rewritten as well, and the page that listed it under its first title. Synthetic.
PAGE_TITLE = "Backlogs of Reading Lists as Queues"
PAGE_ABSTRACT = (
    "Reading lists grow when researchers paste pages of new papers every day. We model the backlog as a queue in "
    "which each paper waits until it is read, annotated or dropped, and predict its size from the pasting and "
    "reading rates. On synthetic lists of many sizes the backlog grows without bound unless reading keeps pace with "
    "pasting."
)
RENAMED = {
    "title": "Why Nobody Finishes Their Reading List",
    "arxiv_id": "2402.01234",
    "authors": ["Ada Example", "Bo Sample"],
    "published": "2024-02-02",
    "abstract": (  # the page's abstract reworded: the same paper, perhaps, but not for certain
        "Reading lists grow when researchers paste pages of new papers every day. We treat the backlog as a queue in "
        "which a paper waits until someone reads, annotates or drops it, and we estimate its size from the pasting "
        "and reading rates. On synthetic lists of many sizes the backlog grows without bound unless reading keeps "
        "pace with pasting."
    ),
}


def renamed_seed_paper() -> tuple[dict, str, str]:
    """The seed paper renamed furthest from its page title (the corpus records the current title; the seed page
    gives the old one and the abstract), with the page's title and abstract."""
    entries = {normalize_title(e.title or ""): e for page in pages() for e in page_entries(page) if e.abstract}
    renamed = [
        (title_similarity(p["seed_title"], p["title"]), p)
        for p in corpus()
        if p.get("kind") == "seed" and p.get("arxiv_id") and normalize_title(p.get("seed_title") or "") in entries
    ]
    _, paper = min(renamed, key=lambda sp: sp[0])
    entry = entries[normalize_title(paper["seed_title"])]
    assert normalize_title(entry.title or "") not in normalize_title(paper["title"]), "not renamed beyond recognition"
    return paper, entry.title or "", entry.abstract or ""


def test_a_renamed_paper_is_matched_by_its_abstract_and_show_says_so(user: User) -> None:
    paper, title, abstract = renamed_seed_paper()
    page = user.file("renamed.txt", f"{title}\n\n{abstract}\n")
    run = user.ok("add", str(page))
    assert run.lines[0] == "added: 1 new, 0 already in the library, 0 repeats in this input", run.out
    (found,) = user.papers()
    assert (found["status"], found["arxiv_id"]) == ("matched", paper["arxiv_id"])
    assert normalize_title(found["title"]) == normalize_title(paper["title"])  # arXiv's title now
    shown = user.ok("show", found["key"]).lines
    assert "    found_by: arXiv abstract search" in shown
    assert "    disagreed: title" in shown
    (agreed,) = [line for line in shown if line.startswith("    agreed: ")]
    assert "abstract" in agreed.split(": ", 1)[1].split(", ")


def test_a_renamed_paper_whose_abstract_was_rewritten_waits_for_review(user: User) -> None:
    assert user.server is not None
    user.server.set_corpus([RENAMED])
    page = user.file("renamed.txt", f"{PAGE_TITLE}\n\n{PAGE_ABSTRACT}\n")
    user.ok("add", str(page))
    (found,) = user.papers()
    assert found["status"] == "needs-review" and found["arxiv_id"] is None, found
    shown = user.ok("show", found["key"]).out
    assert RENAMED["title"] in shown and "found_by: arXiv abstract search" in shown
    assert [p["key"] for p in user.papers("--status", "needs-review")] == [found["key"]]
