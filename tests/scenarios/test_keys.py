"""Story: citation keys. A key is provisional while the paper stays in the library: added offline it is made
from the page, resolution makes it the author-year key a run without faults gives; once exported (or set with
`readlist key`, or brought by a .bib) it is settled and never moves again."""

from __future__ import annotations

from collections.abc import Callable

from tests.scenarios.harness import User, bare_title_word, pages


def keys_by_id(user: User) -> dict[int, str]:
    return {p["id"]: p["key"] for p in user.papers()}


def test_a_key_made_offline_becomes_the_author_year_key_and_then_never_moves(new_user: Callable[..., User]) -> None:
    page = pages()[3]
    offline = new_user("offline", online=False)
    assert offline("add", str(page)).code == 0
    papers = offline.papers()
    assert all(not p["key_settled"] for p in papers)
    assert [p["key"] for p in papers if bare_title_word(p["key"], p["title"])] == []
    assert "(key provisional" in offline.ok("show", papers[0]["key"]).lines[0]

    offline.online = True
    offline.ok("resolve")
    clean = new_user("clean")
    clean.ok("add", str(page))
    assert keys_by_id(offline) == keys_by_id(clean), "the key a run without faults gives"

    offline.ok("export", "-o", "refs.bib")
    settled = keys_by_id(offline)
    assert all(p["key_settled"] for p in offline.papers())
    assert "(key settled)" in offline.ok("show", next(iter(settled.values()))).lines[0]
    offline.ok("resolve")
    offline.ok("add", str(page))
    offline.ok("import", "refs.bib")
    assert keys_by_id(offline) == settled


def test_keys_of_papers_without_authors_are_never_a_bare_title_word(user: User) -> None:
    user.ok("add", "--no-resolve", *map(str, pages()))
    papers = user.papers()
    assert [p["key"] for p in papers if bare_title_word(p["key"], p["title"])] == []
    for p in papers:
        if p["year"] and not p["arxiv_id"] and not p["doi"]:
            assert p["key"].endswith(str(p["year"])) or p["key"][:-1].endswith(str(p["year"])), p


def test_readlist_key_refuses_keys_that_read_as_paper_references(user: User) -> None:
    user.ok("add", "--no-resolve", str(pages()[3]))
    first, second = sorted(user.papers(), key=lambda p: p["id"])[:2]
    for bad, rule in (
        ("12", "digits"),
        ("1706.03762", "arXiv id"),
        ("10.1000/xyz", "DOI"),
        ("arXiv:1706.03762", "arXiv id"),
    ):
        run = user("key", first["key"], bad)
        assert run.code == 1 and len(run.err_lines) == 1, str(run)
        assert repr(bad) in run.err and rule in run.err, run.err
    assert user.paper(str(second["id"]))["key"] == second["key"], "a number still names the paper it names"
    run = user.ok("key", first["key"], "park2024hilp")
    assert run.lines == [f"{first['key']} -> park2024hilp (settled)"]
    assert user.paper("park2024hilp")["key_settled"]
    taken = user("key", second["key"], "park2024hilp")
    assert taken.code == 1 and "already" in taken.err
