"""Story: a researcher brings the .bib file they already have: into an empty library, and into one that already
holds some of its papers (by arXiv id or by title)."""

from __future__ import annotations

from collections.abc import Callable

from readlist.text import normalize_title
from tests.fakeserver import FakeServer
from tests.scenarios.harness import User, corpus, page_entries, pages, seed_record
from tests.scenarios.test_paste_a_page import resolution

IMPORTED = "imported: {} new, {} already in the library, {} repeats in this input"


def bib_entry(key: str, record: dict, eprint: bool = True, **fields: str) -> str:
    """A .bib entry for a corpus record, as a reference manager writes one."""
    values = {"title": "{" + record["title"] + "}", "author": " and ".join(record["authors"])}
    if record.get("year") or record.get("published"):
        values["year"] = str(record.get("year") or record["published"][:4])
    if eprint and record.get("arxiv_id"):
        values |= {"eprint": record["arxiv_id"], "archivePrefix": "arXiv"}
    values |= fields
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in values.items())
    return f"@article{{{key},\n{body}\n}}\n"


def seed_papers_with_ids(n: int) -> list[dict]:
    found = [p for p in corpus() if p.get("kind") == "seed" and p.get("arxiv_id") and p.get("authors")]
    assert len(found) >= n
    return found[:n]


def test_importing_a_bib_into_an_empty_library_keeps_it_as_written_without_the_network(
    new_user: Callable[..., User], fake_server: FakeServer
) -> None:
    records = seed_papers_with_ids(3)
    keys = ["Lit:first", "lit-second-2020", "third_one"]
    text = "".join(bib_entry(k, r) for k, r in zip(keys, records, strict=True))
    user = new_user()
    refs = user.file("refs.bib", text)
    run = user.ok("import", str(refs))
    assert run.lines[0] == IMPORTED.format(3, 0, 0)
    assert fake_server.requests() == [], "import takes the file as the user's record: no resolution"
    papers = user.papers()
    assert sorted(p["key"] for p in papers) == sorted(keys)
    assert all(p["key_settled"] for p in papers)
    for key, record in zip(keys, records, strict=True):
        assert normalize_title(user.paper(key)["title"]) == normalize_title(record["title"])

    # `add refs.bib` is the same file resolved against arXiv: the keys stay the user's
    other = new_user("adds")
    added = other.ok("add", str(refs))
    assert added.lines[0] == "added: 3 new, 0 already in the library, 0 repeats in this input"
    assert resolution(added.lines)[0] == {"matched": 3}
    assert sorted(p["key"] for p in other.papers()) == sorted(keys)


def test_a_bib_entry_for_a_paper_stored_by_id_fills_it_in_and_brings_its_key(user: User) -> None:
    record = seed_record(pages()[0], arxiv_id=True, authors=True)
    user.ok("add", "--no-resolve", record["arxiv_id"])
    refs = user.file("refs.bib", bib_entry("mykey2016deep", record, pages="1--12"))
    run = user.ok("import", str(refs))
    assert run.lines[0] == IMPORTED.format(0, 1, 0)
    (paper,) = user.papers()
    assert normalize_title(paper["title"]) == normalize_title(record["title"])
    assert paper["authors"] == record["authors"]
    assert paper["key"] == "mykey2016deep" and paper["key_settled"]
    assert len(paper["sources"]) == 2
    assert "pages: 1--12" in user.ok("show", "mykey2016deep").out


def test_a_bib_entry_for_a_matched_paper_fills_only_what_the_record_lacks(user: User) -> None:
    record = seed_record(pages()[0], arxiv_id=True, authors=True)
    user.ok("add", record["arxiv_id"])
    before = user.paper(record["arxiv_id"])
    assert before["status"] == "matched" and not before["key_settled"]
    altered = {**record, "title": record["title"] + " (extended version)", "year": (before["year"] or 2000) + 1}
    refs = user.file("refs.bib", bib_entry("mine", altered, pages="7--9"))
    assert user.ok("import", str(refs)).lines[0] == IMPORTED.format(0, 1, 0)
    after = user.paper("mine")
    assert after["id"] == before["id"] and after["key_settled"]
    assert (after["title"], after["year"], after["authors"]) == (before["title"], before["year"], before["authors"])
    show = user.ok("show", "mine").out
    assert "pages: 7--9" in show, "an empty field is filled"
    assert f"differs in {refs}" in show and "(extended version)" in show and str(altered["year"]) in show


def test_a_bib_entry_for_a_paper_stored_from_a_page_merges_by_title(user: User) -> None:
    page = pages()[0]
    record = seed_record(page, authors=True)
    user.ok("add", "--no-resolve", str(page))
    n = len(user.papers())
    entry = {**record, "title": record["seed_title"]}
    refs = user.file("refs.bib", bib_entry("bytitle2024", entry, eprint=False))
    assert user.ok("import", str(refs)).lines[0] == IMPORTED.format(0, 1, 0)
    assert len(user.papers()) == n
    paper = user.paper("bytitle2024")
    assert paper["authors"] == record["authors"] and paper["key_settled"]
    titles = {
        e.source_line for e in page_entries(page) if normalize_title(e.title or "") == normalize_title(entry["title"])
    }
    assert {s["line"] for s in paper["sources"] if s["file"] == str(page)} <= titles


def test_two_bib_entries_with_their_own_keys_for_one_paper_are_both_kept_and_flagged(user: User) -> None:
    record = seed_record(pages()[0], arxiv_id=True, authors=True)
    refs = user.file("refs.bib", bib_entry("smith2020a", record) + bib_entry("smith2020b", record))
    assert user.ok("import", str(refs)).lines[0] == IMPORTED.format(2, 0, 0)
    flagged = user.papers("--status", "duplicate")
    assert sorted(p["key"] for p in flagged) == ["smith2020a", "smith2020b"]
    assert "possible duplicate of" in user.ok("show", "smith2020a").out
    assert "smith2020b" in user.ok("show", "smith2020a").out


def test_a_settled_key_stays_and_the_bib_key_finds_the_paper_too(user: User) -> None:
    record = seed_record(pages()[0], arxiv_id=True, authors=True)
    user.ok("add", record["arxiv_id"])
    user.ok("export", "-o", "out.bib")
    key = user.paper(record["arxiv_id"])["key"]
    refs = user.file("refs.bib", bib_entry("theirkey", record))
    assert user.ok("import", str(refs)).lines[0] == IMPORTED.format(0, 1, 0)
    assert user.paper(record["arxiv_id"])["key"] == key, "a key that left the library never changes"
    assert user.paper("theirkey")["key"] == key
