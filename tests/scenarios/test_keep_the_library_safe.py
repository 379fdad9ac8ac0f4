"""Story: a researcher looks after the library: counts it (stats), backs it up, restores a backup (and a broken
file is refused), and looks into or empties the HTTP cache."""

from __future__ import annotations

import re

from tests.fakeserver import FakeServer
from tests.scenarios.harness import User, counts, pages

PYTHON_REPR = re.compile(r"\[['\"]|\{['\"]|datetime\.|timedelta|<[a-z_.]+ object at")


def test_stats_count_papers_by_status_and_read_state(user: User) -> None:
    page = pages()[3]
    n_papers, n_entries = counts([page])
    user.ok("add", "--no-resolve", str(page))
    (key,) = [p["key"] for p in user.papers()][:1]
    user.ok("read", key)
    user.ok("note", key, "a note")
    user.ok("tag", key, "rl")
    lines = user.ok("stats").lines
    assert lines[0] == f"{n_papers} papers, {n_entries} sources, 1 note, 1 tag"
    assert lines[1] == f"status: pending {n_papers}, matched 0, needs-review 0, unresolved 0"
    assert lines[2] == f"state: unread {n_papers - 1}, reading 0, read 1"
    assert lines[3] == f"keys: 0 settled, {n_papers} provisional; possible duplicates: 0"
    assert not PYTHON_REPR.search("\n".join(lines))


def test_back_up_then_restore_and_a_broken_backup_is_refused(user: User) -> None:
    user.ok("add", "--no-resolve", str(pages()[3]))
    n = len(user.papers())
    assert user.ok("backup", "backup.sqlite").lines == ["backed up to backup.sqlite"]
    key = user.papers()[0]["key"]
    user.ok("rm", "--yes", key)
    user.ok("note", user.papers()[0]["key"], "written after the backup")
    assert user.ok("restore", "backup.sqlite").lines == ["restored from backup.sqlite"]
    assert len(user.papers()) == n and all(not p["notes"] for p in user.papers())
    assert (user.home / "library.sqlite.before-restore.bak").exists()
    user.file("broken.sqlite", "not a library")
    run = user("restore", "broken.sqlite")
    assert run.code == 1 and len(run.err_lines) == 1 and "nothing was restored" in run.err
    assert len(user.papers()) == n


def test_the_http_cache_is_shown_in_words_and_can_be_emptied(user: User, fake_server: FakeServer) -> None:
    empty = user.ok("cache", "info").lines
    assert "responses: 0" in empty
    user.ok("add", str(pages()[3]))
    info = user.ok("cache", "info")
    lines = dict(line.split(": ", 1) for line in info.lines)
    assert lines["path"] == str(user.home / "http-cache.sqlite")
    assert int(lines["responses"]) >= 1 and lines["size"].endswith(("B", "kB", "MB"))
    assert lines["hosts"].startswith(fake_server.base_url.removeprefix("http://"))
    assert (
        lines["expiry"] == "arXiv ids 30 days, arXiv searches 7 days, Semantic Scholar 7 days, other 7 days, "
        "answers that found nothing 1 hour"
    )
    assert not PYTHON_REPR.search(info.out), info.out
    responses = int(lines["responses"])
    assert user.ok("cache", "clear").lines == [f"removed {responses} cached responses"]
    assert "responses: 0" in user.ok("cache", "info").lines
    # offline, with the cache empty, entries wait as pending: nothing is lost
    fresh = user.ok("--offline", "add", "2402.15567")
    assert "resolution: 1 pending" in fresh.out and "not in the cache" in fresh.err
