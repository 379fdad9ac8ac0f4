"""Story: a researcher reads, takes notes, tags, finds and removes papers; removing asks first, on a terminal,
and without one needs --yes."""

from __future__ import annotations

import sys

import pytest

from tests.scenarios.harness import User, counts, pages


@pytest.fixture
def reader(user: User) -> User:
    user.ok("add", "--no-resolve", str(pages()[3]))
    return user


def first_keys(user: User, n: int) -> list[str]:
    return [p["key"] for p in sorted(user.papers(), key=lambda p: p["id"])[:n]]


def test_read_state_notes_tags_and_finding_them_again(reader: User) -> None:
    one, two, three = first_keys(reader, 3)
    assert reader.ok("read", one).lines == [f"{one}: read"]
    assert reader.ok("reading", two).lines == [f"{two}: reading"]
    reader.ok("read", three)
    assert reader.ok("unread", three).lines == [f"{three}: unread"]
    assert reader.ok("note", one, "Compare with METRA, section 4.").lines == [f"{one}: 1 note"]
    assert reader.ok("tag", one, "rl", "to-cite").lines == [f"{one}: rl, to-cite"]
    assert reader.ok("untag", one, "to-cite").lines == [f"{one}: rl"]
    assert [p["key"] for p in reader.papers("--state", "read")] == [one]
    assert [p["key"] for p in reader.papers("--tag", "rl", "--state", "read")] == [one]
    assert [p["key"] for p in reader.papers("--search", "METRA")] == [one]
    assert [p["key"] for p in reader.papers("--status", "pending", "--state", "reading")] == [two]
    listing = reader.ok("list", "--state", "read").lines
    assert len(listing) == 1 and f"[x] {one}" in listing[0]
    show = reader.ok("show", one).out
    assert "read state: read" in show and "tags: rl" in show and "Compare with METRA, section 4." in show
    stats = reader.ok("stats").lines
    assert stats[0].startswith(f"{counts([pages()[3]])[0]} papers, ")


def test_a_note_written_in_the_editor(reader: User) -> None:
    (key,) = first_keys(reader, 1)
    editor = reader.file(
        "editor.py", "import sys\nopen(sys.argv[1], 'w').write('Written in my editor.\\n# dropped\\n')\n"
    )
    reader.extra_env["EDITOR"] = f"{sys.executable} {editor}"
    assert reader.ok("note", key).lines == [f"{key}: 1 note"]
    assert reader.paper(key)["notes"] == ["Written in my editor."]


def test_rm_without_a_terminal_needs_yes_and_changes_nothing(reader: User) -> None:
    one, two = first_keys(reader, 2)
    n = len(reader.papers())
    for answer in (None, "n\n", "y\n"):
        run = reader("rm", one, input=answer)
        assert run.code == 1 and len(run.err_lines) == 1, str(run)
        assert "--yes" in run.err and "terminal" in run.err
        assert len(reader.papers()) == n
    assert reader.ok("rm", "--yes", one, two).lines == [f"removed {one}", f"removed {two}"]
    assert len(reader.papers()) == n - 2
    gone = reader("show", one)
    assert gone.code == 1 and f"no paper '{one}'" in gone.err


def test_rm_on_a_terminal_names_the_papers_and_asks(reader: User) -> None:
    one, two = first_keys(reader, 2)
    titles = {p["key"]: p["title"] for p in reader.papers()}
    n = len(titles)
    code, shown = reader.terminal("rm", one, two, answers=[("[y/N]", "n")])
    assert code == 1 and "nothing was removed" in shown
    assert one in shown and two in shown and titles[one][:30] in shown
    assert len(reader.papers()) == n
    code, shown = reader.terminal("rm", one, answers=[("[y/N]", "y")])
    assert code == 0 and f"removed {one}" in shown
    assert len(reader.papers()) == n - 1
